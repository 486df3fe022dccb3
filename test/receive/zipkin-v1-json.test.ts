// The Zipkin v1 JSON decoder. The conversion cases are upstream's own
// (openzipkin/zipkin zipkin2/v1/SpanConverterTest.java, same names): each v1 span must
// convert to exactly the v2 spans Zipkin's V1SpanConverter makes, written here as v2 JSON and
// read by the v2 JSON parser. Then the rows, what Skein does differently, and hostile input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpanKind } from '../../src/model/span.ts';
import { DecodeError } from '../../src/receive/decode-error.ts';
import { decodePayload, WireFormat, wireFormatName } from '../../src/receive/wire-format.ts';
import { decodeZipkinJson, parseZipkinJson, ZipkinDecodeError, type ZipkinSpan } from '../../src/receive/zipkin-json.ts';
import { decodeZipkinV1Json, parseZipkinV1Json } from '../../src/receive/zipkin-v1-json.ts';
import { fuzzText, seededRandom } from './fixtures.ts';

const FRONTEND = { serviceName: 'frontend', ipv4: '172.17.0.13' };
const BACKEND = { serviceName: 'backend', ipv4: '192.168.99.101', port: 9000 };
const KAFKA = { serviceName: 'kafka' };
const TODAY = 1472470996199000;

type Endpoint = Record<string, unknown> | null;
const annotation = (timestamp: number, value: string, endpoint: Endpoint) => ({ timestamp, value, endpoint });
const tag = (key: string, value: unknown, endpoint: Endpoint) => ({ key, value, endpoint });
const address = (key: 'ca' | 'sa' | 'ma', endpoint: Endpoint) => ({ key, value: true, endpoint });

/** The ids most cases use: trace 1, parent 2, span 3. */
const IDS = { traceId: '1', parentId: '2', id: '3' };

/** Checks that the v1 span converts to exactly these v2 spans, in this order. */
function converts(v1: object, ...v2: object[]): void {
  const atZero = (spans: ZipkinSpan[]) => spans.map((span) => ({ ...span, index: 0 })); // v2 JSON numbers its spans
  assert.deepStrictEqual(atZero(parseZipkinV1Json(JSON.stringify([v1]))), atZero(parseZipkinJson(JSON.stringify(v2))));
}

test('client', () => {
  converts(
    {
      ...IDS,
      name: 'get',
      timestamp: 1472470996199000,
      duration: 207000,
      annotations: [
        annotation(1472470996199000, 'cs', FRONTEND),
        annotation(1472470996238000, 'ws', FRONTEND),
        annotation(1472470996403000, 'wr', FRONTEND),
        annotation(1472470996406000, 'cr', FRONTEND),
      ],
      binaryAnnotations: [tag('http.path', '/api', FRONTEND), tag('clnt/finagle.version', '6.45.0', FRONTEND), address('sa', BACKEND)],
    },
    {
      ...IDS,
      name: 'get',
      kind: 'CLIENT',
      localEndpoint: FRONTEND,
      remoteEndpoint: BACKEND,
      timestamp: 1472470996199000,
      duration: 207000,
      annotations: [
        { timestamp: 1472470996238000, value: 'ws' },
        { timestamp: 1472470996403000, value: 'wr' },
      ],
      tags: { 'clnt/finagle.version': '6.45.0', 'http.path': '/api' },
    },
  );
});

test('client_unfinished', () => {
  converts(
    { ...IDS, name: 'get', timestamp: 1472470996199000, annotations: [annotation(1472470996199000, 'cs', FRONTEND), annotation(1472470996238000, 'ws', FRONTEND)] },
    { ...IDS, name: 'get', kind: 'CLIENT', localEndpoint: FRONTEND, timestamp: 1472470996199000, annotations: [{ timestamp: 1472470996238000, value: 'ws' }] },
  );
});

test('client_kindInferredFromAnnotation', () => {
  converts(
    {
      ...IDS,
      name: 'get',
      timestamp: 1472470996199000,
      duration: 39000,
      annotations: [annotation(1472470996199000, 'cs', FRONTEND), annotation(1472470996238000, 'cr', FRONTEND)],
    },
    { ...IDS, name: 'get', kind: 'CLIENT', localEndpoint: FRONTEND, timestamp: 1472470996199000, duration: 39000 },
  );
});

