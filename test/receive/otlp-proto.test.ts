// The hand-written OTLP/protobuf decoder against protobufjs (the oracle) on captured and
// constructed payloads, and against hostile input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SpanRow } from '../../src/model/span.ts';
import { OtlpDecodeError } from '../../src/receive/otlp-common.ts';
import { decodeOtlpProto } from '../../src/receive/otlp-proto.ts';
import {
  capturedBodies,
  END_GROUP,
  everyFeatureRequest,
  FIXED32,
  FIXED64,
  fixed32Field,
  fixed64Field,
  keyValue,
  lengthDelimited,
  requestWithSpans,
  seededRandom,
  spanFields,
  START_GROUP,
  stringField,
  tag,
  TRACE_ID_HEX,
  varint,
  varintField,
} from './fixtures.ts';
import { decodeWithProtobufjs, ExportTraceServiceRequest } from './protobufjs-oracle.ts';

function encodeWithProtobufjs(request: object): Buffer {
  return Buffer.from(ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(request)).finish());
}

/** Decodes, requiring that every span was accepted. */
function decodeAll(body: Uint8Array): SpanRow[] {
  const batch = decodeOtlpProto(body);
  assert.equal(batch.rejectReason, '');
  assert.equal(batch.rejected, 0);
  return batch.spans;
}

/** Runs `decode` and returns the OtlpDecodeError it must throw. */
function decodeError(body: Uint8Array): OtlpDecodeError {
  try {
    decodeOtlpProto(body);
  } catch (error) {
    assert.ok(error instanceof OtlpDecodeError, `expected OtlpDecodeError, got ${String(error)}`);
    return error;
  }
  assert.fail('decoded without error');
}

test('captured protobuf payloads decode as protobufjs decodes them', () => {
  const captured = capturedBodies(/\.pb(\.gz)?$/);
  const names = captured.map((c) => c.name);
  for (const expected of ['bench-512.pb.gz', 'bench-64.pb', 'grpc-grpc-1.pb', 'proto-gzip-http-1.pb.gz', 'proto-http-1.pb']) {
    assert.ok(names.includes(expected), `${expected} missing from the captured payloads`);
  }
  for (const { name, body } of captured) {
    const expected = decodeWithProtobufjs(body);
    assert.ok(expected.length > 0, `${name} has spans`);
    assert.deepStrictEqual(decodeAll(body), expected, name);
  }
});

test('a request using every OTLP feature decodes as protobufjs decodes it', () => {
  const body = encodeWithProtobufjs(everyFeatureRequest());
  const spans = decodeAll(body);
  assert.deepStrictEqual(spans, decodeWithProtobufjs(body));
  // The oracle's conversion could share a mistake with the decoder: spot-check against the fixture itself.
  const full = spans[0];
  assert.equal(full.serviceName, 'checkout');
  assert.equal(full.endNs, 18446744073709551615n);
  assert.equal(full.startNs, 1795600072097237614n);
  assert.deepStrictEqual(full.attributes.intKeys, ['int.max', 'int.min', 'int.minus_one', 'int.2^53+1']);
  assert.deepStrictEqual(full.attributes.intValues, [9223372036854775807n, -9223372036854775808n, -1n, 9007199254740993n]);
  assert.deepStrictEqual(full.attributes.dblValues, [1.5, NaN, Infinity, -Infinity, -0]);
  assert.deepStrictEqual(full.attributes.boolValues, [false]);
  assert.deepStrictEqual(full.attributes.strValues, ['héllo ✓ 𝄞', '']);
  assert.deepStrictEqual(full.attributes.otherKeys, ['bytes', 'array', 'kvlist', 'no_value', 'empty_value']);
  assert.deepStrictEqual(full.attributes.otherValues, [
    '{"bytesValue":"AAEC/v8="}',
    '{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":"-5"},{"doubleValue":"NaN"},{"arrayValue":{"values":[]}},{}]}}',
    '{"kvlistValue":{"values":[{"key":"inner","value":{"boolValue":true}},{"key":"inner.no_value","value":{}}]}}',
    '{}',
    '{}',
  ]);
  assert.deepStrictEqual(
    spans.map((span) => [span.name, span.serviceName, span.parentSpanId]),
    [
      ['GET /cart', 'checkout', 'eee19b7ec3c1b173'],
      ['root', 'checkout', ''],
      ['second scope', 'checkout', 'eee19b7ec3c1b173'],
      ['no service name', 'unknown_service', 'eee19b7ec3c1b173'],
      ['no resource', 'unknown_service', 'eee19b7ec3c1b173'],
    ],
  );
  // One Resource object per ResourceSpans and one Scope object per ScopeSpans, shared by their spans.
  assert.equal(spans[0].resource, spans[2].resource);
  assert.equal(spans[0].scope, spans[1].scope);
  assert.notEqual(spans[1].scope, spans[2].scope);
  assert.notEqual(spans[2].resource, spans[3].resource);
});

