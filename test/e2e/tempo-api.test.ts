// Grafana Tempo's HTTP query API (as Grafana's Tempo datasource calls it) on the Tempo port
// of a running `skein serve`, over spans sent by OTLP. Expectations follow grafana/tempo's
// API docs and pkg/api (see docs/API.md for where Skein differs on purpose).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import packageJson from '../../package.json' with { type: 'json' };
import type { SpanRow } from '../../src/model/span.ts';
import { decodeOtlpJson } from '../../src/receive/otlp-json.ts';
import { decodeWithProtobufjs } from '../receive/protobufjs-oracle.ts';
import { postOtlpJson, randomHex } from '../support/otlp-payloads.ts';
import { eventually, useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';

let skein: SkeinProcess;
const NOW_NS = BigInt(Date.now()) * 1_000_000n;
const NOW_S = Number(NOW_NS / 1_000_000_000n);
const MS = 1_000_000n;
const DETAILED_NS = NOW_NS - 10_000_000_000n; // the detailed trace, 10 s ago
const OLD_NS = NOW_NS - 2n * 3_600_000_000_000n; // two hours ago: outside the default window of an hour

/**
 * A 128-bit trace id whose first digit is not 0: Tempo's search writes ids without their
 * leading zeros (as Tempo does), and most assertions compare ids as sent.
 */
const traceId128 = () => `${(1 + Math.floor(Math.random() * 15)).toString(16)}${randomHex(16).slice(1)}`;

const ids = {
  trace: traceId128(),
  root: randomHex(8),
  client: randomHex(8),
  server: randomHex(8),
  search: [] as string[], // oldest first
  old: traceId128(),
  // a 64-bit trace id (zero-padded to 128 bits), whose first digit is not 0
  short: `${(0x10 + Math.floor(Math.random() * 0xe0)).toString(16)}${randomHex(7)}`,
  orphan: traceId128(),
};

const str = (stringValue: string) => ({ stringValue });
const int = (n: number) => ({ intValue: String(n) });

function span(traceId: string, spanId: string, parentSpanId: string, name: string, kind: number, startNs: bigint, endNs: bigint, extra: object = {}) {
  return { traceId, spanId, parentSpanId, name, kind, startTimeUnixNano: String(startNs), endTimeUnixNano: String(endNs), attributes: [], status: {}, ...extra };
}

function resourceSpans(service: string, spans: object[], resourceAttributes: object[] = []) {
  return { resource: { attributes: [{ key: 'service.name', value: str(service) }, ...resourceAttributes] }, scopeSpans: [{ scope: { name: 'tempo-test' }, spans }] };
}

/** tp-front (root, server) → tp-front client → tp-back server (error, typed attributes, an event). 50 ms. */
function detailedTrace() {
  const t = DETAILED_NS;
  return {
    resourceSpans: [
      resourceSpans(
        'tp-front',
        [
          span(ids.trace, ids.root, '', 'GET /shop', 2, t, t + 50n * MS, { status: { code: 1 } }),
          span(ids.trace, ids.client, ids.root, 'call backend', 3, t + 1n * MS, t + 40n * MS),
        ],
        [{ key: 'host.name', value: str('web-1') }],
      ),
      resourceSpans('tp-back', [
        span(ids.trace, ids.server, ids.client, 'POST /pay', 2, t + 2n * MS, t + 30n * MS, {
          attributes: [
            { key: 'http.response.status_code', value: int(503) },
            { key: 'user', value: str('ann') },
            { key: 'load', value: { doubleValue: 0.75 } },
            { key: 'cache.hit', value: { boolValue: false } },
            { key: 'tags', value: { arrayValue: { values: [str('a'), int(2)] } } },
          ],
          events: [{ name: 'retry', timeUnixNano: String(t + 5n * MS), attributes: [{ key: 'attempt', value: int(2) }] }],
          status: { code: 2, message: 'card declined' },
        }),
      ]),
    ],
  };
}

/**
 * Four tp-search traces a second apart, oldest first. Each spans 10, 20, 30, 40 ms, though
 * no span lasts more than 1 ms: the last span starts late. One more two hours ago.
 */
function searchTraces() {
  const statusCodes = [int(500), str('500'), int(200), undefined];
  const traces = [];
  for (let i = 0; i < 4; i++) {
    const traceId = traceId128();
    ids.search.push(traceId);
    const t = NOW_NS - BigInt(4 - i) * 1_000_000_000n;
    const rootId = randomHex(8);
    const statusCode = statusCodes[i];
    const attributes: { key: string; value: object }[] = [{ key: 'parity', value: str(i % 2 === 0 ? 'even' : 'odd') }];
    if (statusCode) attributes.push({ key: 'http.status_code', value: statusCode });
    const end = t + BigInt(i + 1) * 10n * MS;
    traces.push(
      span(traceId, rootId, '', 'GET /item', 2, t, t + MS, { attributes }),
      span(traceId, randomHex(8), rootId, 'load item', 1, t + 100_000n, t + 900_000n),
      span(traceId, randomHex(8), rootId, 'late step', 1, end - MS, end),
    );
  }
  traces.push(span(ids.old, randomHex(8), '', 'GET /old', 2, OLD_NS, OLD_NS + 5n * MS));
  return { resourceSpans: [resourceSpans('tp-search', traces)] };
}

/** A trace with a 64-bit id, and one whose root span never arrived. */
function oddTraces() {
  const t = NOW_NS - 20_000_000_000n;
  return {
    resourceSpans: [
      resourceSpans('tp-odd', [
        span(`0000000000000000${ids.short}`, randomHex(8), '', 'short id', 2, t, t + MS),
        span(ids.orphan, randomHex(8), randomHex(8), 'orphan', 1, t, t + 2n * MS),
      ]),
    ],
  };
}

useSkeinProcess(async (started) => {
  skein = started;
  for (const body of [detailedTrace(), searchTraces(), oddTraces()]) {
    assert.equal((await postOtlpJson(skein.otlpHttpUrl, JSON.stringify(body))).status, 200);
  }
  await eventually(async () => {
    const res = await fetch(`${skein.httpUrl}/api/v1/search?attr=resource.service.name%3Dtp-search&lookback=3h&limit=100`);
    const found = res.ok ? (await res.json()).traces.length : 0;
    const detailed = await fetch(`${skein.httpUrl}/api/v1/traces/${ids.trace}`);
    const odd = await fetch(`${skein.httpUrl}/api/v1/search?service=tp-odd&limit=10`);
    return found === 5 && detailed.ok && (await odd.json()).traces.length === 2 ? true : undefined;
  }, 'the test traces');
});

async function get(path: string, status = 200, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(`${skein.tempoUrl}${path}`, { headers });
  assert.equal(res.status, status, `${path}: ${res.status}`);
  return res;
}

async function getJson(path: string) {
  const res = await get(path);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  return res.json();
}

/** A 400 (or other error) answered as plain text, as Tempo's http.Error writes it. */
async function getError(path: string, status = 400): Promise<string> {
  const res = await get(path, status);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
  return res.text();
}

const PROTOBUF = { Accept: 'application/protobuf' };

/** The rows of a trace as OTLP/JSON ResourceSpans, sorted by span id. */
function rowsOf(resourceSpans: unknown): SpanRow[] {
  const batch = decodeOtlpJson(JSON.stringify({ resourceSpans }));
  assert.equal(batch.rejected, 0, batch.rejectReason);
  return sortById(batch.spans);
}

const sortById = (rows: SpanRow[]) => [...rows].sort((a, b) => (a.spanId < b.spanId ? -1 : 1));

/** What was sent for one trace, as rows. */
function sentRows(body: object, traceId: string): SpanRow[] {
  return sortById(decodeOtlpJson(JSON.stringify(body)).spans.filter((s) => s.traceId === traceId));
}

/** Search hits' trace ids. */
async function found(query: string): Promise<string[]> {
  return (await getJson(`/api/search?${query}`)).traces.map((t: { traceID: string }) => t.traceID);
}

test('ready, echo, build info; unknown paths 404 as Tempo answers them', async () => {
  assert.equal(await (await get('/ready')).text(), 'ready');
  assert.equal(await (await get('/api/echo')).text(), 'echo');
  const info = await getJson('/api/status/buildinfo');
  assert.deepEqual(Object.keys(info).sort(), ['branch', 'buildDate', 'buildUser', 'goVersion', 'revision', 'version']);
  assert.equal(info.version, packageJson.version);
  assert.equal(await getError('/api/no-such-thing', 404), '404 page not found');
  assert.equal(await getError('/api/v1/services', 404), '404 page not found', "Skein's own API is not on this port");
});

test('trace by id: {"batches": [...]} in OTLP/JSON, the spans that were sent', async () => {
  const body = await getJson(`/api/traces/${ids.trace}`);
  assert.deepEqual(Object.keys(body), ['batches']);
  assert.equal(body.batches.length, 2);
  assert.deepEqual(rowsOf(body.batches), sentRows(detailedTrace(), ids.trace));
  const server = body.batches[1].scopeSpans[0].spans[0];
  assert.equal(server.traceId, ids.trace, 'ids are hex, as OTLP/JSON specifies');
  assert.equal(server.startTimeUnixNano, String(DETAILED_NS + 2n * MS));
  // any case, and start/end (Unix seconds) are accepted
  assert.deepEqual(await getJson(`/api/traces/${ids.trace.toUpperCase()}?start=${NOW_S - 60}&end=${NOW_S + 60}`), body);
});

test('trace by id in protobuf (what Grafana asks for) decodes with protobufjs to the JSON answer', async () => {
  const json = await getJson(`/api/traces/${ids.trace}`);
  const res = await get(`/api/traces/${ids.trace}`, 200, PROTOBUF);
  assert.equal(res.headers.get('content-type'), 'application/protobuf');
  const rows = decodeWithProtobufjs(new Uint8Array(await res.arrayBuffer()));
  assert.equal(rows.length, 3);
  assert.deepStrictEqual(sortById(rows), rowsOf(json.batches));
});

/** TraceByIDResponse: field 1 (the Trace) first, nothing after it for a complete trace. */
function traceOfResponse(bytes: Uint8Array): Uint8Array {
  assert.equal(bytes[0], 0x0a, 'field 1, length-delimited');
  let length = 0;
  let pos = 1;
  for (let shift = 0; ; shift += 7) {
    const byte = bytes[pos++];
    length += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) break;
  }
  assert.equal(pos + length, bytes.length, 'status COMPLETE is the default, left out');
  return bytes.subarray(pos);
}

