// Everything Skein works out about one trace, in one pass over its tree: what the trace
// view shows beside the spans (critical path, error origins, statistics).
import type { SpanRow } from '../model/span.ts';
import { criticalPath, type CriticalPath } from './critical-path.ts';
import { errorOrigins } from './error-origin.ts';
import { traceStats, type OperationStats } from './trace-stats.ts';
import { traceTree } from './trace-tree.ts';

export interface TraceAnalysis {
  criticalPath: CriticalPath<SpanRow>;
  errorOrigins: SpanRow[];
  stats: OperationStats[];
}

export function analyzeTrace(spans: readonly SpanRow[]): TraceAnalysis {
  const tree = traceTree(spans);
  return { criticalPath: criticalPath(spans, tree), errorOrigins: errorOrigins(spans, tree), stats: traceStats(spans, tree) };
}
