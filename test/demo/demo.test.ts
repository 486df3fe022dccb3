// The demo shop against a real `skein serve`: every service traced by the distro alone,
// one trace across every synchronous hop, the queue hop linked, SQLite spans, the
// uninstrumented payment provider in the dependency map, and faults switched at runtime
// acting in the spans and recorded in the fault log.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SERVICES } from '../../demo/topology.ts';
import { eventually } from '../support/skein-process.ts';
import { ancestors, attr, byService, checkout, durationMs, ERROR, fetchTrace, Kind, search, shop, useDemo, waitForTrace, type Span } from './helpers.ts';

const running = useDemo({
  rps: 0, // the tests send their own requests
  seed: 7,
  env: { OTEL_BSP_SCHEDULE_DELAY: '200' },
});

const SYNC_CALLS: Record<string, string> = { checkout: 'frontend', cart: 'checkout', inventory: 'checkout', shipping: 'checkout', payment: 'checkout' };
const version = (name: string) => SERVICES.find((s) => s.name === name)!.version;

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(running.demo.controlUrl + path, {
    method,
    headers: typeof body === 'string' ? { 'content-type': 'text/plain' } : body ? { 'content-type': 'application/json' } : undefined,
    body: typeof body === 'string' ? body : body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json() };
}

/** A checkout trace is whole once every service answered and payment's provider call ended. */
/**
 * A failed checkout's trace is whole once the frontend's root span is in: it ends last, and
 * each service exports its spans in the order they end, so the checkout's client spans
 * are in once its server span is.
 */
function failedCheckoutArrived(spans: Span[], failing: string): boolean {
  return (
    byService(spans, failing, Kind.SERVER).length > 0 &&
    spans.some((s) => s.service === 'checkout' && s.kind === Kind.SERVER) &&
    spans.some((s) => s.service === 'frontend' && !s.parentSpanId)
  );
}

function checkoutComplete(spans: Span[]): boolean {
  return (
    Object.keys(SYNC_CALLS).every((s) => byService(spans, s, Kind.SERVER).length > 0) &&
    spans.some((s) => s.service === 'frontend' && s.kind === Kind.SERVER) &&
    spans.some((s) => s.kind === Kind.PRODUCER) &&
    spans.some((s) => attr(s, 'peer.service') === 'payment-provider') &&
    byService(spans, 'cart', Kind.SERVER).length === 2
  );
}

let placed: { traceId: string; orderId: string; spans: Span[] } | undefined;

