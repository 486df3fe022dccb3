// The theme's colours (CSS variables of styles.css) for canvases, which CSS does not
// reach (cytoscape, uPlot): read when the component mounts and again whenever
// <html data-theme> changes, so canvases redraw in the new theme.
import { useEffect, useState } from 'react';

export interface ThemeColors {
  theme: string;
  bg: string;
  bgAlt: string;
  fg: string;
  fgMuted: string;
  border: string;
  accent: string;
  error: string;
  critical: string;
}

function readColors(): ThemeColors {
  const style = getComputedStyle(document.documentElement);
  const value = (name: string) => style.getPropertyValue(name).trim();
  return {
    theme: document.documentElement.dataset.theme ?? '',
    bg: value('--bg'),
    bgAlt: value('--bg-alt'),
    fg: value('--fg'),
    fgMuted: value('--fg-muted'),
    border: value('--border'),
    accent: value('--accent'),
    error: value('--error'),
    critical: value('--critical'),
  };
}

function same(a: ThemeColors, b: ThemeColors): boolean {
  return (Object.keys(a) as (keyof ThemeColors)[]).every((key) => a[key] === b[key]);
}

export function useThemeColors(): ThemeColors {
  const [colors, setColors] = useState(readColors);
  useEffect(() => {
    const update = () => setColors((known) => {
      const next = readColors();
      return same(known, next) ? known : next;
    });
    const observer = new MutationObserver(update);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'style', 'class'] });
    update();
    return () => observer.disconnect();
  }, []);
  return colors;
}
