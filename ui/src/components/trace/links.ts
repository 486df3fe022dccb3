// Links between spans of the same trace, seen from their target: span → spans linking to it.
import type { TraceModel } from './model.ts';

export function incomingLinks(model: TraceModel): Map<number, number[]> {
  const incoming = new Map<number, number[]>();
  model.spans.forEach((span, source) => {
    for (const link of span.links ?? []) {
      const target = link.traceId === model.traceId ? model.indexById.get(link.spanId) : undefined;
      if (target !== undefined) incoming.set(target, [...(incoming.get(target) ?? []), source]);
    }
  });
  return incoming;
}
