// The Zipkin v2 JSON decoder: the Zipkin project's UI test traces and payloads captured from
// zipkin-go and aiozipkin, one hand-written span checked field by field, the mapping rules
// (endpoints, status tags, ids, times) and hostile input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpanKind, StatusCode, type Attributes, type SpanRow } from '../../src/model/span.ts';
import { DecodeError } from '../../src/receive/decode-error.ts';
import { decodeZipkinJson, mergeTimeless, parseZipkinJson, ZipkinDecodeError } from '../../src/receive/zipkin-json.ts';
import { testdataFile, testdataFiles } from '../support/testdata.ts';
import { fuzzText, seededRandom } from './fixtures.ts';

interface RawSpan {
  traceId: string;
  id: string;
  parentId?: string | null;
  kind?: string | null;
  name?: string;
  timestamp?: number | null;
  duration?: number | null;
  localEndpoint?: { serviceName?: string } | null;
  annotations?: { timestamp: number; value: string }[] | null;
  shared?: boolean | null;
}

interface Payload {
  name: string;
  text: string;
  raw: RawSpan[];
}

function payloads(): Payload[] {
  const files = [
    ...testdataFiles('zipkin', /\.json$/).map((f) => ['zipkin', f]),
    ...testdataFiles('captured', /^nonjs-zipkin-.*\.json$/).map((f) => ['captured', f]),
  ];
  return files.map(([folder, file]) => {
    const text = testdataFile(folder, file).toString('utf8');
    return { name: `${folder}/${file}`, text, raw: JSON.parse(text) as RawSpan[] };
  });
}

function payload(folder: string, file: string): { text: string; raw: RawSpan[] } {
  const text = testdataFile(folder, file).toString('utf8');
  return { text, raw: JSON.parse(text) as RawSpan[] };
}

/** An attribute's value, whichever column holds it; undefined when absent. */
function attr(attributes: Attributes, key: string): string | bigint | number | boolean | undefined {
  const columns: [string[], unknown[]][] = [
    [attributes.strKeys, attributes.strValues],
    [attributes.intKeys, attributes.intValues],
    [attributes.dblKeys, attributes.dblValues],
    [attributes.boolKeys, attributes.boolValues],
    [attributes.otherKeys, attributes.otherValues],
  ];
  for (const [keys, values] of columns) {
    const index = keys.indexOf(key);
    if (index >= 0) return values[index] as string | bigint | number | boolean;
  }
  return undefined;
}

function attributeCount(attributes: Attributes): number {
  return attributes.strKeys.length + attributes.intKeys.length + attributes.dblKeys.length + attributes.boolKeys.length + attributes.otherKeys.length;
}

function decodeError(text: string): ZipkinDecodeError {
  try {
    decodeZipkinJson(text);
  } catch (error) {
    assert.ok(error instanceof ZipkinDecodeError, `expected ZipkinDecodeError, got ${String(error)}`);
    assert.ok(error instanceof DecodeError, 'receivers answer 400 for any DecodeError');
    assert.equal(error.name, 'ZipkinDecodeError');
    return error;
  }
  assert.fail('decoded without error');
}

const TRACE_ID = '5aab74dbb904746bb33447baae403ed6';
const SPAN_ID = 'e457b5a2e4d86bd1';

/** One span, its fields merged over valid ones, as a request body. */
function oneSpan(fields: Record<string, unknown> = {}): string {
  return JSON.stringify([{ traceId: TRACE_ID, id: SPAN_ID, name: 'op', timestamp: 1521186011929043, duration: 14, ...fields }]);
}

function decodeOne(fields: Record<string, unknown> = {}): SpanRow {
  const batch = decodeZipkinJson(oneSpan(fields));
  assert.equal(batch.rejected, 0, batch.rejectReason);
  assert.equal(batch.spans.length, 1);
  return batch.spans[0];
}

const untimed = (s: RawSpan): boolean => s.timestamp == null || s.timestamp === 0;

