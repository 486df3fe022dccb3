// The server's analysis of a trace (/api/v1/traces/{id}/analysis) as per-span marks the
// timeline draws: critical-path segments and error origins.
import type { TraceAnalysis } from '../../api.ts';
import type { TraceModel } from './model.ts';

export interface AnalysisMarks {
  /** Per span: its parts on the critical path as [start, end] ns pairs, flattened. */
  criticalSegments: Map<number, number[]>;
  /** Per span: its own time on the critical path, ns (0: not on it). */
  criticalNs: Float64Array;
  errorOrigin: Uint8Array;
  /** Critical-path spans in path order, each once. */
  criticalSpans: number[];
  errorOrigins: number[];
}

export function analysisMarks(model: TraceModel, analysis: TraceAnalysis): AnalysisMarks {
  const criticalSegments = new Map<number, number[]>();
  const criticalNs = new Float64Array(model.count);
  const criticalSpans: number[] = [];
  for (const segment of analysis.criticalPath.segments) {
    const i = model.indexById.get(segment.spanId);
    if (i === undefined) continue;
    const start = model.relativeNs(segment.startTimeUnixNano);
    const end = model.relativeNs(segment.endTimeUnixNano);
    const list = criticalSegments.get(i);
    if (list) list.push(start, end);
    else {
      criticalSegments.set(i, [start, end]);
      criticalSpans.push(i);
    }
    criticalNs[i] += end - start;
  }
  const errorOrigin = new Uint8Array(model.count);
  const errorOrigins: number[] = [];
  for (const origin of analysis.errorOrigins) {
    const i = model.indexById.get(origin.spanId);
    if (i === undefined || errorOrigin[i]) continue;
    errorOrigin[i] = 1;
    errorOrigins.push(i);
  }
  return { criticalSegments, criticalNs, errorOrigin, criticalSpans, errorOrigins };
}
