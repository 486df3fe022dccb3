// The load generator: its plan is a pure function of the seed with the documented mix,
// and it sends one user's requests one at a time and waits for the answers on stop().
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { ACTIONS, LoadGenerator, MIX, httpRequestFor, plan, type PlannedRequest } from '../../demo/loadgen.ts';

function take(seed: number, n: number, users?: number): PlannedRequest[] {
  const out: PlannedRequest[] = [];
  for (const p of plan(seed, users)) {
    out.push(p);
    if (out.length === n) break;
  }
  return out;
}

test('the same seed gives the same plan; another seed another', () => {
  assert.deepEqual(take(42, 2000), take(42, 2000));
  assert.notDeepEqual(take(42, 50), take(43, 50));
});

test('the plan follows the mix, checks out only carts with something in them, and arrives at rate 1', () => {
  const requests = take(1, 20000);
  const share = Object.fromEntries(ACTIONS.map((a) => [a, requests.filter((r) => r.action === a).length / requests.length]));
  const total = Object.values(MIX).reduce((a, b) => a + b, 0);
  for (const a of ['browse', 'product', 'cart'] as const) assert.ok(Math.abs(share[a] - MIX[a] / total) < 0.02, `${a}: ${share[a]}`);
  // Checkouts of empty carts become adds, so checkout is at most its share and add at least its.
  assert.ok(share.checkout <= MIX.checkout / total && share.checkout > 0.05, `checkout: ${share.checkout}`);
  assert.ok(share.add >= MIX.add / total, `add: ${share.add}`);
  const carts = new Map<string, number>();
  for (const r of requests) {
    if (r.action === 'add') carts.set(r.user, (carts.get(r.user) ?? 0) + 1);
    if (r.action === 'checkout') {
      assert.ok((carts.get(r.user) ?? 0) > 0, `request ${r.seq}: ${r.user} checks out an empty cart`);
      carts.set(r.user, 0);
    }
  }
  const meanGap = requests.reduce((sum, r) => sum + r.gap, 0) / requests.length;
  assert.ok(Math.abs(meanGap - 1) < 0.03, `mean gap ${meanGap}`);
  assert.deepEqual(httpRequestFor({ seq: 0, gap: 1, user: 'u', action: 'add', productId: 3, quantity: 2 }), { method: 'POST', path: '/api/cart/items', body: { user: 'u', productId: 3, quantity: 2 } });
  assert.deepEqual(httpRequestFor({ seq: 0, gap: 1, user: 'u 1', action: 'cart' }), { method: 'GET', path: '/api/cart?user=u%201' });
});

test('one request per user at a time; stop() waits for the answers', async () => {
  const inFlight = new Map<string, number>();
  let overlapped = false;
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const user = new URL(req.url!, 'http://x').searchParams.get('user') ?? (body ? JSON.parse(body).user : `anon-${Math.random()}`);
    inFlight.set(user, (inFlight.get(user) ?? 0) + 1);
    if (inFlight.get(user)! > 1) overlapped = true;
    await new Promise((r) => setTimeout(r, 60));
    inFlight.set(user, inFlight.get(user)! - 1);
    res.setHeader('x-trace-id', '0'.repeat(32));
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const results: number[] = [];
  const load = new LoadGenerator({
    frontendUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    rps: 80,
    seed: 3,
    users: 3,
    onResult: (r) => results.push(r.status),
  });
  try {
    load.start();
    await new Promise((r) => setTimeout(r, 500));
    await load.stop();
    const stats = load.stats();
    assert.equal(stats.inFlight, 0);
    assert.ok(stats.sent >= 5, `sent ${stats.sent}`);
    assert.equal(stats.completed, stats.sent);
    assert.equal(results.length, stats.sent);
    assert.ok(results.every((s) => s === 200));
    assert.ok(!overlapped, 'a user never had two requests at once');
    assert.ok(stats.dropped > 0, 'with 3 users at 80/s some requests queue up and are dropped');
  } finally {
    server.close();
  }
});