test('lateRemoteEndpoint_cr', () => {
  converts(
    { ...IDS, name: 'get', annotations: [annotation(1472470996199000, 'cr', FRONTEND)], binaryAnnotations: [address('sa', BACKEND)] },
    { ...IDS, name: 'get', kind: 'CLIENT', localEndpoint: FRONTEND, remoteEndpoint: BACKEND, annotations: [{ timestamp: 1472470996199000, value: 'cr' }] },
  );
});

test('lateRemoteEndpoint_sa', () => {
  converts({ ...IDS, binaryAnnotations: [address('sa', BACKEND)] }, { ...IDS, remoteEndpoint: BACKEND });
});

test('noAnnotationsExceptAddresses', () => {
  converts(
    { ...IDS, name: 'get', timestamp: 1472470996199000, duration: 207000, binaryAnnotations: [tag('lc', '', FRONTEND), address('sa', BACKEND)] },
    { ...IDS, name: 'get', localEndpoint: FRONTEND, remoteEndpoint: BACKEND, timestamp: 1472470996199000, duration: 207000 },
  );
});

test('server', () => {
  converts(
    {
      traceId: '1',
      id: '2',
      name: 'get',
      timestamp: 1472470996199000,
      duration: 207000,
      annotations: [annotation(1472470996199000, 'sr', BACKEND), annotation(1472470996406000, 'ss', BACKEND)],
      binaryAnnotations: [tag('http.path', '/api', BACKEND), tag('finagle.version', '6.45.0', BACKEND), address('ca', FRONTEND)],
    },
    {
      traceId: '1',
      id: '2',
      name: 'get',
      kind: 'SERVER',
      localEndpoint: BACKEND,
      remoteEndpoint: FRONTEND,
      timestamp: 1472470996199000,
      duration: 207000,
      tags: { 'finagle.version': '6.45.0', 'http.path': '/api' },
    },
  );
});

test('server_clientAddress: a historical Finagle span with the client socket', () => {
  const gc = 'Gc(9,0.PSScavenge,2015-09-17 12:37:02 +0000,304.milliseconds+762.microseconds)';
  const clientSocket = { ...FRONTEND, port: 63840 };
  converts(
    {
      traceId: '1',
      id: '2',
      name: 'get',
      annotations: [annotation(TODAY, 'sr', BACKEND), annotation(TODAY + 500, gc, BACKEND), annotation(TODAY + 207000, 'ss', BACKEND)],
      // Finagle sometimes leaves the port off tags but not elsewhere.
      binaryAnnotations: [tag('srv/finagle.version', '6.28.0', { ...BACKEND, port: 0 }), address('sa', BACKEND), address('ca', clientSocket)],
    },
    {
      traceId: '1',
      id: '2',
      name: 'get',
      kind: 'SERVER',
      localEndpoint: BACKEND,
      remoteEndpoint: clientSocket,
      timestamp: TODAY,
      duration: 207000,
      annotations: [{ timestamp: TODAY + 500, value: gc }],
      tags: { 'srv/finagle.version': '6.28.0' },
      shared: true,
    },
  );
});

test('missingEndpoints', () => {
  converts(
    { traceId: '1', parentId: '1', id: '2', name: 'foo', timestamp: 1472470996199000, duration: 207000 },
    { traceId: '1', parentId: '1', id: '2', name: 'foo', timestamp: 1472470996199000, duration: 207000 },
  );
});

test('missingEndpoints_coreAnnotation: no special treatment without an endpoint', () => {
  converts(
    { traceId: '1', parentId: '1', id: '2', name: 'foo', timestamp: 1472470996199000, annotations: [annotation(1472470996199000, 'sr', null)] },
    { traceId: '1', parentId: '1', id: '2', name: 'foo', timestamp: 1472470996199000, annotations: [{ timestamp: 1472470996199000, value: 'sr' }] },
  );
});

test('server_shared_v1_no_timestamp_duration', () => {
  converts(
    { ...IDS, name: 'get', annotations: [annotation(1472470996199000, 'sr', BACKEND), annotation(1472470996406000, 'ss', BACKEND)] },
    { ...IDS, name: 'get', kind: 'SERVER', shared: true, localEndpoint: BACKEND, timestamp: 1472470996199000, duration: 207000 },
  );
});

test('server_incomplete_shared', () => {
  converts(
    { ...IDS, name: 'get', annotations: [annotation(1472470996199000, 'sr', BACKEND)] },
    { ...IDS, name: 'get', kind: 'SERVER', shared: true, localEndpoint: BACKEND, timestamp: 1472470996199000 },
  );
});

