// Everything Skein works out about one trace, in one pass over its tree: what the trace
// view shows beside the spans (critical path, error origins, statistics).
import { criticalPath, type CriticalPath } from './critical-path.ts';
import { errorOrigins } from './error-origin.ts';
import { traceStats, type OperationStats } from './trace-stats.ts';
import { traceTree, type SpanShape } from './trace-tree.ts';

export interface TraceAnalysis<S extends SpanShape> {
  criticalPath: CriticalPath<S>;
  errorOrigins: S[];
  stats: OperationStats[];
}

export function analyzeTrace<S extends SpanShape>(spans: readonly S[]): TraceAnalysis<S> {
  const tree = traceTree(spans);
  return { criticalPath: criticalPath(spans, tree), errorOrigins: errorOrigins(spans, tree), stats: traceStats(spans, tree) };
}