test('trace by id v2: TraceByIDResponse in JSON and protobuf; an unknown trace is an empty one', async () => {
  const v1 = await getJson(`/api/traces/${ids.trace}`);
  const v2 = await getJson(`/api/v2/traces/${ids.trace}`);
  assert.deepEqual(v2, { trace: { resourceSpans: v1.batches }, status: 'COMPLETE' });

  const res = await get(`/api/v2/traces/${ids.trace}`, 200, PROTOBUF);
  assert.equal(res.headers.get('content-type'), 'application/protobuf');
  const rows = decodeWithProtobufjs(traceOfResponse(new Uint8Array(await res.arrayBuffer())));
  assert.deepStrictEqual(sortById(rows), rowsOf(v1.batches));

  // TraceQL filters that keep every span are read as Tempo reads them; others are not supported yet.
  assert.deepEqual(await getJson(`/api/v2/traces/${ids.trace}?q=${encodeURIComponent('{ true }')}`), v2);
  assert.match(await getError(`/api/v2/traces/${ids.trace}?q=${encodeURIComponent('{ span.user = "ann" }')}`), /'q'.*TraceQL/);

  const unknown = randomHex(16);
  assert.deepEqual(await getJson(`/api/v2/traces/${unknown}`), { trace: { resourceSpans: [] }, status: 'COMPLETE' });
  const empty = await get(`/api/v2/traces/${unknown}`, 200, PROTOBUF);
  assert.deepEqual([...new Uint8Array(await empty.arrayBuffer())], [0x0a, 0x00]);
});

