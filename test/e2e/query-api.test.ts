// Skein's query API over a running `skein serve`: lists, search, trace by id, errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { otlpJsonRequest, postOtlpJson } from '../support/otlp-payloads.ts';
import { eventually, useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';

let skein: SkeinProcess;
const NOW_NS = BigInt(Date.now()) * 1_000_000n;
const sent = { checkout: [] as string[], failing: '', slow: '' };

useSkeinProcess(async (started) => {
  skein = started;
  // Five checkout traces a second apart (oldest first), one with an error, one slow.
  for (let i = 0; i < 5; i++) {
    const request = otlpJsonRequest({ service: 'api-checkout', startNs: NOW_NS - BigInt(5 - i) * 1_000_000_000n });
    const body = JSON.parse(request.body);
    const spans = body.resourceSpans[0].scopeSpans[0].spans;
    body.resourceSpans[0].resource.attributes.push({ key: 'deployment.environment', value: { stringValue: i % 2 ? 'prod' : 'staging' } });
    if (i === 2) {
      spans[1].status = { code: 2, message: 'card declined' };
      spans[1].attributes.push({ key: 'http.response.status_code', value: { intValue: '502' } });
      sent.failing = request.traceIds[0];
    }
    if (i === 3) {
      spans[2].endTimeUnixNano = String(BigInt(spans[2].startTimeUnixNano) + 900_000_000n);
      spans[2].events = [{ name: 'retry', timeUnixNano: spans[2].startTimeUnixNano, attributes: [{ key: 'attempt', value: { intValue: '2' } }] }];
      sent.slow = request.traceIds[0];
    }
    assert.equal((await postOtlpJson(skein.otlpHttpUrl, JSON.stringify(body))).status, 200);
    sent.checkout.push(request.traceIds[0]);
  }
  await eventually(async () => {
    const res = await fetch(`${skein.httpUrl}/api/v1/search?service=api-checkout&limit=100`);
    const { traces } = await res.json();
    return traces.length === 5 ? true : undefined;
  }, 'five searchable traces');
});

async function getJson(path: string, status = 200) {
  const res = await fetch(`${skein.httpUrl}${path}`);
  assert.equal(res.status, status, path);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  return res.json();
}

test('services and operations with their kinds', async () => {
  assert.ok((await getJson('/api/v1/services')).services.includes('api-checkout'));
  const { operations } = await getJson('/api/v1/services/api-checkout/operations');
  assert.deepEqual(operations, [
    { name: 'GET /checkout', spanKind: 'server' },
    { name: 'step-1', spanKind: 'internal' },
    { name: 'step-2', spanKind: 'internal' },
  ]);
  assert.deepEqual((await getJson('/api/v1/services/no-such-service/operations')).operations, []);
});

test('search returns newest first with summaries', async () => {
  const { traces } = await getJson('/api/v1/search?service=api-checkout');
  assert.deepEqual(traces.map((t: any) => t.traceId), [...sent.checkout].reverse());
  const failing = traces.find((t: any) => t.traceId === sent.failing);
  assert.equal(failing.rootService, 'api-checkout');
  assert.equal(failing.rootOperation, 'GET /checkout');
  assert.equal(failing.spanCount, 3);
  assert.equal(failing.errorCount, 1);
  assert.deepEqual(failing.services, ['api-checkout']);
  assert.equal(BigInt(failing.startTimeUnixNano), NOW_NS - 3_000_000_000n);
});

test('search by typed attributes, errors, duration and limit', async () => {
  const ids = async (query: string) => (await getJson(`/api/v1/search?service=api-checkout&${query}`)).traces.map((t: any) => t.traceId);
  assert.deepEqual(await ids('attr=http.response.status_code>=500'), [sent.failing]);
  assert.deepEqual(await ids('attr=http.response.status_code="502"'), [], 'a string does not match an int attribute');
  assert.deepEqual(await ids('errors=true'), [sent.failing]);
  assert.deepEqual(await ids('minDuration=500ms'), [sent.slow]);
  assert.deepEqual(await ids('attr=event.attempt=2'), [sent.slow]);
  assert.deepEqual(await ids('attr=resource.deployment.environment=prod'), [sent.checkout[3], sent.checkout[1]]);
  assert.deepEqual(await ids('operation=step-1&attr=http.response.status_code>=500'), [sent.failing]);
  // all conditions on one span: the error is on step-1, the long span is step-2
  assert.deepEqual(await ids('errors=true&minDuration=500ms'), []);
  assert.deepEqual(await ids('limit=2'), [sent.checkout[4], sent.checkout[3]]);
  assert.deepEqual(await ids(`end=${Number((NOW_NS - 2_500_000_000n) / 1_000_000n)}&lookback=10m`), [sent.checkout[2], sent.checkout[1], sent.checkout[0]]);
});

test('attribute names and values for autocomplete', async () => {
  const { attributes } = await getJson('/api/v1/attributes');
  assert.ok(attributes.some((a: any) => a.scope === 'span' && a.key === 'http.response.status_code' && a.type === 'int'));
  assert.ok(attributes.some((a: any) => a.scope === 'resource' && a.key === 'deployment.environment' && a.type === 'string'));
  const { values } = await getJson('/api/v1/attributes/resource/deployment.environment/values');
  assert.deepEqual(values, ['staging', 'prod'], 'most common first');
});

test('errors: unknown trace 404, bad parameters 400 naming them', async () => {
  const missing = await getJson('/api/v1/traces/0123456789abcdef0123456789abcdef', 404);
  assert.equal(missing.error.status, 404);
  assert.match(missing.error.message, /not found/);
  assert.match((await getJson('/api/v1/traces/not-hex', 400)).error.message, /traceId/);
  assert.match((await getJson('/api/v1/search?limit=0', 400)).error.message, /'limit'/);
  assert.match((await getJson('/api/v1/search?minDuration=soon', 400)).error.message, /'minDuration'/);
  assert.match((await getJson('/api/v1/search?attr=x>y', 400)).error.message, /'attr'/);
  // Times beyond what 64-bit nanoseconds hold (they were a 500 from the store).
  assert.match((await getJson('/api/v1/search?end=99999999999999999999', 400)).error.message, /'end'.*outside the times spans can have/);
  assert.match((await getJson('/api/v1/dependencies?start=1960-01-01T00:00:00Z', 400)).error.message, /'start'/);
  assert.match((await getJson('/api/v1/attributes/sideways/k/values', 400)).error.message, /'scope'/);
  assert.equal((await getJson('/api/v1/nothing-here', 404)).error.status, 404);
});

test('trace analysis: critical path, error origins and statistics', async () => {
  // The failing trace: root GET /checkout [0, 1 ms], step-1 (ERROR) and step-2 starting
  // 1 and 2 µs in and ending 1 and 2 µs after the root (a skewed clock).
  const analysis = await getJson(`/api/v1/traces/${sent.failing}/analysis`);
  assert.deepEqual(
    analysis.criticalPath.segments.map((s: any) => [s.name, BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)]),
    [['GET /checkout', 2_000n], ['step-2', 998_000n]],
  );
  assert.equal(analysis.criticalPath.durationNanos, '1000000');
  assert.deepEqual(analysis.criticalPath.byService, [{ service: 'api-checkout', durationNanos: '1000000', share: 1 }]);
  assert.deepEqual(analysis.errorOrigins.map((s: any) => [s.name, s.service, s.statusMessage]), [['step-1', 'api-checkout', 'card declined']]);
  assert.deepEqual(analysis.stats.map((s: any) => [s.operation, s.count, s.errors]).sort(), [['GET /checkout', 1, 0], ['step-1', 1, 1], ['step-2', 1, 0]]);
  await getJson('/api/v1/traces/0123456789abcdef0123456789abcdef/analysis', 404);
});

