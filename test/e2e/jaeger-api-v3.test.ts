// Jaeger's api_v3 over HTTP (/api/v3/*) over a running `skein serve`: a contract test
// written from upstream's gateway (jaeger: .../jaegerquery/internal/apiv3/http_gateway.go,
// query_parser.go and their tests; jaeger-idl: proto/api_v3/query_service.proto).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { otlpJsonRequest, postOtlpJson, randomHex } from '../support/otlp-payloads.ts';
import { eventually, useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';

let skein: SkeinProcess;
const NOW_NS = BigInt(Date.now()) * 1_000_000n;
const BASE_NS = NOW_NS - 10_000_000_000n + 123_456n; // the detailed trace, 10 s ago (sub-µs part on purpose)
const ids = {
  trace: randomHex(16),
  root: randomHex(8),
  client: randomHex(8),
  server: randomHex(8),
  orphan: randomHex(8),
  missingParent: randomHex(8),
  short: randomHex(8), // a 64-bit trace id
  search: [] as string[], // oldest first
};

const str = (stringValue: string) => ({ stringValue });
const int = (n: number) => ({ intValue: String(n) });

/**
 * frontend root (server, OK) → frontend client → backend server (ERROR, typed attributes,
 * an event), and a backend span with no kind whose parent never arrived, ending last.
 */
function detailedTraceBody(): string {
  const span = (spanId: string, parentSpanId: string, name: string, kind: number, startNs: bigint, endNs: bigint, extra = {}) => ({
    traceId: ids.trace,
    spanId,
    parentSpanId,
    name,
    kind,
    startTimeUnixNano: String(startNs),
    endTimeUnixNano: String(endNs),
    attributes: [],
    status: {},
    ...extra,
  });
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: str('v3-frontend') }] },
        scopeSpans: [
          {
            scope: { name: 'shop-lib', version: '1.2.3' },
            spans: [
              span(ids.root, '', 'GET /shop', 2, BASE_NS, BASE_NS + 50_000_000n, { status: { code: 1 } }),
              span(ids.client, ids.root, 'call backend', 3, BASE_NS + 1_000_000n, BASE_NS + 40_000_000n),
            ],
          },
        ],
      },
      {
        resource: { attributes: [{ key: 'service.name', value: str('v3-backend') }, { key: 'deployment.environment', value: str('prod') }] },
        scopeSpans: [
          {
            scope: { name: 'pay-lib' },
            spans: [
              span(ids.server, ids.client, 'POST /pay', 2, BASE_NS + 2_000_000n, BASE_NS + 30_000_000n, {
                attributes: [{ key: 'http.response.status_code', value: int(503) }, { key: 'user', value: str('ann') }],
                events: [{ name: 'retry', timeUnixNano: String(BASE_NS + 5_000_000n), attributes: [{ key: 'attempt', value: int(2) }] }],
                status: { code: 2, message: 'card declined' },
              }),
              span(ids.orphan, ids.missingParent, 'late work', 0, BASE_NS + 3_000_000n, BASE_NS + 70_000_000n),
            ],
          },
        ],
      },
    ],
  });
}

