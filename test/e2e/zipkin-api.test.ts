// Zipkin's query API v2 (as Zipkin UI and Grafana's Zipkin datasource call it) on the
// Zipkin port of a running `skein serve`, over spans sent to its Zipkin receiver.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { postOtlpJson, randomHex } from '../support/otlp-payloads.ts';
import { eventually, useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';

let skein: SkeinProcess;
const NOW_MS = Date.now();
const NOW_US = NOW_MS * 1000;
const T = NOW_US - 10_000_000 + 123; // the detailed trace, 10 s ago

const ids = {
  trace: randomHex(8), // 64-bit, as Zipkin clients send
  root: randomHex(8),
  client: randomHex(8),
  search: [] as string[], // oldest first
  old: randomHex(16),
};

/** root (zk-front server) → client (zk-front → zk-back) and its shared server half (zk-back, error). */
function detailedTrace() {
  return [
    {
      traceId: ids.trace,
      id: ids.root,
      kind: 'SERVER',
      name: 'get /checkout',
      timestamp: T,
      duration: 100_000,
      localEndpoint: { serviceName: 'zk-front', ipv4: '10.0.0.1', port: 8080 },
      debug: true,
    },
    {
      traceId: ids.trace,
      parentId: ids.root,
      id: ids.client,
      kind: 'CLIENT',
      name: 'get /pay',
      timestamp: T + 1_000,
      duration: 40_000,
      localEndpoint: { serviceName: 'zk-front' },
      remoteEndpoint: { serviceName: 'zk-back', ipv4: '10.0.0.2', port: 9000 },
      annotations: [{ timestamp: T + 1_500, value: 'ws' }],
      tags: { 'http.method': 'GET', 'http.path': '/pay' },
    },
    {
      traceId: ids.trace,
      parentId: ids.root,
      id: ids.client,
      kind: 'SERVER',
      name: 'get /pay',
      timestamp: T + 2_000,
      duration: 30_000,
      localEndpoint: { serviceName: 'zk-back', ipv6: '2001:db8::1' },
      remoteEndpoint: { ipv4: '10.0.0.1' },
      tags: { error: 'card declined', 'http.status_code': '503' },
      shared: true,
    },
  ];
}

/** Four zk-search traces a second apart (durations 10..40 ms), and one two hours old. */
function searchTraces() {
  const spans = [];
  for (let i = 0; i < 4; i++) {
    const traceId = randomHex(16);
    ids.search.push(traceId);
    spans.push({
      traceId,
      id: randomHex(8),
      kind: 'SERVER',
      name: i % 2 === 0 ? 'even' : 'odd',
      timestamp: NOW_US - (4 - i) * 1_000_000,
      duration: (i + 1) * 10_000,
      localEndpoint: { serviceName: 'zk-search' },
      tags: { parity: i % 2 === 0 ? 'even' : 'odd', ...(i === 1 ? { flagged: 'yes' } : {}) },
    });
  }
  spans.push({
    traceId: ids.old,
    id: randomHex(8),
    name: 'old',
    timestamp: NOW_US - 2 * 3_600_000_000,
    duration: 5_000,
    localEndpoint: { serviceName: 'zk-search' },
  });
  return spans;
}

/**
 * OTLP spans (service zk-otel) whose attributes and statuses Zipkin has no field for: an int,
 * a bool, an array and a map attribute; ERROR with a message, ERROR with an `error`
 * attribute of its own and another message, ERROR with no message; OK.
 */
const otel = { trace: randomHex(16), typed: randomHex(8), ownError: randomHex(8), bare: randomHex(8), ok: randomHex(8) };
function otelSpans() {
  const at = (ms: number) => String(BigInt(NOW_MS - 5_000 + ms) * 1_000_000n);
  const span = (spanId: string, name: string, ms: number, status: object, attributes: object[] = []) => ({
    traceId: otel.trace, spanId, name, kind: 2, startTimeUnixNano: at(ms), endTimeUnixNano: at(ms + 5), status, attributes,
  });
  const spans = [
    span(otel.typed, 'typed', 0, { code: 2, message: 'upstream timeout' }, [
      { key: 'http.response.status_code', value: { intValue: '503' } },
      { key: 'flag', value: { boolValue: true } },
      { key: 'ratio', value: { doubleValue: 0.25 } },
      { key: 'list', value: { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } } },
      { key: 'map', value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }, { key: 'n', value: { intValue: '1' } }] } } },
    ]),
    span(otel.ownError, 'own error', 10, { code: 2, message: 'retries exhausted' }, [{ key: 'error', value: { stringValue: 'boom' } }]),
    span(otel.bare, 'bare error', 20, { code: 2 }),
    span(otel.ok, 'ok', 30, { code: 1 }),
  ];
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'zk-otel' } }] }, scopeSpans: [{ scope: { name: 'test' }, spans }] }] });
}

