// Root-cause ranking on synthetic traces of a small shop with a known fault (see
// test/support/shop-traces.ts). Baseline and incident windows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rankRootCauses } from '../../src/analyze/root-cause.ts';
import { shopTrace, type Fault } from '../support/shop-traces.ts';

const traces = (fault: Fault, n: number, seed: number) => Array.from({ length: n }, (_, i) => shopTrace(fault, ((i * 7919 + seed) % 100) / 100));
const baseline = traces({}, 60, 1);
const top = (fault: Fault) => rankRootCauses(baseline, traces(fault, 60, 2)).candidates.map((c) => c.service);

test('latency in a leaf: the leaf, not the callers that wait for it', () => {
  assert.equal(top({ latencyMs: { inventory: 80 } })[0], 'inventory');
  assert.equal(top({ latencyMs: { cart: 50 } })[0], 'cart');
});

test('latency in a middle service: the middle service, not its callees or callers', () => {
  assert.equal(top({ latencyMs: { checkout: 60 } })[0], 'checkout');
});

test('errors: where they start, not where they propagate', () => {
  assert.equal(top({ errors: 'cart' })[0], 'cart');
  assert.equal(top({ errors: 'inventory' })[0], 'inventory');
});

test('a cascading timeout: the hung callee, not the caller whose call timed out', () => {
  const ranking = rankRootCauses(baseline, traces({ hang: true }, 60, 3));
  assert.equal(ranking.candidates[0].service, 'inventory');
  assert.equal(ranking.anomalousTraces, 60);
});

test('the ranking explains itself and ranks operations', () => {
  const ranking = rankRootCauses(baseline, traces({ latencyMs: { inventory: 80 } }, 60, 4));
  const [first] = ranking.candidates;
  assert.deepEqual(first.evidence.map((e) => e.kind), ['critical-path', 'error-origin', 'spectrum']);
  assert.match(first.evidence[0].detail, /critical path .* ms → .* ms per trace/);
  assert.ok(first.evidence[0].score > 0.8, `critical-path evidence ${first.evidence[0].score}`);
  assert.equal(first.operations[0].operation, 'GET /stock');
  assert.ok(first.score > ranking.candidates[1].score);
});

test('no anomaly: no service stands out', () => {
  const ranking = rankRootCauses(baseline, traces({}, 60, 1));
  assert.equal(ranking.anomalousTraces, 0);
  assert.ok(ranking.candidates.every((c) => c.evidence[2].score === 0));
});