useSkeinProcess(async (started) => {
  skein = started;
  assert.equal((await postOtlpJson(skein.otlpHttpUrl, detailedTraceBody())).status, 200);
  // Four 'v3-search' traces a second apart, oldest first, differing in one attribute each.
  const attributes = [
    [{ key: 'http.status_code', value: int(500) }],
    [{ key: 'http.status_code', value: str('500') }],
    [{ key: 'http.status_code', value: int(200) }, { key: 'retry', value: { boolValue: true } }],
    [{ key: 'ratio', value: { doubleValue: 0.5 } }],
  ];
  for (let i = 0; i < 4; i++) {
    const request = otlpJsonRequest({ service: 'v3-search', startNs: NOW_NS - BigInt(4 - i) * 1_000_000_000n, attributes: attributes[i] });
    const body = JSON.parse(request.body);
    if (i === 3) {
      // the newest trace has a slow span
      const spans = body.resourceSpans[0].scopeSpans[0].spans;
      spans[2].endTimeUnixNano = String(BigInt(spans[2].startTimeUnixNano) + 900_000_000n);
    }
    assert.equal((await postOtlpJson(skein.otlpHttpUrl, JSON.stringify(body))).status, 200);
    ids.search.push(request.traceIds[0]);
  }
  // A trace with a 64-bit id, as old clients send (stored zero-padded to 32 digits).
  const short = JSON.parse(otlpJsonRequest({ service: 'v3-short', startNs: NOW_NS - 20_000_000_000n, spansPerTrace: 1 }).body);
  short.resourceSpans[0].scopeSpans[0].spans[0].traceId = `0000000000000000${ids.short}`;
  assert.equal((await postOtlpJson(skein.otlpHttpUrl, JSON.stringify(short))).status, 200);

  await eventually(async () => {
    const search = await (await fetch(`${skein.httpUrl}/api/v1/search?service=v3-search&limit=100`)).json();
    const traces = await Promise.all([ids.trace, ids.short].map((id) => fetch(`${skein.httpUrl}/api/v1/traces/${id}`)));
    return search.traces.length === 4 && traces.every((res) => res.ok) ? true : undefined;
  }, 'the test traces');
});

async function getJson(path: string, status = 200) {
  const res = await fetch(`${skein.httpUrl}${path}`);
  const body = await res.text();
  assert.equal(res.status, status, `${path}: ${body}`);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  return JSON.parse(body);
}

/** A time as RFC 3339 with nanoseconds, as Go's time.RFC3339Nano writes it. */
function rfc3339(ns: bigint): string {
  const seconds = new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 19);
  return `${seconds}.${String(ns % 1_000_000_000n).padStart(9, '0')}Z`;
}

/** The required time window, in upstream's older spelling. */
function window(minNs: bigint, maxNs: bigint): string {
  return `query.start_time_min=${rfc3339(minNs)}&query.start_time_max=${rfc3339(maxNs)}`;
}

const LAST_HOUR = window(NOW_NS - 3_600_000_000_000n, NOW_NS + 60_000_000_000n);

/** A search with `extra` query text, over the last hour unless another window is given. */
function searchPath(route: string, extra: string, timeWindow = LAST_HOUR): string {
  return `/api/v3/${route}?${timeWindow}&${extra}`;
}

/** The trace id of each resourceSpans entry, in order. */
function resourceTraceIds(body: any): string[] {
  return body.result.resourceSpans.map((rs: any) => rs.scopeSpans[0].spans[0].traceId);
}

/** The traces /api/v3/traces finds, in answer order, each once; [] for upstream's 404. */
async function found(extra: string, timeWindow = LAST_HOUR): Promise<string[]> {
  const res = await fetch(`${skein.httpUrl}${searchPath('traces', extra, timeWindow)}`);
  if (res.status === 404) return [];
  assert.equal(res.status, 200, extra);
  return [...new Set(resourceTraceIds(await res.json()))];
}

const attributes = (object: Record<string, unknown>) => `query.attributes=${encodeURIComponent(JSON.stringify(object))}`;

test('GET /api/v3/services: {"services": [...]}, sorted', async () => {
  const body = await getJson('/api/v3/services');
  assert.deepEqual(Object.keys(body), ['services']);
  assert.deepEqual(body.services, ['v3-backend', 'v3-frontend', 'v3-search', 'v3-short']);
});

