// /api/v1/metrics answers shaped for the health page: series on a full grid of steps
// (the API leaves out steps without spans), totals per step over operations, and one
// summary row per operation or service for a whole window.
import type { RedSeries } from '../api.ts';

export interface StepGrid {
  startNs: bigint;
  stepNs: bigint;
  /** Start of each step, Unix seconds (uPlot's x). */
  times: number[];
}

/** The steps of a window as the API cuts it: from `start`, every `stepNanos`, before `end`. */
export function stepGrid(startMs: number, endMs: number, stepNanos: string): StepGrid {
  const startNs = BigInt(Math.floor(startMs)) * 1_000_000n;
  const endNs = BigInt(Math.floor(endMs)) * 1_000_000n;
  const stepNs = BigInt(stepNanos);
  const steps = Math.max(1, Number((endNs - startNs + stepNs - 1n) / stepNs));
  const times = Array.from({ length: steps }, (_, i) => Number(startNs + BigInt(i) * stepNs) / 1e9);
  return { startNs, stepNs, times };
}

export type PointField = 'count' | 'errors' | 'rate' | 'errorRate' | 'p50Nanos' | 'p95Nanos' | 'p99Nanos';

/** One field of a series on the grid; `empty` for steps without spans. */
export function onGrid(points: RedSeries['points'], grid: StepGrid, field: PointField, empty: number | null): (number | null)[] {
  const values: (number | null)[] = grid.times.map(() => empty);
  for (const point of points) {
    const index = Number((BigInt(point.timeUnixNano) - grid.startNs) / grid.stepNs);
    if (index >= 0 && index < values.length) values[index] = point[field];
  }
  return values;
}

/** Requests per second and error share per step, over all the series given. */
export function totalsOnGrid(series: RedSeries[], grid: StepGrid): { rate: number[]; errorRate: (number | null)[] } {
  const counts = grid.times.map(() => 0);
  const errors = grid.times.map(() => 0);
  for (const s of series) {
    onGrid(s.points, grid, 'count', 0).forEach((v, i) => (counts[i] += v ?? 0));
    onGrid(s.points, grid, 'errors', 0).forEach((v, i) => (errors[i] += v ?? 0));
  }
  const seconds = Number(grid.stepNs) / 1e9;
  return {
    rate: counts.map((count) => count / seconds),
    errorRate: counts.map((count, i) => (count > 0 ? errors[i] / count : null)),
  };
}

export interface RedSummary {
  service: string;
  operation: string;
  count: number;
  errors: number;
  /** per second of the window */
  rate: number;
  errorRate: number;
  p50Nanos: number;
  p95Nanos: number;
  p99Nanos: number;
}

/**
 * Series of a metrics call without `step` (one point for the whole window) → one row
 * each. Should a series have more points, counts add up and percentiles take the largest.
 */
export function summaries(series: RedSeries[], windowSeconds: number): RedSummary[] {
  return series
    .filter((s) => s.points.length > 0)
    .map((s) => {
      const count = s.points.reduce((sum, p) => sum + p.count, 0);
      const errors = s.points.reduce((sum, p) => sum + p.errors, 0);
      const max = (field: 'p50Nanos' | 'p95Nanos' | 'p99Nanos') => Math.max(...s.points.map((p) => p[field]));
      return {
        service: s.service,
        operation: s.operation,
        count,
        errors,
        rate: count / windowSeconds,
        errorRate: count > 0 ? errors / count : 0,
        p50Nanos: max('p50Nanos'),
        p95Nanos: max('p95Nanos'),
        p99Nanos: max('p99Nanos'),
      };
    });
}

export interface ServiceSummary {
  service: string;
  count: number;
  errors: number;
  rate: number;
  errorRate: number;
  operations: number;
  /** The operation with the largest p95 and that p95: percentiles do not add up across operations. */
  slowest: { operation: string; p95Nanos: number };
}

export function serviceSummaries(rows: RedSummary[]): ServiceSummary[] {
  const byService = new Map<string, RedSummary[]>();
  for (const row of rows) byService.set(row.service, [...(byService.get(row.service) ?? []), row]);
  return [...byService].map(([service, ops]) => {
    const count = ops.reduce((sum, r) => sum + r.count, 0);
    const errors = ops.reduce((sum, r) => sum + r.errors, 0);
    const slowest = ops.reduce((a, b) => (b.p95Nanos > a.p95Nanos ? b : a));
    return {
      service,
      count,
      errors,
      rate: ops.reduce((sum, r) => sum + r.rate, 0),
      errorRate: count > 0 ? errors / count : 0,
      operations: ops.length,
      slowest: { operation: slowest.operation, p95Nanos: slowest.p95Nanos },
    };
  });
}

/** Distinct line colours for operations (Tableau 10 without its red, which means errors here). */
export const LINE_COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
