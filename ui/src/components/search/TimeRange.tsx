// The search's time range: a relative lookback (the last 5 minutes … 7 days, ending now
// when the search runs) or an absolute start and end.
import { fromLocalInput, toLocalInput } from './search-query.ts';

const LOOKBACKS: [string, string][] = [
  ['5m', 'Last 5 minutes'],
  ['15m', 'Last 15 minutes'],
  ['30m', 'Last 30 minutes'],
  ['1h', 'Last hour'],
  ['3h', 'Last 3 hours'],
  ['6h', 'Last 6 hours'],
  ['12h', 'Last 12 hours'],
  ['24h', 'Last 24 hours'],
  ['2d', 'Last 2 days'],
  ['7d', 'Last 7 days'],
];

export interface Range {
  /** a duration, or 'custom' for start/end */
  lookback: string;
  start: string;
  end: string;
}

export function TimeRange({ range, onChange }: { range: Range; onChange: (range: Range) => void }) {
  const known = LOOKBACKS.some(([value]) => value === range.lookback);
  return (
    <fieldset className="time-range">
      <legend>Time range</legend>
      <select
        aria-label="Lookback"
        value={range.lookback}
        onChange={(e) => {
          const lookback = e.target.value;
          if (lookback !== 'custom') return onChange({ lookback, start: '', end: '' });
          // Custom starts from the range that was chosen, so it can be adjusted.
          const now = Date.now();
          onChange({ lookback, start: range.start || new Date(now - 3_600_000).toISOString(), end: range.end || new Date(now).toISOString() });
        }}
      >
        {LOOKBACKS.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
        {!known && range.lookback !== 'custom' && <option value={range.lookback}>Last {range.lookback}</option>}
        <option value="custom">Custom range…</option>
      </select>
      {range.lookback === 'custom' && (
        <>
          <label>
            From
            <input type="datetime-local" step="1" value={toLocalInput(range.start)} onChange={(e) => onChange({ ...range, start: fromLocalInput(e.target.value) })} />
          </label>
          <label>
            To
            <input type="datetime-local" step="1" value={toLocalInput(range.end)} onChange={(e) => onChange({ ...range, end: fromLocalInput(e.target.value) })} />
          </label>
        </>
      )}
    </fieldset>
  );
}
