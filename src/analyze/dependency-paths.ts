// The paths of Jaeger UI's Deep Dependency Graph: for a focal service (and operation), the
// distinct chains of service:operation hops from a trace's root down to each of its leaves
// that pass through it, over many traces, each with example traces that took it.
//
// Paths are made as jaeger-analytics-flink's deep-dependencies job makes them
// (TraceToPathMapper: one path per root-to-leaf chain of spans, each span on the chain a
// hop if it is a SERVER span) and as Jaeger UI does for its DDG of search results
// (transformTracesToPaths: the root, server spans, and spans of another process than the
// last hop). A span is a hop where a request enters a service:
// - the root, whatever its kind: flink's rule alone drops a root that is not a server span
//   (a cron job's INTERNAL span, a load generator's CLIENT span) and the path starts at
//   its callee;
// - a SERVER span, and a CONSUMER span (the receiving end of messaging, Skein's addition);
// - a span whose parent is in another service: Zipkin and Jaeger clients often send no
//   kind, and their callees would otherwise vanish.
// Every other span (the caller's CLIENT, PRODUCER and INTERNAL spans) belongs to the hop
// above it, so consecutive spans of one service collapse into that service's entry span.
// Two hops in a row into one service (a service calling itself over RPC) stay two hops,
// as in flink and Jaeger UI. A leaf that is not a hop ends its hop's path: a service whose
// client span got no answer still ends a path, as in flink.
//
// Traces are taken as trace-tree.ts builds them: a span whose parent is missing starts a
// path of its own (flink drops traces without their root; Skein keeps what arrived), Zipkin
// shared spans are one call, loops are cut.
import type { SpanOutline } from '../store/span-store.ts';
import { SpanKind } from '../model/span.ts';
import { traceTree, type SpanShape, type TraceTree } from './trace-tree.ts';

export interface ServiceOperation {
  service: string;
  operation: string;
}

export interface DependencyPath {
  /** Hops from the root down. */
  path: ServiceOperation[];
  /** How many of the traces read took this path. */
  traceCount: number;
  /** Up to MAX_EXEMPLARS of those traces, the latest started first. */
  exemplarTraceIds: string[];
}

/** The service the graph is about, and its operation (an entry span's name) if one is chosen. */
export interface FocalNode {
  service: string;
  operation?: string;
}

/** What the paths read of a span: its outline, with the trace it belongs to. */
export type PathSpan = SpanShape & Pick<SpanOutline, 'traceId'>;

/** Example traces kept per path: enough for Jaeger UI's "View traces" to show some variety. */
export const MAX_EXEMPLARS = 3;
/** Paths returned at most (the most common): more than a graph can show legibly. */
export const DEFAULT_MAX_PATHS = 500;

/**
 * The distinct paths through the focal node in the spans of many traces (any order,
 * traces told apart by traceId), most common first, ties in path order; at most maxPaths.
 */
export function dependencyPaths(spans: readonly PathSpan[], focal: FocalNode, maxPaths = DEFAULT_MAX_PATHS): DependencyPath[] {
  const trie = new PathTrie(focal);
  const tallies = new Map<number, PathTally>();
  for (const trace of groupByTrace(spans)) {
    const tree = traceTree(trace);
    const traceId = trace[0]!.traceId;
    const startNs = trace[tree.roots[0]!]!.startNs;
    for (const node of leafPaths(tree, trie)) {
      if (!trie.passesFocal(node)) continue;
      const tally = tallies.get(node) ?? { traceCount: 0, exemplars: [] };
      tallies.set(node, tally);
      tally.traceCount++;
      addExemplar(tally.exemplars, { traceId, startNs });
    }
  }
  return [...tallies]
    .map(([node, tally]) => ({ path: trie.hops(node), traceCount: tally.traceCount, exemplarTraceIds: tally.exemplars.map((e) => e.traceId) }))
    .sort((a, b) => b.traceCount - a.traceCount || comparePaths(a.path, b.path))
    .slice(0, maxPaths);
}

interface Exemplar {
  traceId: string;
  startNs: bigint;
}

