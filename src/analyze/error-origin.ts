// Where an error starts rather than propagates: a span with ERROR status none of whose
// descendants has ERROR status. A caller that fails because its callee failed is not an
// origin; the deepest failing span of each chain is. Descendants, not only children:
// HTTP client instrumentations often leave the client span of a call that got a 500
// unmarked (the call itself worked), and the caller's failure still came from the callee
// below it. (A span that errs while something below it errs too is taken to propagate;
// the deeper span is the better lead, and it is listed itself.)
import { StatusCode } from '../model/span.ts';
import { byStart, traceTree, type SpanShape, type TraceTree } from './trace-tree.ts';

/** The origin spans, in start order. */
export function errorOrigins<S extends SpanShape>(spans: readonly S[], tree: TraceTree<S> = traceTree(spans)): S[] {
  return errorOriginIndexes(tree).map((i) => spans[i]!);
}

/** errorOrigins as indexes into the tree's spans. */
export function errorOriginIndexes(tree: TraceTree): number[] {
  const { spans, parent } = tree;
  // Pre-order (a span before its descendants), then walked backwards: each span is seen
  // after everything below it, and passes "failed below" up to its parent.
  const order: number[] = [];
  const stack = [...tree.roots];
  while (stack.length > 0) {
    const span = stack.pop()!;
    order.push(span);
    for (const child of tree.childrenOf(span)) stack.push(child);
  }
  const failedBelow = new Uint8Array(spans.length);
  for (let p = order.length - 1; p >= 0; p--) {
    const i = order[p]!;
    if (parent[i]! >= 0 && (spans[i]!.statusCode === StatusCode.ERROR || failedBelow[i])) failedBelow[parent[i]!] = 1;
  }
  const origins: number[] = [];
  spans.forEach((span, i) => {
    if (span.statusCode === StatusCode.ERROR && !failedBelow[i]) origins.push(i);
  });
  return origins.sort((a, b) => byStart(spans[a]!, spans[b]!) || a - b);
}
