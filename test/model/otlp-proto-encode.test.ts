// spansToOtlpProto (src/model/otlp-proto-encode.ts): rows to OTLP protobuf, which must
// decode to the same rows with Skein's decoder and with protobufjs (an encoder that shares
// no code with it), grouped as the OTLP/JSON output groups them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spansToOtlpJson } from '../../src/model/otlp-json.ts';
import { embedMessage, spansToOtlpProto } from '../../src/model/otlp-proto-encode.ts';
import type { SpanRow } from '../../src/model/span.ts';
import { decodeOtlpJson } from '../../src/receive/otlp-json.ts';
import { decodeOtlpProto } from '../../src/receive/otlp-proto.ts';
import { decodePayload, WireFormat } from '../../src/receive/wire-format.ts';
import { capturedBodies, everyFeatureRequest } from '../receive/fixtures.ts';
import { decodeWithProtobufjs, ExportTraceServiceRequest } from '../receive/protobufjs-oracle.ts';
import { testdataFile, testdataFiles } from '../support/testdata.ts';
import { otlpRow } from '../support/otlp-payloads.ts';

/** Encodes the rows and checks both decoders read them back; returns the bytes. */
function expectRoundTrip(rows: SpanRow[], what: string): Uint8Array {
  const bytes = spansToOtlpProto(rows);
  const batch = decodeOtlpProto(bytes);
  assert.equal(batch.rejected, 0, `${what}: ${batch.rejectReason}`);
  assert.deepStrictEqual(batch.spans, rows, `${what}: Skein's decoder`);
  assert.deepStrictEqual(decodeWithProtobufjs(bytes), rows, `${what}: protobufjs`);
  return bytes;
}

test('captured OTLP payloads round-trip through protobuf, for both decoders', () => {
  const captured = capturedBodies(/\.(pb|json)(\.gz)?$/).filter(({ name }) => !name.startsWith('nonjs-'));
  const otlpJson = testdataFiles('otlp', /\.json$/).map((name) => ({ name: `otlp/${name}`, body: testdataFile('otlp', name) }));
  assert.ok(captured.length >= 8 && otlpJson.length >= 1);
  for (const { name, body } of [...captured, ...otlpJson]) {
    const rows = name.includes('.pb') ? decodeOtlpProto(body).spans : decodeOtlpJson(body.toString('utf8')).spans;
    assert.ok(rows.length > 0, name);
    expectRoundTrip(rows, name);
  }
});

test('every OTLP feature round-trips: int64 limits, NaN, ±Infinity, -0, bytes, nested values, empty values, flags, dropped counts', () => {
  const body = ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(everyFeatureRequest())).finish();
  const rows = decodeOtlpProto(body).spans;
  assert.equal(rows.length, 5);
  expectRoundTrip(rows, 'every feature');
});

