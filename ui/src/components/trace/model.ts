// A trace as the trace view draws it, built from the server's timeline of it
// (/api/v1/traces/{id}/timeline): per-span columns (typed arrays where the values are
// numbers) indexed like the timeline's spans, nothing allocated per span, and the tree
// built once in tree order (iteratively: a 100 000-deep chain must not overflow the
// stack), so collapsing a span only recomputes which rows show (rows.ts). Attributes,
// events and resources are not here: the detail panel fetches them for the span it shows.
//
// Traces are taken as they come, as src/analyze/trace-tree.ts takes them: a span whose
// parent is absent is a root; a Zipkin shared span (a client and a server half under one
// id) puts the server half under the client half; parent ids that loop are cut above the
// loop's earliest span. Children drawn before their parent's start or after its end
// (skewed clocks) are drawn as sent and flagged in `skew` (ending after a PRODUCER parent,
// or as a CONSUMER, is how messaging works, not skew).
import type { TraceTimeline } from '../../api.ts';

/** Where a child's clock disagrees with its parent's: bit 1 starts before, bit 2 ends after. */
export const SKEW_BEFORE = 1;
export const SKEW_AFTER = 2;

/** The OTLP status code of a failed span. */
export const STATUS_ERROR = 2;

export interface TraceModel {
  traceId: string;
  count: number;
  /** Per span, in the timeline's order (by start): its id; a shared span's halves share one. */
  spanId: string[];
  /** Per span: its parent's id as sent, '' for none; it may name a span not in the trace. */
  parentSpanId: string[];
  /** Per span: its service's name (the strings are shared, one per service). */
  service: string[];
  /** Per span: its service's index in `services`, for per-service tallies without lookups. */
  serviceIndex: Int32Array;
  /** Per span: its name (shared strings, one per distinct name). */
  name: string[];
  /** Per span: OTLP SpanKind. */
  kind: Uint8Array;
  /** Per span: OTLP status code (STATUS_ERROR: failed). */
  statusCode: Uint8Array;
  /** A span's status message, '' for none (few spans have one, so it is not a column). */
  statusMessage: (i: number) => string;
  /** Every link of every span: [span index, linked trace id, linked span id]. */
  links: [number, string, string][];
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
  skew: Uint8Array;
  /** the greatest gap of a skewed child from its parent's extent, ns */
  skewNs: Float64Array;
  /** span id → index (a shared id names its server half) */
  indexById: Map<string, number>;
  /** distinct service names, sorted */
  services: string[];
  errorCount: number;
  maxDepth: number;
  /** spans without a parent in the trace */
  rootCount: number;
}

const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

/** ns of an OTLP/JSON time string, split at the second so the arithmetic stays exact. */
function splitNanos(text: string): [number, number] {
  return text.length <= 9 ? [0, Number(text)] : [Number(text.slice(0, -9)), Number(text.slice(-9))];
}

export function buildTraceModel(timeline: TraceTimeline): TraceModel {
  const count = timeline.spanId.length;
  const { spanId, parentSpanId, names } = timeline;

  // Services sorted for the header's list; each span's index remapped to the sorted order.
  const services = [...timeline.services].sort();
  const sortedIndex = new Map(services.map((s, n) => [s, n]));
  const fromTimeline = timeline.services.map((s) => sortedIndex.get(s)!);
  const serviceIndex = new Int32Array(count);
  const service = new Array<string>(count);
  const name = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    serviceIndex[i] = fromTimeline[timeline.service[i]];
    service[i] = services[serviceIndex[i]];
    name[i] = names[timeline.name[i]];
  }
  const kind = Uint8Array.from(timeline.kind);
  const statusCode = Uint8Array.from(timeline.statusCode);

  // Times come as ns since the earliest start, exact as doubles for traces shorter than
  // 104 days (2^53 ns); an end before its start is drawn as an instant.
  const start = Float64Array.from(timeline.start);
  const end = new Float64Array(count);
  let last = 0;
  for (let i = 0; i < count; i++) {
    end[i] = start[i] + Math.max(timeline.duration[i], 0);
    if (end[i] > last) last = end[i];
  }
  const [baseSec, baseNs] = splitNanos(timeline.startTimeUnixNano);

  const { parent, indexById } = linkParents(spanId, parentSpanId, kind);
  const tree = treeOrder(parent, start);

  const skew = new Uint8Array(count);
  const skewNs = new Float64Array(count);
  let errorCount = 0;
  for (let i = 0; i < count; i++) {
    if (statusCode[i] === STATUS_ERROR) errorCount++;
    const p = tree.parent[i];
    if (p < 0) continue;
    if (start[i] < start[p]) {
      skew[i] |= SKEW_BEFORE;
      skewNs[i] = start[p] - start[i];
    }
    // A message's consumer may well outlive its producer: that is not skew.
    const async = kind[p] === PRODUCER || kind[i] === CONSUMER;
    if (end[i] > end[p] && !async) {
      skew[i] |= SKEW_AFTER;
      skewNs[i] = Math.max(skewNs[i], end[i] - end[p]);
    }
  }

  return {
    traceId: timeline.traceId,
    count,
    spanId,
    parentSpanId,
    service,
    serviceIndex,
    name,
    kind,
    statusCode,
    statusMessage: (i) => timeline.statusMessage[i] ?? '',
    links: timeline.links,
    start,
    end,
    durationNs: last,
    startUnixMs: baseSec * 1e3 + baseNs / 1e6,
    relativeNs: (text) => {
      const [sec, ns] = splitNanos(text);
      return (sec - baseSec) * 1e9 + (ns - baseNs);
    },
    ...tree,
    skew,
    skewNs,
    indexById,
    services,
    errorCount,
  };
}

/** Each span's parent index (-1: a root), with shared spans' halves joined. */
function linkParents(spanId: string[], parentSpanId: string[], kind: Uint8Array): { parent: Int32Array; indexById: Map<string, number> } {
  const count = spanId.length;
  const indexById = new Map<string, number>();
  const clientHalf = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const id = spanId[i];
    const known = indexById.get(id);
    if (known === undefined) {
      indexById.set(id, i);
      continue;
    }
    const [client, server] = kind[known] === SERVER ? [i, known] : [known, i];
    if (kind[server] === SERVER && kind[client] === CLIENT) {
      indexById.set(id, server);
      clientHalf.set(id, client);
    }
  }
  const parent = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const client = clientHalf.get(spanId[i]);
    const found = client !== undefined && indexById.get(spanId[i]) === i ? client : parentSpanId[i] === '' ? undefined : indexById.get(parentSpanId[i]);
    parent[i] = found === undefined || found === i ? -1 : found;
  }
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