test('the resource may come after the spans on the wire', () => {
  const resource = lengthDelimited(1, lengthDelimited(1, keyValue('service.name', stringField(1, 'late'))));
  const scopeSpans = lengthDelimited(2, lengthDelimited(2, ...spanFields('a')), lengthDelimited(2, ...spanFields('b', '0000000000000002')));
  const body = lengthDelimited(1, scopeSpans, resource, stringField(3, 'https://schema')); // resource_spans
  const spans = decodeAll(body);
  assert.deepStrictEqual(spans.map((s) => s.serviceName), ['late', 'late']);
  assert.equal(spans[0].resource, spans[1].resource);
  assert.deepStrictEqual(spans[0].resource.attributes.strKeys, ['service.name']);
  assert.equal(spans[0].resource.schemaUrl, 'https://schema');
});

test('unknown fields of every wire type are skipped, anywhere', () => {
  const unknown = Buffer.concat([
    varintField(100, 123456789),
    fixed64Field(101, 42n),
    stringField(102, 'future field'),
    fixed32Field(103, 7),
    // a group holding a nested group and a length-delimited field
    tag(104, START_GROUP),
    tag(1, START_GROUP),
    varintField(2, 1),
    tag(1, END_GROUP),
    stringField(3, 'x'),
    tag(104, END_GROUP),
  ]);
  const attribute = (extra: Buffer) => lengthDelimited(9, stringField(1, 'k'), extra, lengthDelimited(2, extra, stringField(1, 'v')));
  const plain = lengthDelimited(1, lengthDelimited(2, lengthDelimited(2, ...spanFields(), attribute(Buffer.alloc(0)))));
  const withUnknown = Buffer.concat([
    unknown,
    lengthDelimited(1, unknown, lengthDelimited(2, unknown, lengthDelimited(2, unknown, ...spanFields(), attribute(unknown), unknown))),
    unknown,
  ]);
  const expected = decodeAll(plain);
  assert.equal(expected[0].attributes.strValues[0], 'v');
  assert.deepStrictEqual(decodeAll(withUnknown), expected);
});

test('a known field with the wrong wire type is an error naming the field', () => {
  const traceIdAsVarint = requestWithSpans([varintField(1, 5), ...spanFields().slice(1)]);
  assert.match(decodeError(traceIdAsVarint).message, /field 1 at offset \d+ has wire type 0, expected 2 \(length-delimited\)/);
  const startTimeAsFixed32 = requestWithSpans([...spanFields(), fixed32Field(7, 1)]);
  assert.match(decodeError(startTimeAsFixed32).message, /field 7 .* has wire type 5, expected 1/);
  const nameAsFixed64 = requestWithSpans([...spanFields(), fixed64Field(5, 1n)]);
  assert.match(decodeError(nameAsFixed64).message, /field 5 .* has wire type 1, expected 2/);
});

