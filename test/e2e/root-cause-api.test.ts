// The root-cause ranking over a running `skein serve`: a baseline window of healthy shop
// traces, then a window where inventory is slow; the API names inventory.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { postOtlpJson } from '../support/otlp-payloads.ts';
import { shopTracesOtlpJson, slowInventoryIncident } from '../support/shop-traces.ts';
import { eventually, useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';

let skein: SkeinProcess;
const NOW_MS = Date.now();
const MINUTE_MS = 60_000;

useSkeinProcess(async (started) => {
  skein = started;
  const body = shopTracesOtlpJson(slowInventoryIncident(NOW_MS));
  assert.equal((await postOtlpJson(skein.otlpHttpUrl, body)).status, 200);
  await eventually(async () => {
    const { traces } = await (await fetch(`${skein.httpUrl}/api/v1/search?service=gateway&lookback=45m&limit=1000`)).json();
    return traces.length === 179 ? true : undefined;
  }, '179 shop traces');
});

test('ranks the slow service first, with its evidence and operation', async () => {
  const res = await fetch(`${skein.httpUrl}/api/v1/root-cause?start=${NOW_MS - 10 * MINUTE_MS}&end=${NOW_MS}`);
  assert.equal(res.status, 200);
  const ranking = await res.json();
  assert.deepEqual([ranking.baselineTraces, ranking.incidentTraces], [40, 59]);
  assert.equal(ranking.anomalousTraces, 59);
  const [first] = ranking.candidates;
  assert.equal(first.service, 'inventory');
  assert.equal(first.operations[0].operation, 'GET /stock');
  assert.deepEqual(first.evidence.map((e: { kind: string }) => e.kind), ['critical-path', 'error-origin', 'spectrum']);
});

test('without a window: finds the anomalous stretch of the lookback itself, then ranks', async () => {
  const res = await fetch(`${skein.httpUrl}/api/v1/root-cause?lookback=45m`);
  assert.equal(res.status, 200);
  const ranking = await res.json();
  const start = Number(BigInt(ranking.window.startTimeUnixNano) / 1_000_000n);
  assert.ok(start >= NOW_MS - 11 * MINUTE_MS && start <= NOW_MS - 9 * MINUTE_MS, `window starts ${(NOW_MS - start) / MINUTE_MS} min ago`);
  assert.ok(ranking.window.reasons.some((r: string) => /p95/.test(r)), ranking.window.reasons.join('; '));
  assert.equal(ranking.candidates[0].service, 'inventory');
});

test('parameters: start and end required, baseline before it', async () => {
  const bad = await fetch(`${skein.httpUrl}/api/v1/root-cause?end=${NOW_MS}`); // start without end, or end without start
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error.message, /'start'/);
  const inverted = await fetch(`${skein.httpUrl}/api/v1/root-cause?start=${NOW_MS}&end=${NOW_MS - 1}`);
  assert.equal(inverted.status, 400);
});