test('GET /api/v3/operations: name and spanKind, a span without kind reads internal', async () => {
  assert.deepEqual(await getJson('/api/v3/operations?service=v3-frontend'), {
    operations: [
      { name: 'GET /shop', spanKind: 'server' },
      { name: 'call backend', spanKind: 'client' },
    ],
  });
  assert.deepEqual(await getJson('/api/v3/operations?service=v3-backend'), {
    operations: [
      { name: 'POST /pay', spanKind: 'server' },
      { name: 'late work', spanKind: 'internal' },
    ],
  });
  // span_kind is upstream's older spelling of spanKind
  assert.deepEqual(await getJson('/api/v3/operations?service=v3-frontend&span_kind=client'), { operations: [{ name: 'call backend', spanKind: 'client' }] });
  assert.deepEqual(await getJson('/api/v3/operations?service=v3-frontend&spanKind=server'), { operations: [{ name: 'GET /shop', spanKind: 'server' }] });
  assert.deepEqual(await getJson('/api/v3/operations?service=v3-backend&spanKind=internal'), { operations: [{ name: 'late work', spanKind: 'internal' }] });
  assert.deepEqual(await getJson('/api/v3/operations?service=v3-frontend&spanKind=consumer'), { operations: [] });
  assert.deepEqual(await getJson('/api/v3/operations?service=no-such-service'), { operations: [] });

  assert.deepEqual(await getJson('/api/v3/operations', 400), { error: { httpCode: 400, message: "parameter 'service': is required" } });
  const badKind = await getJson('/api/v3/operations?service=v3-frontend&span_kind=sideways', 400);
  assert.equal(badKind.error.httpCode, 400);
  assert.match(badKind.error.message, /'span_kind'/);
});

test('GET /api/v3/traces/{trace_id}: the trace as OTLP/JSON in {"result": ...}', async () => {
  const body = await getJson(`/api/v3/traces/${ids.trace}`);
  assert.deepEqual(Object.keys(body), ['result']);
  // exactly the OTLP/JSON Skein's own API gives for the trace
  const otlp = await getJson(`/api/v1/traces/${ids.trace}`);
  assert.deepEqual(body.result, otlp);
  const spans = body.result.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans));
  assert.deepEqual(spans.map((s: any) => [s.traceId, s.spanId, s.name, s.kind]).sort(), [
    [ids.trace, ids.client, 'call backend', 3],
    [ids.trace, ids.orphan, 'late work', 0],
    [ids.trace, ids.root, 'GET /shop', 2],
    [ids.trace, ids.server, 'POST /pay', 2],
  ].sort());
  assert.deepEqual(
    body.result.resourceSpans.map((rs: any) => rs.resource.attributes.find((a: any) => a.key === 'service.name').value.stringValue),
    ['v3-frontend', 'v3-backend'],
  );

  // an upper-case id, and the optional time window and rawTraces in both spellings
  assert.deepEqual(await getJson(`/api/v3/traces/${ids.trace.toUpperCase()}`), body);
  const start = rfc3339(BASE_NS - 1_000_000_000n);
  const end = rfc3339(BASE_NS + 1_000_000_000n);
  assert.deepEqual(await getJson(`/api/v3/traces/${ids.trace}?start_time=${start}&end_time=${end}&raw_traces=true`), body);
  assert.deepEqual(await getJson(`/api/v3/traces/${ids.trace}?startTime=${start}&endTime=${end}&rawTraces=false`), body);
});

test('GET /api/v3/traces/{trace_id}: a 16-digit id is the zero-padded 128-bit id', async () => {
  const body = await getJson(`/api/v3/traces/${ids.short}`);
  assert.deepEqual(resourceTraceIds(body), [`0000000000000000${ids.short}`]);
});

test('GET /api/v3/traces/{trace_id}: unknown trace 404, malformed parameters 400, in GRPCGatewayError', async () => {
  assert.deepEqual(await getJson('/api/v3/traces/0123456789abcdef0123456789abcdef', 404), {
    error: { httpCode: 404, message: 'No traces found' },
  });
  for (const [query, param] of [
    ['/api/v3/traces/xyz', 'trace_id'],
    [`/api/v3/traces/${'a'.repeat(33)}`, 'trace_id'],
    [`/api/v3/traces/${ids.trace}?start_time=abc`, 'start_time'],
    [`/api/v3/traces/${ids.trace}?endTime=xyz`, 'endTime'],
    [`/api/v3/traces/${ids.trace}?raw_traces=foobar`, 'raw_traces'],
  ]) {
    const body = await getJson(query, 400);
    assert.deepEqual(Object.keys(body.error), ['httpCode', 'message'], query);
    assert.equal(body.error.httpCode, 400, query);
    assert.ok(body.error.message.includes(`'${param}'`), `${query}: ${body.error.message}`);
  }
});

