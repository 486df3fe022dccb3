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

/**
 * A colour per service, stable across pages and reloads: a well-mixed hash of the name
 * (FNV-1a, then a murmur3 finaliser), so names that differ in one character (svc-a,
 * svc-b) still get far-apart hues.
 */
export function serviceColor(service: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < service.length; i++) hash = Math.imul(hash ^ service.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return `hsl(${(hash >>> 0) % 360}, 65%, 50%)`;
}
