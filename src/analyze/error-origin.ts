// Where an error starts rather than propagates: a span with ERROR status none of whose
// descendants has ERROR status. A caller that fails because its callee failed is not an
// origin; the deepest failing span of each chain is. Descendants, not only children:
// HTTP client instrumentations often leave the client span of a call that got a 500
// unmarked (the call itself worked), and the caller's failure still came from the callee
// below it. (A span that errs while something below it errs too is taken to propagate;
// the deeper span is the better lead, and it is listed itself.)
import { StatusCode } from '../model/span.ts';
import { traceTree, type SpanShape, type TraceTree } from './trace-tree.ts';

/** The origin spans, in start order. */
export function errorOrigins<S extends SpanShape>(spans: readonly S[], tree: TraceTree<S> = traceTree(spans)): S[] {
  // Pre-order (a span before its descendants), then walked backwards: each span is seen
  // after everything below it, and passes "failed below" up to its parent.
  const order: S[] = [];
  const stack = [...tree.roots];
  while (stack.length > 0) {
    const span = stack.pop()!;
    order.push(span);
    for (const child of tree.children.get(span)!) stack.push(child);
  }
  const failedBelow = new Set<S>();
  for (let i = order.length - 1; i >= 0; i--) {
    const span = order[i]!;
    const up = tree.parent.get(span);
    if (up !== undefined && (span.statusCode === StatusCode.ERROR || failedBelow.has(span))) failedBelow.add(up);
  }
  return spans
    .filter((span) => span.statusCode === StatusCode.ERROR && !failedBelow.has(span))
    .sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
}
