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
  const failedBelow = new Set<S>();
  // Post-order without recursion: a span is done after all its children.
  const stack: { span: S; childrenDone: boolean }[] = tree.roots.map((span) => ({ span, childrenDone: false }));
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const children = tree.children.get(frame.span)!;
    if (!frame.childrenDone) {
      stack.push({ span: frame.span, childrenDone: true });
      for (const child of children) stack.push({ span: child, childrenDone: false });
      continue;
    }
    if (children.some((child) => child.statusCode === StatusCode.ERROR || failedBelow.has(child))) failedBelow.add(frame.span);
  }
  return spans
    .filter((span) => span.statusCode === StatusCode.ERROR && !failedBelow.has(span))
    .sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
}
