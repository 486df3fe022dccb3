// Which service (and operation) most likely caused an incident: traces of a bad window
// compared with traces of a baseline window, three kinds of evidence combined.
//
// 1. Critical path (CRISP): a slow service adds to the time on the critical path of the
//    traces that pass through it; callers that only wait for it do not (their own time
//    is unchanged). Evidence: growth of each service's critical-path time per trace.
// 2. Error origin: where errors start rather than propagate. A caller whose call timed
//    out while its callee was still working is not the origin: the callee is.
// 3. Spectrum (as MicroRank and TraceRCA): a trace is anomalous when it failed or took
//    longer than its root operation's baseline p95; a service is implicated in a trace
//    when one of its spans had abnormal self time (beyond its operation's baseline p99)
//    or an error started there. Ochiai's coefficient ranks services implicated in many
//    anomalous traces and few normal ones.
// Latency and error evidence are weighted by how many anomalous traces were slow or
// failed, so an error incident is judged on errors and a latency incident on time.
import { StatusCode } from '../model/span.ts';
import { criticalPath } from './critical-path.ts';
import { errorOriginIndexes } from './error-origin.ts';
import { selfTime } from './trace-stats.ts';
import { lastEndingRoot, traceTree, type SpanShape, type TraceTree } from './trace-tree.ts';

export interface Evidence {
  kind: 'critical-path' | 'error-origin' | 'spectrum';
  /** 0..1 */
  score: number;
  detail: string;
}

export interface OperationCandidate {
  operation: string;
  score: number;
}

export interface RootCauseCandidate {
  service: string;
  /** 0..1; candidates are ranked by it. */
  score: number;
  evidence: Evidence[];
  /** The service's operations, most likely first. */
  operations: OperationCandidate[];
}

export interface RootCauseRanking {
  candidates: RootCauseCandidate[];
  baselineTraces: number;
  incidentTraces: number;
  anomalousTraces: number;
}

/** Slack over the baseline before a trace counts as slow or a span's self time as abnormal. */
const SLOW_FACTOR = 1.2;
/** Self time this much above the baseline p99 (and SLOW_FACTOR times it) is abnormal, so sub-ms noise is not. */
const MIN_SELF_EXCESS_NS = 1_000_000;
/** A callee still running for this share of a failed call's time is taken to have caused it (a timeout). */
const TIMEOUT_COVER = 0.9;

/** Traces as lists of their spans. */
export function rankRootCauses(baseline: SpanShape[][], incident: SpanShape[][]): RootCauseRanking {
  const base = baseline.map(profile);
  const bad = incident.map(profile);
  const model = baselineModel(base);

  // Which incident traces are anomalous, and how.
  let slow = 0;
  let failed = 0;
  const anomalous = bad.map((trace) => {
    const p95 = model.rootP95.get(trace.rootKey);
    const isSlow = p95 !== undefined && trace.durationNs > p95 * SLOW_FACTOR;
    const isFailed = trace.errorServices.length > 0;
    if (isSlow) slow++;
    if (isFailed) failed++;
    return isSlow || isFailed;
  });
  const anomalousCount = anomalous.filter(Boolean).length;
  const latencyWeight = anomalousCount === 0 ? 0 : slow / anomalousCount;
  const errorWeight = anomalousCount === 0 ? 0 : failed / anomalousCount;

  const services = new Set<string>([...base, ...bad].flatMap((t) => [...t.pathNs.keys(), ...t.spans.map((s) => s.service)]));
  const growth = positiveShares(services, (s) => mean(bad, (t) => t.pathNs.get(s) ?? 0) - mean(base, (t) => t.pathNs.get(s) ?? 0));
  const errorGrowth = positiveShares(services, (s) => mean(bad, (t) => count(t.errorServices, s)) - mean(base, (t) => count(t.errorServices, s)));
  const implicated = bad.map((trace) => implicatedIn(trace, model));

  const candidates = [...services].map((service): RootCauseCandidate => {
    const spectrum = ochiai(anomalous, implicated.map((set) => set.services.has(service)));
    const evidence: Evidence[] = [
      {
        kind: 'critical-path',
        score: growth.get(service)!,
        detail: `critical path ${ms(mean(base, (t) => t.pathNs.get(service) ?? 0))} → ${ms(mean(bad, (t) => t.pathNs.get(service) ?? 0))} per trace`,
      },
      {
        kind: 'error-origin',
        score: errorGrowth.get(service)!,
        detail: `errors start here in ${percent(mean(bad, (t) => (t.errorServices.includes(service) ? 1 : 0)))} of incident traces (baseline ${percent(mean(base, (t) => (t.errorServices.includes(service) ? 1 : 0)))})`,
      },
      {
        kind: 'spectrum',
        score: spectrum.score,
        detail: `abnormal in ${spectrum.failedCovered} of ${anomalousCount} anomalous traces and ${spectrum.passedCovered} of ${bad.length - anomalousCount} normal ones (Ochiai ${spectrum.score.toFixed(2)})`,
      },
    ];
    const score = (latencyWeight * evidence[0].score + errorWeight * evidence[1].score + spectrum.score) / (latencyWeight + errorWeight + 1);
    return { service, score, evidence, operations: rankOperations(service, bad, anomalous, implicated) };
  });
  candidates.sort((a, b) => b.score - a.score || a.service.localeCompare(b.service));
  return { candidates, baselineTraces: baseline.length, incidentTraces: incident.length, anomalousTraces: anomalousCount };
}

/** What the ranking needs of one trace. */
interface TraceProfile {
  rootKey: string;
  durationNs: number;
  /** Critical-path time per service, ns. */
  pathNs: Map<string, number>;
  /** Critical-path time per service and operation, ns. */
  pathByOperation: Map<string, number>;
  /** The services where the trace's errors start, one entry per origin. */
  errorServices: string[];
  errorOperations: string[];
  spans: { service: string; operationKey: string; selfNs: number }[];
}

