// Per service and operation of one trace: how many spans, their total and self time
// (a span's time not covered by any of its children), as Jaeger UI's trace statistics.
import { StatusCode } from '../model/span.ts';
import { traceTree, type SpanShape, type TraceTree } from './trace-tree.ts';

export interface OperationStats {
  service: string;
  operation: string;
  count: number;
  totalNs: bigint;
  selfNs: bigint;
  minNs: bigint;
  maxNs: bigint;
  errors: number;
}

/** Sorted by self time, largest first (ties by service, then operation). */
export function traceStats<S extends SpanShape>(spans: readonly S[], tree: TraceTree<S> = traceTree(spans)): OperationStats[] {
  // Service → operation → stats: no key string built per span.
  const byService = new Map<string, Map<string, OperationStats>>();
  const all: OperationStats[] = [];
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i]!;
    const duration = span.endNs > span.startNs ? span.endNs - span.startNs : 0n;
    const self = selfTime(tree, i);
    let operations = byService.get(span.serviceName);
    if (operations === undefined) byService.set(span.serviceName, (operations = new Map()));
    const known = operations.get(span.name);
    if (!known) {
      const stats: OperationStats = { service: span.serviceName, operation: span.name, count: 1, totalNs: duration, selfNs: self, minNs: duration, maxNs: duration, errors: isError(span) };
      operations.set(span.name, stats);
      all.push(stats);
      continue;
    }
    known.count++;
    known.totalNs += duration;
    known.selfNs += self;
    if (duration < known.minNs) known.minNs = duration;
    if (duration > known.maxNs) known.maxNs = duration;
    known.errors += isError(span);
  }
  return all.sort(
    (a, b) => (a.selfNs === b.selfNs ? a.service.localeCompare(b.service) || a.operation.localeCompare(b.operation) : a.selfNs > b.selfNs ? -1 : 1),
  );
}

const isError = (span: SpanShape) => (span.statusCode === StatusCode.ERROR ? 1 : 0);

/** A span's duration less the union of its children's intervals (clipped to the span). */
export function selfTime(tree: TraceTree, i: number): bigint {
  const span = tree.spans[i]!;
  if (span.endNs <= span.startNs) return 0n;
  let covered = 0n;
  let reach = span.startNs;
  // Children come earliest first, so one sweep merges their intervals.
  for (const c of tree.childrenOf(i)) {
    const child = tree.spans[c]!;
    const start = child.startNs > reach ? child.startNs : reach;
    const end = child.endNs < span.endNs ? child.endNs : span.endNs;
    if (end > start) {
      covered += end - start;
      reach = end;
    }
  }
  return span.endNs - span.startNs - covered;
}
