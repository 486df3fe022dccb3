// The structural difference of two traces: spans are matched by their path, the chain
// of service:operation from the root down to them (so "checkout:POST /checkout >
// inventory:GET /stock" in one trace meets the same call in the other, whatever the span
// ids). Per path: how many spans each trace has there and their mean duration.
import { traceTree, type SpanShape } from './trace-tree.ts';

export type DiffStatus = 'added' | 'missing' | 'slower' | 'faster' | 'same';

export interface DiffRow {
  /** service:operation from the root down to the spans of this row. */
  path: string[];
  service: string;
  operation: string;
  depth: number;
  countA: number;
  countB: number;
  /** Mean span duration, ns; 0 where the trace has none. */
  meanNsA: number;
  meanNsB: number;
  status: DiffStatus;
}

/** Slower or faster: by this factor and at least MIN_CHANGE_NS. */
const CHANGE_FACTOR = 1.2;
const MIN_CHANGE_NS = 1_000_000;

/** Rows in tree order: a path right after its parent path, siblings by first start. */
export function diffTraces(a: readonly SpanShape[], b: readonly SpanShape[]): DiffRow[] {
  const left = pathGroups(a);
  const right = pathGroups(b);
  const keys = [...new Set([...left.keys(), ...right.keys()])];
  const firstStart = (key: string) => Math.min(left.get(key)?.firstStart ?? Infinity, right.get(key)?.firstStart ?? Infinity);
  // Tree order: compare paths element by element; at a difference, the earlier sibling first.
  const parts = new Map(keys.map((key) => [key, key.split(SEPARATOR)]));
  const groupOf = (key: string) => (left.get(key) ?? right.get(key))!;
  const prefixStart = (path: string[], length: number) => firstStart(path.slice(0, length).join(SEPARATOR));
  keys.sort((x, y) => {
    const [px, py] = [parts.get(x)!, parts.get(y)!];
    for (let i = 0; i < Math.min(px.length, py.length); i++) {
      if (px[i] === py[i]) continue;
      return prefixStart(px, i + 1) - prefixStart(py, i + 1) || (px[i] < py[i] ? -1 : 1);
    }
    return px.length - py.length;
  });
  return keys.map((key) => {
    const { service, operation } = groupOf(key);
    const path = parts.get(key)!.map((step) => step.replace(STEP_SEPARATOR, ':'));
    const l = left.get(key);
    const r = right.get(key);
    const meanNsA = l ? l.totalNs / l.count : 0;
    const meanNsB = r ? r.totalNs / r.count : 0;
    return { path, service, operation, depth: path.length - 1, countA: l?.count ?? 0, countB: r?.count ?? 0, meanNsA, meanNsB, status: status(l, r, meanNsA, meanNsB) };
  });
}

const SEPARATOR = '\u0000';
const STEP_SEPARATOR = '\u0001';
const step = (span: SpanShape) => `${span.serviceName}${STEP_SEPARATOR}${span.name}`;

interface PathGroup {
  service: string;
  operation: string;
  count: number;
  totalNs: number;
  firstStart: number;
}

function pathGroups(spans: readonly SpanShape[]): Map<string, PathGroup> {
  const tree = traceTree(spans);
  const groups = new Map<string, PathGroup>();
  const origin = spans.reduce((min, s) => (s.startNs < min ? s.startNs : min), spans[0]?.startNs ?? 0n);
  // Iterative: a deep trace must not overflow the stack.
  const stack = tree.roots.map((i) => ({ i, path: step(spans[i]!) }));
  while (stack.length > 0) {
    const { i, path } = stack.pop()!;
    const span = spans[i]!;
    const group = groups.get(path) ?? { service: span.serviceName, operation: span.name, count: 0, totalNs: 0, firstStart: Infinity };
    group.count++;
    group.totalNs += Number(span.endNs - span.startNs);
    group.firstStart = Math.min(group.firstStart, Number(span.startNs - origin));
    groups.set(path, group);
    for (const child of tree.childrenOf(i)) stack.push({ i: child, path: `${path}${SEPARATOR}${step(spans[child]!)}` });
  }
  return groups;
}

function status(a: PathGroup | undefined, b: PathGroup | undefined, meanA: number, meanB: number): DiffStatus {
  if (!a) return 'added';
  if (!b) return 'missing';
  if (meanB > meanA * CHANGE_FACTOR && meanB - meanA >= MIN_CHANGE_NS) return 'slower';
  if (meanA > meanB * CHANGE_FACTOR && meanA - meanB >= MIN_CHANGE_NS) return 'faster';
  return 'same';
}
