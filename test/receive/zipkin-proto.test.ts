// The Zipkin proto3 decoder. Its oracle is the JSON decoder: every Zipkin JSON payload in
// the shared test data, encoded to proto3 by protobufjs from upstream's zipkin.proto
// (./proto/zipkin.proto), must decode to exactly the rows the JSON gives. Then what only
// protobuf has (addresses as bytes, id lengths, unknown fields and kinds) and hostile input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { SpanKind, type Attributes, type SpanRow } from '../../src/model/span.ts';
import { DecodeError } from '../../src/receive/decode-error.ts';
import { decodePayload, WireFormat, wireFormatName } from '../../src/receive/wire-format.ts';
import { decodeZipkinJson, ZipkinDecodeError } from '../../src/receive/zipkin-json.ts';
import { decodeZipkinProto } from '../../src/receive/zipkin-proto.ts';
import { testdataFile, testdataFiles } from '../support/testdata.ts';
import { FIXED64, fixed64Field, lengthDelimited, seededRandom, stringField, tag, varint, varintField, VARINT } from './fixtures.ts';

const ListOfSpans = protobuf.loadSync(fileURLToPath(new URL('./proto/zipkin.proto', import.meta.url))).lookupType('zipkin.proto3.ListOfSpans');

// Zipkin v2 JSON, as far as the encoder reads it.
interface JsonEndpoint {
  serviceName?: string | null;
  ipv4?: string | null;
  ipv6?: string | null;
  port?: number | null;
}
interface JsonSpan {
  traceId?: string | null;
  parentId?: string | null;
  id?: string | null;
  kind?: string | null;
  name?: string | null;
  timestamp?: number | null;
  duration?: number | null;
  localEndpoint?: JsonEndpoint | null;
  remoteEndpoint?: JsonEndpoint | null;
  annotations?: { timestamp: number; value: string }[] | null;
  tags?: Record<string, unknown> | null;
  debug?: boolean | null;
  shared?: boolean | null;
}

/** Zipkin JSON spans as proto3 bytes, by protobufjs. */
function encode(spans: JsonSpan[]): Buffer {
  const message = ListOfSpans.fromObject({ spans: spans.map(spanMessage) });
  return Buffer.from(ListOfSpans.encode(message).finish());
}

