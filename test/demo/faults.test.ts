// Fault specs (CLI and JSON), their checks, and the fault manager's life cycle and log.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FaultError, FaultManager, faultFromJson, parseFaultSpec, type ActiveFault } from '../../demo/faults.ts';
import { eventually } from '../support/skein-process.ts';

test('CLI specs: fixed, lognormal and pareto latency, error, slow-query, timeout, with after/for', () => {
  assert.deepEqual(parseFaultSpec('latency:service=inventory,operation=POST /reservations,ms=300'), {
    type: 'latency', service: 'inventory', operation: 'POST /reservations', params: { ms: 300, dist: 'fixed', p: 1, max: 30000 }, afterMs: 0,
  });
  assert.deepEqual(parseFaultSpec('latency:service=cart,dist=lognormal,median=80,sigma=1.2,p=0.5').params, { dist: 'lognormal', median: 80, sigma: 1.2, p: 0.5, max: 30000 });
  assert.deepEqual(parseFaultSpec('latency:service=cart,dist=pareto,ms=20,max=2000').params, { dist: 'pareto', ms: 20, alpha: 1.5, p: 1, max: 2000 });
  assert.deepEqual(parseFaultSpec('error:service=payment,rate=0.25,after=30s,for=1m30s'), {
    type: 'error', service: 'payment', params: { rate: 0.25, status: 500 }, afterMs: 30000, forMs: 90000,
  });
  assert.deepEqual(parseFaultSpec('slow-query:ms=400,operation=SELECT'), { type: 'slow-query', service: 'inventory', operation: 'SELECT', params: { ms: 400, p: 1 }, afterMs: 0 });
  assert.deepEqual(parseFaultSpec('timeout:service=payment-provider').params, { ms: 30000, p: 1 });
  // An operation may be named by its route alone, in any case.
  assert.equal(parseFaultSpec('timeout:service=shipping,op=/quotes').operation, '/quotes');
  assert.equal(parseFaultSpec('error:service=notifier,operation=Process Orders').operation, 'Process Orders');
});

test('malformed specs are refused with the reason', () => {
  const refused: [string, RegExp][] = [
    ['latency', /'service' is required/],
    ['latency:service=inventory,ms', /'ms' is not key=value/],
    ['latency:service=inventory,ms=1,ms=2', /'ms' given twice/],
    ['latency:service=inventory,ms=abc', /'ms' must be a number/],
    ['latency:service=inventory,ms=-5', /'ms' must be positive/],
    ['latency:service=inventory,dist=uniform,ms=5', /'dist' must be fixed, lognormal or pareto/],
    ['latency:service=order-queue,ms=5', /unknown service 'order-queue'/],
    ['latency:service=inventory,ms=5,for=0', /'for' must be positive/],
    ['latency:service=inventory,ms=5,after=soon', /'after'/],
    ['error:service=payment,status=200', /'status' must be an HTTP status/],
    ['error:service=payment,operation=GET /x', /payment has no operation 'GET \/x'/],
    ['slow-query:service=payment,ms=5', /slow-query needs a service with a database/],
    ['crash:service=payment', /unknown type 'crash'/],
  ];
  for (const [spec, message] of refused) assert.throws(() => parseFaultSpec(spec), (err: Error) => err instanceof FaultError && message.test(err.message), spec);
});

test('JSON faults: parameters flat or under params, durations as ms or text, or a spec', () => {
  assert.deepEqual(faultFromJson({ type: 'latency', service: 'cart', ms: 50, forMs: 1000 }), { type: 'latency', service: 'cart', params: { ms: 50, dist: 'fixed', p: 1, max: 30000 }, afterMs: 0, forMs: 1000 });
  assert.deepEqual(faultFromJson({ type: 'error', service: 'cart', params: { rate: 0.5 }, after: '2s' }), { type: 'error', service: 'cart', params: { rate: 0.5, status: 500 }, afterMs: 2000 });
  assert.deepEqual(faultFromJson({ spec: 'timeout:service=cart,ms=100' }), parseFaultSpec('timeout:service=cart,ms=100'));
  assert.throws(() => faultFromJson([]), /JSON object/);
  assert.throws(() => faultFromJson({ service: 'cart' }), /'type' is required/);
  assert.throws(() => faultFromJson({ type: 'error', service: 'cart', rate: 1, params: { rate: 1 } }), /'rate' given twice/);
  assert.throws(() => faultFromJson({ spec: 'error:service=cart', rate: 1 }), /cannot be combined/);
});

test('the fault manager delivers each service its active faults and logs start and end', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skein-faults-'));
  const deliveries: [string, string[]][] = [];
  const manager = new FaultManager({
    logPath: join(dir, 'nested', 'faults.jsonl'),
    run: 'run-1',
    deliver: async (service, faults: ActiveFault[]) => {
      deliveries.push([service, faults.map((f) => f.id)]);
    },
  });
  try {
    const a = await manager.add(parseFaultSpec('latency:service=cart,ms=10'));
    assert.equal(a.state, 'active');
    const b = await manager.add(parseFaultSpec('error:service=cart,rate=1'));
    const later = await manager.add(parseFaultSpec('timeout:service=payment,after=50ms,for=50ms'));
    assert.equal(later.state, 'scheduled');
    const cancelled = await manager.add(parseFaultSpec('timeout:service=shipping,after=1h'));
    assert.deepEqual(deliveries, [['cart', [a.id]], ['cart', [a.id, b.id]]]);

    // The scheduled one starts after 50 ms, then expires 50 ms later.
    await eventually(async () => (manager.get(later.id)!.state === 'ended' ? true : undefined), 'the scheduled fault to expire', 10_000);
    assert.equal(manager.get(later.id)!.endReason, 'expired');
    assert.deepEqual(deliveries.slice(2), [['payment', [later.id]], ['payment', []]]);

    assert.equal((await manager.remove(a.id))!.state, 'ended');
    assert.deepEqual(deliveries.at(-1), ['cart', [b.id]]);
    assert.equal(await manager.remove('f999'), undefined);
    await manager.close();
    assert.deepEqual(deliveries.at(-1), ['cart', []]);
    await assert.rejects(manager.add(parseFaultSpec('latency:service=cart,ms=1')), /stopping/);

    const lines = readFileSync(manager.logPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const events = lines.map((l) => `${l.id} ${l.event}${l.reason ? ` ${l.reason}` : ''}`);
    assert.deepEqual(events, [
      `${a.id} start`, `${b.id} start`, `${later.id} start`, `${later.id} end expired`, `${a.id} end deleted`, `${b.id} end demo stopped`, `${cancelled.id} end demo stopped`,
    ]);
    for (const line of lines) {
      assert.equal(line.run, 'run-1');
      if (line.event === 'end' && line.startUnixNano) {
        assert.ok(BigInt(line.startUnixNano) < BigInt(line.endUnixNano));
        assert.match(line.end, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
        assert.equal(BigInt(Date.parse(line.start)), BigInt(line.startUnixNano) / 1_000_000n);
      }
    }
    const cancelledEnd = lines.find((l) => l.id === cancelled.id);
    assert.equal(cancelledEnd.start, null, 'a fault that never started has no start');
    const aStart = lines.find((l) => l.id === a.id && l.event === 'start');
    assert.deepEqual({ type: aStart.type, service: aStart.service, operation: aStart.operation, params: aStart.params, end: aStart.end }, {
      type: 'latency', service: 'cart', operation: null, params: { ms: 10, dist: 'fixed', p: 1, max: 30000 }, end: null,
    });
  } finally {
    await manager.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