test('GET /api/v3/traces: whole traces, newest first, resourceSpans merged in search order', async () => {
  const [s0, s1, s2, s3] = ids.search;
  const body = await getJson(searchPath('traces', 'query.service_name=v3-search'));
  // each search trace has one resource, so one resourceSpans entry per trace
  assert.deepEqual(resourceTraceIds(body), [s3, s2, s1, s0]);
  for (const rs of body.result.resourceSpans) assert.equal(rs.scopeSpans[0].spans.length, 3);
  // the same search again gives the same answer
  assert.deepEqual(await getJson(searchPath('traces', 'query.service_name=v3-search')), body);
  // camelCase names, as upstream now spells them, search the same
  assert.deepEqual(await getJson(searchPath('traces', 'query.serviceName=v3-search')), body);

  // no service: every service's traces, still newest first
  const all = await found('');
  assert.deepEqual(all.slice(0, 4), [s3, s2, s1, s0]);
  assert.deepEqual(all.slice(4), [ids.trace, `0000000000000000${ids.short}`]);
});

test('GET /api/v3/traces: search by operation, attributes, duration, time and depth', async () => {
  const [s0, s1, s2, s3] = ids.search;
  const inSearch = (extra: string, timeWindow?: string) => found(`query.service_name=v3-search&${extra}`, timeWindow);

  assert.deepEqual(await inSearch('query.operation_name=step-1'), [s3, s2, s1, s0]);
  assert.deepEqual(await inSearch('query.operationName=nothing'), []);
  // '500' matches the int attribute 500 and the string attribute '500'
  assert.deepEqual(await inSearch(attributes({ 'http.status_code': '500' })), [s1, s0]);
  assert.deepEqual(await inSearch(attributes({ 'http.status_code': '200', retry: 'true' })), [s2]);
  assert.deepEqual(await inSearch(attributes({ 'http.status_code': '500', retry: 'true' })), [], 'all attributes on one span');
  assert.deepEqual(await inSearch(attributes({ ratio: '0.5' })), [s3]);
  assert.deepEqual(await inSearch(attributes({ 'no.such.key': '1' })), []);

  assert.deepEqual(await inSearch('query.duration_min=500ms'), [s3]);
  assert.deepEqual(await inSearch('query.durationMin=0.5s&query.durationMax=1s'), [s3]);
  // durations hold on one span: every trace has 1 ms spans
  assert.deepEqual(await inSearch('query.duration_max=500ms'), [s3, s2, s1, s0]);
  assert.deepEqual(await inSearch('query.duration_max=999us'), []);
  assert.deepEqual(await inSearch('query.duration_min=1ms&query.duration_max=1.5ms'), [s3, s2, s1, s0]);

  // the time window bounds span start times to the nanosecond, the minimum inclusive and
  // the maximum exclusive, as the proto says; s2's spans start at NOW - 2 s, then 1000 ns
  // and 2000 ns later
  const s2Ns = NOW_NS - 2_000_000_000n;
  assert.deepEqual(await inSearch('', window(NOW_NS - 3_500_000_000n, NOW_NS - 1_500_000_000n)), [s2, s1]);
  assert.deepEqual(await inSearch('', window(s2Ns, s2Ns + 1n)), [s2]);
  assert.deepEqual(await inSearch('', window(s2Ns - 1n, s2Ns)), []);
  assert.deepEqual(await inSearch('', window(s2Ns + 1_000n, s2Ns + 1_001n)), [s2]);
  assert.deepEqual(await inSearch('', window(s2Ns + 1n, s2Ns + 1_000n)), []);
  const camelWindow = `query.startTimeMin=${rfc3339(NOW_NS - 1_500_000_000n)}&query.startTimeMax=${rfc3339(NOW_NS)}`;
  assert.deepEqual(await inSearch('', camelWindow), [s3]);

  assert.deepEqual(await inSearch('query.search_depth=2'), [s3, s2]);
  assert.deepEqual(await inSearch('query.searchDepth=1'), [s3]);
  assert.deepEqual(await inSearch('query.num_traces=3'), [s3, s2, s1], 'the oldest alias');
  assert.deepEqual(await inSearch(`query.search_depth=1&${attributes({ 'http.status_code': '500' })}`), [s1]);
  assert.deepEqual(await inSearch('query.raw_traces=true'), [s3, s2, s1, s0]);
});

