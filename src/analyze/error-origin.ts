// Where an error starts rather than propagates: a span with ERROR status none of whose
// children has ERROR status. A caller that fails because its callee failed is not an
// origin; the deepest failing span of each chain is. (A span that errs while a child also
// errs is taken to propagate; the child is the better lead, and it is listed itself.)
import { StatusCode } from '../model/span.ts';
import { traceTree, type SpanShape, type TraceTree } from './trace-tree.ts';

/** The origin spans, in start order. */
export function errorOrigins<S extends SpanShape>(spans: readonly S[], tree: TraceTree<S> = traceTree(spans)): S[] {
  return spans
    .filter((span) => span.statusCode === StatusCode.ERROR && !tree.children.get(span)!.some((child) => child.statusCode === StatusCode.ERROR))
    .sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
}