test('the trace view\'s reads: the timeline in columns, one span in full, find in trace', async () => {
  const trace = await getJson(`/api/v1/traces/${sent.slow}`);
  const spans = trace.resourceSpans[0].scopeSpans[0].spans;
  const timeline = await getJson(`/api/v1/traces/${sent.slow.toUpperCase()}/timeline`);
  assert.equal(timeline.traceId, sent.slow);
  assert.equal(timeline.startTimeUnixNano, spans[0].startTimeUnixNano);
  assert.deepEqual(timeline.services, ['api-checkout']);
  assert.deepEqual(timeline.spanId, spans.map((s: any) => s.spanId));
  assert.deepEqual(timeline.parentSpanId, spans.map((s: any) => s.parentSpanId ?? ''));
  assert.deepEqual(timeline.name.map((i: number) => timeline.names[i]), spans.map((s: any) => s.name));
  assert.deepEqual(timeline.kind, spans.map((s: any) => s.kind));
  assert.deepEqual(
    timeline.start.map((start: number, i: number) => [start, timeline.duration[i]]),
    spans.map((s: any) => [Number(BigInt(s.startTimeUnixNano) - BigInt(spans[0].startTimeUnixNano)), Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano))]),
  );
  assert.deepEqual(timeline.statusMessage, {});
  assert.deepEqual(timeline.links, []);
  const failing = await getJson(`/api/v1/traces/${sent.failing}/timeline`);
  assert.deepEqual(failing.statusMessage, { 1: 'card declined' });
  assert.deepEqual(failing.statusCode, [0, 2, 0]);

  const one = await getJson(`/api/v1/traces/${sent.slow}/spans/${spans[2].spanId.toUpperCase()}`);
  assert.deepEqual(one.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans)), [spans[2]]);
  assert.deepEqual(one.resourceSpans[0].resource, trace.resourceSpans[0].resource);
  assert.match((await getJson(`/api/v1/traces/${sent.slow}/spans/0123456789abcdef`, 404)).error.message, /not found/);
  assert.match((await getJson(`/api/v1/traces/${sent.slow}/spans/xyz`, 400)).error.message, /spanId/);

  const find = async (text: string) => (await getJson(`/api/v1/traces/${sent.slow}/find?text=${encodeURIComponent(text)}`)).spanIds.sort();
  assert.deepEqual(await find('RETRY'), [spans[2].spanId], 'an event name');
  assert.deepEqual(await find('attempt=2'), [spans[2].spanId], 'an event attribute');
  assert.deepEqual(await find('step=1'), [spans[1].spanId], 'a span attribute');
  assert.deepEqual(await find('deployment.environment='), spans.map((s: any) => s.spanId).sort(), 'a resource attribute');
  assert.deepEqual(await find(' '), []);
  assert.match((await getJson(`/api/v1/traces/${sent.slow}/find`, 400)).error.message, /'text'/);
  assert.match((await getJson(`/api/v1/traces/${sent.slow}/find?text=${'x'.repeat(1001)}`, 400)).error.message, /'text'/);
  await getJson('/api/v1/traces/0123456789abcdef0123456789abcdef/timeline', 404);
});