function spanMessage(span: JsonSpan): object {
  return {
    traceId: idBytes(span.traceId, (span.traceId?.length ?? 0) > 16 ? 32 : 16),
    parentId: idBytes(span.parentId, 16),
    id: idBytes(span.id, 16),
    kind: span.kind ?? 0,
    name: span.name ?? '',
    timestamp: span.timestamp ?? 0,
    duration: span.duration ?? 0,
    localEndpoint: span.localEndpoint && endpointMessage(span.localEndpoint),
    remoteEndpoint: span.remoteEndpoint && endpointMessage(span.remoteEndpoint),
    annotations: span.annotations ?? [],
    tags: Object.fromEntries(Object.entries(span.tags ?? {}).filter(([, v]) => v != null).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
    debug: span.debug ?? false,
    shared: span.shared ?? false,
  };
}

function endpointMessage(endpoint: JsonEndpoint): object {
  return {
    serviceName: endpoint.serviceName ?? '',
    ipv4: endpoint.ipv4 ? ipv4Bytes(endpoint.ipv4) : Buffer.alloc(0),
    ipv6: endpoint.ipv6 ? ipv6Bytes(endpoint.ipv6) : Buffer.alloc(0),
    port: endpoint.port ?? 0,
  };
}

/** Hex (any case, maybe short of its full length) as the big-endian bytes proto3 carries. */
function idBytes(hex: string | null | undefined, digits: number): Buffer {
  return hex ? Buffer.from(hex.padStart(digits, '0'), 'hex') : Buffer.alloc(0);
}

function ipv4Bytes(text: string): Buffer {
  return Buffer.from(text.split('.').map(Number));
}

function ipv6Bytes(text: string): Buffer {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const missing = 8 - groups(head).length - groups(tail).length;
  const all = tail === undefined ? groups(head) : [...groups(head), ...Array<string>(missing).fill('0'), ...groups(tail)];
  return Buffer.from(all.map((g) => g.padStart(4, '0')).join(''), 'hex');
}

/**
 * The spans with each address as its bytes read back: the text protobuf can carry. Zipkin
 * JSON keeps addresses as sent ("10.0.0.04" is in the test data; proto3 has 10.0.0.4).
 * IPv6 text comes from the WHATWG URL serializer, an implementation independent of Skein's.
 */
function withCanonicalAddresses(spans: JsonSpan[]): JsonSpan[] {
  const canonical = (endpoint: JsonEndpoint | null | undefined) =>
    endpoint && {
      ...endpoint,
      ipv4: endpoint.ipv4 ? [...ipv4Bytes(endpoint.ipv4)].join('.') : endpoint.ipv4,
      ipv6: endpoint.ipv6 ? new URL(`http://[${endpoint.ipv6}]/`).hostname.slice(1, -1) : endpoint.ipv6,
    };
  return spans.map((span) => ({ ...span, localEndpoint: canonical(span.localEndpoint), remoteEndpoint: canonical(span.remoteEndpoint) }));
}

function payloads(): { name: string; spans: JsonSpan[] }[] {
  const files = [
    ...testdataFiles('zipkin', /\.json$/).map((f) => ['zipkin', f]),
    ...testdataFiles('captured', /^nonjs-zipkin-.*\.json$/).map((f) => ['captured', f]),
  ];
  return files.map(([folder, file]) => ({ name: `${folder}/${file}`, spans: JSON.parse(testdataFile(folder, file).toString('utf8')) as JsonSpan[] }));
}

function decodeError(body: Uint8Array): ZipkinDecodeError {
  try {
    decodeZipkinProto(body);
  } catch (error) {
    assert.ok(error instanceof ZipkinDecodeError, `expected ZipkinDecodeError, got ${String(error)}`);
    assert.ok(error instanceof DecodeError, 'receivers answer 400 for any DecodeError');
    return error;
  }
  assert.fail('decoded without error');
}

function attr(attributes: Attributes, key: string): unknown {
  for (const [keys, values] of [
    [attributes.strKeys, attributes.strValues],
    [attributes.intKeys, attributes.intValues],
    [attributes.boolKeys, attributes.boolValues],
  ] as [string[], unknown[]][]) {
    if (keys.includes(key)) return values[keys.indexOf(key)];
  }
  return undefined;
}

const TRACE_ID = '5aab74dbb904746bb33447baae403ed6';
const SPAN_ID = 'e457b5a2e4d86bd1';
const valid: JsonSpan = { traceId: TRACE_ID, id: SPAN_ID, name: 'op', timestamp: 1521186011929043, duration: 14 };

function decodeOne(span: JsonSpan): SpanRow {
  const batch = decodeZipkinProto(encode([span]));
  assert.equal(batch.rejected, 0, batch.rejectReason);
  assert.equal(batch.spans.length, 1);
  return batch.spans[0];
}

/** One span of hand-written fields, for what protobufjs will not write. */
function spanBody(...fields: Buffer[]): Buffer {
  return lengthDelimited(1, ...fields);
}
const idFields = [lengthDelimited(1, Buffer.from(TRACE_ID, 'hex')), lengthDelimited(3, Buffer.from(SPAN_ID, 'hex')), fixed64Field(6, 1521186011929043n)];

test('every Zipkin test trace and captured payload, as proto3, decodes to the rows its JSON gives', () => {
  const all = payloads();
  assert.ok(all.length >= 12, `expected the 10 zipkin/ traces and 2 captured payloads, found ${all.length}`);
  for (const { name, spans } of all) {
    const spansAsProto = withCanonicalAddresses(spans);
    const expected = decodeZipkinJson(JSON.stringify(spansAsProto));
    assert.ok(expected.spans.length > 0, name);
    assert.deepStrictEqual(decodeZipkinProto(encode(spansAsProto)), expected, name);
  }
});

test('the test data really has addresses whose text changes as bytes, and both id widths', () => {
  const spans = payloads().flatMap((p) => p.spans);
  assert.ok(spans.some((s) => s.localEndpoint?.ipv4 === '10.0.0.04'));
  assert.ok(spans.some((s) => s.localEndpoint?.ipv6 === '::1' || s.remoteEndpoint?.ipv6 === '::1'));
  assert.ok(spans.some((s) => s.traceId!.length <= 16) && spans.some((s) => s.traceId!.length === 32));
});

test('Zipkin protobuf is wire format 5; no format is renumbered', () => {
  assert.deepEqual(WireFormat, { OTLP_PROTO: 1, OTLP_JSON: 2, ZIPKIN_JSON: 3, JAEGER_THRIFT: 4, ZIPKIN_PROTO: 5, ZIPKIN_V1_JSON: 6 });
  assert.equal(wireFormatName(WireFormat.ZIPKIN_PROTO), 'Zipkin protobuf');
  const body = encode([valid]);
  assert.deepStrictEqual(decodePayload(WireFormat.ZIPKIN_PROTO, body), decodeZipkinProto(body));
});

test('one span with every field, checked field by field', () => {
  const span = decodeOne({
    traceId: '0af7651916cd43dd',
    parentId: '05e3ac9a4f6e3b90',
    id: SPAN_ID,
    kind: 'CONSUMER',
    name: 'next-message',
    timestamp: 1521186011929043,
    duration: 14,
    localEndpoint: { serviceName: 'backend', ipv4: '192.168.99.1', port: 9000 },
    remoteEndpoint: { serviceName: 'rabbitmq', ipv6: '2001:db8::c001', port: 5672 },
    annotations: [{ timestamp: 1521186011929050, value: 'wr' }],
    tags: { 'rabbit.queue': 'backend', error: 'boom' },
    debug: true,
    shared: true,
  });
  assert.equal(span.traceId, '00000000000000000af7651916cd43dd', '64-bit trace ids are padded to 128 bits');
  assert.equal(span.parentSpanId, '05e3ac9a4f6e3b90');
  assert.equal(span.spanId, SPAN_ID);
  assert.equal(span.kind, SpanKind.CONSUMER);
  assert.equal(span.name, 'next-message');
  assert.equal(span.startNs, 1521186011929043000n);
  assert.equal(span.endNs, 1521186011929057000n);
  assert.equal(span.serviceName, 'backend');
  assert.equal(span.statusMessage, 'boom');
  assert.deepEqual(span.attributes.strKeys, ['rabbit.queue', 'error', 'network.local.address', 'peer.service', 'network.peer.address']);
  assert.deepEqual(span.attributes.strValues, ['backend', 'boom', '192.168.99.1', 'rabbitmq', '2001:db8::c001']);
  assert.deepEqual(span.attributes.intValues, [9000n, 5672n]);
  assert.deepEqual(span.attributes.boolKeys, ['zipkin.shared', 'zipkin.debug']);
  assert.deepEqual(span.events.map((e) => [e.timeNs, e.name]), [[1521186011929050000n, 'wr']]);
});

test('IPv6 text: RFC 5952, as the WHATWG URL serializer writes it; IPv4-mapped as a dotted quad', () => {
  const random = seededRandom(5952);
  const cases = ['::', '::1', '1::', '2001:db8:0:1:1:1:1:1', '2001:0:0:1::1', '1::2:0:0:3:4', 'fe80::a:0:0:1', 'abcd:ef01:2345:6789:abcd:ef01:2345:6789'];
  for (let i = 0; i < 300; i++) {
    // Mostly zero groups, so runs of every length and position come up.
    cases.push(Array.from({ length: 8 }, () => (random() < 0.6 ? '0' : Math.floor(random() * 0x10000).toString(16))).join(':'));
  }
  for (const text of cases) {
    const expected = new URL(`http://[${text}]/`).hostname.slice(1, -1);
    assert.equal(attr(decodeOne({ ...valid, localEndpoint: { ipv6: text } }).attributes, 'network.local.address'), expected, text);
  }
  const mapped = decodeZipkinProto(spanBody(...idFields, lengthDelimited(9, lengthDelimited(3, Buffer.from('00000000000000000000ffff0a010203', 'hex')))));
  assert.equal(attr(mapped.spans[0].attributes, 'network.peer.address'), '::ffff:10.1.2.3');
  const both = decodeOne({ ...valid, localEndpoint: { ipv4: '10.0.0.1', ipv6: '::1' } });
  assert.equal(attr(both.attributes, 'network.local.address'), '10.0.0.1', 'ipv4 first, as in JSON');
});

test('unknown fields of every wire type are skipped; an unknown kind is absent, so a span.kind tag counts', () => {
  const unknown = [varintField(99, 1), fixed64Field(98, 7n), stringField(97, 'x'), Buffer.concat([tag(96, 5), Buffer.alloc(4)])];
  const kindTag = lengthDelimited(11, stringField(1, 'span.kind'), stringField(2, 'server'));
  const body = Buffer.concat([...unknown, spanBody(...idFields, ...unknown, varintField(4, 9), kindTag, lengthDelimited(8, stringField(1, 'svc'), ...unknown)), ...unknown]);
  const { spans } = decodeZipkinProto(body);
  assert.equal(spans.length, 1);
  assert.equal(spans[0].kind, SpanKind.SERVER);
  assert.equal(spans[0].serviceName, 'svc');
  assert.equal(decodeZipkinProto(spanBody(...idFields, varintField(4, -1))).spans[0].kind, SpanKind.UNSPECIFIED);
});

test('a tag key sent twice keeps its last value in its first place; empty values and keys are kept', () => {
  const entry = (key: string, value: string) => lengthDelimited(11, stringField(1, key), stringField(2, value));
  const { spans } = decodeZipkinProto(spanBody(...idFields, entry('a', '1'), entry('b', '2'), entry('a', '3'), entry('', ''), lengthDelimited(11, stringField(1, 'error'))));
  assert.deepEqual(spans[0].attributes.strKeys, ['a', 'b', '', 'error']);
  assert.deepEqual(spans[0].attributes.strValues, ['3', '2', '', '']);
});

test('ids: 8 or 16 bytes for a trace, 8 for a span; other lengths throw naming the field', () => {
  const id = (field: number, bytes: number) => lengthDelimited(field, Buffer.alloc(bytes, 0xab));
  const cases: [Buffer[], RegExp][] = [
    [[id(1, 5)], /^\[0\]\.trace_id: an id of 5 bytes, expected 8 or 16$/],
    [[id(1, 12)], /^\[0\]\.trace_id: an id of 12 bytes, expected 8 or 16$/],
    [[id(1, 17)], /^\[0\]\.trace_id: an id of 17 bytes, expected 8 or 16$/],
    [[id(3, 16)], /^\[0\]\.id: an id of 16 bytes, expected 8$/],
    [[id(3, 4)], /^\[0\]\.id: an id of 4 bytes, expected 8$/],
    [[id(2, 9)], /^\[0\]\.parent_id: an id of 9 bytes, expected 8$/],
  ];
  for (const [fields, message] of cases) assert.match(decodeError(spanBody(...idFields, ...fields)).message, message);
  const second = Buffer.concat([spanBody(...idFields), spanBody(...idFields, id(1, 3))]);
  assert.match(decodeError(second).message, /^\[1\]\.trace_id: /, 'the message names the span');
});

test('ids that are absent or all zero refuse the span, as in JSON; an empty parent is none', () => {
  for (const [span, reason] of [
    [{ ...valid, traceId: null }, /invalid trace id/],
    [{ ...valid, traceId: '0'.repeat(32) }, /invalid trace id/],
    [{ ...valid, id: null }, /invalid span id/],
    [{ ...valid, id: '0'.repeat(16) }, /invalid span id/],
  ] as const) {
    const batch = decodeZipkinProto(encode([span, valid]));
    assert.equal(batch.spans.length, 1);
    assert.equal(batch.rejected, 1);
    assert.match(batch.rejectReason, reason);
  }
  assert.equal(decodeOne({ ...valid, parentId: '0'.repeat(16) }).parentSpanId, '');
  assert.equal(decodeOne({ ...valid, parentId: SPAN_ID }).parentSpanId, '', 'a span is not its own parent');
  const untimed = decodeZipkinProto(encode([{ ...valid, id: 'e457b5a2e4d86bd2', name: 'late', timestamp: 0 }, valid]));
  assert.equal(
    untimed.rejectReason,
    `span "late" ([0], trace id "${TRACE_ID}", span id "e457b5a2e4d86bd2"): no timestamp, and no span of the request with these ids has one to merge it into`,
  );
});

test('a span without a timestamp merges into the timed span of its ids, as in JSON', () => {
  const batch = decodeZipkinProto(encode([valid, { traceId: TRACE_ID, id: SPAN_ID, tags: { late: 'tag' }, annotations: [{ timestamp: 1521186011929050, value: 'retry' }] }]));
  assert.equal(batch.rejected, 0, batch.rejectReason);
  assert.equal(batch.spans.length, 1);
  assert.deepEqual(batch.spans[0].attributes.strKeys, ['late']);
  assert.deepEqual(batch.spans[0].attributes.strValues, ['tag']);
  assert.deepEqual(batch.spans[0].events.map((e) => e.name), ['retry']);
});

test('times: exact bigint nanoseconds up to 2^64-1; past it throws', () => {
  const last = decodeZipkinProto(spanBody(...idFields.slice(0, 2), fixed64Field(6, 18446744073709551n), varintField(7, 0)));
  assert.equal(last.spans[0].startNs, 18446744073709551000n);
  const cases: [Buffer, RegExp][] = [
    [spanBody(...idFields.slice(0, 2), fixed64Field(6, 18446744073709552n)), /^\[0\]\.timestamp: 18446744073709552 µs is past the largest time/],
    [spanBody(...idFields, varintField(7, 2n ** 64n - 1n)), /^\[0\]\.duration: timestamp \+ duration is past the largest time/],
    [spanBody(...idFields, lengthDelimited(10, fixed64Field(1, 2n ** 64n - 1n))), /^\[0\]\.annotations\[0\]\.timestamp: /],
  ];
  for (const [body, message] of cases) assert.match(decodeError(body).message, message);
});

test('malformed protobuf throws ZipkinDecodeError naming the problem', () => {
  const cases: [string, Buffer, RegExp][] = [
    ['truncated', encode([valid]).subarray(0, 20), /^truncated length-delimited field 1 at offset 0/],
    ['wrong wire type for a span', varintField(1, 3), /^field 1 at offset 0 has wire type 0, expected 2 \(length-delimited\)$/],
    ['wrong wire type for trace_id', spanBody(varintField(1, 3)), /^field 1 at offset 2 has wire type 0, expected 2/],
    ['wrong wire type for timestamp', spanBody(...idFields.slice(0, 2), varintField(6, 3)), /^field 6 at offset \d+ has wire type 0, expected 1 \(64-bit\)$/],
    ['no wire type 7', Buffer.concat([tag(5, 7)]), /^unexpected wire type 7 \(field 5\) at offset 0$/],
    ['field 0', Buffer.from([0x00]), /^invalid field number 0 at offset 0$/],
    ['truncated varint', Buffer.concat([tag(1, 2), Buffer.from([0xff])]), /^truncated varint at offset 1$/],
    ['truncated fixed64', spanBody(Buffer.concat([tag(6, FIXED64), Buffer.alloc(3)])), /^truncated 64-bit field at offset 2$/],
    ['field past the end of its span', Buffer.concat([tag(1, 2), varint(2), tag(7, VARINT), Buffer.from([0x80]), Buffer.from([0x01])]), /runs past the end of its message/],
    ['port too large', spanBody(...idFields, lengthDelimited(8, varintField(4, 70000))), /^\[0\]\.local_endpoint\.port: 70000 is not a port number \(0-65535\)$/],
    ['negative port', spanBody(...idFields, lengthDelimited(9, varintField(4, -1))), /^\[0\]\.remote_endpoint\.port: -1 is not a port number/],
    ['ipv4 of 5 bytes', spanBody(...idFields, lengthDelimited(8, lengthDelimited(2, Buffer.alloc(5, 1)))), /^\[0\]\.local_endpoint\.ipv4: an address of 5 bytes, expected 4$/],
    ['ipv6 of 4 bytes', spanBody(...idFields, lengthDelimited(9, lengthDelimited(3, Buffer.alloc(4, 1)))), /^\[0\]\.remote_endpoint\.ipv6: an address of 4 bytes, expected 16$/],
  ];
  for (const [name, body, message] of cases) assert.match(decodeError(body).message, message, name);
  assert.equal(decodeError(varintField(1, 3)).name, 'ZipkinDecodeError');
});

test('every prefix of a payload decodes or throws ZipkinDecodeError, nothing else', () => {
  const spans = JSON.parse(testdataFile('zipkin', 'skew.json').toString('utf8')) as JsonSpan[];
  const body = encode(spans);
  let completed = 0;
  for (let length = 0; length < body.length; length++) {
    try {
      decodeZipkinProto(body.subarray(0, length));
      completed++;
    } catch (error) {
      assert.ok(error instanceof ZipkinDecodeError, `prefix of ${length} bytes: ${String(error)}`);
    }
  }
  // Only cuts between spans decode: the empty prefix, and after each span but the last.
  assert.equal(completed, spans.length);
});

test('fuzz: mutated protobuf decodes or throws ZipkinDecodeError, nothing else', { timeout: 120_000 }, () => {
  const random = seededRandom(9411);
  const seed = encode([
    {
      ...valid,
      parentId: '05e3ac9a4f6e3b90',
      kind: 'SERVER',
      localEndpoint: { serviceName: 'backend', ipv4: '192.168.0.10', ipv6: '2001:db8::1', port: 80 },
      remoteEndpoint: { serviceName: 'frontend', port: 43210 },
      annotations: [{ timestamp: 1521186011929050, value: 'ws' }],
      tags: { 'http.path': '/api', error: 'x' },
      shared: true,
    },
    valid,
  ]);
  let decoded = 0;
  for (let iteration = 0; iteration < 5000; iteration++) {
    const bytes = Buffer.from(seed);
    const mutations = 1 + Math.floor(random() * 3);
    for (let m = 0; m < mutations; m++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
    try {
      decodeZipkinProto(bytes);
      decoded++;
    } catch (error) {
      if (!(error instanceof ZipkinDecodeError)) assert.fail(`iteration ${iteration}: ${String(error)} for ${bytes.toString('hex')}`);
    }
  }
  assert.ok(decoded > 0, 'some mutations still decode');
});
