// Jaeger's query HTTP API (as Jaeger UI and Grafana call it) over a running `skein serve`.
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
  linkTrace: randomHex(16),
  linkSpan: randomHex(8),
  search: [] as string[], // oldest first
  // A 64-bit trace (as from a Jaeger or Zipkin client): high half zero.
  short: randomHex(8),
  shortRoot: randomHex(8),
  shortChild: randomHex(8),
  otherShort: randomHex(8),
  otherSpan: randomHex(8),
};
const padded = (id64: string) => id64.padStart(32, '0');

const str = (stringValue: string) => ({ stringValue });
const int = (n: number | string) => ({ intValue: String(n) });

/** Two services: frontend root (server) → frontend client → backend server (error, event, link, typed attributes). */
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
        resource: { attributes: [{ key: 'service.name', value: str('jg-frontend') }, { key: 'host.name', value: str('web-1') }] },
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
        resource: { attributes: [{ key: 'service.name', value: str('jg-backend') }, { key: 'deployment.environment', value: str('prod') }] },
        scopeSpans: [
          {
            scope: { name: 'pay-lib' },
            spans: [
              span(ids.server, ids.client, 'POST /pay', 2, BASE_NS + 2_001_234n, BASE_NS + 30_000_999n, {
                traceState: 'vendor=1',
                attributes: [
                  { key: 'http.response.status_code', value: int(503) },
                  { key: 'cache.hit', value: { boolValue: false } },
                  { key: 'load', value: { doubleValue: 0.75 } },
                  { key: 'big', value: int('9007199254740993') },
                  { key: 'user', value: str('ann') },
                ],
                events: [{ name: 'retry', timeUnixNano: String(BASE_NS + 5_000_000n), attributes: [{ key: 'attempt', value: int(2) }] }],
                links: [{ traceId: ids.linkTrace, spanId: ids.linkSpan }],
                status: { code: 2, message: 'card declined' },
              }),
            ],
          },
        ],
      },
    ],
  });
}

/**
 * A 64-bit trace, zero-padded as OTLP carries it: a root and a child with three links, a
 * second parent (`opentracing.ref_type` child_of, as Jaeger's receivers write a CHILD_OF
 * reference to another span), a follows_from one, and one without the attribute.
 */