test('lateRemoteEndpoint_ss', () => {
  converts(
    { traceId: '1', id: '2', name: 'get', annotations: [annotation(1472470996199000, 'ss', BACKEND)], binaryAnnotations: [address('ca', FRONTEND)] },
    { traceId: '1', id: '2', name: 'get', kind: 'SERVER', localEndpoint: BACKEND, remoteEndpoint: FRONTEND, annotations: [{ timestamp: 1472470996199000, value: 'ss' }] },
  );
});

test('lateRemoteEndpoint_ca', () => {
  converts({ traceId: '1', id: '2', binaryAnnotations: [address('ca', FRONTEND)] }, { traceId: '1', id: '2', kind: 'SERVER', remoteEndpoint: FRONTEND });
});

test('localSpan_emptyComponent', () => {
  converts(
    { traceId: '1', id: '2', name: 'local', timestamp: 1472470996199000, duration: 207000, binaryAnnotations: [tag('lc', '', { serviceName: 'frontend' })] },
    { traceId: '1', id: '2', name: 'local', localEndpoint: { serviceName: 'frontend' }, timestamp: 1472470996199000, duration: 207000 },
  );
});

test('producer_remote', () => {
  converts(
    { ...IDS, name: 'send', timestamp: 1472470996199000, annotations: [annotation(1472470996199000, 'ms', FRONTEND)], binaryAnnotations: [address('ma', KAFKA)] },
    { ...IDS, name: 'send', kind: 'PRODUCER', localEndpoint: FRONTEND, remoteEndpoint: KAFKA, timestamp: 1472470996199000 },
  );
});

test('producer_duration', () => {
  converts(
    {
      ...IDS,
      name: 'send',
      timestamp: 1472470996199000,
      duration: 51000,
      annotations: [annotation(1472470996199000, 'ms', FRONTEND), annotation(1472470996250000, 'ws', FRONTEND)],
    },
    { ...IDS, name: 'send', kind: 'PRODUCER', localEndpoint: FRONTEND, timestamp: 1472470996199000, duration: 51000 },
  );
});

test('consumer', () => {
  converts(
    { ...IDS, name: 'next-message', timestamp: 1472470996199000, annotations: [annotation(1472470996199000, 'mr', BACKEND)] },
    { ...IDS, name: 'next-message', kind: 'CONSUMER', localEndpoint: BACKEND, timestamp: 1472470996199000 },
  );
});

test('consumer_remote', () => {
  converts(
    { ...IDS, name: 'next-message', timestamp: 1472470996199000, annotations: [annotation(1472470996199000, 'mr', BACKEND)], binaryAnnotations: [address('ma', KAFKA)] },
    { ...IDS, name: 'next-message', kind: 'CONSUMER', localEndpoint: BACKEND, remoteEndpoint: KAFKA, timestamp: 1472470996199000 },
  );
});

test('consumer_duration', () => {
  converts(
    {
      ...IDS,
      name: 'next-message',
      timestamp: 1472470996199000,
      duration: 51000,
      annotations: [annotation(1472470996199000, 'wr', BACKEND), annotation(1472470996250000, 'mr', BACKEND)],
    },
    { ...IDS, name: 'next-message', kind: 'CONSUMER', localEndpoint: BACKEND, timestamp: 1472470996199000, duration: 51000 },
  );
});

/** upstream's clientAndServer: one v1 span both sides logged. */
const clientAndServerV1 = {
  ...IDS,
  name: 'get',
  timestamp: 1472470996199000,
  duration: 207000,
  annotations: [
    annotation(1472470996199000, 'cs', FRONTEND),
    annotation(1472470996238000, 'ws', FRONTEND),
    annotation(1472470996250000, 'sr', BACKEND),
    annotation(1472470996350000, 'ss', BACKEND),
    annotation(1472470996403000, 'wr', FRONTEND),
    annotation(1472470996406000, 'cr', FRONTEND),
  ],
  binaryAnnotations: [
    tag('http.path', '/api', FRONTEND),
    tag('http.path', '/BACKEND', BACKEND),
    tag('clnt/finagle.version', '6.45.0', FRONTEND),
    tag('srv/finagle.version', '6.44.0', BACKEND),
    address('ca', FRONTEND),
    address('sa', BACKEND),
  ],
};
const clientAndServerV2 = [
  // The client owns the v1 timestamp and duration.
  {
    ...IDS,
    name: 'get',
    kind: 'CLIENT',
    localEndpoint: FRONTEND,
    remoteEndpoint: BACKEND,
    timestamp: 1472470996199000,
    duration: 207000,
    annotations: [
      { timestamp: 1472470996238000, value: 'ws' },
      { timestamp: 1472470996403000, value: 'wr' },
    ],
    tags: { 'clnt/finagle.version': '6.45.0', 'http.path': '/api' },
  },
  {
    ...IDS,
    name: 'get',
    kind: 'SERVER',
    shared: true,
    localEndpoint: BACKEND,
    remoteEndpoint: FRONTEND,
    timestamp: 1472470996250000,
    duration: 100000,
    tags: { 'http.path': '/BACKEND', 'srv/finagle.version': '6.44.0' },
  },
];

