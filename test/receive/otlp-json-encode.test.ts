// spansToOtlpJson (src/model/otlp-json.ts): rows back to OTLP/JSON, which must decode to
// the same rows, and the shape the API serves.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spansToOtlpJson } from '../../src/model/otlp-json.ts';
import type { SpanRow } from '../../src/model/span.ts';
import { decodeOtlpJson } from '../../src/receive/otlp-json.ts';
import { decodeOtlpProto } from '../../src/receive/otlp-proto.ts';
import { otlpRow } from '../support/otlp-payloads.ts';
import { capturedBodies, everyFeatureRequest } from './fixtures.ts';
import { ExportTraceServiceRequest } from './protobufjs-oracle.ts';

function roundTrip(rows: SpanRow[]): SpanRow[] {
  const batch = decodeOtlpJson(JSON.stringify(spansToOtlpJson(rows)));
  assert.equal(batch.rejected, 0, batch.rejectReason);
  return batch.spans;
}

test('captured payloads round-trip through OTLP/JSON', () => {
  const captured = capturedBodies(/\.(pb|json)(\.gz)?$/).filter(({ name }) => !name.startsWith('nonjs-'));
  assert.ok(captured.length >= 8);
  for (const { name, body } of captured) {
    const rows = name.includes('.pb') ? decodeOtlpProto(body).spans : decodeOtlpJson(body.toString('utf8')).spans;
    assert.ok(rows.length > 0, name);
    assert.deepStrictEqual(roundTrip(rows), rows, name);
  }
});

test('every OTLP feature round-trips: int64 limits, NaN, ±Infinity, -0, bytes, nested values, empty values', () => {
  const body = ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(everyFeatureRequest())).finish();
  const rows = decodeOtlpProto(body).spans;
  assert.equal(rows.length, 5);
  assert.deepStrictEqual(roundTrip(rows), rows);
});

/** A row with the given resource and scope; everything else fixed. */
const row = (service: string, scopeName: string, spanId: string) =>
  otlpRow(service, scopeName, spanId, { kind: 2, attributes: [{ key: 'n', value: { intValue: '9007199254740993' } }], status: { code: 2, message: 'boom' } });

test('spans are grouped by resource and scope content, in order of first appearance', () => {
  // Each row has its own resource and scope objects, as rows read back from a store do.
  const rows = [row('a', 'x', '0000000000000001'), row('b', 'x', '0000000000000002'), row('a', 'y', '0000000000000003'), row('a', 'x', '0000000000000004')];
  const json = spansToOtlpJson(rows);
  const layout = json.resourceSpans.map((rs) => ({
    service: rs.resource.attributes[0].value.stringValue,
    scopes: rs.scopeSpans.map((ss) => [ss.scope.name, ss.spans.map((s) => s.spanId)]),
  }));
  assert.deepStrictEqual(layout, [
    { service: 'a', scopes: [['x', ['0000000000000001', '0000000000000004']], ['y', ['0000000000000003']]] },
    { service: 'b', scopes: [['x', ['0000000000000002']]] },
  ]);
});

test('OTLP/JSON conventions: hex ids, 64-bit integers and times as strings, enums as integers', () => {
  const span = spansToOtlpJson([row('a', 'x', '00f067aa0ba902b7')]).resourceSpans[0].scopeSpans[0].spans[0];
  assert.equal(span.traceId, '5b8efff798038103d269b633813fc60c');
  assert.equal(span.spanId, '00f067aa0ba902b7');
  assert.equal(span.parentSpanId, '');
  assert.equal(span.startTimeUnixNano, '1795600072097237614');
  assert.equal(span.endTimeUnixNano, '1795600072097237999');
  assert.equal(span.kind, 2);
  assert.deepStrictEqual(span.status, { message: 'boom', code: 2 });
  assert.deepStrictEqual(span.attributes, [{ key: 'n', value: { intValue: '9007199254740993' } }]);
});
