// Dark and light themes as CSS variables on <html data-theme>, remembered per browser;
// the first visit follows the system's preference.
import { useEffect, useState } from 'react';

export type Theme = 'light' | 'dark';
const KEY = 'skein-theme';

function initialTheme(): Theme {
  const saved = localStorage.getItem(KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function useTheme(): [Theme, () => void] {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem(KEY, theme);
  }, [theme]);
  return [theme, () => setTheme((t) => (t === 'dark' ? 'light' : 'dark'))];
}

/** A colour per service, stable across pages and reloads (a hash of the name). */
export function serviceColor(service: string): string {
  let hash = 0;
  for (let i = 0; i < service.length; i++) hash = (hash * 31 + service.charCodeAt(i)) | 0;
  return `hsl(${((hash % 360) + 360) % 360}, 65%, 50%)`;
}
