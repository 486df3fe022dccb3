// Stopping the demo loses no spans: the services hold their spans (a 30 s batch delay, so
// nothing leaves before the stop), the load generator runs, then stop(); afterwards every
// request that was answered has its whole trace in Skein, queue hop included.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RequestResult } from '../../demo/loadgen.ts';
import { eventually } from '../support/skein-process.ts';
import { attr, byService, fetchTrace, Kind, search, useDemo, type Span } from './helpers.ts';

const results: RequestResult[] = [];
const running = useDemo({
  rps: 0,
  seed: 11,
  users: 8,
  env: { OTEL_BSP_SCHEDULE_DELAY: '30000' },
  onLoadResult: (r) => results.push(r),
});

/** Which services' server spans a request of each kind must have. */
const EXPECTED: Record<string, string[]> = {
  browse: ['frontend', 'inventory'],
  product: ['frontend', 'inventory'],
  cart: ['frontend', 'cart'],
  add: ['frontend', 'inventory', 'cart'],
  checkout: ['frontend', 'checkout', 'cart'],
};

function problems(spans: Span[], action: string): string[] {
  const found: string[] = [];
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const roots = spans.filter((s) => !s.parentSpanId);
  if (roots.length !== 1 || roots[0].service !== 'frontend' || roots[0].kind !== Kind.SERVER) found.push('no single frontend root');
  for (const s of spans) if (s.parentSpanId && !byId.has(s.parentSpanId)) found.push(`parent of ${s.service} ${s.name} missing`);
  for (const service of EXPECTED[action]) if (byService(spans, service, Kind.SERVER).length === 0) found.push(`no ${service} server span`);
  // Every call to an instrumented service was answered by a server span.
  for (const client of spans.filter((s) => s.kind === Kind.CLIENT && !attr(s, 'peer.service') && !attr(s, 'db.system'))) {
    if (!spans.some((s) => s.parentSpanId === client.spanId && s.kind === Kind.SERVER)) found.push(`${client.service} ${client.name} ${attr(client, 'url.full')} unanswered`);
  }
  // Every server span has its handler inside.
  for (const server of spans.filter((s) => s.kind === Kind.SERVER)) {
    if (!spans.some((s) => s.parentSpanId === server.spanId && s.name.startsWith('request handler'))) found.push(`${server.service} ${server.name} has no handler span`);
  }
  if (spans.some((s) => s.kind === Kind.PRODUCER) && byService(spans, 'payment', Kind.SERVER).length === 0) found.push('order without payment');
  return found;
}

test('stopping the demo flushes every span: each answered request has its whole trace afterwards', async () => {
  running.demo.load.setRate(15);
  await new Promise((r) => setTimeout(r, 3000));
  await running.demo.stop();

  assert.ok(results.length >= 20, `${results.length} requests answered`);
  const failed = results.filter((r) => r.status !== 200);
  assert.deepEqual(failed.map((r) => `${r.request.action} ${r.status} ${r.error ?? ''}`), []);
  const actions = new Set(results.map((r) => r.request.action));
  assert.ok(actions.has('browse') && actions.has('add'), `actions: ${[...actions]}`);

  // Nothing was exported before the stop (30 s batch delay), so all of it came from the shutdown flush.
  let orders = 0;
  for (const result of results) {
    assert.match(result.traceId ?? '', /^[0-9a-f]{32}$/);
    const spans = await eventually(async () => {
      const found = await fetchTrace(running.skein, result.traceId!);
      return found && problems(found, result.request.action).length === 0 ? found : undefined;
    }, `the whole trace of ${result.request.action} ${result.traceId}`, 10_000).catch(async (err) => {
      const found = (await fetchTrace(running.skein, result.traceId!)) ?? [];
      const logs = readdirSync(join(running.dataDir, 'logs')).map((f) => `--- ${f}\n${readFileSync(join(running.dataDir, 'logs', f), 'utf8').split('\n').slice(-6).join('\n')}`);
      throw new Error(`${err.message}: ${problems(found, result.request.action).join('; ') || 'not stored'}\n${logs.join('\n')}`);
    });
    const producer = spans.find((s) => s.kind === Kind.PRODUCER);
    if (!producer) continue;
    orders++;
    // The order was drained from the queue and handled before the notifier stopped.
    const [consumerTrace] = await eventually(async () => {
      const ids = await search(running.skein, { service: 'notifier', spanKind: 'consumer', attr: `app.order.id="${attr(producer, 'app.order.id')}"` });
      return ids.length ? ids : undefined;
    }, 'the consumer trace of an order', 10_000);
    const consumerSpans = (await fetchTrace(running.skein, consumerTrace))!;
    assert.ok(byService(consumerSpans, 'shipping', Kind.SERVER).length === 1, 'the shipment of the order');
    assert.ok(consumerSpans.some((s) => s.name === 'send confirmation email'));
  }
  assert.ok(orders >= 1, 'at least one order was placed');
});
