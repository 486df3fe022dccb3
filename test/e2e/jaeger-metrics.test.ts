// Jaeger's metrics query API (the Monitor tab of Jaeger UI) over a running `skein serve`:
// known spans in three one-minute steps → exact call rates, error ratios and latency quantiles.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { postOtlpJson, randomHex } from '../support/otlp-payloads.ts';
import { eventually, useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';

let skein: SkeinProcess;
const MINUTE_MS = 60_000;
// Three whole minutes that ended a while ago; endTs is the end of the third.
const T0_MS = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - 10 * MINUTE_MS;
const END_TS = T0_MS + 3 * MINUTE_MS;
const WINDOW = `endTs=${END_TS}&lookback=${3 * MINUTE_MS}&step=${MINUTE_MS}&ratePer=600000`;
const POINT_TIMES = [1, 2, 3].map((m) => new Date(T0_MS + m * MINUTE_MS).toISOString().replace('.000Z', 'Z'));

const SERVER = 2;
const CLIENT = 3;

interface TestSpan {
  name: string;
  kind: number;
  /** ms after T0 */
  at: number;
  durationMs: number;
  error?: boolean;
}

function otlpBody(service: string, spans: TestSpan[]): string {
  const ns = (ms: number) => String(BigInt(T0_MS + ms) * 1_000_000n);
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            scope: { name: 'jaeger-metrics-test' },
            spans: spans.map((s) => ({
              traceId: randomHex(16),
              spanId: randomHex(8),
              name: s.name,
              kind: s.kind,
              startTimeUnixNano: ns(s.at),
              endTimeUnixNano: ns(s.at + s.durationMs),
              status: s.error ? { code: 2 } : {},
            })),
          },
        ],
      },
    ],
  });
}

// Minute 0: GET /cart 10, 20, 30 (error), 40 ms and POST /pay 100, 100 ms (server), a 5 ms
// client call; minute 1: nothing; minute 2: GET /cart 50 ms (error). jm-auth: 3 × 7 ms, minute 0.
const SHOP: TestSpan[] = [
  { name: 'GET /cart', kind: SERVER, at: 1_000, durationMs: 10 },
  { name: 'GET /cart', kind: SERVER, at: 2_000, durationMs: 20 },
  { name: 'GET /cart', kind: SERVER, at: 3_000, durationMs: 30, error: true },
  { name: 'GET /cart', kind: SERVER, at: 4_000, durationMs: 40 },
  { name: 'POST /pay', kind: SERVER, at: 5_000, durationMs: 100 },
  { name: 'POST /pay', kind: SERVER, at: 59_000, durationMs: 100 },
  { name: 'call db', kind: CLIENT, at: 6_000, durationMs: 5 },
  { name: 'GET /cart', kind: SERVER, at: 2 * MINUTE_MS, durationMs: 50, error: true },
];
const AUTH: TestSpan[] = [0, 1, 2].map((i) => ({ name: 'check', kind: SERVER, at: 10_000 + i * 1_000, durationMs: 7 }));

useSkeinProcess(async (started) => {
  skein = started;
  assert.equal((await postOtlpJson(skein.otlpHttpUrl, otlpBody('jm-shop', SHOP))).status, 200);
  assert.equal((await postOtlpJson(skein.otlpHttpUrl, otlpBody('jm-auth', AUTH))).status, 200);
  await eventually(async () => {
    const res = await fetch(`${skein.httpUrl}/api/v1/metrics?service=jm-shop&start=${T0_MS}&end=${END_TS}`);
    const { series } = await res.json();
    const spans = series.reduce((n: number, s: { points: { count: number }[] }) => n + s.points.reduce((m, p) => m + p.count, 0), 0);
    return spans === SHOP.length ? true : undefined;
  }, 'the test spans');
});

async function getJson(path: string, status = 200) {
  const res = await fetch(`${skein.httpUrl}${path}`);
  assert.equal(res.status, status, path);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  return res.json();
}

/** [timestamp, value] per point of each metric, values rounded to 1e-9 (quantiles are interpolated in floating point). */
function pointsOf(family: { metrics: { metricPoints: { gaugeValue: { doubleValue: number }; timestamp: string }[] }[] }) {
  return family.metrics.map((m) => m.metricPoints.map((p) => [p.timestamp, Math.round(p.gaugeValue.doubleValue * 1e9) / 1e9]));
}

