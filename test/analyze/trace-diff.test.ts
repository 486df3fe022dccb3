import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffTraces } from '../../src/analyze/trace-diff.ts';
import { shopTrace } from '../support/shop-traces.ts';

const rows = (a: ReturnType<typeof shopTrace>, b: ReturnType<typeof shopTrace>) =>
  diffTraces(a, b).map((r) => `${'  '.repeat(r.depth)}${r.service}:${r.operation} ${r.countA}/${r.countB} ${r.status}`);

test('the same shape: every path the same, in tree order', () => {
  assert.deepEqual(rows(shopTrace({}, 0), shopTrace({}, 0.1)), [
    'gateway:GET /checkout 1/1 same',
    '  gateway:POST checkout 1/1 same',
    '    checkout:POST /checkout 1/1 same',
    '      checkout:GET cart 1/1 same',
    '        cart:GET /cart 1/1 same',
    '      checkout:GET inventory 1/1 same',
    '        inventory:GET /stock 1/1 same',
    '          inventory:SELECT stock 1/1 same',
  ]);
});

test('a slower leaf and the callers that waited for it are slower; a span only in B is added, only in A missing', () => {
  const slow = shopTrace({ latencyMs: { inventory: 100 } }, 0);
  const diff = diffTraces(shopTrace({}, 0), slow);
  const byOp = new Map(diff.map((r) => [r.operation, r]));
  assert.equal(byOp.get('GET /stock')!.status, 'slower');
  assert.equal(byOp.get('GET /checkout')!.status, 'slower');
  assert.equal(byOp.get('GET /cart')!.status, 'same');
  assert.ok(byOp.get('GET /stock')!.meanNsB - byOp.get('GET /stock')!.meanNsA >= 100e6);

  const withoutDb = shopTrace({}, 0).filter((s) => s.name !== 'SELECT stock');
  assert.deepEqual(
    diffTraces(withoutDb, shopTrace({}, 0)).filter((r) => r.status !== 'same').map((r) => [r.operation, r.status, r.path.join(' > ')]),
    [['SELECT stock', 'added', 'gateway:GET /checkout > gateway:POST checkout > checkout:POST /checkout > checkout:GET inventory > inventory:GET /stock > inventory:SELECT stock']],
  );
  assert.deepEqual(diffTraces(shopTrace({}, 0), withoutDb).filter((r) => r.status !== 'same').map((r) => r.status), ['missing']);
});
