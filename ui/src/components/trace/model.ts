// A trace as the trace view draws it: its spans flattened into typed arrays indexed by span,
// the tree built once in tree order (iteratively: a 100 000-deep chain must not overflow the
// stack), so collapsing a span only recomputes which rows show (rows.ts).
//
// Traces are taken as they come, as src/analyze/trace-tree.ts takes them: a span whose
// parent is absent is a root; a Zipkin shared span (a client and a server half under one
// id) puts the server half under the client half; parent ids that loop are cut above the
// loop's earliest span. Children drawn before their parent's start or after its end
// (skewed clocks) are drawn as sent and flagged in `skew` (ending after a PRODUCER parent,
// or as a CONSUMER, is how messaging works, not skew).
import type { OtlpKeyValue, OtlpSpan, OtlpTrace } from '../../api.ts';

export interface SpanResource {
  attributes: OtlpKeyValue[];
  scope: { name?: string; version?: string; attributes?: OtlpKeyValue[] };
}

/** Where a child's clock disagrees with its parent's: bit 1 starts before, bit 2 ends after. */
export const SKEW_BEFORE = 1;
export const SKEW_AFTER = 2;

export interface TraceModel {
  traceId: string;
  count: number;
  spans: OtlpSpan[];
  service: string[];
  resource: SpanResource[];
  /** ns since the trace's first span started */
  start: Float64Array;
  end: Float64Array;
  durationNs: number;
  /** The first span's start, Unix ms. */
  startUnixMs: number;
  /** An OTLP/JSON time as ns since the trace's first span started. */
  relativeNs: (unixNanos: string) => number;
  /** index of the parent span, -1 for a root */
  parent: Int32Array;
  depth: Int32Array;
  childCount: Int32Array;
  /** spans in tree order: each span, then its children's subtrees, earliest child first */
  order: Int32Array;
  /** a span and its descendants: consecutive in `order` */
  subtreeSize: Int32Array;
  error: Uint8Array;
  skew: Uint8Array;
  /** the greatest gap of a skewed child from its parent's extent, ns */
  skewNs: Float64Array;
  /** span id → index (a shared id names its server half) */
  indexById: Map<string, number>;
  services: string[];
  errorCount: number;
  maxDepth: number;
  /** spans without a parent in the trace */
  rootCount: number;
}

const NO_PARENT = /^0*$/;
const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

/** ns of an OTLP/JSON time string, split at the second so the arithmetic stays exact. */
function splitNanos(text: string): [number, number] {
  return text.length <= 9 ? [0, Number(text)] : [Number(text.slice(0, -9)), Number(text.slice(-9))];
}

export function buildTraceModel(traceId: string, trace: OtlpTrace): TraceModel {
  const spans: OtlpSpan[] = [];
  const service: string[] = [];
  const resource: SpanResource[] = [];
  for (const rs of trace.resourceSpans) {
    const attributes = rs.resource?.attributes ?? [];
    const name = attributes.find((kv) => kv.key === 'service.name')?.value.stringValue ?? 'unknown service';
    for (const ss of rs.scopeSpans) {
      const res: SpanResource = { attributes, scope: ss.scope ?? {} };
      for (const span of ss.spans) {
        spans.push(span);
        service.push(name);
        resource.push(res);
      }
    }
  }
  const count = spans.length;

  // Times relative to the earliest second, exact for traces shorter than 104 days.
  const startSec = new Float64Array(count);
  const startFrac = new Float64Array(count);
  const endSec = new Float64Array(count);
  const endFrac = new Float64Array(count);
  let baseSec = Infinity;
  for (let i = 0; i < count; i++) {
    [startSec[i], startFrac[i]] = splitNanos(spans[i].startTimeUnixNano);
    [endSec[i], endFrac[i]] = splitNanos(spans[i].endTimeUnixNano);
    if (startSec[i] < baseSec) baseSec = startSec[i];
  }
  const start = new Float64Array(count);
  const end = new Float64Array(count);
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < count; i++) {
    start[i] = (startSec[i] - baseSec) * 1e9 + startFrac[i];
    end[i] = Math.max(start[i], (endSec[i] - baseSec) * 1e9 + endFrac[i]);
    if (start[i] < first) first = start[i];
    if (end[i] > last) last = end[i];
  }
  for (let i = 0; i < count; i++) {
    start[i] -= first;
    end[i] -= first;
  }

  const { parent, indexById } = linkParents(spans);
  const tree = treeOrder(parent, start);

  const error = new Uint8Array(count);
  const skew = new Uint8Array(count);
  const skewNs = new Float64Array(count);
  let errorCount = 0;
  for (let i = 0; i < count; i++) {
    if (spans[i].status?.code === 2) {
      error[i] = 1;
      errorCount++;
    }
    const p = tree.parent[i];
    if (p < 0) continue;
    if (start[i] < start[p]) {
      skew[i] |= SKEW_BEFORE;
      skewNs[i] = start[p] - start[i];
    }
    // A message's consumer may well outlive its producer: that is not skew.
    const async = spans[p].kind === PRODUCER || spans[i].kind === CONSUMER;
    if (end[i] > end[p] && !async) {
      skew[i] |= SKEW_AFTER;
      skewNs[i] = Math.max(skewNs[i], end[i] - end[p]);
    }
  }

  return {
    // As stored (lower case, 32 digits), whatever spelling the URL used.
    traceId: spans[0]?.traceId ?? traceId,
    count,
    spans,
    service,
    resource,
    start,
    end,
    durationNs: count > 0 ? last - first : 0,
    startUnixMs: count > 0 ? baseSec * 1e3 + first / 1e6 : 0,
    relativeNs: (text) => {
      const [sec, ns] = splitNanos(text);
      return (sec - baseSec) * 1e9 + ns - first;
    },
    ...tree,
    error,
    skew,
    skewNs,
    indexById,
    services: [...new Set(service)].sort(),
    errorCount,
  };
}

