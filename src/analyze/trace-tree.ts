// A trace's spans as a tree, which every per-trace analysis walks. Traces are not always
// well formed: a parent may be missing (not yet arrived, or dropped), clocks of different
// hosts disagree, and a Zipkin shared span is two spans (client and server halves) under
// one id. The tree takes them as they are: a span whose parent is absent is a root.
import { SpanKind, type SpanRow } from '../model/span.ts';

/** What the analyses read of a span: whole SpanRows, or the lighter rows of SpanStore.readSpans. */
export type SpanShape = Pick<SpanRow, 'spanId' | 'parentSpanId' | 'serviceName' | 'name' | 'kind' | 'startNs' | 'endNs' | 'statusCode'>;

/**
 * Spans are named by their index in `spans`: per-span tables are typed arrays, not maps
 * keyed by span objects, which made a 100 000-span tree cost ~0.4 s (profiled).
 */
export interface TraceTree<S extends SpanShape = SpanShape> {
  spans: readonly S[];
  /** Spans without a parent in the trace, earliest first. */
  roots: number[];
  /** Each span's parent, -1 for a root. */
  parent: Int32Array;
  /** A span's children, earliest first (a view: do not keep it past the tree). */
  childrenOf(span: number): Int32Array;
}

const NO_PARENT = /^0*$/;

export function traceTree<S extends SpanShape>(spans: readonly S[]): TraceTree<S> {
  const count = spans.length;
  const parent = linkParents(spans);
  const order = startOrder(spans);
  breakCycles(parent, order);

  // Children lists in one array (CSR), filled in start order so each list is earliest first.
  const childStart = new Int32Array(count + 1);
  for (let i = 0; i < count; i++) if (parent[i]! >= 0) childStart[parent[i]! + 1]!++;
  for (let i = 0; i < count; i++) childStart[i + 1]! += childStart[i]!;
  const fill = childStart.slice(0, count);
  const childList = new Int32Array(childStart[count]!);
  const roots: number[] = [];
  for (const i of order) {
    if (parent[i]! < 0) roots.push(i);
    else childList[fill[parent[i]!]!++] = i;
  }
  return { spans, roots, parent, childrenOf: (span) => childList.subarray(childStart[span]!, childStart[span + 1]!) };
}

/**
 * Each span's parent index, -1 when it has none in the trace. A shared span id names two
 * spans: children hang off the server half, which made them, and the server half hangs
 * off the client half, which it answered.
 */
function linkParents(spans: readonly SpanShape[]): Int32Array {
  const byId = new Map<string, number>();
  const clientHalf = new Map<string, number>();
  spans.forEach((span, i) => {
    const known = byId.get(span.spanId);
    if (known === undefined) {
      byId.set(span.spanId, i);
      return;
    }
    const [client, server] = spans[known]!.kind === SpanKind.SERVER ? [i, known] : [known, i];
    if (spans[server]!.kind === SpanKind.SERVER && spans[client]!.kind === SpanKind.CLIENT) {
      byId.set(span.spanId, server);
      clientHalf.set(span.spanId, client);
    }
  });
  const parent = new Int32Array(spans.length);
  spans.forEach((span, i) => {
    const client = clientHalf.size > 0 ? clientHalf.get(span.spanId) : undefined;
    const found =
      client !== undefined && byId.get(span.spanId) === i
        ? client
        : span.parentSpanId === '' || NO_PARENT.test(span.parentSpanId)
          ? undefined
          : byId.get(span.parentSpanId);
    parent[i] = found === undefined || found === i ? -1 : found;
  });
  return parent;
}

/** Span indexes by start, ties in input order; spans mostly arrive sorted, so check first. */
function startOrder(spans: readonly SpanShape[]): Int32Array {
  const order = Int32Array.from({ length: spans.length }, (_, i) => i);
  let sorted = true;
  for (let i = 1; i < spans.length && sorted; i++) sorted = spans[i - 1]!.startNs <= spans[i]!.startNs;
  if (sorted) return order;
  return order.sort((a, b) => byStart(spans[a]!, spans[b]!) || a - b);
}

/**
 * Parent ids that loop (A's parent is B, B's is A: a broken client) leave spans whose
 * parents never reach a root; each loop is cut above its earliest span, which becomes a
 * root, so every walk of the tree ends. Spans are taken in start order: the first whose
 * ancestors loop is cut loose, and the spans below it then reach it.
 */
function breakCycles(parent: Int32Array, order: Int32Array): void {
  const UNKNOWN = 0;
  const ON_WALK = 1;
  const REACHES_ROOT = 2;
  const state = new Uint8Array(parent.length);
  const walk: number[] = [];
  for (const span of order) {
    let at = span;
    while (at >= 0 && state[at] === UNKNOWN) {
      state[at] = ON_WALK;
      walk.push(at);
      at = parent[at]!;
    }
    const looped = at >= 0 && state[at] === ON_WALK;
    if (looped) parent[span] = -1;
    // Without a loop the whole walk reaches a root; with one only `span` (now a root)
    // does, and its ancestors are walked again from a later span.
    for (const visited of walk) state[visited] = looped && visited !== span ? UNKNOWN : REACHES_ROOT;
    walk.length = 0;
  }
}

/** The root that ended last (its index; -1 for no spans): with parents missing, it stands for the trace. */
export function lastEndingRoot(tree: TraceTree): number {
  let last = -1;
  for (const i of tree.roots) if (last < 0 || tree.spans[i]!.endNs > tree.spans[last]!.endNs) last = i;
  return last;
}

export function byStart(a: SpanShape, b: SpanShape): number {
  return a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0;
}
