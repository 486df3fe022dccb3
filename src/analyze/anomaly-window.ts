// Finds the bad stretch of a time range from per-step RED metrics, so a root-cause
// ranking can start from "something went wrong in the last hour": a step is anomalous
// when an operation's p95 latency or error rate there leaves its usual level (the median
// of that operation's steps in the range), and the anomalous window is the latest run of
// anomalous steps. Its baseline is the stretch of the same length just before it.
import type { RedRow } from '../store/span-store.ts';

export interface AnomalousWindow {
  startNs: bigint;
  /** Inclusive. */
  endNs: bigint;
  baselineStartNs: bigint;
  baselineEndNs: bigint;
  /** What made the steps anomalous, e.g. "checkout POST /checkout: p95 412 ms (usually 38 ms)". */
  reasons: string[];
}

/** p95 this many times the usual level, and at least MIN_LATENCY_JUMP_NS more, is anomalous. */
const LATENCY_FACTOR = 2;
const MIN_LATENCY_JUMP_NS = 5_000_000;
/** An error rate this much above the usual level is anomalous. */
const ERROR_RATE_JUMP = 0.05;
/** Steps with fewer spans of an operation say nothing about it. */
const MIN_SPANS = 3;

/** undefined when no step stands out. `rows` as SpanStore.redMetrics returns them, one step width. */
export function findAnomalousWindow(rows: RedRow[], stepNs: bigint): AnomalousWindow | undefined {
  const byOperation = new Map<string, RedRow[]>();
  for (const row of rows) {
    if (row.count < MIN_SPANS) continue;
    const key = `${row.service} ${row.operation}`;
    byOperation.set(key, [...(byOperation.get(key) ?? []), row]);
  }
  const anomalous = new Map<bigint, string[]>();
  for (const [key, steps] of byOperation) {
    if (steps.length < 3) continue; // no usual level to compare with
    const usualP95 = median(steps.map((s) => s.p95Ns));
    const usualErrors = median(steps.map((s) => s.errors / s.count));
    for (const step of steps) {
      const reasons: string[] = [];
      if (step.p95Ns > usualP95 * LATENCY_FACTOR && step.p95Ns - usualP95 >= MIN_LATENCY_JUMP_NS) {
        reasons.push(`${key}: p95 ${ms(step.p95Ns)} (usually ${ms(usualP95)})`);
      }
      const errorRate = step.errors / step.count;
      if (errorRate - usualErrors >= ERROR_RATE_JUMP) reasons.push(`${key}: ${percent(errorRate)} errors (usually ${percent(usualErrors)})`);
      if (reasons.length > 0) anomalous.set(step.stepStartNs, [...(anomalous.get(step.stepStartNs) ?? []), ...reasons]);
    }
  }
  if (anomalous.size === 0) return undefined;
  // The latest run of consecutive anomalous steps.
  const steps = [...anomalous.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let first = steps[steps.length - 1];
  while (anomalous.has(first - stepNs)) first -= stepNs;
  const last = steps[steps.length - 1];
  const reasons = steps.filter((s) => s >= first).flatMap((s) => anomalous.get(s)!);
  const length = last + stepNs - first;
  return { startNs: first, endNs: last + stepNs - 1n, baselineStartNs: first - length, baselineEndNs: first - 1n, reasons: [...new Set(reasons)].slice(0, 20) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const ms = (ns: number) => `${(ns / 1e6).toFixed(1)} ms`;
const percent = (share: number) => `${Math.round(share * 100)}%`;