test('trace by id errors: unknown 404, malformed 400, start not before end 400; a 16-digit id is found', async () => {
  assert.equal(await getError(`/api/traces/${randomHex(16)}`, 404), 'trace not found');
  assert.match(await getError('/api/traces/not-hex'), /traceID/);
  assert.match(await getError(`/api/traces/${randomHex(17)}`), /traceID/);
  assert.match(await getError('/api/v2/traces/xyz'), /traceID/);
  assert.match(await getError(`/api/traces/${ids.trace}?start=${NOW_S}&end=${NOW_S - 1}`), /start/);
  assert.match(await getError(`/api/traces/${ids.trace}?start=yesterday`), /start/);

  const short = await getJson(`/api/traces/${ids.short}`);
  assert.equal(short.batches[0].scopeSpans[0].spans[0].traceId, `0000000000000000${ids.short}`);
  assert.equal(short.batches[0].scopeSpans[0].spans[0].name, 'short id');
});

test('search: TraceSearchMetadata, newest first, metrics', async () => {
  const [s0, s1, s2, s3] = ids.search;
  const body = await getJson('/api/search?tags=service.name%3Dtp-search');
  assert.deepEqual(Object.keys(body).sort(), ['metrics', 'traces']);
  assert.deepEqual(body.metrics, {});
  assert.deepEqual(body.traces.map((t: { traceID: string }) => t.traceID), [s3, s2, s1, s0], 'the default window (an hour) leaves the old trace out');
  assert.deepEqual(body.traces[3], {
    traceID: s0,
    rootServiceName: 'tp-search',
    rootTraceName: 'GET /item',
    startTimeUnixNano: String(NOW_NS - 4_000_000_000n),
    durationMs: 10,
  });

  const detailed = (await getJson('/api/search?tags=name%3D%22POST%20%2Fpay%22')).traces;
  assert.deepEqual(detailed, [
    { traceID: ids.trace, rootServiceName: 'tp-front', rootTraceName: 'GET /shop', startTimeUnixNano: String(DETAILED_NS), durationMs: 50 },
  ]);
  // Tempo's conventions: no leading zeros in trace ids, a placeholder for a missing root.
  const odd = (await getJson('/api/search?tags=service.name%3Dtp-odd')).traces;
  assert.deepEqual(odd.map((t: { traceID: string }) => t.traceID).sort(), [ids.orphan.replace(/^0+/, ''), ids.short].sort());
  const orphan = odd.find((t: { traceID: string }) => t.traceID !== ids.short);
  assert.equal(orphan.rootServiceName, '<root span not yet received>');
  assert.equal('rootTraceName' in orphan, false);

  assert.deepEqual(await found('tags=service.name%3Dtp-search&limit=2'), [s3, s2]);
  assert.equal((await found('limit=100000')).length > 0, true, 'a limit past the maximum is cut, not refused');
});