test('a checkout is one trace through every service, parents right, versions and SQLite spans recorded', async () => {
  const answer = await checkout(running.demo.urls.frontend, 'alice');
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.match(answer.body.orderId, /^[0-9a-f-]{36}$/);
  assert.match(answer.traceId, /^[0-9a-f]{32}$/);

  const spans = await waitForTrace(running.skein, answer.traceId, checkoutComplete, 'the whole checkout trace');
  placed = { traceId: answer.traceId, orderId: answer.body.orderId, spans };
  const byId = new Map(spans.map((s) => [s.spanId, s]));

  assert.ok(spans.every((s) => s.traceId === answer.traceId));
  const roots = spans.filter((s) => !s.parentSpanId);
  assert.equal(roots.length, 1, 'one root');
  assert.equal(roots[0].service, 'frontend');
  assert.equal(roots[0].kind, Kind.SERVER);
  assert.equal(roots[0].name, 'POST /api/checkout');
  for (const s of spans) if (s.parentSpanId) assert.ok(byId.has(s.parentSpanId), `the parent of ${s.service} ${s.name} is in the trace`);

  // Each service's server span hangs off a client span of its caller.
  for (const [service, caller] of Object.entries(SYNC_CALLS)) {
    for (const server of byService(spans, service, Kind.SERVER)) {
      const client = byId.get(server.parentSpanId!)!;
      assert.equal(client.kind, Kind.CLIENT, `${service} ${server.name} is called by a client span`);
      assert.equal(client.service, caller, `${service} is called by ${caller}`);
    }
  }
  // Every instrumented service of the trace says its version.
  for (const s of spans) assert.equal(s.version, version(s.service), `service.version of ${s.service}`);

  // SQLite: CLIENT spans in inventory, under its POST /reservations, with the db conventions.
  const db = spans.filter((s) => attr(s, 'db.system') === 'sqlite');
  assert.ok(db.length >= 4, 'two UPDATE stock and two INSERT reservations');
  const reservation = byService(spans, 'inventory', Kind.SERVER).find((s) => s.name === 'POST /reservations')!;
  for (const s of db) {
    assert.equal(s.service, 'inventory');
    assert.equal(s.kind, Kind.CLIENT);
    assert.equal(attr(s, 'db.name'), 'catalog');
    assert.equal(attr(s, 'db.namespace'), 'catalog');
    assert.match(String(attr(s, 'db.statement')), /^(UPDATE stock|INSERT INTO reservations)/);
    assert.equal(attr(s, 'db.query.text'), attr(s, 'db.statement'));
    assert.equal(attr(s, 'db.operation'), s.name.split(' ')[0]);
    assert.ok(ancestors(spans, s).includes(reservation), 'the query runs inside POST /reservations');
  }

  // The payment provider sends nothing; payment's client span names it.
  const provider = spans.find((s) => attr(s, 'peer.service') === 'payment-provider')!;
  assert.equal(provider.service, 'payment');
  assert.equal(provider.kind, Kind.CLIENT);
  assert.equal(attr(provider, 'http.response.status_code'), 200);
  assert.ok(!spans.some((s) => s.parentSpanId === provider.spanId), 'nothing answers the provider call');

  // The order goes to the queue: a PRODUCER span in checkout.
  const producer = spans.find((s) => s.kind === Kind.PRODUCER)!;
  assert.equal(producer.service, 'checkout');
  assert.equal(producer.name, 'send orders');
  assert.equal(attr(producer, 'messaging.destination.name'), 'orders');
  assert.equal(attr(producer, 'app.order.id'), answer.body.orderId);
});

test('the queue hop: notifier handles the order in a new trace whose CONSUMER span links to the PRODUCER span', async () => {
  assert.ok(placed, 'needs the checkout of the previous test');
  const producer = placed.spans.find((s) => s.kind === Kind.PRODUCER)!;
  const [consumerTrace] = await eventually(async () => {
    const ids = await search(running.skein, { service: 'notifier', spanKind: 'consumer', attr: `app.order.id="${placed!.orderId}"` });
    return ids.length ? ids : undefined;
  }, 'the consumer trace');
  const spans = await waitForTrace(running.skein, consumerTrace, (sp) => byService(sp, 'shipping', Kind.SERVER).length > 0 && sp.some((s) => s.name === 'send confirmation email'), 'the consumer trace');

  assert.notEqual(consumerTrace, placed.traceId, 'a new trace');
  const consumer = spans.find((s) => s.kind === Kind.CONSUMER)!;
  assert.equal(consumer.service, 'notifier');
  assert.equal(consumer.name, 'process orders');
  assert.equal(consumer.parentSpanId ?? '', '', 'the consumer span is the root');
  assert.deepEqual(
    consumer.links?.map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
    [{ traceId: placed.traceId, spanId: producer.spanId }],
    'linked to the producer span',
  );
  assert.equal(attr(consumer, 'messaging.message.id'), attr(producer, 'messaging.message.id'));
  const shipment = byService(spans, 'shipping', Kind.SERVER)[0];
  assert.equal(shipment.name, 'POST /shipments');
  assert.ok(ancestors(spans, shipment).includes(consumer), 'shipping is called inside the consumer span');
});