test('GET /api/v3/traces: attributes match resource, event and span fields (error, span.kind)', async () => {
  const backend = (object: Record<string, unknown>) => found(`query.service_name=v3-backend&${attributes(object)}`);
  assert.deepEqual(await backend({ 'deployment.environment': 'prod' }), [ids.trace]);
  assert.deepEqual(await backend({ attempt: '2' }), [ids.trace]);
  assert.deepEqual(await backend({ 'http.response.status_code': '503', user: 'ann' }), [ids.trace]);
  assert.deepEqual(await backend({ error: 'true' }), [ids.trace]);
  assert.deepEqual(await backend({ error: 'true', user: 'bob' }), []);
  assert.deepEqual(await found(`query.service_name=v3-frontend&${attributes({ 'span.kind': 'client' })}`), [ids.trace]);
  assert.deepEqual(await found(`query.service_name=v3-frontend&${attributes({ error: 'true' })}`), []);
});

test('GET /api/v3/traces: no match is upstream\'s 404', async () => {
  assert.deepEqual(await getJson(searchPath('traces', 'query.service_name=no-such-service'), 404), {
    error: { httpCode: 404, message: 'No traces found' },
  });
});

test('GET /api/v3/traces and /trace-summaries: malformed parameters are 400 naming the parameter', async () => {
  const min = rfc3339(NOW_NS - 3_600_000_000_000n);
  const max = rfc3339(NOW_NS);
  const cases: [string, string][] = [
    ['query.service_name=v3-search', 'query.startTimeMin and query.startTimeMax are required'],
    [`query.start_time_min=${min}`, 'query.startTimeMin and query.startTimeMax are required'],
    [`query.start_time_min=yesterday&query.start_time_max=${max}`, "'query.start_time_min'"],
    [`query.startTimeMin=${min}&query.startTimeMax=NaN`, "'query.startTimeMax'"],
    [`query.start_time_min=${max}&query.start_time_max=${min}`, "'query.startTimeMin': must be before query.startTimeMax"],
    [`query.start_time_min=${min}&query.start_time_max=${min}`, "'query.startTimeMin': must be before query.startTimeMax"],
    [`query.start_time_min=${min}&query.start_time_max=${max}&query.duration_min=soon`, "'query.duration_min'"],
    [`query.start_time_min=${min}&query.start_time_max=${max}&query.durationMax=NaN`, "'query.durationMax'"],
    [`query.start_time_min=${min}&query.start_time_max=${max}&query.duration_min=10s&query.duration_max=1s`, "'query.durationMax': must be greater than query.durationMin"],
    [`query.start_time_min=${min}&query.start_time_max=${max}&query.search_depth=0`, "'query.search_depth'"],
    [`query.start_time_min=${min}&query.start_time_max=${max}&query.searchDepth=-1`, "'query.searchDepth'"],
    [`query.start_time_min=${min}&query.start_time_max=${max}&query.num_traces=NaN`, "'query.num_traces'"],
    [`query.start_time_min=${min}&query.start_time_max=${max}&query.raw_traces=foobar`, "'query.raw_traces'"],
    [`query.start_time_min=${min}&query.start_time_max=${max}&query.attributes=not-valid-json`, "'query.attributes'"],
    [`query.start_time_min=${min}&query.start_time_max=${max}&${attributes({ 'http.status_code': 500 })}`, "'query.attributes'"],
    [`query.start_time_min=${min}&query.start_time_max=${max}&query.attributes=${encodeURIComponent('["a"]')}`, "'query.attributes'"],
  ];
  for (const route of ['traces', 'trace-summaries']) {
    for (const [query, expected] of cases) {
      const body = await getJson(`/api/v3/${route}?${query}`, 400);
      assert.equal(body.error.httpCode, 400, query);
      assert.ok(body.error.message.includes(expected), `${route}?${query}: ${body.error.message}`);
    }
  }
});