test('clientAndServer: a shared v1 span becomes a client and a shared server span', () => {
  converts(clientAndServerV1, ...clientAndServerV2);
});

test('assumesServerWithoutTimestampIsShared', () => {
  converts(
    { ...IDS, name: 'get', annotations: [annotation(1472470996250000, 'sr', BACKEND), annotation(1472470996350000, 'ss', BACKEND)] },
    { ...IDS, name: 'get', kind: 'SERVER', shared: true, localEndpoint: BACKEND, timestamp: 1472470996250000, duration: 100000 },
  );
});

test('clientAndServer_loopback', () => {
  converts(
    {
      ...IDS,
      name: 'get',
      timestamp: 1472470996199000,
      duration: 207000,
      annotations: [
        annotation(1472470996199000, 'cs', FRONTEND),
        annotation(1472470996250000, 'sr', FRONTEND),
        annotation(1472470996350000, 'ss', FRONTEND),
        annotation(1472470996406000, 'cr', FRONTEND),
      ],
    },
    { ...IDS, name: 'get', kind: 'CLIENT', localEndpoint: FRONTEND, timestamp: 1472470996199000, duration: 207000 },
    { ...IDS, name: 'get', kind: 'SERVER', shared: true, localEndpoint: FRONTEND, timestamp: 1472470996250000, duration: 100000 },
  );
});

test('oneway_loopback', () => {
  converts(
    { ...IDS, name: 'get', annotations: [annotation(1472470996199000, 'cs', FRONTEND), annotation(1472470996250000, 'sr', FRONTEND)] },
    { ...IDS, name: 'get', kind: 'CLIENT', localEndpoint: FRONTEND, timestamp: 1472470996199000 },
    { ...IDS, name: 'get', kind: 'SERVER', shared: true, localEndpoint: FRONTEND, timestamp: 1472470996250000 },
  );
});

test('producer', () => {
  converts(
    { ...IDS, name: 'send', annotations: [annotation(1472470996199000, 'ms', FRONTEND)] },
    { ...IDS, name: 'send', kind: 'PRODUCER', localEndpoint: FRONTEND, timestamp: 1472470996199000 },
  );
});

test('client_missingCs: a bridge sent the span half new style, half old', () => {
  converts(
    { traceId: '1', id: '2', name: 'get', timestamp: 1472470996199000, duration: 207000, annotations: [annotation(1472470996406000, 'cs', FRONTEND)] },
    { traceId: '1', id: '2', name: 'get', kind: 'CLIENT', localEndpoint: FRONTEND, timestamp: 1472470996199000, duration: 207000 },
  );
});

test('server_missingSr', () => {
  converts(
    { traceId: '1', id: '2', name: 'get', timestamp: 1472470996199000, duration: 207000, annotations: [annotation(1472470996406000, 'ss', BACKEND)] },
    { traceId: '1', id: '2', name: 'get', kind: 'SERVER', localEndpoint: BACKEND, timestamp: 1472470996199000, duration: 207000 },
  );
});

test('redundantAddressAnnotations_client', () => {
  converts(
    {
      ...IDS,
      name: 'get',
      timestamp: 1472470996199000,
      duration: 207000,
      annotations: [annotation(1472470996199000, 'cs', FRONTEND), annotation(1472470996406000, 'cr', FRONTEND)],
      binaryAnnotations: [address('ca', FRONTEND), address('sa', FRONTEND)],
    },
    { ...IDS, kind: 'CLIENT', name: 'get', localEndpoint: FRONTEND, remoteEndpoint: FRONTEND, timestamp: 1472470996199000, duration: 207000 },
  );
});