test('search by tags (logfmt): attributes untyped, span name, status, root span; all on one span', async () => {
  const [s0, s1, s2, s3] = ids.search;
  const tags = async (logfmt: string) => found(`tags=${encodeURIComponent(logfmt)}`);
  assert.deepEqual(await tags('parity=even'), [s2, s0]);
  // '500' matches the int attribute 500 and the string '500'
  assert.deepEqual(await tags('http.status_code=500'), [s1, s0]);
  assert.deepEqual(await tags('http.status_code=500 parity=odd'), [s1]);
  assert.deepEqual(await tags('service.name=tp-search name="late step"'), [s3, s2, s1, s0]);
  assert.deepEqual(await tags('name="GET /item" http.status_code=200'), [s2]);
  assert.deepEqual(await tags('host.name=web-1'), [ids.trace], 'a resource attribute');
  assert.deepEqual(await tags('attempt=2'), [ids.trace], 'an event attribute');
  assert.deepEqual(await tags('load=0.75 cache.hit=false user=ann'), [ids.trace]);
  assert.deepEqual(await tags('status.code=error'), [ids.trace]);
  assert.deepEqual(await tags('error=true service.name=tp-front'), []);
  assert.deepEqual(await tags('root.service.name=TP-FR'), [ids.trace], 'root tags: case-insensitive substrings');
  assert.deepEqual(await tags('root.name=/shop user=ann'), [ids.trace]);
  assert.deepEqual(await tags('root.name=/item service.name=tp-search'), [s3, s2, s1, s0]);
  assert.deepEqual(await tags('service.name=tp-front user=ann'), [], 'every tag on one span');
  assert.deepEqual(await tags('no.such.key=1'), []);
});