test('the dependency map: services, the SQLite database, the queue hop and the uninstrumented payment provider as a peer', async () => {
  const graph = await eventually(async () => {
    const g = await (await fetch(`${running.skein.httpUrl}/api/v1/dependencies`)).json();
    const has = (caller: string, callee: string) => g.edges.some((e: any) => e.caller === caller && e.callee === callee);
    return has('payment', 'payment-provider') && has('checkout', 'notifier') ? g : undefined;
  }, 'the dependency graph');
  const nodes = Object.fromEntries(graph.nodes.map((n: any) => [n.name, n.kind]));
  assert.equal(nodes['payment-provider'], 'peer');
  assert.equal(nodes.catalog, 'database');
  for (const s of ['frontend', 'checkout', 'cart', 'payment', 'inventory', 'shipping', 'notifier']) assert.equal(nodes[s], 'service', s);
  const edges = new Set(graph.edges.map((e: any) => `${e.caller}->${e.callee}`));
  for (const e of ['frontend->checkout', 'checkout->cart', 'checkout->inventory', 'checkout->shipping', 'checkout->payment', 'payment->payment-provider', 'inventory->catalog', 'checkout->notifier', 'notifier->shipping']) {
    assert.ok(edges.has(e), `edge ${e}`);
  }
  const services = (await (await fetch(`${running.skein.httpUrl}/api/v1/services`)).json()).services;
  assert.ok(!services.includes('payment-provider'), 'the provider sends no spans');
});

test('an error fault switched on at runtime fails payment, the error goes up to the frontend, and the fault log has its start and end', async () => {
  const added = await control('POST', '/faults', { type: 'error', service: 'payment', rate: 1, status: 503 });
  assert.equal(added.status, 201, JSON.stringify(added.body));
  assert.equal(added.body.state, 'active');
  const id = added.body.id;
  assert.deepEqual((await control('GET', '/faults')).body.faults.map((f: any) => f.id).includes(id), true);

  const failed = await checkout(running.demo.urls.frontend, 'bob');
  assert.equal(failed.status, 502, JSON.stringify(failed.body));
  assert.match(failed.body.error, /checkout answered 502/);

  const ended = await control('DELETE', `/faults/${id}`);
  assert.equal(ended.status, 200);
  assert.equal(ended.body.state, 'ended');
  assert.equal((await control('DELETE', `/faults/${id}x`)).status, 404);

  const spans = await waitForTrace(running.skein, failed.traceId, (sp) => failedCheckoutArrived(sp, 'payment'), 'the failed checkout');
  const payment = byService(spans, 'payment', Kind.SERVER)[0];
  assert.equal(payment.status?.code, ERROR, 'payment server span is an error');
  assert.equal(attr(payment, 'http.response.status_code'), 503);
  assert.ok(payment.events?.some((e) => e.name === 'exception'), 'the exception is recorded');
  assert.ok(!spans.some((s) => attr(s, 'peer.service') === 'payment-provider'), 'the fault acts before the provider is called');
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  assert.equal(byId.get(payment.parentSpanId!)!.status?.code, ERROR, "checkout's client span to payment is an error");
  assert.equal(byService(spans, 'checkout', Kind.SERVER)[0].status?.code, ERROR);
  const root = spans.find((s) => !s.parentSpanId)!;
  assert.equal(root.service, 'frontend');
  assert.equal(root.status?.code, ERROR);

  // The fault is off again: the same user's checkout goes through.
  const retried = await shop(running.demo.urls.frontend, 'POST', '/api/checkout', { user: 'bob' });
  assert.equal(retried.status, 200, JSON.stringify(retried.body));

  const lines = readFileSync(running.demo.faultLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.id === id);
  assert.deepEqual(lines.map((l) => l.event), ['start', 'end']);
  const [start, end] = lines;
  assert.equal(start.type, 'error');
  assert.equal(start.service, 'payment');
  assert.deepEqual(start.params, { rate: 1, status: 503 });
  assert.equal(end.reason, 'deleted');
  assert.equal(end.startUnixNano, start.startUnixNano);
  assert.ok(BigInt(start.startUnixNano) < BigInt(end.endUnixNano));
  assert.equal(BigInt(Date.parse(end.end)) , BigInt(end.endUnixNano) / 1_000_000n, 'ISO and unix ns agree');
  assert.ok(BigInt(start.startUnixNano) <= BigInt(payment.startTimeUnixNano) && BigInt(payment.startTimeUnixNano) <= BigInt(end.endUnixNano), 'the failed span lies within the fault window');
});