test('GET /api/v3/dependencies: parent, child and callCount (a uint64, so a string)', async () => {
  const start = rfc3339(NOW_NS - 3_600_000_000_000n);
  const end = rfc3339(NOW_NS + 60_000_000_000n);
  const expected = { dependencies: [{ parent: 'v3-frontend', child: 'v3-backend', callCount: '1' }] };
  assert.deepEqual(await getJson(`/api/v3/dependencies?startTime=${start}&endTime=${end}`), expected);
  assert.deepEqual(await getJson(`/api/v3/dependencies?start_time=${start}&end_time=${end}`), expected);
  // a window before the test's spans
  const early = rfc3339(NOW_NS - 7_200_000_000_000n);
  assert.deepEqual(await getJson(`/api/v3/dependencies?startTime=${early}&endTime=${start}`), { dependencies: [] });

  for (const [query, expectedMessage] of [
    [`endTime=${end}`, "'startTime': is required"],
    [`startTime=${start}`, "'endTime': is required"],
    [`startTime=${start}&endTime=soon`, "'endTime'"],
    [`startTime=${end}&endTime=${start}`, "'endTime': must be after startTime"],
  ]) {
    const body = await getJson(`/api/v3/dependencies?${query}`, 400);
    assert.equal(body.error.httpCode, 400, query);
    assert.ok(body.error.message.includes(expectedMessage), `${query}: ${body.error.message}`);
  }
});

test('GET /api/v3/trace-summaries: upstream\'s TraceSummary per trace, newest first', async () => {
  const body = await getJson(searchPath('trace-summaries', 'query.service_name=v3-backend'));
  assert.deepEqual(body, {
    summaries: [
      {
        traceId: ids.trace,
        rootServiceName: 'v3-frontend',
        rootOperationName: 'GET /shop',
        minStartTimeUnixNano: String(BASE_NS),
        maxEndTimeUnixNano: String(BASE_NS + 70_000_000n), // the orphan ends last
        spanCount: 4,
        errorSpanCount: 1,
        orphanSpanCount: 1,
        services: [
          { name: 'v3-backend', spanCount: 2, errorSpanCount: 1 },
          { name: 'v3-frontend', spanCount: 2, errorSpanCount: 0 },
        ],
      },
    ],
  });

  const [s0, s1, s2, s3] = ids.search;
  const search = await getJson(searchPath('trace-summaries', 'query.serviceName=v3-search'));
  assert.deepEqual(search.summaries.map((s: any) => s.traceId), [s3, s2, s1, s0]);
  for (const summary of search.summaries) {
    assert.equal(summary.rootServiceName, 'v3-search');
    assert.equal(summary.rootOperationName, 'GET /checkout');
    assert.equal(summary.spanCount, 3);
    assert.equal(summary.orphanSpanCount, 0);
    assert.deepEqual(summary.services, [{ name: 'v3-search', spanCount: 3, errorSpanCount: 0 }]);
  }
  const depth = await getJson(searchPath('trace-summaries', `query.service_name=v3-search&query.search_depth=1&${attributes({ 'http.status_code': '500' })}`));
  assert.deepEqual(depth.summaries.map((s: any) => s.traceId), [s1]);

  // unlike /api/v3/traces, no match is an empty list, as upstream answers
  assert.deepEqual(await getJson(searchPath('trace-summaries', 'query.service_name=no-such-service')), { summaries: [] });
});