function profile(spans: SpanShape[]): TraceProfile {
  const tree = traceTree(spans);
  const root = spans[lastEndingRoot(tree)];
  const path = criticalPath(spans, tree);
  const pathNs = new Map<string, number>();
  const pathByOperation = new Map<string, number>();
  for (const segment of path.segments) {
    const ns = Number(segment.endNs - segment.startNs);
    pathNs.set(segment.span.serviceName, (pathNs.get(segment.span.serviceName) ?? 0) + ns);
    const key = operationKey(segment.span);
    pathByOperation.set(key, (pathByOperation.get(key) ?? 0) + ns);
  }
  const origins = errorOriginIndexes(tree).map((i) => spans[blamedForError(tree, i)]!);
  return {
    rootKey: root ? operationKey(root) : '',
    durationNs: root ? Number(root.endNs - root.startNs) : 0,
    pathNs,
    pathByOperation,
    errorServices: origins.map((span) => span.serviceName),
    errorOperations: origins.map(operationKey),
    spans: spans.map((span, i) => ({ service: span.serviceName, operationKey: operationKey(span), selfNs: Number(selfTime(tree, i)) })),
  };
}

/**
 * An error origin that is a call which failed while its callee was still working (the
 * callee ran for nearly all of the call and did not fail) is a timeout: the callee, or
 * what it was waiting for in turn, is to blame.
 */
function blamedForError(tree: TraceTree, origin: number): number {
  let at = origin;
  for (;;) {
    const span = tree.spans[at]!;
    const duration = Number(span.endNs - span.startNs);
    const cover = Array.from(tree.childrenOf(at)).find((c) => {
      const child = tree.spans[c]!;
      return child.statusCode !== StatusCode.ERROR && duration > 0 && Number(child.endNs - child.startNs) >= TIMEOUT_COVER * duration;
    });
    if (cover === undefined) return at;
    at = cover;
  }
}

interface BaselineModel {
  rootP95: Map<string, number>;
  selfP99: Map<string, number>;
}

function baselineModel(traces: TraceProfile[]): BaselineModel {
  const roots = groupValues(traces.map((t) => [t.rootKey, t.durationNs]));
  const selfs = groupValues(traces.flatMap((t) => t.spans.map((s) => [s.operationKey, s.selfNs] as [string, number])));
  return {
    rootP95: new Map([...roots].map(([key, values]) => [key, quantile(values, 0.95)])),
    selfP99: new Map([...selfs].map(([key, values]) => [key, quantile(values, 0.99)])),
  };
}

function implicatedIn(trace: TraceProfile, model: BaselineModel): { services: Set<string>; operations: Set<string> } {
  const services = new Set(trace.errorServices);
  const operations = new Set(trace.errorOperations);
  for (const span of trace.spans) {
    const p99 = model.selfP99.get(span.operationKey);
    if (p99 !== undefined && span.selfNs > p99 * SLOW_FACTOR && span.selfNs > p99 + MIN_SELF_EXCESS_NS) {
      services.add(span.service);
      operations.add(span.operationKey);
    }
  }
  return { services, operations };
}

function rankOperations(service: string, bad: TraceProfile[], anomalous: boolean[], implicated: { operations: Set<string> }[]): OperationCandidate[] {
  const keys = new Set(bad.flatMap((t) => t.spans.filter((s) => s.service === service).map((s) => s.operationKey)));
  return [...keys]
    .map((key) => {
      const spectrum = ochiai(anomalous, implicated.map((set) => set.operations.has(key))).score;
      const path = mean(bad, (t) => t.pathByOperation.get(key) ?? 0);
      return { operation: key.slice(key.indexOf('\u0000') + 1), score: spectrum, path };
    })
    .sort((a, b) => b.score - a.score || b.path - a.path || a.operation.localeCompare(b.operation))
    .map(({ operation, score }) => ({ operation, score }));
}

function ochiai(anomalous: boolean[], covered: boolean[]): { score: number; failedCovered: number; passedCovered: number } {
  let failedCovered = 0;
  let passedCovered = 0;
  let failed = 0;
  anomalous.forEach((isAnomalous, i) => {
    if (isAnomalous) failed++;
    if (covered[i] && isAnomalous) failedCovered++;
    if (covered[i] && !isAnomalous) passedCovered++;
  });
  const denominator = Math.sqrt(failed * (failedCovered + passedCovered));
  return { score: denominator === 0 ? 0 : failedCovered / denominator, failedCovered, passedCovered };
}

/** Each service's positive growth as a share of all services' positive growth. */
function positiveShares(services: Set<string>, growthOf: (service: string) => number): Map<string, number> {
  const growth = new Map([...services].map((s) => [s, Math.max(0, growthOf(s))]));
  const total = [...growth.values()].reduce((a, b) => a + b, 0);
  return new Map([...growth].map(([s, g]) => [s, total > 0 ? g / total : 0]));
}

function groupValues(pairs: [string, number][]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const [key, value] of pairs) {
    const list = groups.get(key);
    if (list) list.push(value);
    else groups.set(key, [value]);
  }
  return groups;
}

/** Nearest-rank quantile. */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function mean<T>(items: T[], value: (item: T) => number): number {
  return items.length === 0 ? 0 : items.reduce((sum, item) => sum + value(item), 0) / items.length;
}

const count = (list: string[], item: string) => list.filter((x) => x === item).length;
const operationKey = (span: SpanShape) => `${span.serviceName}\u0000${span.name}`;
const ms = (ns: number) => `${(ns / 1e6).toFixed(1)} ms`;
const percent = (share: number) => `${Math.round(share * 100)}%`;