test('two faults at once: added latency in POST /reservations and a slow INSERT; the spans last at least that long', async () => {
  const latency = await control('POST', '/faults', 'latency:service=inventory,operation=POST /reservations,ms=250');
  const slow = await control('POST', '/faults', { type: 'slow-query', service: 'inventory', operation: 'INSERT', ms: 150 });
  assert.equal(latency.status, 201, JSON.stringify(latency.body));
  assert.equal(slow.status, 201, JSON.stringify(slow.body));
  const active = (await control('GET', '/faults')).body.faults.filter((f: any) => f.state === 'active');
  assert.deepEqual(active.map((f: any) => f.type).sort(), ['latency', 'slow-query']);

  const answer = await checkout(running.demo.urls.frontend, 'carol', [5]);
  await control('DELETE', `/faults/${latency.body.id}`);
  await control('DELETE', `/faults/${slow.body.id}`);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));

  const spans = await waitForTrace(running.skein, answer.traceId, checkoutComplete, 'the slow checkout');
  const reservation = byService(spans, 'inventory', Kind.SERVER).find((s) => s.name === 'POST /reservations')!;
  const inserts = spans.filter((s) => attr(s, 'db.system') === 'sqlite' && s.name === 'INSERT reservations');
  assert.equal(inserts.length, 1);
  assert.ok(durationMs(inserts[0]) >= 150, `the INSERT took ${durationMs(inserts[0])} ms`);
  assert.ok(durationMs(reservation) >= 250 + 150, `POST /reservations took ${durationMs(reservation)} ms`);
});

test('a hanging dependency: shipping stops answering, checkout times out, the error cascades to the frontend', async () => {
  const hang = await control('POST', '/faults', 'timeout:service=shipping,operation=POST /quotes');
  assert.equal(hang.status, 201, JSON.stringify(hang.body));
  const answer = await checkout(running.demo.urls.frontend, 'dave', [9]);
  await control('DELETE', `/faults/${hang.body.id}`);
  assert.equal(answer.status, 502, JSON.stringify(answer.body));
  assert.match(answer.body.error, /checkout answered 504.*shipping did not answer/);

  const spans = await waitForTrace(running.skein, answer.traceId, (sp) => failedCheckoutArrived(sp, 'shipping'), 'the timed-out checkout');
  const shipping = byService(spans, 'shipping', Kind.SERVER)[0];
  assert.equal(shipping.name, 'POST /quotes');
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const call = byId.get(shipping.parentSpanId!)!;
  assert.equal(call.service, 'checkout');
  assert.equal(call.status?.code, ERROR, 'the client span to shipping ends in error (aborted)');
  const checkoutServer = byService(spans, 'checkout', Kind.SERVER)[0];
  assert.equal(checkoutServer.status?.code, ERROR);
  assert.equal(attr(checkoutServer, 'http.response.status_code'), 504);
  assert.equal(spans.find((s) => !s.parentSpanId)!.status?.code, ERROR);
  assert.equal(byService(spans, 'payment').length, 0, 'payment is never reached');
});

test('the control endpoint refuses malformed faults and names the problem', async () => {
  const cases: [unknown, RegExp][] = [
    ['latency:service=nowhere,ms=5', /unknown service 'nowhere'/],
    ['latency:service=inventory', /'ms' is required/],
    ['error:service=payment,rate=2', /'rate' must be from 0 to 1/],
    ['slow-query:service=cart,ms=10', /slow-query needs a service with a database/],
    ['latency:service=cart,operation=GET /nope,ms=5', /cart has no operation 'GET \/nope'/],
    [{ type: 'explode', service: 'cart' }, /unknown type 'explode'/],
    [{ type: 'latency', service: 'cart', ms: 5, colour: 'red' }, /unknown parameter 'colour'/],
  ];
  for (const [body, message] of cases) {
    const answer = await control('POST', '/faults', body);
    assert.equal(answer.status, 400, JSON.stringify(body));
    assert.match(answer.body.error, message);
  }
  const remaining = (await control('GET', '/faults')).body.faults.filter((f: any) => f.state !== 'ended');
  assert.deepEqual(remaining, []);
  assert.ok(await fetchTrace(running.skein, placed!.traceId));
});