test('every Zipkin test trace and captured Zipkin payload decodes completely', () => {
  const all = payloads();
  assert.ok(all.length >= 12, `expected the 10 zipkin/ traces and 2 captured payloads, found ${all.length}`);
  for (const { name, text, raw } of all) {
    const batch = decodeZipkinJson(text);
    // Spans with no timestamp are merged into their timed partner (see the next test).
    const timed = raw.filter((s) => !untimed(s));
    assert.equal(batch.rejected, 0, `${name}: ${batch.rejectReason}`);
    assert.equal(batch.spans.length, timed.length, name);

    const rawIds = new Set(raw.map((s) => s.id));
    const rawOrphans = timed.filter((s) => s.parentId != null && !rawIds.has(s.parentId)).map((s) => s.id);
    const decodedIds = new Set(batch.spans.map((s) => s.spanId));
    const decodedOrphans = batch.spans.filter((s) => s.parentSpanId !== '' && !decodedIds.has(s.parentSpanId)).map((s) => s.spanId);
    assert.deepEqual(decodedOrphans, rawOrphans, `${name}: parents missing from the file`);

    const resources = new Map<string, unknown>();
    batch.spans.forEach((span, i) => {
      const r = timed[i];
      assert.match(span.traceId, /^[0-9a-f]{32}$/, name);
      assert.equal(span.traceId, r.traceId.toLowerCase().padStart(32, '0'), name);
      assert.equal(span.spanId, r.id, name);
      assert.equal(span.parentSpanId, r.parentId ?? '', name);
      assert.equal(span.name, r.name ?? '', name);
      assert.equal(span.startNs, BigInt(r.timestamp!) * 1000n, name);
      assert.equal(span.endNs, span.startNs + BigInt(r.duration ?? 0) * 1000n, name);
      assert.equal(span.serviceName, r.localEndpoint?.serviceName || 'unknown_service', name);
      assert.equal(span.events.length, r.annotations?.length ?? 0, name);
      assert.equal(attr(span.attributes, 'zipkin.shared'), r.shared === true ? true : undefined, name);
      assert.equal(span.scope.name, 'zipkin');
      // One Resource (and Scope) object per local service.
      const seen = resources.get(span.serviceName);
      if (seen === undefined) resources.set(span.serviceName, span.resource);
      else assert.equal(span.resource, seen, `${name}: spans of ${span.serviceName} share a resource`);
    });
    assert.equal(new Set(batch.spans.map((s) => s.scope)).size, resources.size, name);
  }
});

test('spans without a timestamp merge into the timed span of their ids and service (smartthings)', () => {
  const { text, raw } = payload('zipkin', 'smartthings-mobile-web-install.json');
  const missing = raw.filter(untimed);
  assert.equal(missing.length, 84, 'the file has 84 spans with no timestamp and no duration');
  const pieces = parseZipkinJson(text).filter((s) => s.timestamp === 0n);
  const { timed, unmerged } = mergeTimeless(parseZipkinJson(text));
  assert.equal(unmerged.length, 0);
  assert.equal(timed.length, raw.length - 84);
  // Each piece (no kind, not shared) joins the shared server half of its own service, not
  // the client half of the same id, which another service logged.
  for (const piece of pieces) {
    const halves = timed.filter((s) => s.traceId === piece.traceId && s.id === piece.id);
    assert.deepEqual(halves.map((s) => s.kind).sort(), ['CLIENT', 'SERVER'], piece.id);
    const server = halves.find((s) => s.kind === 'SERVER')!;
    assert.equal(server.shared, true);
    assert.equal(server.localEndpoint.serviceName, piece.localEndpoint.serviceName);
    assert.notEqual(halves.find((s) => s.kind === 'CLIENT')!.localEndpoint.serviceName, piece.localEndpoint.serviceName);
  }
  const batch = decodeZipkinJson(text);
  assert.equal(batch.rejected, 0, batch.rejectReason);
  assert.equal(batch.spans.length, raw.length - 84);
});