test('RED metrics per service and operation, by span kind, in steps', async () => {
  const window = `start=${Date.now() - 3_600_000}&end=${Date.now()}`;
  const served = await getJson(`/api/v1/metrics?service=api-checkout&spanKind=server&step=2h&${window}`);
  assert.equal(served.stepNanos, '7200000000000');
  assert.equal(served.series.length, 1);
  const [{ operation, points }] = served.series;
  assert.equal(operation, 'GET /checkout');
  assert.deepEqual(points.map((p: any) => [p.count, p.errors, p.errorRate]), [[5, 0, 0]]);
  assert.equal(points[0].rate, 5 / 7200);
  const all = await getJson(`/api/v1/metrics?service=api-checkout&${window}`);
  const step1 = all.series.find((s: any) => s.operation === 'step-1');
  assert.deepEqual(step1.points.map((p: any) => [p.count, p.errors]), [[5, 1]]);
  assert.ok(step1.points[0].p99Nanos >= step1.points[0].p50Nanos);
  assert.match((await getJson(`/api/v1/metrics?step=1ns&${window}`, 400)).error.message, /'step'/);
  assert.match((await getJson('/api/v1/metrics?spanKind=sideways', 400)).error.message, /'spanKind'/);
});

test('attribute comparison: what sets failing spans apart', async () => {
  const window = `start=${Date.now() - 3_600_000}&end=${Date.now()}`;
  const result = await getJson(`/api/v1/compare/attributes?service=api-checkout&operation=step-1&errors=true&${window}`);
  assert.equal(result.selectedSpans, 1);
  assert.equal(result.baselineSpans, 4);
  const [top] = result.attributes;
  assert.deepEqual([top.key, top.value, top.selectedShare, top.baselineShare], ['http.response.status_code', '502', 1, 0]);
  assert.match((await getJson(`/api/v1/compare/attributes?service=api-checkout&${window}`, 400)).error.message, /minDuration/);
});

test('trace comparison: paths of service:operation matched, the slow step marked', async () => {
  const { rows } = await getJson(`/api/v1/compare/traces?a=${sent.checkout[0]}&b=${sent.slow}`);
  assert.deepEqual(
    rows.map((r: any) => [r.path.join(' > '), r.depth, r.countA, r.countB, r.status]),
    [
      ['api-checkout:GET /checkout', 0, 1, 1, 'same'],
      ['api-checkout:GET /checkout > api-checkout:step-1', 1, 1, 1, 'same'],
      ['api-checkout:GET /checkout > api-checkout:step-2', 1, 1, 1, 'slower'],
    ],
  );
  assert.equal(rows[2].meanNanosB - rows[2].meanNanosA, 899_000_000);
  await getJson(`/api/v1/compare/traces?a=${sent.checkout[0]}&b=0123456789abcdef0123456789abcdef`, 404);
  assert.match((await getJson(`/api/v1/compare/traces?a=${sent.checkout[0]}`, 400)).error.message, /'b'/);
});

test('a trace against the typical trace of its root operation', async () => {
  const { typicalTraceId, rows } = await getJson(`/api/v1/compare/typical?trace=${sent.slow}`);
  assert.ok(sent.checkout.includes(typicalTraceId) && typicalTraceId !== sent.slow);
  assert.deepEqual(rows.map((r: any) => [r.operation, r.status]), [['GET /checkout', 'same'], ['step-1', 'same'], ['step-2', 'slower']]);
});

test('a 64-bit trace id finds the trace stored with zero-padding', async () => {
  const request = otlpJsonRequest({ service: 'api-short-id' });
  const shortId = request.traceIds[0].slice(16);
  const body = request.body.replaceAll(request.traceIds[0], '0'.repeat(16) + shortId);
  assert.equal((await postOtlpJson(skein.otlpHttpUrl, body)).status, 200);
  const trace = await eventually(async () => {
    const res = await fetch(`${skein.httpUrl}/api/v1/traces/${shortId.toUpperCase()}`);
    return res.ok ? res.json() : undefined;
  }, 'the 64-bit trace');
  assert.equal(trace.resourceSpans[0].scopeSpans[0].spans[0].traceId, '0'.repeat(16) + shortId);
});