test('malformed protobuf is an OtlpDecodeError saying what and where', () => {
  const valid = requestWithSpans(spanFields());
  const cases: [string, Buffer, RegExp][] = [
    ['cut short', valid.subarray(0, valid.length - 3), /truncated length-delimited field 1 at offset 0/],
    ['length past the end of its message', Buffer.concat([tag(1, 2), varint(1000), Buffer.alloc(10)]), /truncated length-delimited field 1 at offset 0: 1000 bytes declared, 10 left/],
    ['varint over 10 bytes', Buffer.concat([tag(100, 0), Buffer.alloc(10, 0xff), Buffer.from([0])]), /varint longer than 10 bytes at offset 2/],
    ['truncated varint', Buffer.concat([tag(100, 0), Buffer.from([0xff, 0xff])]), /truncated varint at offset 2/],
    ['truncated fixed64', Buffer.concat([tag(100, FIXED64), Buffer.alloc(5)]), /truncated 64-bit field at offset 0/],
    ['truncated fixed32', Buffer.concat([tag(100, FIXED32), Buffer.alloc(2)]), /truncated 32-bit field at offset 0/],
    ['wire type 6', Buffer.from([(7 << 3) | 6]), /unexpected wire type 6 \(field 7\) at offset 0/],
    ['wire type 7', Buffer.concat([stringField(100, 'ok'), Buffer.from([(7 << 3) | 7])]), /unexpected wire type 7 \(field 7\) at offset 5/],
    ['end-group without a start', tag(5, END_GROUP), /unexpected wire type 4/],
    ['unterminated group', Buffer.concat([tag(5, START_GROUP), varintField(1, 1)]), /unterminated group \(field 5\)/],
    ['group ended by another field', Buffer.concat([tag(5, START_GROUP), tag(6, END_GROUP)]), /group \(field 5\) at offset 0 ended by field 6/],
    ['field number 0', Buffer.from([0x00, 0x01]), /invalid field number 0 at offset 0/],
    // The span's last field claims 2 bytes; its message has 1 left.
    ['field past the end of its message', lengthDelimited(1, lengthDelimited(2, Buffer.concat([tag(2, 2), Buffer.from([0x02, 0x08])]))), /truncated length-delimited field 2 at offset \d+: 2 bytes declared, 1 left/],
    // A varint that runs on past its message's end into the next field.
    ['varint past the end of its message', Buffer.concat([lengthDelimited(1, Buffer.from([0x38, 0x80])), Buffer.from([0x01])]), /runs past the end of its message at offset 4/],
  ];
  for (const [name, body, message] of cases) assert.match(decodeError(body).message, message, name);
});

test('every prefix of a payload decodes or throws OtlpDecodeError, nothing else', () => {
  const body = encodeWithProtobufjs(everyFeatureRequest());
  let completed = 0;
  for (let length = 0; length < body.length; length++) {
    try {
      decodeOtlpProto(body.subarray(0, length));
      completed++;
    } catch (error) {
      assert.ok(error instanceof OtlpDecodeError, `prefix of ${length} bytes: ${String(error)}`);
    }
  }
  // Only cuts between top-level fields decode: the empty prefix, and after each of the first two ResourceSpans.
  assert.equal(completed, 3);
});

test('invalid UTF-8 is replaced with U+FFFD, as Node and the WHATWG decoder do', () => {
  const cases: [number[], string][] = [
    [[0x61, 0xff, 0x62], 'a\ufffdb'], // under 4 bytes: not cached
    [[0xff], '\ufffd'],
    [[0xc3, 0xa9], 'é'], // valid, but not ASCII
    [[0x61, 0x62, 0xc3, 0x28, 0x63, 0x64], 'ab\ufffd(cd'], // a cached length
    [[...Buffer.from('x'.repeat(70)), 0xed, 0xa0, 0x80], `${'x'.repeat(70)}\ufffd\ufffd\ufffd`], // an encoded surrogate, long
    [[0x61, 0x62, 0x63, 0xe2, 0x82], 'abc\ufffd'], // cut short inside a character
  ];
  for (const [bytes, expected] of cases) {
    assert.equal(new TextDecoder().decode(Buffer.from(bytes)), expected, 'the fixture agrees with TextDecoder');
    const body = requestWithSpans([...spanFields(), lengthDelimited(5, Buffer.from(bytes))]);
    assert.equal(decodeAll(body)[0].name, expected);
  }
});