test('search by trace duration (whole milliseconds) and time window (Unix seconds)', async () => {
  const [s0, s1, s2, s3] = ids.search;
  const q = 'tags=service.name%3Dtp-search';
  // the traces last 10..40 ms though no span lasts more than 1 ms: durations are the trace's
  assert.deepEqual(await found(`${q}&minDuration=25ms`), [s3, s2]);
  assert.deepEqual(await found(`${q}&maxDuration=15ms`), [s0]);
  assert.deepEqual(await found(`${q}&minDuration=15ms&maxDuration=35ms`), [s2, s1]);
  assert.deepEqual(await found(`${q}&minDuration=25ms&limit=1`), [s3]);
  // the newest trace fails the condition, so the store is asked for more
  assert.deepEqual(await found(`${q}&maxDuration=15ms&limit=1`), [s0]);
  assert.deepEqual(await found(`${q}&minDuration=1h`), []);

  const oldS = Number(OLD_NS / 1_000_000_000n);
  assert.deepEqual(await found(`${q}&start=${oldS - 60}&end=${oldS + 60}`), [ids.old]);
  assert.deepEqual(await found(`${q}&start=${oldS - 60}&end=${NOW_S + 1}`), [s3, s2, s1, s0, ids.old]);
  assert.deepEqual(await found(`${q}&start=${NOW_S - 60}&end=${NOW_S - 2}`), [s2, s1, s0], 'end includes its whole second');
  // Without tags, q, start or end, other parameters are tags, as Tempo reads Grafana's first requests.
  assert.deepEqual(await found('service.name=tp-search&parity=odd'), [s3, s1]);
});

test('search errors: 400 naming the parameter; TraceQL not yet', async () => {
  const q = await getError('/api/search?q=%7B%20span.http.status_code%20%3D%20500%20%7D');
  assert.match(q, /'q'/);
  assert.match(q, /TraceQL/);
  assert.match(await getError('/api/search?tags=a%3D%22open'), /'tags'.*unterminated/);
  assert.match(await getError('/api/search?tags=a%3D1%20a%3D2'), /'tags'.*set twice/);
  assert.match(await getError('/api/search?tags=%3Dx'), /'tags'/);
  assert.match(await getError('/api/search?tags=status.code%3Dok'), /'tags'.*status.code/);
  assert.match(await getError('/api/search?minDuration=soon'), /'minDuration'/);
  assert.match(await getError('/api/search?minDuration=2s&maxDuration=1s'), /'maxDuration'/);
  assert.match(await getError('/api/search?limit=0'), /'limit'/);
  assert.match(await getError('/api/search?limit=ten'), /'limit'/);
  assert.match(await getError('/api/search?spss=0'), /'spss'/);
  assert.match(await getError('/api/search?start=yesterday'), /'start'/);
  assert.match(await getError(`/api/search?start=${NOW_S}`), /'start'.*before end/, 'start without end, as Tempo checks it');
  assert.match(await getError(`/api/search?start=${NOW_S}&end=${NOW_S - 10}`), /'start'/);
});

