// Deep Dependency Graph paths on small hand-built traces with known answers: which spans
// are hops, the focal filter, malformed traces (missing parents, shared spans, loops), and
// counting, exemplars and the bound on paths.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dependencyPaths, MAX_EXEMPLARS, type DependencyPath, type PathSpan } from '../../src/analyze/dependency-paths.ts';
import { SpanKind, StatusCode } from '../../src/model/span.ts';

const { SERVER, CLIENT, INTERNAL, CONSUMER, PRODUCER, UNSPECIFIED } = SpanKind;

let spanCounter = 0;

/**
 * A trace builder: `add(service, name, kind, parent)` appends a span (1 ms after the last)
 * and returns it; `spans` holds them in the order added.
 */
function trace(traceId: string, startMs = 0) {
  const spans: PathSpan[] = [];
  let atNs = BigInt(startMs) * 1_000_000n;
  const add = (service: string, name: string, kind: number, parent?: PathSpan, spanId = (++spanCounter).toString(16).padStart(16, '0')): PathSpan => {
    atNs += 1_000_000n;
    const span = { traceId, spanId, parentSpanId: parent?.spanId ?? '', serviceName: service, name, kind, startNs: atNs, endNs: atNs + 500_000n, statusCode: StatusCode.UNSET };
    spans.push(span);
    return span;
  };
  return { spans, add };
}

/** Each path as `service:operation > ...`, with its trace count. */
const render = (paths: DependencyPath[]) => paths.map((p) => `${p.path.map((h) => `${h.service}:${h.operation}`).join(' > ')} (${p.traceCount})`);

/** gateway → checkout → payment and inventory, with client and internal spans in between. */
function checkoutTrace(traceId: string, startMs = 0) {
  const t = trace(traceId, startMs);
  const root = t.add('gateway', 'GET /checkout', SERVER);
  t.add('gateway', 'render', INTERNAL, root);
  const callCheckout = t.add('gateway', 'POST checkout', CLIENT, root);
  const checkout = t.add('checkout', 'POST /checkout', SERVER, callCheckout);
  t.add('checkout', 'SELECT cart', CLIENT, checkout);
  const pay = t.add('checkout', 'POST payment', CLIENT, checkout);
  t.add('payment', 'charge', SERVER, pay);
  const validate = t.add('checkout', 'validate', INTERNAL, checkout);
  const reserve = t.add('checkout', 'POST inventory', CLIENT, validate);
  t.add('inventory', 'reserve', SERVER, reserve);
  return t.spans;
}