test('a timeless span adds what its timed span lacks; the timed span keeps its own', () => {
  const timedSpan = { traceId: TRACE_ID.slice(16), id: SPAN_ID, kind: 'SERVER', name: 'get /x', timestamp: 1521186011929043, localEndpoint: { serviceName: 'svc', ipv4: '10.0.0.1' }, tags: { a: 'timed' }, annotations: [{ timestamp: 1521186011929050, value: 'x' }] };
  const piece = {
    traceId: TRACE_ID.slice(16).padStart(32, '0'), // the same 64-bit trace id, zero-padded
    id: SPAN_ID.toUpperCase(),
    parentId: '00000000000000aa',
    name: 'ignored',
    duration: 40,
    localEndpoint: { serviceName: 'svc', port: 8080 },
    remoteEndpoint: { serviceName: 'db' },
    tags: { a: 'piece', b: 'late' },
    annotations: [{ timestamp: 1521186011929050, value: 'x' }, { timestamp: 1521186011929060, value: 'y' }],
    debug: true,
  };
  const batch = decodeZipkinJson(JSON.stringify([piece, timedSpan]));
  assert.equal(batch.rejected, 0, batch.rejectReason);
  assert.equal(batch.spans.length, 1);
  const [span] = batch.spans;
  assert.equal(span.name, 'get /x');
  assert.equal(span.kind, SpanKind.SERVER);
  assert.equal(span.parentSpanId, '00000000000000aa');
  assert.equal(span.endNs - span.startNs, 40_000n);
  assert.equal(attr(span.attributes, 'a'), 'timed');
  assert.equal(attr(span.attributes, 'b'), 'late');
  assert.equal(attr(span.attributes, 'network.local.address'), '10.0.0.1');
  assert.equal(attr(span.attributes, 'network.local.port'), 8080n);
  assert.equal(attr(span.attributes, 'peer.service'), 'db');
  assert.equal(attr(span.attributes, 'zipkin.debug'), true);
  assert.deepEqual(span.events.map((e) => [e.timeNs, e.name]), [[1521186011929050000n, 'x'], [1521186011929060000n, 'y']]);
});

test('a timeless span with no timed span of its ids, kind, service and sharing is refused, naming its ids', () => {
  const timedSpan = { traceId: TRACE_ID, id: SPAN_ID, kind: 'CLIENT', name: 'op', timestamp: 1521186011929043, localEndpoint: { serviceName: 'front' } };
  const cases: [string, Record<string, unknown>][] = [
    ['another span id', { id: 'e457b5a2e4d86bd2' }],
    ['another trace id', { traceId: TRACE_ID.replace('5', '6') }],
    ['another kind', { kind: 'SERVER' }],
    ['another service', { localEndpoint: { serviceName: 'back' } }],
    ['shared, the timed span not', { shared: true }],
  ];
  for (const [what, fields] of cases) {
    const piece = { traceId: TRACE_ID, id: SPAN_ID, name: 'late', tags: { k: 'v' }, ...fields };
    const batch = decodeZipkinJson(JSON.stringify([timedSpan, piece]));
    assert.equal(batch.spans.length, 1, what);
    assert.equal(batch.spans[0].attributes.strKeys.length, 0, `${what}: nothing merged`);
    assert.equal(batch.rejected, 1, what);
    assert.equal(
      batch.rejectReason,
      `span "late" ([1], trace id "${piece.traceId}", span id "${piece.id}"): no timestamp, and no span of the request with these ids has one to merge it into`,
      what,
    );
  }
});

test('messaging2.json really has spans whose parent is not in the file', () => {
  const batch = decodeZipkinJson(payload('zipkin', 'messaging2.json').text);
  const ids = new Set(batch.spans.map((s) => s.spanId));
  const orphans = batch.spans.filter((s) => s.parentSpanId !== '' && !ids.has(s.parentSpanId));
  assert.equal(orphans.length, 6);
  assert.deepEqual(new Set(orphans.map((s) => s.parentSpanId)), new Set(['0153a596db406c83', '0153a596db406111']));
});

test('shared spans: both halves stay rows with one span id and different kinds', () => {
  // envoy.json holds only the server half (shared: true, no service name).
  const envoy = decodeZipkinJson(payload('zipkin', 'envoy.json').text);
  assert.equal(envoy.spans.length, 1);
  const [proxy] = envoy.spans;
  assert.equal(proxy.kind, SpanKind.SERVER);
  assert.equal(attr(proxy.attributes, 'zipkin.shared'), true);
  assert.equal(proxy.traceId, '0000000000000000978883983d506fa5');
  assert.equal(proxy.spanId, '978883983d506fa5');
  assert.equal(proxy.serviceName, 'unknown_service');
  assert.equal(proxy.resource.attributes.strKeys.length, 0, 'no service.name without a service name');
  assert.equal(attr(proxy.attributes, 'network.local.address'), '169.254.65.45');
  assert.equal(attr(proxy.attributes, 'http.status_code'), '200');

  // skew.json, ascend.json, yelp.json hold both halves.
  for (const file of ['skew.json', 'ascend.json', 'yelp.json']) {
    const { text, raw } = payload('zipkin', file);
    const batch = decodeZipkinJson(text);
    const byId = new Map<string, SpanRow[]>();
    for (const span of batch.spans) byId.set(span.spanId, [...(byId.get(span.spanId) ?? []), span]);
    const pairs = [...byId.values()].filter((rows) => rows.length > 1);
    assert.equal(pairs.length, new Set(raw.filter((s, i) => raw.findIndex((t) => t.id === s.id) !== i).map((s) => s.id)).size, file);
    assert.ok(pairs.length > 0, file);
    for (const rows of pairs) {
      assert.deepEqual(new Set(rows.map((s) => s.kind)), new Set([SpanKind.CLIENT, SpanKind.SERVER]), file);
      const server = rows.find((s) => s.kind === SpanKind.SERVER)!;
      const client = rows.find((s) => s.kind === SpanKind.CLIENT)!;
      assert.equal(attr(server.attributes, 'zipkin.shared'), true, file);
      assert.equal(attr(client.attributes, 'zipkin.shared'), undefined, file);
      assert.equal(server.parentSpanId, client.parentSpanId, file);
    }
  }
});