test('redundantServiceNameOnAddressAnnotations_server', () => {
  converts(
    {
      ...IDS,
      name: 'get',
      timestamp: 1472470996199000,
      duration: 207000,
      annotations: [annotation(1472470996199000, 'sr', FRONTEND), annotation(1472470996406000, 'ss', FRONTEND)],
      binaryAnnotations: [address('ca', FRONTEND), address('sa', FRONTEND)],
    },
    { ...IDS, kind: 'SERVER', name: 'get', localEndpoint: FRONTEND, timestamp: 1472470996199000, duration: 207000 },
  );
});

test('redundantServiceNameOnAddressAnnotations_serverRetainsClientSocket', () => {
  converts(
    {
      ...IDS,
      name: 'get',
      timestamp: 1472470996199000,
      duration: 207000,
      annotations: [annotation(1472470996199000, 'sr', BACKEND), annotation(1472470996406000, 'ss', BACKEND)],
      binaryAnnotations: [address('ca', { ...FRONTEND, serviceName: 'backend' }), address('sa', BACKEND)],
    },
    { ...IDS, kind: 'SERVER', name: 'get', localEndpoint: BACKEND, remoteEndpoint: { ipv4: FRONTEND.ipv4 }, timestamp: 1472470996199000, duration: 207000 },
  );
});

test('producerAndConsumer: shared messaging ids are not supported, but do not break', () => {
  converts(
    {
      ...IDS,
      name: 'whatev',
      annotations: [
        annotation(1472470996199000, 'ms', FRONTEND),
        annotation(1472470996238000, 'ws', FRONTEND),
        annotation(1472470996403000, 'wr', BACKEND),
        annotation(1472470996406000, 'mr', BACKEND),
      ],
      binaryAnnotations: [address('ma', KAFKA)],
    },
    { ...IDS, name: 'whatev', kind: 'PRODUCER', localEndpoint: FRONTEND, remoteEndpoint: KAFKA, timestamp: 1472470996199000, duration: 39000 },
    { ...IDS, name: 'whatev', kind: 'CONSUMER', shared: true, localEndpoint: BACKEND, remoteEndpoint: KAFKA, timestamp: 1472470996403000, duration: 3000 },
  );
});

test('producerAndConsumer_loopback_shared', () => {
  converts(
    {
      ...IDS,
      name: 'message',
      annotations: [
        annotation(1472470996199000, 'ms', FRONTEND),
        annotation(1472470996238000, 'ws', FRONTEND),
        annotation(1472470996403000, 'wr', FRONTEND),
        annotation(1472470996406000, 'mr', FRONTEND),
      ],
    },
    { ...IDS, name: 'message', kind: 'PRODUCER', localEndpoint: FRONTEND, timestamp: 1472470996199000, duration: 39000 },
    { ...IDS, name: 'message', kind: 'CONSUMER', shared: true, localEndpoint: FRONTEND, timestamp: 1472470996403000, duration: 3000 },
  );
});

test('onlyAddressAnnotations', () => {
  converts(
    { ...IDS, name: 'rpc', binaryAnnotations: [address('ca', FRONTEND), address('sa', BACKEND)] },
    { ...IDS, name: 'rpc', localEndpoint: FRONTEND, remoteEndpoint: BACKEND },
  );
});

test('dataMissingEndpointGoesOnFirstSpan', () => {
  converts(
    {
      traceId: '1',
      id: '2',
      name: 'missing',
      annotations: [
        annotation(1472470996199000, 'foo', FRONTEND),
        annotation(1472470996238000, 'bar', FRONTEND),
        annotation(1472470996250000, 'baz', BACKEND),
        annotation(1472470996350000, 'qux', BACKEND),
        annotation(1472470996403000, 'missing', null),
      ],
      binaryAnnotations: [tag('foo', 'bar', FRONTEND), tag('baz', 'qux', BACKEND), tag('missing', '', null)],
    },
    {
      traceId: '1',
      id: '2',
      name: 'missing',
      localEndpoint: FRONTEND,
      annotations: [
        { timestamp: 1472470996199000, value: 'foo' },
        { timestamp: 1472470996238000, value: 'bar' },
        { timestamp: 1472470996403000, value: 'missing' },
      ],
      tags: { foo: 'bar', missing: '' },
    },
    {
      traceId: '1',
      id: '2',
      name: 'missing',
      localEndpoint: BACKEND,
      annotations: [
        { timestamp: 1472470996250000, value: 'baz' },
        { timestamp: 1472470996350000, value: 'qux' },
      ],
      tags: { baz: 'qux' },
    },
  );
});

