import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findAnomalousWindow } from '../../src/analyze/anomaly-window.ts';
import type { RedRow } from '../../src/store/span-store.ts';

const MINUTE = 60_000_000_000n;
const step = (i: number, p95Ms: number, errors = 0, operation = 'GET /a'): RedRow => ({
  service: 'api', operation, stepStartNs: BigInt(i) * MINUTE, count: 100, errors, p50Ns: p95Ms * 5e5, p95Ns: p95Ms * 1e6, p99Ns: p95Ms * 1.2e6,
});

test('the latest run of slow steps, with the baseline just before it', () => {
  const rows = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => step(i, i >= 6 && i <= 8 ? 300 : 40));
  const window = findAnomalousWindow(rows, MINUTE)!;
  assert.deepEqual([window.startNs, window.endNs + 1n], [6n * MINUTE, 9n * MINUTE]);
  assert.deepEqual([window.baselineStartNs, window.baselineEndNs + 1n], [3n * MINUTE, 6n * MINUTE]);
  assert.deepEqual(window.reasons, ['api GET /a: p95 300.0 ms (usually 40.0 ms)']);
});

test('an error burst in one operation is found; small wobbles are not', () => {
  const rows = [0, 1, 2, 3, 4, 5].flatMap((i) => [step(i, 40 + (i % 2) * 3), step(i, 10, i === 4 ? 30 : 1, 'POST /b')]);
  const window = findAnomalousWindow(rows, MINUTE)!;
  assert.deepEqual([window.startNs, window.endNs + 1n], [4n * MINUTE, 5n * MINUTE]);
  assert.match(window.reasons[0], /POST \/b: 30% errors \(usually 1%\)/);
  assert.equal(findAnomalousWindow(rows.filter((r) => r.operation === 'GET /a'), MINUTE), undefined);
});
