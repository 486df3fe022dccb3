// Per-trace analyses on small hand-built traces with known answers: the tree (missing
// parents, shared spans, loops), critical path, error origin and statistics.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { criticalPath } from '../../src/analyze/critical-path.ts';
import { errorOrigins } from '../../src/analyze/error-origin.ts';
import { traceStats } from '../../src/analyze/trace-stats.ts';
import { traceTree } from '../../src/analyze/trace-tree.ts';
import { SpanKind, StatusCode, type SpanRow } from '../../src/model/span.ts';
import { newTraceId, span as buildSpan } from '../support/span-builder.ts';

const traceId = newTraceId();
/** A span named `name` of `service` over [start, end] ms, under `parent`. */
function span(name: string, start: number, end: number, options: { parent?: SpanRow; service?: string; error?: boolean; kind?: number; spanId?: string; parentSpanId?: string } = {}): SpanRow {
  return buildSpan({
    traceId,
    service: options.service ?? 'svc',
    name,
    startNs: BigInt(start) * 1_000_000n,
    durationNs: BigInt(end - start) * 1_000_000n,
    parentSpanId: options.parentSpanId ?? options.parent?.spanId ?? '',
    statusCode: options.error ? StatusCode.ERROR : StatusCode.UNSET,
    kind: options.kind ?? SpanKind.INTERNAL,
    ...(options.spanId ? { spanId: options.spanId } : {}),
  });
}

/** The path as `name start-end` in ms. */
const path = (spans: SpanRow[]) => criticalPath(spans).segments.map((s) => `${s.span.name} ${Number(s.startNs / 1_000_000n)}-${Number(s.endNs / 1_000_000n)}`);

describe('critical path', () => {
  it('sequential children: each child and the gaps between them', () => {
    const root = span('root', 0, 100);
    assert.deepEqual(path([root, span('a', 10, 40, { parent: root }), span('b', 50, 90, { parent: root })]), ['root 0-10', 'a 10-40', 'root 40-50', 'b 50-90', 'root 90-100']);
  });

  it('overlapping children: only the last to finish, and what finished before it started', () => {
    const root = span('root', 0, 100);
    const spans = [root, span('a', 50, 90, { parent: root }), span('b', 10, 40, { parent: root }), span('c', 30, 60, { parent: root })];
    // c ran alongside a (it ended after a started): not waited for
    assert.deepEqual(path(spans), ['root 0-10', 'b 10-40', 'root 40-50', 'a 50-90', 'root 90-100']);
  });

  it('a child that covers another: the inner one is not on the path', () => {
    const root = span('root', 0, 100);
    assert.deepEqual(path([root, span('long', 10, 80, { parent: root }), span('short', 20, 60, { parent: root })]), ['root 0-10', 'long 10-80', 'root 80-100']);
  });

  it('descends: a grandchild decides when its parent ends', () => {
    const root = span('root', 0, 100, { service: 'front' });
    const call = span('call', 10, 90, { parent: root, service: 'front' });
    const handler = span('handle', 15, 85, { parent: call, service: 'back' });
    const query = span('query', 20, 80, { parent: handler, service: 'db' });
    const result = criticalPath([root, call, handler, query]);
    assert.deepEqual(path([root, call, handler, query]), ['root 0-10', 'call 10-15', 'handle 15-20', 'query 20-80', 'handle 80-85', 'call 85-90', 'root 90-100']);
    assert.equal(result.durationNs, 100_000_000n, 'the path covers the whole trace');
    assert.deepEqual(
      result.byService.map((s) => [s.service, Number(s.durationNs / 1_000_000n), s.share]),
      [['db', 60, 0.6], ['front', 30, 0.3], ['back', 10, 0.1]],
    );
  });

  it('skewed clocks: a child drawn past its parent is clipped to it', () => {
    const root = span('root', 0, 100);
    assert.deepEqual(path([root, span('late', 90, 130, { parent: root })]), ['root 0-90', 'late 90-100']);
    const early = span('root', 50, 100);
    assert.deepEqual(path([early, span('early', 20, 70, { parent: early })]), ['early 50-70', 'root 70-100']);
  });

  it('missing parents: the root that ended last stands for the trace', () => {
    const orphan = span('orphan', 0, 300, { parentSpanId: 'ffffffffffffffff' });
    const root = span('root', 0, 100);
    assert.deepEqual(path([root, orphan]), ['orphan 0-300']);
    assert.deepEqual(criticalPath([]), { segments: [], durationNs: 0n, byService: [] });
  });

  it('a deep chain does not overflow the stack', () => {
    const spans = [span('s0', 0, 100_000)];
    for (let i = 1; i < 20_000; i++) spans.push(span(`s${i}`, i, 100_000 - i, { parent: spans[i - 1] }));
    const result = criticalPath(spans);
    assert.equal(result.durationNs, 100_000n * 1_000_000n);
    assert.equal(result.segments.length, 2 * 20_000 - 1);
  });
});

