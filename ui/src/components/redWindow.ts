// The time window of the service map and health pages, from the URL: `lookback=1h`
// (relative to now, the default) or `start`/`end` (Unix ms or RFC 3339), and the
// chart step chosen from the window's length.

export interface TimeWindow {
  startMs: number;
  endMs: number;
  seconds: number;
  /** Set when the window is relative to now (`lookback=`). */
  lookback?: string;
}

/** The windows offered by the window picker. */
export const LOOKBACKS = ['15m', '1h', '6h', '24h'];
export const DEFAULT_LOOKBACK = '1h';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `90s`, `15m`, `6h`, `7d` → seconds; undefined for anything else. */
export function durationSeconds(text: string): number | undefined {
  const match = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  return match ? Number(match[1]) * UNIT_SECONDS[match[2]] : undefined;
}

function parseTimeMs(text: string | null): number | undefined {
  if (!text) return undefined;
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The window a URL names; `nowMs` ends windows relative to now. */
export function windowFromQuery(query: URLSearchParams, nowMs: number): TimeWindow {
  const start = parseTimeMs(query.get('start'));
  const end = parseTimeMs(query.get('end')) ?? nowMs;
  if (start !== undefined && start < end) return { startMs: start, endMs: end, seconds: (end - start) / 1000 };
  const lookback = query.get('lookback') ?? DEFAULT_LOOKBACK;
  const named = durationSeconds(lookback) ? lookback : DEFAULT_LOOKBACK;
  const seconds = durationSeconds(named)!;
  return { startMs: end - seconds * 1000, endMs: end, seconds, lookback: named };
}

/** The window as API parameters (Unix milliseconds). */
export function apiWindow(range: TimeWindow): { start: string; end: string } {
  return { start: String(Math.floor(range.startMs)), end: String(Math.floor(range.endMs)) };
}

/** The window as it goes into links to other pages: relative stays relative. */
export function linkWindow(range: TimeWindow): Record<string, string> {
  return range.lookback ? { lookback: range.lookback } : apiWindow(range);
}

/** A path with query parameters, empty ones left out. */
export function pageUrl(path: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) query.set(key, value);
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

const STEPS = ['10s', '15s', '30s', '1m', '2m', '5m', '10m', '15m', '30m', '1h', '2h', '6h', '12h', '1d'];
/** At most this many points per chart line. */
const MAX_POINTS = 90;

/** The smallest round step that keeps a chart at MAX_POINTS points or fewer. */
export function autoStep(windowSeconds: number): string {
  return STEPS.find((step) => windowSeconds / durationSeconds(step)! <= MAX_POINTS) ?? STEPS[STEPS.length - 1];
}

/** "last 1h", or the window's start and end in local time. */
export function describeWindow(range: TimeWindow): string {
  if (range.lookback) return `last ${range.lookback}`;
  const format = (ms: number) => new Date(ms).toLocaleString();
  return `${format(range.startMs)} – ${format(range.endMs)}`;
}