test('skew.json keeps its clock skew as sent', () => {
  const batch = decodeZipkinJson(payload('zipkin', 'skew.json').text);
  const get = batch.spans.find((s) => s.spanId === 'bf396325699c84bf')!;
  const postServer = batch.spans.find((s) => s.spanId === '74280ae0c10d8062' && s.kind === SpanKind.SERVER)!;
  const postClient = batch.spans.find((s) => s.spanId === '74280ae0c10d8062' && s.kind === SpanKind.CLIENT)!;
  assert.equal(postServer.parentSpanId, get.spanId);
  assert.equal(postServer.startNs, 1470150004008761000n);
  assert.equal(get.startNs, 1470150004071068000n);
  assert.ok(postServer.startNs < get.startNs, 'the child starts before its parent, as sent');
  assert.ok(postServer.startNs < postClient.startNs, 'the server half starts before its client half, as sent');
  assert.equal(postServer.serviceName, 'serviceb');
  assert.equal(postClient.serviceName, 'servicea');
  const async = batch.spans.find((s) => s.name === 'async')!;
  assert.equal(async.kind, SpanKind.UNSPECIFIED, 'no kind: UNSPECIFIED, as the OTel Collector maps it');
});

test('zipkin-go: 64-bit trace ids are zero-padded to 128 bits', () => {
  const batch = decodeZipkinJson(payload('captured', 'nonjs-zipkin-1.json').text);
  assert.equal(batch.rejected, 0);
  const [query, root] = batch.spans;
  assert.equal(root.traceId, '00000000000000005fc9a53bb5b1ef26');
  assert.equal(query.traceId, root.traceId);
  assert.equal(root.parentSpanId, '');
  assert.equal(query.parentSpanId, root.spanId);
  assert.equal(root.startNs, 1795640844331506000n);
  assert.equal(root.endNs, 1795640844331506000n + 5273000n);
  assert.equal(root.serviceName, 'go-zipkin-demo');
  assert.equal(root.resource, query.resource);
  assert.deepEqual(root.resource.attributes.strKeys, ['service.name']);
  assert.deepEqual(root.resource.attributes.strValues, ['go-zipkin-demo']);
  assert.equal(attr(query.attributes, 'db.statement'), 'SELECT 1');
  assert.equal(attr(query.attributes, 'network.local.address'), '127.0.0.1');
  assert.equal(attr(query.attributes, 'network.local.port'), 8080n);
});

test("aiozipkin's explicit nulls and falses are fine", () => {
  const batch = decodeZipkinJson(payload('captured', 'nonjs-zipkin-3.json').text);
  assert.equal(batch.rejected, 0);
  const [query, root] = batch.spans;
  assert.equal(root.traceId, '6b074e0c263594a72d57c4574091b3b9');
  assert.equal(root.parentSpanId, '');
  assert.equal(query.parentSpanId, '42bbdc7c952482eb');
  assert.equal(root.kind, SpanKind.SERVER);
  assert.equal(query.kind, SpanKind.CLIENT);
  assert.deepEqual(root.events, []);
  for (const key of ['zipkin.shared', 'zipkin.debug', 'peer.service', 'network.peer.address', 'network.peer.port']) {
    assert.equal(attr(root.attributes, key), undefined, key);
  }
  assert.equal(root.serviceName, 'py-aiozipkin-demo');
});