/** Span rows sorted by identity, for payloads whose spans regrouping by resource reorders. */
function sortedRows(rows: SpanRow[]): SpanRow[] {
  const key = (s: SpanRow) => `${s.traceId}/${s.spanId}/${s.kind}/${s.startNs}/${s.name}`;
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

test('rows from the Zipkin and Jaeger receivers round-trip too (shared spans, 64-bit ids, endpoints)', () => {
  const payloads = [
    ...testdataFiles('zipkin', /\.json$/).map((name) => ({ name: `zipkin/${name}`, format: WireFormat.ZIPKIN_JSON })),
    ...testdataFiles('captured', /^nonjs-zipkin-.*\.json$/).map((name) => ({ name: `captured/${name}`, format: WireFormat.ZIPKIN_JSON })),
    ...testdataFiles('captured', /^nonjs-jaeger-.*\.thrift$/).map((name) => ({ name: `captured/${name}`, format: WireFormat.JAEGER_THRIFT })),
  ];
  assert.ok(payloads.length >= 10);
  for (const { name, format } of payloads) {
    const rows = decodePayload(format, testdataFile(...(name.split('/') as [string, string]))).spans;
    assert.ok(rows.length > 0, name);
    // These payloads interleave services, so grouping by resource changes the order.
    const bytes = spansToOtlpProto(rows);
    assert.deepStrictEqual(sortedRows(decodeOtlpProto(bytes).spans), sortedRows(rows), name);
    assert.deepStrictEqual(sortedRows(decodeWithProtobufjs(bytes)), sortedRows(rows), `${name}: protobufjs`);
  }
});


test('spans are grouped by resource and scope content, in the same layout as the OTLP/JSON output', () => {
  const rows = [otlpRow('a', 'x', '0000000000000001'), otlpRow('b', 'x', '0000000000000002'), otlpRow('a', 'y', '0000000000000003'), otlpRow('a', 'x', '0000000000000004')];
  const request = ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(spansToOtlpProto(rows)), { bytes: String }) as {
    resourceSpans: { resource: { attributes: { value: { stringValue: string } }[] }; scopeSpans: { scope: { name: string }; spans: { spanId: string }[] }[] }[];
  };
  const layout = request.resourceSpans.map((rs) => ({
    service: rs.resource.attributes[0].value.stringValue,
    scopes: rs.scopeSpans.map((ss) => [ss.scope.name, ss.spans.map((s) => Buffer.from(s.spanId, 'base64').toString('hex'))]),
  }));
  const jsonLayout = spansToOtlpJson(rows).resourceSpans.map((rs) => ({
    service: rs.resource.attributes[0].value.stringValue,
    scopes: rs.scopeSpans.map((ss) => [ss.scope.name, ss.spans.map((s) => s.spanId)]),
  }));
  assert.deepStrictEqual(layout, [
    { service: 'a', scopes: [['x', ['0000000000000001', '0000000000000004']], ['y', ['0000000000000003']]] },
    { service: 'b', scopes: [['x', ['0000000000000002']]] },
  ]);
  assert.deepStrictEqual(layout, jsonLayout);
});

test('wire details: long messages (multi-byte lengths), a negative enum, flags, a root span, status left out when unset', () => {
  const long = 'x'.repeat(20_000); // lengths of 3 bytes at every level
  const rows = [
    otlpRow('a', 'x', '0000000000000001', { attributes: [{ key: 'long', value: { stringValue: long } }], kind: -1, status: { code: 2, message: 'boom' } }),
    otlpRow('a', 'x', '0000000000000002', { parentSpanId: '0000000000000001', flags: 0x301 }),
  ];
  assert.equal(rows[0].kind, -1);
  expectRoundTrip(rows, 'long and negative');
  // An unset status is left out, as protobuf encoders leave defaults out; protobufjs reads an absent message as null.
  const bare = ExportTraceServiceRequest.decode(spansToOtlpProto([otlpRow('a', 'x', '0000000000000003')])) as unknown as {
    resourceSpans: { scopeSpans: { spans: { status: object | null; parentSpanId: Uint8Array }[] }[] }[];
  };
  const span = bare.resourceSpans[0].scopeSpans[0].spans[0];
  assert.equal(span.status, null);
  assert.equal(span.parentSpanId.length, 0, 'a root span has no parent_span_id');
  assert.equal(spansToOtlpProto([]).length, 0);
});

test('embedMessage writes the body as a length-delimited field, as TraceByIDResponse holds its Trace', () => {
  const body = spansToOtlpProto([otlpRow('a', 'x', '0000000000000001', { attributes: [{ key: 'k', value: { stringValue: 'v'.repeat(300) } }] })]);
  assert.ok(body.length > 300);
  const embedded = embedMessage(1, body);
  // tag: field 1, wire type 2; then the length as a varint (two bytes here), then the body.
  assert.equal(embedded[0], 0x0a);
  assert.equal((embedded[1] & 0x7f) | (embedded[2] << 7), body.length);
  assert.ok(embedded[1] & 0x80 && !(embedded[2] & 0x80));
  assert.deepStrictEqual(embedded.subarray(3), body);
  assert.deepStrictEqual([...embedMessage(1, new Uint8Array(0))], [0x0a, 0x00]);
});