test('strings that look alike to the string cache decode as themselves', () => {
  // Same length, same first, middle and last 4 bytes: same cache slot, different strings.
  const names = Array.from({ length: 50 }, (_, i) => `aaaa${String(i).padStart(4, '0')}bbbb${String(i * 7).padStart(4, '0')}cccc`);
  const spans = names.map((name, i) => spanFields(name, (i + 1).toString(16).padStart(16, '0')));
  for (let round = 0; round < 3; round++) {
    assert.deepStrictEqual(decodeAll(requestWithSpans(...spans)).map((s) => s.name), names);
  }
});

test('a 1 MB attribute value decodes intact', () => {
  const big = 'é'.repeat(512 * 1024) + 'end';
  const body = requestWithSpans([...spanFields(), lengthDelimited(9, keyValue('big', stringField(1, big)))]);
  assert.equal(decodeAll(body)[0].attributes.strValues[0], big);
});

test('64-bit integers are exact: negative int_value is a 10-byte varint', () => {
  const cases: bigint[] = [-1n, -2n, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n, 2n ** 32n, 2n ** 31n, 0n, 300n];
  for (const value of cases) {
    const encoded = varint(value);
    if (value < 0n) assert.equal(encoded.length, 10);
    const body = requestWithSpans([...spanFields(), lengthDelimited(9, keyValue('n', Buffer.concat([tag(3, 0), encoded])))]);
    assert.deepStrictEqual(decodeAll(body)[0].attributes.intValues, [value], String(value));
  }
  const times = requestWithSpans([...spanFields(), fixed64Field(7, 2n ** 64n - 1n), fixed64Field(8, 1795600072097237615n)]);
  const [span] = decodeAll(times);
  assert.equal(span.startNs, 2n ** 64n - 1n);
  assert.equal(span.endNs, 1795600072097237615n);
});

test('32-bit fields keep the low 32 bits of a long varint; enums are int32', () => {
  const negativeEnums = [
    varintField(6, -2), // kind: a negative enum, sign-extended to 10 bytes
    lengthDelimited(15, varintField(3, -1)), // status { code }
  ];
  const body = requestWithSpans([...spanFields(), ...negativeEnums]);
  const [span] = decodeAll(body);
  assert.deepStrictEqual([span.kind, span.statusCode], [-2, -1]);
  const [expected] = decodeWithProtobufjs(body);
  assert.deepStrictEqual([span.kind, span.statusCode], [expected.kind, expected.statusCode]);
  // protobufjs reads at most 5 bytes for a uint32 (and then fails), so no oracle for this one.
  const longCount = requestWithSpans([...spanFields(), varintField(10, 2n ** 35n + 5n)]); // dropped_attributes_count
  assert.equal(decodeAll(longCount)[0].droppedAttributesCount, 5);
});