test('tag names: v1 tagNames by scope, v2 scopes with intrinsics', async () => {
  const all: string[] = (await getJson('/api/search/tags')).tagNames;
  for (const key of ['service.name', 'host.name', 'parity', 'user', 'http.status_code']) assert.ok(all.includes(key), key);
  assert.ok(!all.includes('attempt'), 'event attributes only with scope=event');
  assert.deepEqual(all, [...new Set(all)].sort());
  const span: string[] = (await getJson('/api/search/tags?scope=span')).tagNames;
  assert.ok(span.includes('parity') && !span.includes('host.name'));
  assert.ok((await getJson('/api/search/tags?scope=event')).tagNames.includes('attempt'));
  assert.ok((await getJson('/api/search/tags?scope=intrinsic')).tagNames.includes('status'));
  assert.deepEqual((await getJson('/api/search/tags?scope=link')).tagNames, []);

  const v2 = await getJson('/api/v2/search/tags');
  assert.deepEqual(v2.scopes.map((s: { name: string }) => s.name), ['resource', 'span', 'event', 'intrinsic']);
  const scope = (name: string): string[] => v2.scopes.find((s: { name: string }) => s.name === name).tags;
  assert.ok(scope('resource').includes('service.name') && !scope('resource').includes('parity'));
  assert.ok(scope('span').includes('parity'));
  assert.ok(scope('event').includes('attempt'));
  for (const intrinsic of ['name', 'status', 'kind', 'duration', 'rootServiceName']) assert.ok(scope('intrinsic').includes(intrinsic), intrinsic);
  assert.deepEqual((await getJson('/api/v2/search/tags?scope=span')).scopes.map((s: { name: string }) => s.name), ['span']);

  const old = Number(OLD_NS / 1_000_000_000n);
  assert.deepEqual((await getJson(`/api/search/tags?start=${old - 7200}&end=${old - 3600}`)).tagNames, [], 'a window with no spans');
  assert.match(await getError('/api/search/tags?scope=everything'), /'scope'/);
  assert.match(await getError('/api/v2/search/tags?end=soon'), /'end'/);
});

test('tag values: v1 as text, v2 typed, for attributes and intrinsics', async () => {
  const v1 = async (tag: string): Promise<string[]> => (await getJson(`/api/search/tag/${encodeURIComponent(tag)}/values`)).tagValues;
  for (const service of ['tp-back', 'tp-front', 'tp-search']) assert.ok((await v1('service.name')).includes(service), service);
  assert.deepEqual(await v1('parity'), ['even', 'odd']);
  assert.deepEqual(await v1('http.status_code'), ['200', '500']);
  assert.ok((await v1('name')).includes('POST /pay'));
  assert.deepEqual(await v1('no.such.key'), []);

  const v2 = async (tag: string): Promise<{ type: string; value: string }[]> =>
    (await getJson(`/api/v2/search/tag/${encodeURIComponent(tag)}/values`)).tagValues;
  assert.ok((await v2('resource.service.name')).some((v) => v.type === 'string' && v.value === 'tp-back'));
  assert.deepEqual(await v2('span.http.response.status_code'), [{ type: 'int', value: '503' }]);
  assert.deepEqual(await v2('.load'), [{ type: 'float', value: '0.75' }]);
  assert.deepEqual(await v2('span.cache.hit'), [{ type: 'bool', value: 'false' }]);
  assert.deepEqual(await v2('span.tags'), [], 'arrays are not TraceQL values');
  assert.deepEqual(await v2('resource.parity'), [], 'parity is a span attribute');
  assert.deepEqual(await v2('event.attempt'), [{ type: 'int', value: '2' }]);
  // int 500 and string '500' are one value as text; it takes the first type its spelling fits
  assert.deepEqual(
    (await v2('span.http.status_code')).sort((a, b) => (a.value < b.value ? -1 : 1)),
    [{ type: 'int', value: '200' }, { type: 'int', value: '500' }],
  );
  assert.ok((await v2('name')).some((v) => v.type === 'string' && v.value === 'late step'));
  const kinds = await v2('kind');
  assert.ok(kinds.some((v) => v.type === 'keyword' && v.value === 'client'));
  assert.deepEqual(await v2('status'), ['error', 'ok', 'unset'].map((value) => ({ type: 'keyword', value })));
  assert.match(await getError('/api/v2/search/tag/nonsense/values'), /'tagName'/);
  assert.match(await getError('/api/v2/search/tag/bogus.x/values'), /'tagName'/);
  assert.match(await getError('/api/search/tag/parity/values?limit=0'), /'limit'/);
});
