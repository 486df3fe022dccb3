// The critical path of a trace, as Uber's CRISP computes it: the chain of work that
// decided when the trace finished. Walk back from the end of the root: the child that
// finished last (before the point reached) is on the path, and so is, recursively, what
// decided when it finished; time a span spent with no child on the path is its own. A
// child that finished while a later one was still running was not waited for.
//
// Clocks of different hosts disagree: a child drawn outside its parent is clipped to the
// parent's time on the path (the parent waited for it, whatever the clocks say).
import { lastEndingRoot, traceTree, type SpanShape, type TraceTree } from './trace-tree.ts';

/** Part of a span's own time on the critical path. */
export interface PathSegment<S extends SpanShape = SpanShape> {
  span: S;
  startNs: bigint;
  endNs: bigint;
}

export interface ServiceShare {
  service: string;
  durationNs: bigint;
  /** durationNs / the path's length, 0..1. */
  share: number;
}

export interface CriticalPath<S extends SpanShape = SpanShape> {
  /** In time order; contiguous from the root's start to its end. */
  segments: PathSegment<S>[];
  durationNs: bigint;
  /** Time on the path per service, largest first (ties by name). */
  byService: ServiceShare[];
}

export function criticalPath<S extends SpanShape>(spans: readonly S[], tree: TraceTree<S> = traceTree(spans)): CriticalPath<S> {
  // With several roots (parents missing), the one that ended last stands for the trace.
  const root = lastEndingRoot(tree);
  if (root < 0) return { segments: [], durationNs: 0n, byService: [] };
  const reversed: PathSegment<S>[] = [];

  // Depth-first with an explicit stack: a deep trace must not overflow the call stack.
  interface Frame {
    span: S;
    /** The span's window on the path: its own times, clipped to its parent's window. */
    lo: bigint;
    hi: bigint;
    /** Walking back from hi: everything after the cursor is accounted for. */
    cursor: bigint;
    /** Its children's indexes, latest-ending first. */
    kids: number[];
    next: number;
  }
  const endsLater = (a: number, b: number) => (spans[a]!.endNs > spans[b]!.endNs ? -1 : spans[a]!.endNs < spans[b]!.endNs ? 1 : 0);
  const frame = (at: number, lo: bigint, hi: bigint): Frame => ({
    span: spans[at]!,
    lo,
    hi,
    cursor: hi,
    kids: Array.from(tree.childrenOf(at)).sort(endsLater),
    next: 0,
  });
  const stack = [frame(root, spans[root]!.startNs, max(spans[root]!.endNs, spans[root]!.startNs))];
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    let taken = false;
    while (f.next < f.kids.length) {
      const at = f.kids[f.next++]!;
      const candidate = spans[at]!;
      // Ended after the point reached: it ran alongside a later child and was not waited
      // for; unless nothing was taken yet and its clock runs past the parent's end.
      if (candidate.endNs > f.cursor && f.cursor < f.hi) continue;
      const end = min(candidate.endNs, f.cursor);
      const start = max(candidate.startNs, f.lo);
      if (end <= f.lo) {
        f.next = f.kids.length; // sorted by end: the rest ended earlier still
        break;
      }
      if (start >= end) continue;
      taken = true;
      if (end < f.cursor) reversed.push({ span: f.span, startNs: end, endNs: f.cursor });
      f.cursor = start;
      stack.push(frame(at, start, end));
      break;
    }
    if (taken) continue;
    if (f.cursor > f.lo) reversed.push({ span: f.span, startNs: f.lo, endNs: f.cursor });
    stack.pop();
  }

  const segments = reversed.reverse();
  const durationNs = segments.reduce((sum, s) => sum + (s.endNs - s.startNs), 0n);
  return { segments, durationNs, byService: sharesByService(segments, durationNs) };
}

function sharesByService(segments: PathSegment[], total: bigint): ServiceShare[] {
  const byService = new Map<string, bigint>();
  for (const s of segments) byService.set(s.span.serviceName, (byService.get(s.span.serviceName) ?? 0n) + (s.endNs - s.startNs));
  return [...byService]
    .map(([service, durationNs]) => ({ service, durationNs, share: total > 0n ? Number(durationNs) / Number(total) : 0 }))
    .sort((a, b) => (a.durationNs === b.durationNs ? (a.service < b.service ? -1 : 1) : a.durationNs > b.durationNs ? -1 : 1));
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);
const max = (a: bigint, b: bigint) => (a > b ? a : b);