function shortTraceBody(): string {
  const refType = (value: string) => [{ key: 'opentracing.ref_type', value: str(value) }];
  const span = (spanId: string, parentSpanId: string, name: string, links: object[]) => ({
    traceId: padded(ids.short),
    spanId,
    parentSpanId,
    name,
    // the child 1 ms after the root, so the two read back in that order
    startTimeUnixNano: String(BASE_NS + (parentSpanId ? 1_000_000n : 0n)),
    endTimeUnixNano: String(BASE_NS + 2_000_000n),
    links,
  });
  const resource = { attributes: [{ key: 'service.name', value: str('jg-short') }] };
  return JSON.stringify({
    resourceSpans: [
      {
        resource,
        scopeSpans: [
          {
            spans: [
              span(ids.shortRoot, '', 'root', []),
              span(ids.shortChild, ids.shortRoot, 'child', [
                { traceId: padded(ids.short), spanId: ids.otherSpan, attributes: refType('child_of') },
                { traceId: padded(ids.otherShort), spanId: ids.otherSpan, attributes: refType('follows_from') },
                { traceId: ids.linkTrace, spanId: ids.linkSpan },
              ]),
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
  assert.equal((await postOtlpJson(skein.otlpHttpUrl, shortTraceBody())).status, 200);
  // Four 'jg-search' traces a second apart, oldest first, differing in one attribute each.
  const attributes = [
    [{ key: 'http.status_code', value: int(500) }],
    [{ key: 'http.status_code', value: str('500') }],
    [{ key: 'http.status_code', value: int(200) }, { key: 'retry', value: { boolValue: true } }],
    [{ key: 'ratio', value: { doubleValue: 0.5 } }],
  ];
  for (let i = 0; i < 4; i++) {
    const request = otlpJsonRequest({ service: 'jg-search', startNs: NOW_NS - BigInt(4 - i) * 1_000_000_000n, attributes: attributes[i] });
    let body = request.body;
    if (i === 3) {
      // the newest trace has a slow span
      const parsed = JSON.parse(body);
      const spans = parsed.resourceSpans[0].scopeSpans[0].spans;
      spans[2].endTimeUnixNano = String(BigInt(spans[2].startTimeUnixNano) + 900_000_000n);
      body = JSON.stringify(parsed);
    }
    assert.equal((await postOtlpJson(skein.otlpHttpUrl, body)).status, 200);
    ids.search.push(request.traceIds[0]);
  }
  await eventually(async () => {
    const search = await (await fetch(`${skein.httpUrl}/api/v1/search?service=jg-search&limit=100`)).json();
    const trace = await fetch(`${skein.httpUrl}/api/v1/traces/${ids.trace}`);
    const short = await fetch(`${skein.httpUrl}/api/v1/traces/${ids.short}`);
    return search.traces.length === 4 && trace.ok && short.ok ? true : undefined;
  }, 'the test traces');
});

async function getJson(path: string, status = 200) {
  const res = await fetch(`${skein.httpUrl}${path}`);
  assert.equal(res.status, status, path);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  return res.json();
}

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
const micros = (ns: bigint) => Number(ns / 1000n);

test('services and operations in the structuredResponse envelope', async () => {
  const services = await getJson('/api/services');
  assert.ok(services.data.includes('jg-frontend') && services.data.includes('jg-backend'));
  assert.equal(services.total, services.data.length);
  assert.equal(services.limit, 0);
  assert.equal(services.offset, 0);
  assert.equal(services.errors, null);

  const names = await getJson('/api/services/jg-frontend/operations');
  assert.deepEqual([...names.data].sort(), ['GET /shop', 'call backend']);
  assert.equal(names.total, 2);

  const ops = await getJson('/api/operations?service=jg-frontend');
  assert.deepEqual(
    [...ops.data].sort((a: any, b: any) => (a.name < b.name ? -1 : 1)),
    [
      { name: 'GET /shop', spanKind: 'server' },
      { name: 'call backend', spanKind: 'client' },
    ],
  );
  assert.deepEqual((await getJson('/api/operations?service=jg-frontend&spanKind=client')).data, [{ name: 'call backend', spanKind: 'client' }]);
  assert.deepEqual((await getJson('/api/operations?service=jg-frontend&spanKind=consumer')).data, []);
  assert.deepEqual((await getJson('/api/services/no-such/operations')).data, []);
  const missing = await getJson('/api/operations', 400);
  assert.deepEqual(missing.errors, [{ code: 400, msg: "parameter 'service' is required" }]);
});

test('trace by id in the Jaeger UI model', async () => {
  const body = await getJson(`/api/traces/${ids.trace.toUpperCase()}`);
  assert.equal(body.errors, null);
  assert.equal(body.data.length, 1);
  const trace = body.data[0];
  assert.equal(trace.traceID, ids.trace);
  assert.equal(trace.warnings, null);
  assert.deepEqual(trace.processes, {
    p1: { serviceName: 'jg-frontend', tags: [{ key: 'host.name', type: 'string', value: 'web-1' }] },
    p2: { serviceName: 'jg-backend', tags: [{ key: 'deployment.environment', type: 'string', value: 'prod' }] },
  });
  assert.deepEqual(trace.spans.map((s: any) => [s.operationName, s.processID]), [
    ['GET /shop', 'p1'],
    ['call backend', 'p1'],
    ['POST /pay', 'p2'],
  ]);

  const [root, client, server] = trace.spans;
  assert.deepEqual(root.references, []);
  assert.equal(root.startTime, micros(BASE_NS));
  assert.equal(root.duration, 50_000);
  assert.deepEqual([...root.tags].sort(byKey), [
    { key: 'otel.scope.name', type: 'string', value: 'shop-lib' },
    { key: 'otel.scope.version', type: 'string', value: '1.2.3' },
    { key: 'otel.status_code', type: 'string', value: 'OK' },
    { key: 'span.kind', type: 'string', value: 'server' },
  ]);
  assert.deepEqual(client.references, [{ refType: 'CHILD_OF', traceID: ids.trace, spanID: ids.root }]);

  assert.equal(server.traceID, ids.trace);
  assert.equal(server.spanID, ids.server);
  assert.equal(server.flags, 0);
  assert.equal(server.warnings, null);
  assert.deepEqual(server.references, [
    { refType: 'CHILD_OF', traceID: ids.trace, spanID: ids.client },
    { refType: 'FOLLOWS_FROM', traceID: ids.linkTrace, spanID: ids.linkSpan },
  ]);
  assert.equal(server.startTime, micros(BASE_NS + 2_001_234n));
  assert.equal(server.duration, Number((30_000_999n - 2_001_234n) / 1000n));
  assert.deepEqual([...server.tags].sort(byKey), [
    { key: 'big', type: 'int64', value: '9007199254740993' }, // beyond 2^53: a string
    { key: 'cache.hit', type: 'bool', value: false },
    { key: 'error', type: 'bool', value: true },
    { key: 'http.response.status_code', type: 'int64', value: 503 },
    { key: 'load', type: 'float64', value: 0.75 },
    { key: 'otel.scope.name', type: 'string', value: 'pay-lib' },
    { key: 'otel.status_code', type: 'string', value: 'ERROR' },
    { key: 'otel.status_description', type: 'string', value: 'card declined' },
    { key: 'span.kind', type: 'string', value: 'server' },
    { key: 'user', type: 'string', value: 'ann' },
    { key: 'w3c.tracestate', type: 'string', value: 'vendor=1' },
  ]);
  assert.deepEqual(server.logs, [
    {
      timestamp: micros(BASE_NS + 5_000_000n),
      fields: [
        { key: 'event', type: 'string', value: 'retry' },
        { key: 'attempt', type: 'int64', value: 2 },
      ],
    },
  ]);
});

test('64-bit trace ids are 16 digits, as Jaeger prints them; either length finds the trace', async () => {
  for (const id of [ids.short, padded(ids.short), ids.short.toUpperCase()]) {
    const [trace] = (await getJson(`/api/traces/${id}`)).data;
    assert.equal(trace.traceID, ids.short, id);
    assert.deepEqual(trace.spans.map((span: any) => [span.operationName, span.traceID]), [
      ['root', ids.short],
      ['child', ids.short],
    ]);
    // A link marked child_of is a second parent (CHILD_OF); the rest FOLLOWS_FROM. A
    // 128-bit id keeps its 32 digits.
    assert.deepEqual(trace.spans[1].references, [
      { refType: 'CHILD_OF', traceID: ids.short, spanID: ids.shortRoot },
      { refType: 'CHILD_OF', traceID: ids.short, spanID: ids.otherSpan },
      { refType: 'FOLLOWS_FROM', traceID: ids.otherShort, spanID: ids.otherSpan },
      { refType: 'FOLLOWS_FROM', traceID: ids.linkTrace, spanID: ids.linkSpan },
    ]);
    // References carry no tags, and the ref type is not made a span tag either.
    assert.deepEqual(trace.spans[1].tags, []);
  }
  const many = await getJson(`/api/traces?traceID=${padded(ids.short)}&traceID=${ids.trace}`);
  assert.deepEqual(many.data.map((t: any) => t.traceID), [ids.short, ids.trace]);
  const found = await getJson('/api/traces?service=jg-short');
  assert.deepEqual(found.data.map((t: any) => t.traceID), [ids.short]);
});

test('?prettyPrint indents answers with 4 spaces, as jaeger-query does', async () => {
  const text = async (path: string) => {
    const res = await fetch(`${skein.httpUrl}${path}`);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/, path);
    return res.text();
  };
  const services = await getJson('/api/services');
  assert.equal(await text('/api/services?prettyPrint=true'), JSON.stringify(services, null, 4));
  assert.equal(await text('/api/services?prettyPrint=1'), JSON.stringify(services, null, 4));
  assert.equal(await text('/api/services?prettyPrint=false'), JSON.stringify(services));
  const trace = await getJson(`/api/traces/${ids.short}`);
  const pretty = await text(`/api/traces/${ids.short}?prettyPrint=true`);
  assert.equal(pretty, JSON.stringify(trace, null, 4));
  assert.match(pretty, /^\{\n {4}"data": \[\n {8}\{\n {12}"traceID": "[0-9a-f]{16}"/);
  const search = await text('/api/traces?service=jg-short&prettyPrint=true');
  assert.equal(search, JSON.stringify(await getJson('/api/traces?service=jg-short'), null, 4));
  const dependencies = await text(`/api/dependencies?endTs=${Date.now()}&prettyPrint=true`);
  assert.equal(dependencies, JSON.stringify(await getJson(`/api/dependencies?endTs=${Date.now()}`), null, 4));
  // Errors stay compact, as upstream's handleError writes them.
  assert.equal(await text('/api/traces/not-hex?prettyPrint=true'), JSON.stringify(await getJson('/api/traces/not-hex', 400)));
});

test('unknown trace 404 and bad id 400 in the envelope', async () => {
  assert.deepEqual(await getJson('/api/traces/0123456789abcdef0123456789abcdef', 404), {
    data: null,
    total: 0,
    limit: 0,
    offset: 0,
    errors: [{ code: 404, msg: 'trace not found' }],
  });
  const bad = await getJson('/api/traces/not-hex', 400);
  assert.equal(bad.data, null);
  assert.equal(bad.errors[0].code, 400);
  assert.match(bad.errors[0].msg, /traceID/);
});

test('search returns whole traces, newest first', async () => {
  const body = await getJson('/api/traces?service=jg-search');
  assert.equal(body.errors, null);
  assert.deepEqual(body.data.map((t: any) => t.traceID), [...ids.search].reverse());
  assert.equal(body.total, 4);
  for (const trace of body.data) {
    assert.equal(trace.spans.length, 3);
    assert.deepEqual(trace.processes, { p1: { serviceName: 'jg-search', tags: [] } });
  }
});

test('search by operation, tags, durations, time window and limit', async () => {
  const [s0, s1, s2, s3] = ids.search;
  const found = async (query: string, service = 'jg-search') =>
    (await getJson(`/api/traces?service=${service}&${query}`)).data.map((t: any) => t.traceID);

  assert.deepEqual(await found('operation=step-1'), [s3, s2, s1, s0]);
  assert.deepEqual(await found('operation=nothing'), []);
  // '500' matches the int attribute 500 and the string attribute '500', merged newest first
  assert.deepEqual(await found('tag=http.status_code:500'), [s1, s0]);
  assert.deepEqual(await found(`tags=${encodeURIComponent('{"http.status_code":"500"}')}`), [s1, s0]);
  assert.deepEqual(await found(`tags=${encodeURIComponent('{"http.status_code":"200","retry":"true"}')}`), [s2]);
  assert.deepEqual(await found('tag=http.status_code:500&tag=retry:true'), [], 'all tags on one span');
  assert.deepEqual(await found('tag=ratio:0.5'), [s3]);
  assert.deepEqual(await found('tag=ratio:0.6'), []);
  assert.deepEqual(await found('tag=no.such.key:1'), []);
  assert.deepEqual(await found('minDuration=500ms'), [s3]);
  // durations hold on one span: every trace has 1 ms spans
  assert.deepEqual(await found('maxDuration=500ms'), [s3, s2, s1, s0]);
  assert.deepEqual(await found('maxDuration=999us'), []);
  assert.deepEqual(await found('minDuration=500ms&maxDuration=1s'), [s3]);
  assert.deepEqual(await found('minDuration=1ms&maxDuration=2ms'), [s3, s2, s1, s0]);
  const start = micros(NOW_NS - 3_500_000_000n);
  const end = micros(NOW_NS - 1_500_000_000n);
  assert.deepEqual(await found(`start=${start}&end=${end}&lookback=1h`), [s2, s1], 'start given: lookback ignored');
  assert.deepEqual(await found(`end=${end}&lookback=3s`), [s2, s1, s0]);
  assert.deepEqual(await found('limit=2'), [s3, s2]);
  assert.deepEqual(await found('limit=1&tag=http.status_code:500'), [s1]);

  // resource, event, and tags derived from status and kind, on the detailed trace
  assert.deepEqual(await found('tag=deployment.environment:prod', 'jg-backend'), [ids.trace]);
  assert.deepEqual(await found('tag=attempt:2', 'jg-backend'), [ids.trace]);
  assert.deepEqual(await found('tag=error:true', 'jg-backend'), [ids.trace]);
  assert.deepEqual(await found('tag=span.kind:client', 'jg-frontend'), [ids.trace]);
  assert.deepEqual(await found('tag=error:true', 'jg-frontend'), []);
});

test('dependencies: calls between services in the window, in the envelope', async () => {
  const now = Date.now();
  const links = (await getJson(`/api/dependencies?endTs=${now}&lookback=3600000`)).data;
  assert.deepEqual(
    links.filter((link: { parent: string }) => link.parent.startsWith('jg-')),
    [{ parent: 'jg-frontend', child: 'jg-backend', callCount: 1 }],
  );
  assert.deepEqual((await getJson(`/api/dependencies?endTs=${now - 3_600_000}&lookback=60000`)).data, []);
});

test('search errors in the envelope', async () => {
  assert.deepEqual(await getJson('/api/traces?operation=x', 400), {
    data: null,
    total: 0,
    limit: 0,
    offset: 0,
    errors: [{ code: 400, msg: "parameter 'service' is required" }],
  });
  assert.match((await getJson('/api/traces?service=jg-search&minDuration=soon', 400)).errors[0].msg, /'minDuration'/);
  assert.match((await getJson('/api/traces?service=jg-search&start=yesterday', 400)).errors[0].msg, /'start'/);
  assert.match((await getJson('/api/traces?service=jg-search&tags=[1]', 400)).errors[0].msg, /'tags'/);
  assert.match((await getJson('/api/traces?service=jg-search&tag=novalue', 400)).errors[0].msg, /'tag'/);
  assert.match((await getJson('/api/traces?service=jg-search&limit=-1', 400)).errors[0].msg, /'limit'/);
  assert.match((await getJson('/api/dependencies?endTs=tomorrow', 400)).errors[0].msg, /'endTs'/);
});