interface PathTally {
  traceCount: number;
  /** Latest started first, at most MAX_EXEMPLARS. */
  exemplars: Exemplar[];
}

/**
 * The paths of a tree's leaves, each once, as trie nodes. Walked from the roots with a
 * stack, not recursion: a trace can be a chain of thousands of spans.
 */
function leafPaths(tree: TraceTree<PathSpan>, trie: PathTrie): Set<number> {
  const { spans, parent } = tree;
  const nodeOf = new Int32Array(spans.length);
  const found = new Set<number>();
  const stack = [...tree.roots];
  while (stack.length > 0) {
    const i = stack.pop()!;
    const span = spans[i]!;
    const up = parent[i]!;
    nodeOf[i] = up < 0 ? trie.hop(PathTrie.EMPTY, span) : isEntry(span, spans[up]!) ? trie.hop(nodeOf[up]!, span) : nodeOf[up]!;
    const children = tree.childrenOf(i);
    if (children.length === 0) found.add(nodeOf[i]!);
    for (const child of children) stack.push(child);
  }
  return found;
}

/** Where a request enters a service (roots are hops too; see the top of the file). */
function isEntry(span: SpanShape, parent: SpanShape): boolean {
  return span.kind === SpanKind.SERVER || span.kind === SpanKind.CONSUMER || span.serviceName !== parent.serviceName;
}

/**
 * Every path seen, shared by all traces: a node is a path, its parent the path one hop
 * shorter. Each span then costs one map lookup, not a copy of its path.
 */
class PathTrie {
  static readonly EMPTY = -1;
  private readonly service: string[] = [];
  private readonly operation: string[] = [];
  private readonly parent: number[] = [];
  /** Whether the path has a hop at the focal node. */
  private readonly focal: boolean[] = [];
  private readonly children = new Map<string, number>();

  constructor(private readonly focalNode: FocalNode) {}

  /** The path `node` followed by the span's service and name. */
  hop(node: number, span: SpanShape): number {
    const key = `${node}\u0000${span.serviceName}\u0000${span.name}`;
    let child = this.children.get(key);
    if (child === undefined) {
      child = this.parent.length;
      this.children.set(key, child);
      this.service.push(span.serviceName);
      this.operation.push(span.name);
      this.parent.push(node);
      const atFocal = span.serviceName === this.focalNode.service && (this.focalNode.operation === undefined || span.name === this.focalNode.operation);
      this.focal.push(atFocal || (node !== PathTrie.EMPTY && this.focal[node]!));
    }
    return child;
  }

  passesFocal(node: number): boolean {
    return this.focal[node]!;
  }

  hops(node: number): ServiceOperation[] {
    const path: ServiceOperation[] = [];
    for (let at = node; at !== PathTrie.EMPTY; at = this.parent[at]!) path.push({ service: this.service[at]!, operation: this.operation[at]! });
    return path.reverse();
  }
}

/** Keeps the MAX_EXEMPLARS latest-started traces, latest first (ties by trace id, for repeatable answers). */
function addExemplar(exemplars: Exemplar[], exemplar: Exemplar): void {
  const later = (a: Exemplar, b: Exemplar) => a.startNs > b.startNs || (a.startNs === b.startNs && a.traceId < b.traceId);
  let at = exemplars.length;
  while (at > 0 && later(exemplar, exemplars[at - 1]!)) at--;
  if (at < MAX_EXEMPLARS) exemplars.splice(at, 0, exemplar);
  if (exemplars.length > MAX_EXEMPLARS) exemplars.pop();
}

function comparePaths(a: ServiceOperation[], b: ServiceOperation[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareText(a[i]!.service, b[i]!.service) || compareText(a[i]!.operation, b[i]!.operation);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function groupByTrace(spans: readonly PathSpan[]): PathSpan[][] {
  const traces = new Map<string, PathSpan[]>();
  for (const span of spans) {
    const trace = traces.get(span.traceId);
    if (trace) trace.push(span);
    else traces.set(span.traceId, [span]);
  }
  return [...traces.values()];
}