test('spans with invalid ids are refused and counted; the rest are kept', () => {
  const id = (field: number, hex: string) => lengthDelimited(field, Buffer.from(hex, 'hex'));
  const [traceId, spanId, ...rest] = spanFields('good');
  const body = requestWithSpans(
    [traceId, spanId, ...rest],
    [id(1, TRACE_ID_HEX.slice(2)), spanId, stringField(5, 'short trace id')],
    [id(1, '0'.repeat(32)), spanId, stringField(5, 'zero trace id')],
    [traceId, id(2, 'b7ad6b71692033'), stringField(5, 'short span id')],
    [traceId, id(2, '0'.repeat(16)), stringField(5, 'zero span id')],
    [traceId, spanId, id(4, 'b7ad6b716920'), stringField(5, 'short parent')],
    [spanId, stringField(5, 'no trace id')],
    [traceId, spanId, id(4, '0'.repeat(16)), stringField(5, 'zero parent')],
  );
  const batch = decodeOtlpProto(body);
  assert.deepStrictEqual(batch.spans.map((s) => [s.name, s.parentSpanId]), [['good', ''], ['zero parent', '']]);
  assert.equal(batch.rejected, 6);
  assert.equal(
    batch.rejectReason,
    'span "short trace id": invalid trace id "f7651916cd43dd8448eb211c80319c": expected 32 hex digits (16 bytes), not all zero (and 5 more refused spans)',
  );
  assert.match(decodeOtlpProto(requestWithSpans(spanFields().slice(1))).rejectReason, /invalid trace id "": /);
  const badParent = decodeOtlpProto(requestWithSpans([traceId, spanId, id(4, 'b7ad6b716920')]));
  assert.match(badParent.rejectReason, /invalid parent span id "b7ad6b716920": expected 16 hex digits \(8 bytes\) or none/);
});

test('links with invalid ids are dropped and counted in droppedLinksCount', () => {
  const link = (traceHex: string, spanHex: string) =>
    lengthDelimited(13, lengthDelimited(1, Buffer.from(traceHex, 'hex')), lengthDelimited(2, Buffer.from(spanHex, 'hex')));
  const body = requestWithSpans([
    ...spanFields(),
    link(TRACE_ID_HEX, '00f067aa0ba902b7'),
    link(TRACE_ID_HEX, '00f067aa0ba902'),
    link('0'.repeat(32), '00f067aa0ba902b7'),
    varintField(14, 2), // dropped_links_count, from the sender
  ]);
  const [span] = decodeAll(body);
  assert.deepStrictEqual(span.links.map((l) => l.spanId), ['00f067aa0ba902b7']);
  assert.equal(span.droppedLinksCount, 4);
});

test('deep nesting is an OtlpDecodeError, not a stack overflow', () => {
  let value = stringField(1, 'bottom');
  for (let depth = 0; depth < 10_000; depth++) value = lengthDelimited(5, lengthDelimited(1, value)); // array_value { values }
  const deepValue = requestWithSpans([...spanFields(), lengthDelimited(9, keyValue('deep', value))]);
  assert.match(decodeError(deepValue).message, /AnyValue nested deeper than 64 levels/);

  const groups = Buffer.concat([...Array(10_000).fill(tag(5, START_GROUP)), ...Array(10_000).fill(tag(5, END_GROUP))]);
  assert.match(decodeError(groups).message, /groups nested deeper than 64 levels/);
});

test('fuzz: random and mutated payloads decode or throw OtlpDecodeError, nothing else', { timeout: 120_000 }, () => {
  const random = seededRandom(20261125);
  const seed = encodeWithProtobufjs(everyFeatureRequest());
  let decoded = 0;
  for (let iteration = 0; iteration < 2000; iteration++) {
    let body: Buffer;
    if (iteration % 4 === 0) {
      body = Buffer.from(Array.from({ length: Math.floor(random() * 300) }, () => Math.floor(random() * 256)));
    } else {
      body = Buffer.from(seed);
      const mutations = 1 + Math.floor(random() * 4);
      for (let m = 0; m < mutations; m++) body[Math.floor(random() * body.length)] = Math.floor(random() * 256);
    }
    try {
      const batch = decodeOtlpProto(body);
      assert.ok(Array.isArray(batch.spans));
      decoded++;
    } catch (error) {
      if (!(error instanceof OtlpDecodeError)) assert.fail(`iteration ${iteration}: ${String(error)} for ${body.toString('hex')}`);
    }
  }
  assert.ok(decoded > 0, 'some mutations still decode');
});