test('annotations become events (yelp.json)', () => {
  const { text, raw } = payload('zipkin', 'yelp.json');
  const batch = decodeZipkinJson(text);
  const withAnnotations = raw.map((r, i) => [r, batch.spans[i]] as const).filter(([r]) => (r.annotations?.length ?? 0) > 0);
  assert.ok(withAnnotations.length > 0);
  for (const [r, span] of withAnnotations) {
    assert.deepEqual(
      span.events.map((e) => [e.timeNs, e.name]),
      r.annotations!.map((a) => [BigInt(a.timestamp) * 1000n, a.value]),
    );
  }
});

test('one hand-written span, every field', () => {
  const batch = decodeZipkinJson(
    JSON.stringify([
      {
        traceId: 'ABCDEF0123456789ABCDEF0123456789',
        parentId: 'B7AD6B7169203331',
        id: '00F067AA0BA902B7',
        kind: 'CLIENT',
        name: 'get /api',
        timestamp: 1795640844331507,
        duration: 5209,
        debug: true,
        shared: false,
        localEndpoint: { serviceName: 'frontend', ipv4: '10.0.0.1', ipv6: '2001:db8::1', port: 8080 },
        remoteEndpoint: { serviceName: 'backend', ipv6: '2001:db8::2', port: 9000 },
        annotations: [
          { timestamp: 1795640844331600, value: 'ws' },
          { timestamp: 1795640844336000, value: 'wr' },
        ],
        tags: { 'http.method': 'GET', 'http.path': '/api', error: 'connection refused' },
      },
    ]),
  );
  assert.equal(batch.rejected, 0);
  assert.equal(batch.rejectReason, '');
  const [span] = batch.spans;
  const { resource, scope, attributes, events, ...fields } = span;
  assert.deepEqual(fields, {
    traceId: 'abcdef0123456789abcdef0123456789',
    spanId: '00f067aa0ba902b7',
    parentSpanId: 'b7ad6b7169203331',
    traceState: '',
    flags: 0,
    name: 'get /api',
    kind: SpanKind.CLIENT,
    startNs: 1795640844331507000n,
    endNs: 1795640844336716000n,
    statusCode: StatusCode.ERROR,
    statusMessage: 'connection refused',
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    serviceName: 'frontend',
  });
  assert.deepEqual(attributes, {
    strKeys: ['http.method', 'http.path', 'error', 'network.local.address', 'peer.service', 'network.peer.address'],
    strValues: ['GET', '/api', 'connection refused', '10.0.0.1', 'backend', '2001:db8::2'],
    intKeys: ['network.local.port', 'network.peer.port'],
    intValues: [8080n, 9000n],
    dblKeys: [],
    dblValues: [],
    boolKeys: ['zipkin.debug'],
    boolValues: [true],
    otherKeys: [],
    otherValues: [],
  });
  assert.deepEqual(
    events.map((e) => [e.timeNs, e.name, attributeCount(e.attributes), e.droppedAttributesCount]),
    [
      [1795640844331600000n, 'ws', 0, 0],
      [1795640844336000000n, 'wr', 0, 0],
    ],
  );
  assert.deepEqual(resource.attributes.strKeys, ['service.name']);
  assert.deepEqual(resource.attributes.strValues, ['frontend']);
  assert.equal(attributeCount(resource.attributes), 1);
  assert.equal(scope.name, 'zipkin');
});

test('remote endpoint: peer.service, network.peer.address (ipv4 before ipv6), network.peer.port', () => {
  const span = decodeOne({ kind: 'PRODUCER', remoteEndpoint: { serviceName: 'rabbitmq', ipv4: '192.168.0.9', ipv6: '::1', port: 5672 } });
  assert.equal(span.kind, SpanKind.PRODUCER);
  assert.equal(attr(span.attributes, 'peer.service'), 'rabbitmq');
  assert.equal(attr(span.attributes, 'network.peer.address'), '192.168.0.9');
  assert.equal(attr(span.attributes, 'network.peer.port'), 5672n);
  const bare = decodeOne({ kind: 'CONSUMER', remoteEndpoint: { serviceName: 'kafka', port: 0 } });
  assert.equal(bare.kind, SpanKind.CONSUMER);
  assert.equal(attr(bare.attributes, 'peer.service'), 'kafka');
  assert.equal(attr(bare.attributes, 'network.peer.address'), undefined);
  assert.equal(attr(bare.attributes, 'network.peer.port'), undefined, 'port 0 means none');
});