describe('trace tree', () => {
  it('a Zipkin shared span: the server half hangs off the client half, children off the server half', () => {
    const root = span('root', 0, 100, { service: 'front', kind: SpanKind.SERVER });
    const client = span('call', 10, 90, { parent: root, service: 'front', kind: SpanKind.CLIENT });
    const server = span('call', 12, 88, { parent: root, service: 'back', kind: SpanKind.SERVER, spanId: client.spanId });
    const work = span('work', 20, 80, { service: 'back', parentSpanId: client.spanId });
    const spans = [work, server, root, client];
    const tree = traceTree(spans);
    const parentOf = (s: SpanRow) => spans[tree.parent[spans.indexOf(s)]!];
    assert.deepEqual(tree.roots, [spans.indexOf(root)]);
    assert.equal(parentOf(server), client);
    assert.equal(parentOf(client), root);
    assert.equal(parentOf(work), server);
    assert.deepEqual(Array.from(tree.childrenOf(spans.indexOf(root)), (i) => spans[i]), [client], 'the server half hangs off the client half, not the root');
    assert.deepEqual(path([root, client, server, work]), ['root 0-10', 'call 10-12', 'call 12-20', 'work 20-80', 'call 80-88', 'call 88-90', 'root 90-100']);
  });

  it('parent ids that loop are cut, so every span is reached once', () => {
    const a = span('a', 0, 10, { spanId: 'a000000000000001', parentSpanId: 'a000000000000002' });
    const b = span('b', 1, 9, { spanId: 'a000000000000002', parentSpanId: 'a000000000000001' });
    const tree = traceTree([a, b]);
    assert.deepEqual(tree.roots, [0]);
    assert.equal(tree.parent[1], 0);
    assert.deepEqual(Array.from(tree.childrenOf(0)), [1]);
    assert.deepEqual(path([a, b]), ['a 0-1', 'b 1-9', 'a 9-10']);
  });
});

describe('error origin', () => {
  it('the deepest failing span of each chain, not the callers it failed', () => {
    const root = span('root', 0, 100, { error: true });
    const a = span('a', 10, 90, { parent: root, error: true });
    const b = span('b', 20, 80, { parent: a, error: true });
    const c = span('c', 30, 70, { parent: b });
    const d = span('d', 91, 99, { parent: root, error: true });
    assert.deepEqual(errorOrigins([root, a, b, c, d]), [b, d]);
  });

  it('an error propagated through a call that was not marked failed is not an origin', () => {
    // checkout fails because payment did; the HTTP client span between them is unmarked
    const checkout = span('checkout', 0, 100, { error: true, service: 'checkout' });
    const call = span('POST payment', 10, 90, { parent: checkout, service: 'checkout', kind: SpanKind.CLIENT });
    const payment = span('POST /payments', 12, 88, { parent: call, service: 'payment', error: true, kind: SpanKind.SERVER });
    assert.deepEqual(errorOrigins([checkout, call, payment]), [payment]);
  });

  it('an error under a span that did not fail is an origin; no errors, no origin', () => {
    const root = span('root', 0, 100);
    const child = span('child', 10, 20, { parent: root, error: true });
    assert.deepEqual(errorOrigins([root, child]), [child]);
    assert.deepEqual(errorOrigins([root]), []);
  });
});

describe('trace statistics', () => {
  it('self time is what children do not cover; overlapping children count once', () => {
    const root = span('root', 0, 100, { service: 'front' });
    const spans = [
      root,
      span('q', 10, 50, { parent: root, service: 'db' }),
      span('q', 30, 60, { parent: root, service: 'db', error: true }),
      span('q', 80, 90, { parent: root, service: 'db' }),
    ];
    const stats = traceStats(spans).map((s) => [s.service, s.operation, s.count, Number(s.totalNs / 1_000_000n), Number(s.selfNs / 1_000_000n), s.errors]);
    assert.deepEqual(stats, [
      ['db', 'q', 3, 80, 80, 1],
      ['front', 'root', 1, 100, 40, 0],
    ]);
  });
});
