// The window links (15m, 1h, 6h, 24h) of the map and health pages: each goes to the same
// page with `lookback=` set (an explicit start/end and step dropped), so the window lives
// in the URL; "Refresh" reads a relative window again, up to now.
import type { MouseEvent } from 'react';
import { navigate } from '../router.tsx';
import { LOOKBACKS, describeWindow, type TimeWindow } from './redWindow.ts';

export function WindowPicker({ path, query, range, onRefresh }: { path: string; query: URLSearchParams; range: TimeWindow; onRefresh: () => void }) {
  const to = (lookback: string) => {
    const next = new URLSearchParams(query);
    next.delete('start');
    next.delete('end');
    next.delete('step');
    next.set('lookback', lookback);
    return `${path}?${next}`;
  };
  const go = (event: MouseEvent<HTMLAnchorElement>, url: string) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(url);
  };
  return (
    <div className="red-window" role="group" aria-label="Time window">
      {LOOKBACKS.map((lookback) => {
        const url = to(lookback);
        const active = range.lookback === lookback;
        return (
          <a key={lookback} href={url} onClick={(e) => go(e, url)} className={active ? 'red-window-choice active' : 'red-window-choice'} aria-current={active ? 'true' : undefined} title={`The last ${lookback}`}>
            {lookback}
          </a>
        );
      })}
      <button type="button" onClick={onRefresh} title="Read the window again, up to now">
        Refresh
      </button>
      <span className="muted red-window-label">{describeWindow(range)}</span>
    </div>
  );
}