test('status: the error tag, otel.status_code and otel.status_description', () => {
  const error = decodeOne({ tags: { error: 'true' } });
  assert.equal(error.statusCode, StatusCode.ERROR);
  assert.equal(error.statusMessage, 'true');
  assert.equal(attr(error.attributes, 'error'), 'true');

  const emptyError = decodeOne({ tags: { error: '' } });
  assert.equal(emptyError.statusCode, StatusCode.ERROR, 'any error tag marks an error in Zipkin');

  const otel = decodeOne({ tags: { 'otel.status_code': 'ERROR', 'otel.status_description': 'boom', error: 'boom' } });
  assert.equal(otel.statusCode, StatusCode.ERROR);
  assert.equal(otel.statusMessage, 'boom');
  assert.equal(attr(otel.attributes, 'otel.status_code'), undefined);
  assert.equal(attr(otel.attributes, 'otel.status_description'), undefined);

  const ok = decodeOne({ tags: { 'otel.status_code': 'OK' } });
  assert.equal(ok.statusCode, StatusCode.OK);
  assert.equal(ok.statusMessage, '');
  assert.equal(decodeOne({ tags: { 'otel.status_code': 'STATUS_CODE_ERROR' } }).statusCode, StatusCode.ERROR);

  const none = decodeOne({ tags: { 'http.status_code': '200' } });
  assert.equal(none.statusCode, StatusCode.UNSET);
  const unknown = decodeOne({ tags: { 'otel.status_code': 'weird' } });
  assert.equal(unknown.statusCode, StatusCode.UNSET);
  assert.equal(attr(unknown.attributes, 'otel.status_code'), 'weird', 'an unknown code is kept as a tag');
});

test('kind: absent is UNSPECIFIED unless a span.kind tag says otherwise', () => {
  assert.equal(decodeOne().kind, SpanKind.UNSPECIFIED);
  assert.equal(decodeOne({ kind: null }).kind, SpanKind.UNSPECIFIED);
  assert.equal(decodeOne({ tags: { 'span.kind': 'internal' } }).kind, SpanKind.INTERNAL);
  assert.equal(decodeOne({ tags: { 'span.kind': 'server' } }).kind, SpanKind.SERVER);
  assert.equal(decodeOne({ kind: 'CLIENT', tags: { 'span.kind': 'server' } }).kind, SpanKind.CLIENT);
  assert.equal(decodeOne({ kind: 'SERVER' }).kind, SpanKind.SERVER);
  assert.match(decodeError(oneSpan({ kind: 'SIDEWAYS' })).message, /^\[0\]\.kind: expected one of CLIENT, SERVER, PRODUCER, CONSUMER, got "SIDEWAYS"$/);
});

test('ids: padding, case, self-parent, and invalid ids refuse the span', () => {
  const short = decodeOne({ traceId: 'ABC', id: '1', parentId: '2' });
  assert.equal(short.traceId, '00000000000000000000000000000abc');
  assert.equal(short.spanId, '0000000000000001');
  assert.equal(short.parentSpanId, '0000000000000002');
  assert.equal(decodeOne({ parentId: SPAN_ID }).parentSpanId, '', 'a span is not its own parent');
  assert.equal(decodeOne({ parentId: '0000000000000000' }).parentSpanId, '');
  assert.equal(decodeOne({ parentId: '' }).parentSpanId, '');

  for (const [fields, reason] of [
    [{ traceId: 'not-hex-at-all' }, /invalid trace id/],
    [{ traceId: 'a'.repeat(33) }, /invalid trace id/],
    [{ traceId: '0'.repeat(32) }, /invalid trace id/],
    [{ traceId: null }, /invalid trace id/],
    [{ id: 'zzzz' }, /invalid span id/],
    [{ id: '1'.repeat(17) }, /invalid span id/],
    [{ id: undefined }, /invalid span id/],
    [{ parentId: 'xyz' }, /invalid parent span id/],
  ] as const) {
    const batch = decodeZipkinJson(oneSpan(fields));
    assert.equal(batch.spans.length, 0, JSON.stringify(fields));
    assert.equal(batch.rejected, 1);
    assert.match(batch.rejectReason, reason);
  }
});

