// The search page's state is its URL: /search?service=&operation=&attr=...&errors=
// &minDuration=&maxDuration=&lookback= (or start=&end=)&limit=&sort=. The API takes
// the same parameters but `sort`, which orders the results here, stably.
import type { Params, TraceSummary } from '../../api.ts';

const SEARCH_PARAMS = ['service', 'operation', 'attr', 'errors', 'minDuration', 'maxDuration', 'start', 'end', 'lookback', 'limit'] as const;

export function apiParams(query: URLSearchParams): Params {
  const params: Params = {};
  for (const name of SEARCH_PARAMS) {
    const values = query.getAll(name).filter((v) => v !== '');
    if (values.length > 0) params[name] = name === 'attr' ? values : values[0];
  }
  return params;
}

export const SORTS = {
  newest: 'Newest first',
  slowest: 'Slowest first',
  errors: 'Most errors first',
} as const;
export type Sort = keyof typeof SORTS;

export function sortOf(query: URLSearchParams): Sort {
  const sort = query.get('sort');
  return sort === 'slowest' || sort === 'errors' ? sort : 'newest';
}

/** The API answers newest first (ties by trace id); other orders keep that among equals. */
export function sortTraces(traces: TraceSummary[], sort: Sort): TraceSummary[] {
  if (sort === 'newest') return traces;
  const key = sort === 'slowest' ? (t: TraceSummary) => Number(t.durationNanos) : (t: TraceSummary) => t.errorCount;
  return [...traces].sort((a, b) => key(b) - key(a));
}

/** RFC 3339 (as the URL holds it) ↔ the value of a datetime-local input, in local time. */
export function toLocalInput(time: string): string {
  const ms = /^\d+$/.test(time) ? Number(time) : Date.parse(time);
  if (Number.isNaN(ms)) return '';
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 19);
}

export function fromLocalInput(value: string): string {
  return value ? new Date(value).toISOString() : '';
}