describe('dependency paths', () => {
  it('one path per distinct chain of entry spans from the root to a leaf through the focal service', () => {
    assert.deepEqual(render(dependencyPaths(checkoutTrace('t1'), { service: 'checkout' })), [
      // The checkout's own client call to the database (a leaf) ends a path at checkout.
      'gateway:GET /checkout > checkout:POST /checkout (1)',
      'gateway:GET /checkout > checkout:POST /checkout > inventory:reserve (1)',
      'gateway:GET /checkout > checkout:POST /checkout > payment:charge (1)',
      // gateway > render does not pass checkout: left out.
    ]);
  });

  it('a path passes the focal service anywhere on it: upstream callers and downstream callees', () => {
    assert.deepEqual(render(dependencyPaths(checkoutTrace('t1'), { service: 'payment' })), [
      'gateway:GET /checkout > checkout:POST /checkout > payment:charge (1)',
    ]);
    assert.deepEqual(render(dependencyPaths(checkoutTrace('t1'), { service: 'gateway' })), [
      'gateway:GET /checkout (1)',
      'gateway:GET /checkout > checkout:POST /checkout (1)',
      'gateway:GET /checkout > checkout:POST /checkout > inventory:reserve (1)',
      'gateway:GET /checkout > checkout:POST /checkout > payment:charge (1)',
    ]);
  });

  it('with a focal operation, only paths through that operation of the service', () => {
    const t = trace('t2');
    const root = t.add('gateway', 'GET /status', SERVER);
    t.add('checkout', 'GET /health', SERVER, t.add('gateway', 'GET checkout', CLIENT, root));
    const spans = [...checkoutTrace('t1'), ...t.spans];
    assert.deepEqual(render(dependencyPaths(spans, { service: 'checkout', operation: 'GET /health' })), ['gateway:GET /status > checkout:GET /health (1)']);
    assert.equal(dependencyPaths(spans, { service: 'checkout', operation: 'POST /checkout' }).length, 3);
    assert.deepEqual(dependencyPaths(spans, { service: 'checkout', operation: 'SELECT cart' }), [], 'a client span is not a hop');
    assert.deepEqual(dependencyPaths(spans, { service: 'nowhere' }), []);
  });

  it('a service calling itself over RPC is two hops; its client and internal spans between are none', () => {
    const t = trace('t1');
    const root = t.add('search', 'GET /search', SERVER);
    const local = t.add('search', 'rank', INTERNAL, root);
    const self = t.add('search', 'GET /shard', SERVER, t.add('search', 'GET shard', CLIENT, local));
    t.add('search', 'scan', INTERNAL, self);
    assert.deepEqual(render(dependencyPaths(t.spans, { service: 'search' })), ['search:GET /search > search:GET /shard (1)']);
  });

  it('the root is a hop whatever its kind; consumers are hops, producers are not', () => {
    const t = trace('t1');
    const root = t.add('loadgen', 'checkout', CLIENT);
    const front = t.add('frontend', 'POST /buy', SERVER, root);
    const publish = t.add('frontend', 'orders publish', PRODUCER, front);
    t.add('frontend', 'orders process', CONSUMER, publish);
    assert.deepEqual(render(dependencyPaths(t.spans, { service: 'frontend' })), ['loadgen:checkout > frontend:POST /buy > frontend:orders process (1)']);
  });

  it('spans without a kind (Zipkin, Jaeger clients) are hops where the service changes', () => {
    const t = trace('t1');
    const root = t.add('web', 'get', UNSPECIFIED);
    const call = t.add('web', 'call api', UNSPECIFIED, root);
    const api = t.add('api', 'get /item', UNSPECIFIED, call);
    t.add('api', 'query', UNSPECIFIED, api);
    assert.deepEqual(render(dependencyPaths(t.spans, { service: 'api' })), ['web:get > api:get /item (1)']);
  });

  it('a span whose parent is missing starts a path of its own', () => {
    const t = trace('t1');
    const orphan = t.add('checkout', 'POST /checkout', SERVER, { spanId: 'ffffffffffffffff' } as PathSpan);
    t.add('payment', 'charge', SERVER, t.add('checkout', 'POST payment', CLIENT, orphan));
    assert.deepEqual(render(dependencyPaths(t.spans, { service: 'payment' })), ['checkout:POST /checkout > payment:charge (1)']);
  });

  it("a Zipkin shared span is one call: the server half is the client half's callee", () => {
    const t = trace('t1');
    const root = t.add('web', 'get', SERVER);
    t.add('web', 'get /item', CLIENT, root, 'abcdef0000000001');
    const serverHalf = t.add('api', 'get /item', SERVER, root, 'abcdef0000000001');
    t.add('api', 'query', CLIENT, serverHalf);
    assert.deepEqual(render(dependencyPaths(t.spans, { service: 'api' })), ['web:get > api:get /item (1)']);
  });

  it('parent ids that loop end: the loop is cut above its earliest span', () => {
    const t = trace('t1');
    const a = t.add('a', 'op a', SERVER, { spanId: '00000000000000b2' } as PathSpan, '00000000000000a1');
    t.add('b', 'op b', SERVER, a, '00000000000000b2');
    assert.deepEqual(render(dependencyPaths(t.spans, { service: 'b' })), ['a:op a > b:op b (1)']);
  });

  it('a chain of thousands of spans is walked without recursion', () => {
    const t = trace('t1');
    let parent = t.add('s0', 'op', SERVER);
    for (let i = 1; i < 20_000; i++) parent = t.add(`s${i % 2}`, 'op', SERVER, parent);
    const [deep] = dependencyPaths(t.spans, { service: 's1' });
    assert.equal(deep!.path.length, 20_000);
    assert.deepEqual(deep!.path.slice(0, 3), [{ service: 's0', operation: 'op' }, { service: 's1', operation: 'op' }, { service: 's0', operation: 'op' }]);
  });

  it('counts each path once per trace, and keeps the latest-started traces as exemplars, latest first', () => {
    const spans = [checkoutTrace('t-old', 1000), checkoutTrace('t-new', 5000), checkoutTrace('t-mid', 3000), checkoutTrace('t-older', 500)].flat();
    // Two leaves of t-mid on one path: still one trace of it.
    const extra = trace('t-mid', 3000);
    extra.add('payment', 'charge', SERVER, spans.find((s) => s.traceId === 't-mid' && s.name === 'POST payment'));
    const paths = dependencyPaths([...spans, ...extra.spans], { service: 'payment' });
    assert.equal(MAX_EXEMPLARS, 3);
    assert.deepEqual(paths, [
      {
        path: [
          { service: 'gateway', operation: 'GET /checkout' },
          { service: 'checkout', operation: 'POST /checkout' },
          { service: 'payment', operation: 'charge' },
        ],
        traceCount: 4,
        exemplarTraceIds: ['t-new', 't-mid', 't-old'],
      },
    ]);
  });

  it('keeps the most common paths when there are more than maxPaths, ties in path order', () => {
    const hop = (traceId: string, callee: string) => {
      const t = trace(traceId);
      t.add(callee, 'op', SERVER, t.add('front', 'call', CLIENT, t.add('front', 'GET /', SERVER)));
      return t.spans;
    };
    const spans = [hop('1', 'c'), hop('2', 'c'), hop('3', 'c'), hop('4', 'b'), hop('5', 'd'), hop('6', 'a')].flat();
    assert.deepEqual(render(dependencyPaths(spans, { service: 'front' }, 3)), ['front:GET / > c:op (3)', 'front:GET / > a:op (1)', 'front:GET / > b:op (1)']);
  });
});