function postZipkin(body: unknown) {
  return fetch(`${skein.zipkinUrl}/api/v2/spans`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

useSkeinProcess(
  async (started) => {
    skein = started;
    assert.equal((await postZipkin(detailedTrace())).status, 202);
    assert.equal((await postZipkin(searchTraces())).status, 202);
    assert.equal((await postOtlpJson(skein.otlpHttpUrl, otelSpans())).status, 200);
    await eventually(async () => {
      const res = await fetch(`${skein.zipkinUrl}/api/v2/traceMany?traceIds=${[ids.trace, ids.old, otel.trace, ...ids.search].join(',')}`);
      const traces = res.ok ? await res.json() : [];
      return traces.length === 7 ? true : undefined;
    }, 'the test traces');
  },
  { args: ['--zipkin-autocomplete-keys', ' parity, http.method,parity,'] },
);

async function getJson(path: string) {
  const res = await fetch(`${skein.zipkinUrl}${path}`);
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  return res.json();
}

async function getText(path: string, status: number): Promise<string> {
  const res = await fetch(`${skein.zipkinUrl}${path}`);
  assert.equal(res.status, status, path);
  return res.text();
}

const byTimestamp = (a: { timestamp: number }, b: { timestamp: number }) => a.timestamp - b.timestamp;
/** Zipkin spans as Skein reads them back: a span with an error tag is ERROR, so it shows otel.status_code=ERROR too (the OTel mapping). */
const asRead = <T extends { tags?: object }>(spans: T[]) =>
  spans.map((span) => (span.tags && 'error' in span.tags ? { ...span, tags: { ...span.tags, 'otel.status_code': 'ERROR' } } : span));
/** Trace ids of a list of traces. */
const traceIds = (traces: { traceId: string }[][]) => traces.map((t) => t[0].traceId);

test('services, span names and remote services', async () => {
  const services: string[] = await getJson('/api/v2/services');
  for (const s of ['zk-back', 'zk-front', 'zk-search']) assert.ok(services.includes(s), s);
  assert.deepEqual(services, [...services].sort());
  assert.deepEqual(await getJson('/api/v2/spans?serviceName=zk-front'), ['get /checkout', 'get /pay']);
  assert.deepEqual(await getJson('/api/v2/spans?serviceName=zk-search'), ['even', 'odd', 'old']);
  assert.deepEqual(await getJson('/api/v2/spans?serviceName=no-such'), []);
  assert.deepEqual(await getJson('/api/v2/remoteServices?serviceName=zk-front'), ['zk-back']);
  assert.deepEqual(await getJson('/api/v2/remoteServices?serviceName=zk-back'), []);
});

test('a trace reads back as the Zipkin JSON that was sent', async () => {
  const sent = asRead(detailedTrace().sort(byTimestamp));
  const got = await getJson(`/api/v2/trace/${ids.trace}`);
  assert.deepEqual([...got].sort(byTimestamp), sent);
  // the 64-bit id zero-padded, in upper case, finds the same trace
  assert.deepEqual(await getJson(`/api/v2/trace/${ids.trace.toUpperCase().padStart(32, '0')}`), got);
  // a 128-bit id reads back as 32 digits
  const [old] = await getJson(`/api/v2/trace/${ids.old}`);
  assert.equal(old.traceId, ids.old);
  assert.equal(old.parentId, undefined);
  assert.equal(old.kind, undefined);
  assert.equal(old.tags, undefined);
  assert.equal(old.annotations, undefined);
  assert.equal(old.remoteEndpoint, undefined);
  // its low 64 bits alone find it, as in Zipkin
  assert.deepEqual(await getJson(`/api/v2/trace/${ids.old.slice(16)}`), [old]);
});

test('dependencies: a shared client/server span is one call, its error counted; endTs is required', async () => {
  const links = await getJson(`/api/v2/dependencies?endTs=${Date.now()}&lookback=3600000`);
  assert.deepEqual(
    links.filter((link: { parent: string }) => link.parent.startsWith('zk-')),
    [{ parent: 'zk-front', child: 'zk-back', callCount: 1, errorCount: 1 }],
  );
  // a window before the trace has no links
  assert.deepEqual(await getJson(`/api/v2/dependencies?endTs=${NOW_MS - 3_600_000}&lookback=60000`), []);
  assert.match(await getText('/api/v2/dependencies', 400), /endTs/);
});

test('traceMany leaves unknown traces out', async () => {
  const traces = await getJson(`/api/v2/traceMany?traceIds=${ids.trace},${randomHex(16)},${ids.search[0]}`);
  assert.deepEqual(traceIds(traces), [ids.trace, ids.search[0]]);
  assert.equal(traces[0].length, 3);
});

test('traces: search by service, span name, remote service, annotationQuery', async () => {
  const [s0, s1, s2, s3] = ids.search;
  assert.deepEqual(traceIds(await getJson('/api/v2/traces?serviceName=zk-search')), [s3, s2, s1, s0, ids.old]);
  assert.deepEqual(traceIds(await getJson('/api/v2/traces?serviceName=zk-search&spanName=odd')), [s3, s1]);
  assert.deepEqual(traceIds(await getJson('/api/v2/traces?serviceName=zk-search&annotationQuery=parity%3Deven')), [s2, s0]);
  assert.deepEqual(traceIds(await getJson('/api/v2/traces?serviceName=zk-search&annotationQuery=flagged')), [s1]);
  assert.deepEqual(traceIds(await getJson('/api/v2/traces?serviceName=zk-search&annotationQuery=flagged%20and%20parity%3Deven')), []);
  assert.deepEqual(traceIds(await getJson('/api/v2/traces?serviceName=zk-search&annotationQuery=error')), []);
  // a bare word matches a tag key or an annotation value
  assert.deepEqual(traceIds(await getJson('/api/v2/traces?serviceName=zk-front&annotationQuery=ws')), [ids.trace]);
  assert.deepEqual(traceIds(await getJson('/api/v2/traces?serviceName=zk-front&annotationQuery=ws%20and%20http.method')), [ids.trace]);
  assert.deepEqual(traceIds(await getJson('/api/v2/traces?serviceName=zk-front&annotationQuery=ws%20and%20http.method%3DPOST')), []);
  assert.deepEqual(traceIds(await getJson('/api/v2/traces?annotationQuery=error%20and%20http.status_code%3D503')), [ids.trace]);
  assert.deepEqual(traceIds(await getJson('/api/v2/traces?serviceName=zk-back&annotationQuery=error')), [ids.trace]);
  assert.deepEqual(traceIds(await getJson('/api/v2/traces?serviceName=zk-front&remoteServiceName=zk-back')), [ids.trace]);
  assert.deepEqual(traceIds(await getJson('/api/v2/traces?serviceName=zk-back&remoteServiceName=zk-back')), []);
  // The whole trace comes back, in Zipkin's model.
  const [trace] = await getJson('/api/v2/traces?serviceName=zk-front&spanName=get%20%2Fpay');
  assert.deepEqual([...trace].sort(byTimestamp), asRead(detailedTrace().sort(byTimestamp)));
});

test('traces: durations in µs, endTs/lookback in ms, limit', async () => {
  const [s0, s1, s2, s3] = ids.search;
  const q = '/api/v2/traces?serviceName=zk-search';
  assert.deepEqual(traceIds(await getJson(`${q}&minDuration=20000`)), [s3, s2, s1]);
  assert.deepEqual(traceIds(await getJson(`${q}&minDuration=20000&maxDuration=30000`)), [s2, s1]);
  assert.deepEqual(traceIds(await getJson(`${q}&maxDuration=10000`)), [s0, ids.old]);
  // only the old trace: the window [now - 3h, now - 1h]
  assert.deepEqual(traceIds(await getJson(`${q}&endTs=${NOW_MS - 3_600_000}&lookback=${2 * 3_600_000}`)), [ids.old]);
  // a 1-minute lookback leaves it out
  assert.deepEqual(traceIds(await getJson(`${q}&endTs=${NOW_MS + 60_000}&lookback=120000`)), [s3, s2, s1, s0]);
  assert.deepEqual(traceIds(await getJson(`${q}&limit=2`)), [s3, s2]);
  // Zipkin takes any long: beyond what Skein stores, a bound holds everything (or nothing).
  assert.deepEqual(traceIds(await getJson(`${q}&maxDuration=999999999999999999&endTs=999999999999999999&lookback=999999999999999999`)), [s3, s2, s1, s0, ids.old]);
  assert.deepEqual(traceIds(await getJson(`${q}&minDuration=999999999999999999`)), []);
  assert.deepEqual(await getJson('/api/v2/dependencies?endTs=999999999999999999&lookback=1'), []);
  // default limit 10
  assert.equal((await getJson('/api/v2/traces')).length <= 10, true);
});

test('autocomplete: the configured keys (--zipkin-autocomplete-keys), values only for them', async () => {
  assert.deepEqual(await getJson('/api/v2/autocompleteKeys'), ['parity', 'http.method']);
  assert.deepEqual(await getJson('/api/v2/autocompleteValues?key=parity'), ['even', 'odd']);
  assert.deepEqual(await getJson('/api/v2/autocompleteValues?key=http.method'), ['GET']);
  // a key the spans have but the setting leaves out, as Zipkin answers it
  assert.deepEqual(await getJson('/api/v2/autocompleteValues?key=http.path'), []);
  assert.deepEqual(await getJson('/api/v2/autocompleteValues?key=no.such.key'), []);
});

test('annotationQuery: empty terms, as Lens sends them, are left out; key= is the bare key', async () => {
  const [s0, s1, s2, s3] = ids.search;
  const q = '/api/v2/traces?serviceName=zk-search&annotationQuery=';
  assert.deepEqual(traceIds(await getJson(`${q}${encodeURIComponent('parity=even and ')}`)), [s2, s0]);
  assert.deepEqual(traceIds(await getJson(`${q}${encodeURIComponent(' and parity=even and  and ')}`)), [s2, s0]);
  assert.deepEqual(traceIds(await getJson(`${q}${encodeURIComponent('flagged and')}`)), [s1]);
  assert.deepEqual(traceIds(await getJson(`${q}${encodeURIComponent('flagged=')}`)), [s1]);
  assert.deepEqual(traceIds(await getJson(`${q}${encodeURIComponent(' and ')}`)), [s3, s2, s1, s0, ids.old]);
  assert.deepEqual(traceIds(await getJson(`/api/v2/traces?serviceName=zk-back&annotationQuery=${encodeURIComponent('error and ')}`)), [ids.trace]);
});

test('OTLP attributes and status read back as the OTel mapping to Zipkin writes them', async () => {
  const trace: { id: string; tags?: Record<string, string> }[] = await getJson(`/api/v2/trace/${otel.trace}`);
  const tags = (id: string) => trace.find((span) => span.id === id)?.tags;
  assert.deepEqual(tags(otel.typed), {
    'otel.scope.name': 'test',
    'http.response.status_code': '503',
    flag: 'true',
    ratio: '0.25',
    list: '["a","b"]',
    map: '{"k":"v","n":1}',
    'otel.status_code': 'ERROR',
    error: 'upstream timeout',
  });
  assert.deepEqual(tags(otel.ownError), { 'otel.scope.name': 'test', error: 'boom', 'otel.status_code': 'ERROR', 'otel.status_description': 'retries exhausted' });
  assert.deepEqual(tags(otel.bare), { 'otel.scope.name': 'test', 'otel.status_code': 'ERROR', error: '' });
  assert.deepEqual(tags(otel.ok), { 'otel.scope.name': 'test', 'otel.status_code': 'OK' });
});

test('annotationQuery: every tag finds its span as Zipkin shows it (typed attributes, status tags)', async () => {
  /** How many traces of zk-otel the query finds: its spans share one trace, so 1 when one of them shows every term. */
  const found = async (query: string) => (await getJson(`/api/v2/traces?serviceName=zk-otel&annotationQuery=${encodeURIComponent(query)}`)).length;
  for (const query of [
    'http.response.status_code=503',
    'flag=true',
    'ratio=0.25',
    'error',
    'error=true',
    'error=upstream timeout',
    'error=boom',
    'error=',
    'otel.status_code=ERROR',
    'otel.status_code=OK',
    'otel.status_description=retries exhausted',
    'otel.scope.name=test and http.response.status_code=503 and flag=true',
    'error=upstream timeout and http.response.status_code=503',
  ]) {
    assert.equal(await found(query), 1, query);
  }
  for (const query of [
    'http.response.status_code=504',
    'flag=false',
    'error=retries exhausted', // shown as otel.status_description, not as error
    'error=nothing like it',
    'otel.status_code=UNSET',
    'otel.status_description=boom',
    'error=boom and http.response.status_code=503', // two spans, not one
  ]) {
    assert.equal(await found(query), 0, query);
  }
});

test('errors: 400 naming the parameter, 404 for an unknown trace', async () => {
  assert.match(await getText('/api/v2/spans', 400), /serviceName/);
  assert.match(await getText('/api/v2/remoteServices', 400), /serviceName/);
  assert.match(await getText('/api/v2/autocompleteValues', 400), /key/);
  assert.match(await getText('/api/v2/traces?minDuration=abc', 400), /minDuration/);
  assert.match(await getText('/api/v2/traces?minDuration=5&maxDuration=4', 400), /minDuration/);
  assert.match(await getText('/api/v2/traces?limit=0', 400), /limit/);
  assert.match(await getText('/api/v2/traces?endTs=yesterday', 400), /endTs/);
  assert.match(await getText('/api/v2/traces?annotationQuery=%3Dx', 400), /annotationQuery/);
  assert.match(await getText('/api/v2/trace/xyz', 400), /traceId/);
  assert.match(await getText('/api/v2/traceMany?traceIds=abc,nothex', 400), /traceIds/);
  assert.match(await getText(`/api/v2/trace/${randomHex(16)}`, 404), /not found/);
  // the receiver still answers on the same app
  assert.equal((await postZipkin([])).status, 202);
});