test('times: exact bigint nanoseconds, no duration, no timestamp, old times', () => {
  const span = decodeOne({ timestamp: 9007199254740991, duration: 1 });
  assert.equal(span.startNs, 9007199254740991000n);
  assert.equal(span.endNs, 9007199254740992000n);
  const instant = decodeOne({ duration: null });
  assert.equal(instant.endNs, instant.startNs);
  assert.equal(decodeOne({ timestamp: '1521186011929043', duration: '14' }).endNs, 1521186011929057000n, 'decimal strings are numbers too');
  assert.equal(decodeOne({ timestamp: 1 }).startNs, 1000n, 'a very old time is kept as sent');

  for (const timestamp of [undefined, null, 0]) {
    const batch = decodeZipkinJson(JSON.stringify([{ traceId: TRACE_ID, id: 'e457b5a2e4d86bd2', name: 'late', timestamp }, JSON.parse(oneSpan())[0]]));
    assert.equal(batch.spans.length, 1);
    assert.equal(batch.rejected, 1);
    assert.match(batch.rejectReason, /^span "late" \(\[0\], trace id "5aab74dbb904746bb33447baae403ed6", span id "e457b5a2e4d86bd2"\): no timestamp/);
  }
  const both = decodeZipkinJson(JSON.stringify([{ traceId: TRACE_ID, id: SPAN_ID }, { traceId: 'x', id: SPAN_ID, timestamp: 1 }]));
  assert.equal(both.rejected, 2);
  assert.match(both.rejectReason, /\(and 1 more refused spans\)$/);
});

test('explicit nulls everywhere mean absent', () => {
  const span = decodeOne({
    parentId: null,
    kind: null,
    name: null,
    duration: null,
    debug: null,
    shared: null,
    localEndpoint: { serviceName: null, ipv4: null, ipv6: null, port: null },
    remoteEndpoint: null,
    annotations: null,
    tags: { a: null, b: 'x' },
  });
  assert.equal(span.name, '');
  assert.equal(span.serviceName, 'unknown_service');
  assert.equal(attributeCount(span.attributes), 1);
  assert.equal(attr(span.attributes, 'b'), 'x');
  assert.equal(decodeZipkinJson('[]').spans.length, 0);
});

test('spans with the same local service share one resource and scope; others do not', () => {
  const span = (id: string, serviceName: string | undefined): Record<string, unknown> => ({
    traceId: TRACE_ID,
    id,
    timestamp: 1,
    localEndpoint: serviceName === undefined ? undefined : { serviceName, ipv4: `10.0.0.${id.length}` },
  });
  const { spans } = decodeZipkinJson(JSON.stringify([span('1', 'a'), span('2', 'b'), span('33', 'a'), span('4', undefined), span('5', '')]));
  assert.equal(spans[0].resource, spans[2].resource);
  assert.equal(spans[0].scope, spans[2].scope);
  assert.notEqual(spans[0].resource, spans[1].resource);
  assert.notEqual(spans[0].scope, spans[1].scope);
  assert.equal(spans[3].resource, spans[4].resource, 'no service name and an empty one are the same: unknown_service');
  assert.equal(spans[3].serviceName, 'unknown_service');
});

test('tag values that are numbers or booleans are kept as their text', () => {
  const span = decodeOne({ tags: { n: 42, b: true, s: 's' } });
  assert.equal(attr(span.attributes, 'n'), '42');
  assert.equal(attr(span.attributes, 'b'), 'true');
  assert.equal(attr(span.attributes, 's'), 's');
});