const serviceLabel = (value: string) => [{ name: 'service_name', value }];
const operationLabels = (service: string, operation: string) => [...serviceLabel(service), { name: 'operation', value: operation }];
const [t1, t2, t3] = POINT_TIMES;

test('call rates per second of each step, 0 for a step without calls, server spans by default', async () => {
  const family = await getJson(`/api/metrics/calls?service=jm-shop&${WINDOW}`);
  assert.equal(family.name, 'service_call_rate');
  assert.equal(family.type, 'GAUGE');
  assert.equal(family.help, 'calls/sec, grouped by service');
  assert.deepEqual(family.metrics.map((m: { labels: unknown }) => m.labels), [serviceLabel('jm-shop')]);
  assert.deepEqual(pointsOf(family), [
    [
      [t1, 0.1], // 6 server spans in 60 s
      [t2, 0],
      [t3, Math.round((1 / 60) * 1e9) / 1e9],
    ],
  ]);
});

test('error ratios: errors over calls in each step that had calls', async () => {
  const family = await getJson(`/api/metrics/errors?service=jm-shop&${WINDOW}`);
  assert.equal(family.name, 'service_error_rate');
  assert.equal(family.help, 'error rate, computed as a fraction of errors/sec over calls/sec, grouped by service');
  assert.deepEqual(pointsOf(family), [
    [
      [t1, Math.round((1 / 6) * 1e9) / 1e9],
      [t3, 1],
    ],
  ]);
});

test('latency quantiles in ms, as Jaeger UI asks for them (0.5, 0.75, 0.95)', async () => {
  const at = async (quantile: number) => getJson(`/api/metrics/latencies?service=jm-shop&quantile=${quantile}&${WINDOW}`);
  const median = await at(0.5);
  assert.equal(median.name, 'service_latencies');
  assert.equal(median.help, '0.50th quantile latency, grouped by service');
  // Minute 0's server spans: 10, 20, 30, 40, 100, 100 ms, interpolated at quantile × 5.
  assert.deepEqual(pointsOf(median), [[[t1, 35], [t3, 50]]]);
  assert.deepEqual(pointsOf(await at(0.75)), [[[t1, 85], [t3, 50]]]);
  assert.deepEqual(pointsOf(await at(0.95)), [[[t1, 100], [t3, 50]]]);
});

test('grouped by operation: service_operation_* with an operation label per series', async () => {
  const latencies = await getJson(`/api/metrics/latencies?service=jm-shop&quantile=0.75&groupByOperation=true&${WINDOW}`);
  assert.equal(latencies.name, 'service_operation_latencies');
  assert.equal(latencies.help, '0.75th quantile latency, grouped by service & operation');
  assert.deepEqual(latencies.metrics.map((m: { labels: unknown }) => m.labels), [operationLabels('jm-shop', 'GET /cart'), operationLabels('jm-shop', 'POST /pay')]);
  assert.deepEqual(pointsOf(latencies), [[[t1, 32.5], [t3, 50]], [[t1, 100]]]);

  const calls = await getJson(`/api/metrics/calls?service=jm-shop&groupByOperation=true&${WINDOW}`);
  assert.equal(calls.name, 'service_operation_call_rate');
  assert.deepEqual(pointsOf(calls), [
    [[t1, Math.round((4 / 60) * 1e9) / 1e9], [t2, 0], [t3, Math.round((1 / 60) * 1e9) / 1e9]],
    [[t1, Math.round((2 / 60) * 1e9) / 1e9], [t2, 0], [t3, 0]],
  ]);

  const errors = await getJson(`/api/metrics/errors?service=jm-shop&groupByOperation=1&${WINDOW}`);
  assert.equal(errors.name, 'service_operation_error_rate');
  assert.deepEqual(pointsOf(errors), [[[t1, 0.25], [t3, 1]], [[t1, 0]]]);
});

