// The root-cause ranking over a running `skein serve`: a baseline window of healthy shop
// traces, then a window where inventory is slow; the API names inventory.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { postOtlpJson } from '../support/otlp-payloads.ts';
import { shopTrace, shopTracesOtlpJson } from '../support/shop-traces.ts';
import { eventually, useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';

let skein: SkeinProcess;
const NOW_MS = Date.now();
const MINUTE_MS = 60_000;
const atMs = (ms: number) => BigInt(ms) * 1_000_000n;

useSkeinProcess(async (started) => {
  skein = started;
  // 60 traces a window, a second apart: baseline 20-10 minutes ago, incident the last 10.
  const window = (fault: Parameters<typeof shopTrace>[0], fromMs: number) =>
    Array.from({ length: 60 }, (_, i) => shopTrace(fault, (i * 37) % 100 / 100, atMs(fromMs + i * 1000)));
  const body = shopTracesOtlpJson([...window({}, NOW_MS - 20 * MINUTE_MS), ...window({ latencyMs: { inventory: 80 } }, NOW_MS - 10 * MINUTE_MS)]);
  assert.equal((await postOtlpJson(skein.otlpHttpUrl, body)).status, 200);
  await eventually(async () => {
    const { traces } = await (await fetch(`${skein.httpUrl}/api/v1/search?service=gateway&lookback=30m&limit=1000`)).json();
    return traces.length === 120 ? true : undefined;
  }, '120 shop traces');
});

test('ranks the slow service first, with its evidence and operation', async () => {
  const res = await fetch(`${skein.httpUrl}/api/v1/root-cause?start=${NOW_MS - 10 * MINUTE_MS}&end=${NOW_MS}`);
  assert.equal(res.status, 200);
  const ranking = await res.json();
  assert.deepEqual([ranking.baselineTraces, ranking.incidentTraces], [60, 60]);
  assert.equal(ranking.anomalousTraces, 60);
  const [first] = ranking.candidates;
  assert.equal(first.service, 'inventory');
  assert.equal(first.operations[0].operation, 'GET /stock');
  assert.deepEqual(first.evidence.map((e: { kind: string }) => e.kind), ['critical-path', 'error-origin', 'spectrum']);
});

test('parameters: start and end required, baseline before it', async () => {
  const bad = await fetch(`${skein.httpUrl}/api/v1/root-cause?end=${NOW_MS}`);
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error.message, /'start'/);
  const inverted = await fetch(`${skein.httpUrl}/api/v1/root-cause?start=${NOW_MS}&end=${NOW_MS - 1}`);
  assert.equal(inverted.status, 400);
});