test('malformed bodies throw ZipkinDecodeError naming the path', () => {
  const cases: [string, RegExp][] = [
    ['', /^invalid JSON/],
    ['[{"traceId":', /^invalid JSON/],
    ['{"spans":[]}', /^body: expected an array of spans, got an object$/],
    ['"spans"', /^body: expected an array of spans/],
    ['null', /^body: expected an array of spans, got null$/],
    ['[null]', /^\[0\]: expected a span object, got null$/],
    ['[[]]', /^\[0\]: expected a span object, got an array$/],
    [oneSpan({ timestamp: 'yesterday' }), /^\[0\]\.timestamp: expected a number of microseconds/],
    [oneSpan({ timestamp: -1 }), /^\[0\]\.timestamp: /],
    [oneSpan({ timestamp: 1e300 }), /^\[0\]\.timestamp: /],
    [oneSpan({ timestamp: '99999999999999999999999' }), /^\[0\]\.timestamp: /],
    [oneSpan({ timestamp: '18446744073709552' }), /^\[0\]\.timestamp: /],
    [oneSpan({ timestamp: '18446744073709551', duration: '18446744073709551' }), /^\[0\]\.duration: /],
    [oneSpan({ duration: 'long' }), /^\[0\]\.duration: /],
    [oneSpan({ duration: true }), /^\[0\]\.duration: /],
    [oneSpan({ traceId: 123 }), /^\[0\]\.traceId: expected a string, got 123$/],
    [oneSpan({ id: {} }), /^\[0\]\.id: expected a string, got an object$/],
    [oneSpan({ parentId: 7 }), /^\[0\]\.parentId: expected a string/],
    [oneSpan({ name: ['x'] }), /^\[0\]\.name: expected a string, got an array$/],
    [oneSpan({ kind: 2 }), /^\[0\]\.kind: expected a string/],
    [oneSpan({ tags: 'a=b' }), /^\[0\]\.tags: expected an object/],
    [oneSpan({ tags: ['a'] }), /^\[0\]\.tags: expected an object/],
    [oneSpan({ tags: { 'http.url': { a: 1 } } }), /^\[0\]\.tags\["http\.url"\]: expected a string, got an object$/],
    [oneSpan({ annotations: {} }), /^\[0\]\.annotations: expected an array/],
    [oneSpan({ annotations: ['ws'] }), /^\[0\]\.annotations\[0\]: expected an annotation object/],
    [oneSpan({ annotations: [{ timestamp: 'x', value: 'ws' }] }), /^\[0\]\.annotations\[0\]\.timestamp: /],
    [oneSpan({ annotations: [{ timestamp: 1, value: 5 }] }), /^\[0\]\.annotations\[0\]\.value: expected a string/],
    [oneSpan({ localEndpoint: 'frontend' }), /^\[0\]\.localEndpoint: expected an endpoint object/],
    [oneSpan({ localEndpoint: { serviceName: 1 } }), /^\[0\]\.localEndpoint\.serviceName: expected a string/],
    [oneSpan({ localEndpoint: { port: 70000 } }), /^\[0\]\.localEndpoint\.port: expected a port number/],
    [oneSpan({ remoteEndpoint: { port: '80' } }), /^\[0\]\.remoteEndpoint\.port: /],
    [oneSpan({ remoteEndpoint: { ipv4: false } }), /^\[0\]\.remoteEndpoint\.ipv4: /],
    [oneSpan({ shared: 'true' }), /^\[0\]\.shared: expected true or false/],
    [oneSpan({ debug: 1 }), /^\[0\]\.debug: expected true or false/],
  ];
  for (const [text, message] of cases) assert.match(decodeError(text).message, message, text);
  // The path names the span's index.
  const three = JSON.parse(oneSpan()) as unknown[];
  const body = [three[0], three[0], three[0], { ...(three[0] as object), timestamp: 'later' }];
  assert.match(decodeError(JSON.stringify(body)).message, /^\[3\]\.timestamp: expected a number/);
});

test('huge and deep input: decodes or throws ZipkinDecodeError, nothing else', () => {
  const big = 'é'.repeat(512 * 1024) + 'end';
  assert.equal(attr(decodeOne({ tags: { big } }).attributes, 'big'), big);
  assert.equal(decodeOne({ name: big }).name, big);
  const many = decodeZipkinJson(JSON.stringify(Array.from({ length: 20_000 }, (_, i) => ({ traceId: TRACE_ID, id: (i + 1).toString(16), timestamp: i + 1 }))));
  assert.equal(many.spans.length, 20_000);
  decodeError(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
  decodeError(oneSpan({ tags: '@' }).replace('"@"', `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`));
});

test('fuzz: mutated JSON decodes or throws ZipkinDecodeError, nothing else', { timeout: 120_000 }, () => {
  const random = seededRandom(4242);
  const seed = JSON.stringify([
    {
      traceId: TRACE_ID,
      parentId: '05e3ac9a4f6e3b90',
      id: SPAN_ID,
      kind: 'CONSUMER',
      name: 'next-message',
      timestamp: 1521186011929043,
      duration: 14,
      localEndpoint: { serviceName: 'backend', ipv4: '192.168.0.10', port: 80 },
      remoteEndpoint: { serviceName: 'rabbitmq' },
      annotations: [{ timestamp: 1521186011929050, value: 'ws' }],
      tags: { 'rabbit.queue': 'backend', error: 'x' },
      shared: true,
    },
  ]);
  const alphabet = '{}[]",:0123456789-.eE truefalsnul\\abcxyzAZ_';
  const decoded = fuzzText(seed, alphabet, random, 3000, decodeZipkinJson, ZipkinDecodeError);
  assert.ok(decoded > 0, 'some mutations still decode');
});