test('parsesSharedFlagFromRPCSpan: a MySQL row with the client timestamp', () => {
  converts(
    { ...IDS, name: 'get', timestamp: 10, annotations: [annotation(20, 'sr', BACKEND), annotation(30, 'ss', BACKEND)] },
    { ...IDS, name: 'get', kind: 'SERVER', shared: true, localEndpoint: BACKEND, timestamp: 20, duration: 10 },
  );
});

// ---- beyond upstream's cases ----

test('a client is never shared: a server half whose service also logged cr', () => {
  // sr alone with no v1 timestamp means shared, but the last core annotation (cr) made it a client.
  converts(
    { ...IDS, name: 'odd', annotations: [annotation(10, 'sr', BACKEND), annotation(20, 'cr', BACKEND)] },
    { ...IDS, name: 'odd', kind: 'CLIENT', localEndpoint: BACKEND, annotations: [{ timestamp: 20, value: 'cr' }] },
  );
});

test('the rows of a shared v1 span are those of its two v2 spans: one span id, client and shared server', () => {
  const v1 = decodeZipkinV1Json(JSON.stringify([clientAndServerV1]));
  assert.deepStrictEqual(v1, decodeZipkinJson(JSON.stringify(clientAndServerV2)));
  const [client, server] = v1.spans;
  assert.deepEqual([client.spanId, server.spanId], ['0000000000000003', '0000000000000003']);
  assert.deepEqual([client.kind, server.kind], [SpanKind.CLIENT, SpanKind.SERVER]);
  assert.deepEqual([client.serviceName, server.serviceName], ['frontend', 'backend']);
  assert.equal(client.traceId, '00000000000000000000000000000001');
  assert.equal(server.parentSpanId, '0000000000000002');
});

test('annotations are sorted and deduplicated; binary annotations are read in key order, the last of a key winning', () => {
  const [span] = parseZipkinV1Json(
    JSON.stringify([
      {
        ...IDS,
        timestamp: 1,
        annotations: [annotation(30, 'b', FRONTEND), annotation(10, 'z', FRONTEND), annotation(30, 'a', FRONTEND), annotation(10, 'z', FRONTEND)],
        binaryAnnotations: [tag('k', 'first', FRONTEND), tag('a', 'x', FRONTEND), tag('k', 'second', FRONTEND)],
      },
    ]),
  );
  assert.deepEqual(span.annotations.map((a) => [a.timestamp, a.value]), [[10n, 'z'], [30n, 'a'], [30n, 'b']]);
  assert.deepEqual([...span.tags], [['a', 'x'], ['k', 'second']]);
});

test('128-bit trace ids are 32-digit traceIds; names are kept as sent', () => {
  const { spans } = decodeZipkinV1Json(JSON.stringify([{ traceId: '463AC35C9F6413AD48485A3953BB6124', id: 'A', name: 'GET /Cart', timestamp: 1 }]));
  assert.equal(spans[0].traceId, '463ac35c9f6413ad48485a3953bb6124');
  assert.equal(spans[0].spanId, '000000000000000a');
  assert.equal(spans[0].name, 'GET /Cart');
});

test('binary annotation values: numbers and booleans as text, null dropped; address annotations by key whatever their value', () => {
  const [span] = parseZipkinV1Json(
    JSON.stringify([
      {
        ...IDS,
        timestamp: 1,
        binaryAnnotations: [
          tag('n', 42, FRONTEND),
          tag('b', false, FRONTEND),
          tag('gone', null, FRONTEND),
          { key: 'sa', value: '1', endpoint: BACKEND }, // zipkin-ruby writes "1"
          { key: 'ca', value: true }, // no endpoint: says nothing
        ],
      },
    ]),
  );
  assert.deepEqual([...span.tags], [['b', 'false'], ['n', '42']]);
  assert.deepEqual(span.remoteEndpoint, { ...BACKEND, ipv6: '' });
  assert.equal(span.kind, undefined, 'sa alone is a remote address, not a client');
});

