// A trace's spans as a tree, which every per-trace analysis walks. Traces are not always
// well formed: a parent may be missing (not yet arrived, or dropped), clocks of different
// hosts disagree, and a Zipkin shared span is two spans (client and server halves) under
// one id. The tree takes them as they are: a span whose parent is absent is a root.
import { SpanKind, type SpanRow } from '../model/span.ts';

/** What the analyses read of a span: whole SpanRows, or the lighter rows of SpanStore.readSpans. */
export type SpanShape = Pick<SpanRow, 'spanId' | 'parentSpanId' | 'serviceName' | 'name' | 'kind' | 'startNs' | 'endNs' | 'statusCode'>;

export interface TraceTree<S extends SpanShape = SpanShape> {
  /** Spans without a parent in the trace, earliest first. */
  roots: S[];
  /** Children of each span, earliest first. */
  children: Map<S, S[]>;
  /** The parent of each span that has one in the trace. */
  parent: Map<S, S>;
}

const NO_PARENT = /^0*$/;

export function traceTree<S extends SpanShape>(spans: readonly S[]): TraceTree<S> {
  // A shared span id names two spans: children hang off the server half, which made them,
  // and the server half hangs off the client half, which it answered.
  const byId = new Map<string, S>();
  const clientHalf = new Map<string, S>();
  for (const span of spans) {
    const known = byId.get(span.spanId);
    if (known === undefined) {
      byId.set(span.spanId, span);
      continue;
    }
    const [client, server] = known.kind === SpanKind.SERVER ? [span, known] : [known, span];
    if (server.kind === SpanKind.SERVER && client.kind === SpanKind.CLIENT) {
      byId.set(span.spanId, server);
      clientHalf.set(span.spanId, client);
    }
  }
  const roots: S[] = [];
  const children = new Map<S, S[]>();
  for (const span of spans) children.set(span, []);
  const parent = new Map<S, S>();
  const sharedHalves = clientHalf.size > 0;
  for (const span of spans) {
    const client = sharedHalves ? clientHalf.get(span.spanId) : undefined;
    const found =
      client !== undefined && span === byId.get(span.spanId)
        ? client
        : span.parentSpanId === '' || NO_PARENT.test(span.parentSpanId)
          ? undefined
          : byId.get(span.parentSpanId);
    if (found === undefined || found === span) {
      roots.push(span);
    } else {
      parent.set(span, found);
      children.get(found)!.push(span);
    }
  }
  breakCycles(spans, roots, children, parent);
  for (const list of children.values()) if (list.length > 1) list.sort(byStart);
  roots.sort(byStart);
  return { roots, children, parent };
}

/**
 * Parent ids that loop (A's parent is B, B's is A: a broken client) leave spans that no
 * root reaches; each loop is cut above its earliest span, which becomes a root, so every
 * walk of the tree ends.
 */
function breakCycles<S extends SpanShape>(spans: readonly S[], roots: S[], children: Map<S, S[]>, parent: Map<S, S>): void {
  const reached = new Set<S>();
  const visit = (from: S) => {
    const stack = [from];
    while (stack.length > 0) {
      const span = stack.pop()!;
      if (reached.has(span)) continue;
      reached.add(span);
      for (const child of children.get(span)!) stack.push(child);
    }
  };
  roots.forEach(visit);
  if (reached.size === spans.length) return; // no loops: the usual case
  for (const span of [...spans].sort(byStart)) {
    if (reached.has(span)) continue;
    const above = parent.get(span)!;
    children.set(above, children.get(above)!.filter((child) => child !== span));
    parent.delete(span);
    roots.push(span);
    visit(span);
  }
}

export function byStart(a: SpanShape, b: SpanShape): number {
  return a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0;
}
