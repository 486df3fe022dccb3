// How the map and health pages write durations, rates and shares.

/** Nanoseconds as people read them: 850 ns, 12.3 µs, 41.2 ms, 1.25 s. */
export function formatDuration(ns: number): string {
  if (!Number.isFinite(ns)) return '—';
  if (ns === 0) return '0';
  if (ns < 1e3) return `${Math.round(ns)} ns`;
  if (ns < 1e6) return `${significant(ns / 1e3)} µs`;
  if (ns < 1e9) return `${significant(ns / 1e6)} ms`;
  return `${significant(ns / 1e9)} s`;
}

/** Events per second: 12.3/s, 0.0083/s. */
export function formatRate(perSecond: number): string {
  if (perSecond === 0) return '0/s';
  return `${significant(perSecond)}/s`;
}

/** A ratio as a percentage: 0%, <0.1%, 2.5%, 100%. */
export function formatPercent(ratio: number): string {
  if (ratio === 0) return '0%';
  if (ratio < 0.001) return '<0.1%';
  return `${trim((ratio * 100).toFixed(1))}%`;
}

/** A duration in the API's Go spelling, rounded down to the microsecond: `41.234ms`. */
export function goDuration(ns: number): string {
  return `${trim((Math.floor(ns / 1e3) / 1e3).toFixed(3))}ms`;
}

/** Three significant digits, no trailing zeros. */
function significant(value: number): string {
  if (value >= 100) return String(Math.round(value));
  return trim(value.toPrecision(3));
}

function trim(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}