test('refusals: spans left with no timestamp and nothing to merge into, and missing or zero ids, as in v2', () => {
  const batch = decodeZipkinV1Json(
    JSON.stringify([
      { ...IDS, name: 'late', binaryAnnotations: [address('sa', BACKEND)] },
      { ...IDS, traceId: '0', name: 'zero', timestamp: 1 },
      { ...IDS, timestamp: 1 },
      { ...IDS, id: '4', name: 'alone' },
    ]),
  );
  assert.equal(batch.spans.length, 1);
  assert.equal(batch.rejected, 2);
  assert.match(batch.rejectReason, /^span "zero": invalid trace id .* \(and 1 more refused spans\)$/);
  // The timeless "late" piece merged into the timed span of its ids: its sa is the remote endpoint.
  const [merged] = batch.spans;
  assert.equal(merged.name, 'late');
  assert.equal(merged.attributes.strValues[merged.attributes.strKeys.indexOf('peer.service')], 'backend');
  assert.equal(
    decodeZipkinV1Json(JSON.stringify([{ ...IDS, name: 'late' }])).rejectReason,
    'span "late" ([0], trace id "1", span id "3"): no timestamp, and no span of the request with these ids has one to merge it into',
  );
});

test('Zipkin v1 JSON is wire format 6', () => {
  assert.equal(WireFormat.ZIPKIN_V1_JSON, 6);
  assert.equal(wireFormatName(WireFormat.ZIPKIN_V1_JSON), 'Zipkin v1 JSON');
  const body = JSON.stringify([clientAndServerV1]);
  assert.deepStrictEqual(decodePayload(WireFormat.ZIPKIN_V1_JSON, Buffer.from(body)), decodeZipkinV1Json(body));
});

function decodeError(text: string): ZipkinDecodeError {
  try {
    decodeZipkinV1Json(text);
  } catch (error) {
    assert.ok(error instanceof ZipkinDecodeError && error instanceof DecodeError, `expected ZipkinDecodeError, got ${String(error)}`);
    return error;
  }
  assert.fail('decoded without error');
}

test('malformed bodies throw ZipkinDecodeError naming the path', () => {
  const one = (fields: object) => JSON.stringify([{ ...IDS, timestamp: 1, ...fields }]);
  const cases: [string, RegExp][] = [
    ['[{', /^invalid JSON/],
    ['{}', /^body: expected an array of spans, got an object$/],
    ['[7]', /^\[0\]: expected a span object, got 7$/],
    [one({ traceId: 1 }), /^\[0\]\.traceId: expected a string, got 1$/],
    [one({ timestamp: 'soon' }), /^\[0\]\.timestamp: expected a number of microseconds/],
    [one({ debug: 'yes' }), /^\[0\]\.debug: expected true or false/],
    [one({ annotations: {} }), /^\[0\]\.annotations: expected an array, got an object$/],
    [one({ annotations: ['cs'] }), /^\[0\]\.annotations\[0\]: expected an annotation object, got "cs"$/],
    [one({ annotations: [annotation(1, 'cs', { port: 'x' })] }), /^\[0\]\.annotations\[0\]\.endpoint\.port: expected a port number/],
    [one({ binaryAnnotations: [null] }), /^\[0\]\.binaryAnnotations\[0\]: expected a binary annotation object, got null$/],
    [one({ binaryAnnotations: [tag('k', { a: 1 }, null)] }), /^\[0\]\.binaryAnnotations\[0\]\.value: expected a string, got an object$/],
    [one({ binaryAnnotations: [{ key: 5 }] }), /^\[0\]\.binaryAnnotations\[0\]\.key: expected a string, got 5$/],
    [one({ annotations: [annotation(1, 'cs', 'frontend' as unknown as Endpoint)] }), /^\[0\]\.annotations\[0\]\.endpoint: expected an endpoint object/],
  ];
  for (const [text, message] of cases) assert.match(decodeError(text).message, message, text);
});

test('fuzz: mutated v1 JSON decodes or throws ZipkinDecodeError, nothing else', { timeout: 120_000 }, () => {
  const random = seededRandom(1411);
  const seed = JSON.stringify([clientAndServerV1]);
  const alphabet = '{}[]",:0123456789-.eE truefalsnul\\abcsrmwAZ_';
  const decoded = fuzzText(seed, alphabet, random, 3000, decodeZipkinV1Json, ZipkinDecodeError);
  assert.ok(decoded > 0, 'some mutations still decode');
});
