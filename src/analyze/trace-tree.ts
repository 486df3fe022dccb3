// A trace's spans as a tree, which every per-trace analysis walks. Traces are not always
// well formed: a parent may be missing (not yet arrived, or dropped), clocks of different
// hosts disagree, and a Zipkin shared span is two spans (client and server halves) under
// one id. The tree takes them as they are: a span whose parent is absent is a root.
import { SpanKind, type SpanRow } from '../model/span.ts';

export interface TraceTree {
  /** Spans without a parent in the trace, earliest first. */
  roots: SpanRow[];
  /** Children of each span, earliest first. */
  children: Map<SpanRow, SpanRow[]>;
  /** The parent of each span that has one in the trace. */
  parent: Map<SpanRow, SpanRow>;
}

const NO_PARENT = /^0*$/;

export function traceTree(spans: readonly SpanRow[]): TraceTree {
  // A shared span id names two spans: children hang off the server half, which made them,
  // and the server half hangs off the client half, which it answered.
  const byId = new Map<string, SpanRow>();
  const clientHalf = new Map<string, SpanRow>();
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
  const roots: SpanRow[] = [];
  const children = new Map<SpanRow, SpanRow[]>(spans.map((span) => [span, []]));
  const parent = new Map<SpanRow, SpanRow>();
  for (const span of spans) {
    const client = clientHalf.get(span.spanId);
    const found =
      client !== undefined && span === byId.get(span.spanId)
        ? client
        : NO_PARENT.test(span.parentSpanId)
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
  for (const list of children.values()) list.sort(byStart);
  roots.sort(byStart);
  return { roots, children, parent };
}

/**
 * Parent ids that loop (A's parent is B, B's is A: a broken client) leave spans that no
 * root reaches; each loop is cut above its earliest span, which becomes a root, so every
 * walk of the tree ends.
 */
function breakCycles(spans: readonly SpanRow[], roots: SpanRow[], children: Map<SpanRow, SpanRow[]>, parent: Map<SpanRow, SpanRow>): void {
  const reached = new Set<SpanRow>();
  const visit = (from: SpanRow) => {
    const stack = [from];
    while (stack.length > 0) {
      const span = stack.pop()!;
      if (reached.has(span)) continue;
      reached.add(span);
      stack.push(...children.get(span)!);
    }
  };
  roots.forEach(visit);
  for (const span of [...spans].sort(byStart)) {
    if (reached.has(span)) continue;
    const above = parent.get(span)!;
    children.set(above, children.get(above)!.filter((child) => child !== span));
    parent.delete(span);
    roots.push(span);
    visit(span);
  }
}

export function byStart(a: SpanRow, b: SpanRow): number {
  return a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0;
}