/** Each span's parent index (-1: a root), with shared spans' halves joined. */
function linkParents(spans: OtlpSpan[]): { parent: Int32Array; indexById: Map<string, number> } {
  const indexById = new Map<string, number>();
  const clientHalf = new Map<string, number>();
  spans.forEach((span, i) => {
    const known = indexById.get(span.spanId);
    if (known === undefined) {
      indexById.set(span.spanId, i);
      return;
    }
    const [client, server] = spans[known].kind === SERVER ? [i, known] : [known, i];
    if (spans[server].kind === SERVER && spans[client].kind === CLIENT) {
      indexById.set(span.spanId, server);
      clientHalf.set(span.spanId, client);
    }
  });
  const parent = new Int32Array(spans.length);
  spans.forEach((span, i) => {
    const client = clientHalf.get(span.spanId);
    const found =
      client !== undefined && indexById.get(span.spanId) === i
        ? client
        : !span.parentSpanId || NO_PARENT.test(span.parentSpanId)
          ? undefined
          : indexById.get(span.parentSpanId);
    parent[i] = found === undefined || found === i ? -1 : found;
  });
  return { parent, indexById };
}

/**
 * Tree order by an explicit-stack walk; parent links that loop are cut above the loop's
 * earliest span, which becomes a root. Children and roots go earliest first.
 */
function treeOrder(parent: Int32Array, start: Float64Array) {
  const count = parent.length;
  const byStart = Int32Array.from({ length: count }, (_, i) => i).sort((a, b) => start[a] - start[b] || a - b);
  // Children lists in one array (CSR), each in start order since spans are added that way.
  const childCount = new Int32Array(count);
  for (let i = 0; i < count; i++) if (parent[i] >= 0) childCount[parent[i]]++;
  const childStart = new Int32Array(count + 1);
  for (let i = 0; i < count; i++) childStart[i + 1] = childStart[i] + childCount[i];
  const fill = childStart.slice(0, count);
  const children = new Int32Array(Math.max(childStart[count], 1));
  for (const i of byStart) if (parent[i] >= 0) children[fill[parent[i]]++] = i;

  const order = new Int32Array(count);
  const position = new Int32Array(count).fill(-1);
  const depth = new Int32Array(count);
  let placed = 0;
  const stack = new Int32Array(count);
  const walk = (root: number) => {
    let top = 0;
    stack[top++] = root;
    while (top > 0) {
      const i = stack[--top];
      position[i] = placed;
      order[placed++] = i;
      // Pushed latest first, so the earliest child comes out next.
      for (let c = childStart[i + 1] - 1; c >= childStart[i]; c--) {
        const child = children[c];
        if (parent[child] !== i || position[child] >= 0) continue; // cut from a loop
        depth[child] = depth[i] + 1;
        stack[top++] = child;
      }
    }
  };
  for (const i of byStart) if (parent[i] < 0) walk(i);
  for (const i of byStart) {
    if (position[i] >= 0) continue;
    parent[i] = -1; // the earliest span of a loop no root reaches
    depth[i] = 0;
    walk(i);
  }

  const subtreeSize = new Int32Array(count).fill(1);
  const liveChildren = new Int32Array(count);
  let maxDepth = 0;
  let rootCount = 0;
  for (let p = count - 1; p >= 0; p--) {
    const i = order[p];
    if (depth[i] > maxDepth) maxDepth = depth[i];
    if (parent[i] >= 0) {
      subtreeSize[parent[i]] += subtreeSize[i];
      liveChildren[parent[i]]++;
    } else rootCount++;
  }
  return { parent, depth, childCount: liveChildren, order, subtreeSize, maxDepth, rootCount };
}