test('several services: one series each', async () => {
  const family = await getJson(`/api/metrics/calls?service=jm-shop&service=jm-auth&${WINDOW}`);
  assert.deepEqual(family.metrics.map((m: { labels: unknown }) => m.labels), [serviceLabel('jm-shop'), serviceLabel('jm-auth')]);
  assert.deepEqual(pointsOf(family)[1], [[t1, 0.05], [t2, 0], [t3, 0]]);
  const latencies = await getJson(`/api/metrics/latencies?service=jm-auth&service=jm-shop&quantile=0.95&${WINDOW}`);
  assert.deepEqual(pointsOf(latencies), [[[t1, 7]], [[t1, 100], [t3, 50]]]);
});

test('spanKind picks the kinds counted, in Jaeger UI\'s spelling and OpenTelemetry\'s', async () => {
  const client = await getJson(`/api/metrics/latencies?service=jm-shop&quantile=0.5&spanKind=client&${WINDOW}`);
  assert.deepEqual(pointsOf(client), [[[t1, 5]]]);
  const both = await getJson(`/api/metrics/calls?service=jm-shop&spanKind=SPAN_KIND_SERVER&spanKind=SPAN_KIND_CLIENT&${WINDOW}`);
  assert.equal(pointsOf(both)[0][0][1], Math.round((7 / 60) * 1e9) / 1e9);
  const none = await getJson(`/api/metrics/calls?service=jm-shop&spanKind=consumer&${WINDOW}`);
  assert.deepEqual(none.metrics, []);
});

test('unknown services and empty windows have no series', async () => {
  assert.deepEqual((await getJson(`/api/metrics/calls?service=nobody&${WINDOW}`)).metrics, []);
  const earlier = await getJson(`/api/metrics/errors?service=jm-shop&endTs=${T0_MS}&lookback=60000&step=60000`);
  assert.deepEqual(earlier.metrics, []);
});

test('?prettyPrint indents the metric families with 4 spaces, as jaeger-query writes every answer', async () => {
  const compact = await getJson(`/api/metrics/calls?service=jm-shop&${WINDOW}`);
  const res = await fetch(`${skein.httpUrl}/api/metrics/calls?service=jm-shop&${WINDOW}&prettyPrint=true`);
  assert.equal(await res.text(), JSON.stringify(compact, null, 4));
});

test('minstep in the structuredResponse envelope, in ms', async () => {
  assert.deepEqual(await getJson('/api/metrics/minstep'), { data: 1, total: 0, limit: 0, offset: 0, errors: null });
});

test('bad parameters: 400 in Jaeger\'s envelope, naming the parameter', async () => {
  const cases: [string, string][] = [
    ['/api/metrics/calls', 'service'],
    ['/api/metrics/calls?service=', 'service'],
    ['/api/metrics/latencies?service=jm-shop', 'quantile'],
    ['/api/metrics/latencies?service=jm-shop&quantile=1.5', 'quantile'],
    ['/api/metrics/latencies?service=jm-shop&quantile=abc', 'quantile'],
    ['/api/metrics/calls?service=jm-shop&groupByOperation=maybe', 'groupByOperation'],
    ['/api/metrics/calls?service=jm-shop&spanKind=sideways', 'spanKind'],
    ['/api/metrics/calls?service=jm-shop&endTs=-1', 'endTs'],
    ['/api/metrics/calls?service=jm-shop&endTs=99999999999999999', 'endTs'],
    ['/api/metrics/calls?service=jm-shop&lookback=1h', 'lookback'],
    ['/api/metrics/calls?service=jm-shop&endTs=1000&lookback=2000&step=1000', 'lookback'],
    ['/api/metrics/calls?service=jm-shop&step=0', 'step'],
    ['/api/metrics/calls?service=jm-shop&step=1&lookback=86400000', 'step'],
    ['/api/metrics/errors?service=jm-shop&ratePer=0', 'ratePer'],
  ];
  for (const [path, param] of cases) {
    const body = await getJson(path, 400);
    assert.deepEqual({ ...body, errors: undefined }, { data: null, total: 0, limit: 0, offset: 0, errors: undefined }, path);
    assert.equal(body.errors.length, 1, path);
    assert.equal(body.errors[0].code, 400, path);
    assert.match(body.errors[0].msg, new RegExp(`'${param}'`), path);
  }
});
