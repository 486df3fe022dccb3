// Links between spans of the same trace, seen from their target: span → spans linking to it,
// from the timeline's links (a span's own links, with their attributes, come with its detail).
import type { TraceModel } from './model.ts';

export function incomingLinks(model: TraceModel): Map<number, number[]> {
  const incoming = new Map<number, number[]>();
  for (const [source, traceId, spanId] of model.links) {
    const target = traceId === model.traceId ? model.indexById.get(spanId) : undefined;
    if (target === undefined) continue;
    const sources = incoming.get(target);
    if (sources) sources.push(source);
    else incoming.set(target, [source]);
  }
  return incoming;
}
