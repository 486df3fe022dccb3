// Skein's span rows back into OTLP protobuf: TracesData, the same bytes as an
// ExportTraceServiceRequest and as Tempo's `tempopb.Trace` (all three are `repeated
// ResourceSpans = 1`), for APIs that answer a trace in protobuf (Tempo's, for Grafana).
// It is the inverse of src/receive/otlp-proto.ts, with the same field numbers
// (opentelemetry-proto trace/v1/trace.proto, common/v1/common.proto,
// resource/v1/resource.proto): decodeOtlpProto(spansToOtlpProto(rows)) gives the rows back.
//
// Spans are grouped as spansToOtlpJson groups them (groupSpans). Fields at their proto3
// default are left out, as protobuf encoders do, except the members of AnyValue's oneof,
// which say the value's type and so are always written (an empty string is still a string).
import type { AnyValueJson, KeyValueJson } from './otlp-json.ts';
import { groupSpans } from './otlp-json.ts';
import type { Attributes, Resource, Scope, SpanEvent, SpanLink, SpanRow } from './span.ts';

export function spansToOtlpProto(spans: readonly SpanRow[]): Uint8Array<ArrayBuffer> {
  const writer = new ProtoWriter();
  for (const { resource, scopes } of groupSpans(spans)) {
    writer.message(1, () => {
      // TracesData.resource_spans
      writer.message(1, () => writeResource(writer, resource)); // resource
      for (const { scope, spans: scopeSpans } of scopes) {
        writer.message(2, () => {
          // scope_spans
          writer.message(1, () => writeScope(writer, scope)); // scope
          for (const span of scopeSpans) writer.message(2, () => writeSpan(writer, span)); // spans
          writer.string(3, scope.schemaUrl); // schema_url
        });
      }
      writer.string(3, resource.schemaUrl); // schema_url
    });
  }
  return writer.finish();
}

/** `body` as field `field` of an enclosing message, e.g. a Trace inside Tempo's TraceByIDResponse. */
export function embedMessage(field: number, body: Uint8Array): Uint8Array<ArrayBuffer> {
  const writer = new ProtoWriter();
  writer.bytes(field, body, true);
  return writer.finish();
}

function writeResource(writer: ProtoWriter, resource: Resource): void {
  writeAttributes(writer, 1, resource.attributes); // attributes
  writer.uint32(2, resource.droppedAttributesCount); // dropped_attributes_count
}

function writeScope(writer: ProtoWriter, scope: Scope): void {
  writer.string(1, scope.name); // name
  writer.string(2, scope.version); // version
  writeAttributes(writer, 3, scope.attributes); // attributes
  writer.uint32(4, scope.droppedAttributesCount); // dropped_attributes_count
}

function writeSpan(writer: ProtoWriter, span: SpanRow): void {
  writer.hexId(1, span.traceId); // trace_id
  writer.hexId(2, span.spanId); // span_id
  writer.string(3, span.traceState); // trace_state
  writer.hexId(4, span.parentSpanId); // parent_span_id ('' for a root: left out)
  writer.string(5, span.name); // name
  writer.int32(6, span.kind); // kind
  writer.fixed64(7, span.startNs); // start_time_unix_nano
  writer.fixed64(8, span.endNs); // end_time_unix_nano
  writeAttributes(writer, 9, span.attributes); // attributes
  writer.uint32(10, span.droppedAttributesCount); // dropped_attributes_count
  for (const event of span.events) writer.message(11, () => writeEvent(writer, event)); // events
  writer.uint32(12, span.droppedEventsCount); // dropped_events_count
  for (const link of span.links) writer.message(13, () => writeLink(writer, link)); // links
  writer.uint32(14, span.droppedLinksCount); // dropped_links_count
  if (span.statusMessage !== '' || span.statusCode !== 0) {
    writer.message(15, () => {
      // status
      writer.string(2, span.statusMessage); // message
      writer.int32(3, span.statusCode); // code
    });
  }
  writer.fixed32(16, span.flags); // flags
}

function writeEvent(writer: ProtoWriter, event: SpanEvent): void {
  writer.fixed64(1, event.timeNs); // time_unix_nano
  writer.string(2, event.name); // name
  writeAttributes(writer, 3, event.attributes); // attributes
  writer.uint32(4, event.droppedAttributesCount); // dropped_attributes_count
}

function writeLink(writer: ProtoWriter, link: SpanLink): void {
  writer.hexId(1, link.traceId); // trace_id
  writer.hexId(2, link.spanId); // span_id
  writer.string(3, link.traceState); // trace_state
  writeAttributes(writer, 4, link.attributes); // attributes
  writer.uint32(5, link.droppedAttributesCount); // dropped_attributes_count
  writer.fixed32(6, link.flags); // flags
}

// AnyValue members.
const STRING_VALUE = 1;
const BOOL_VALUE = 2;
const INT_VALUE = 3;
const DOUBLE_VALUE = 4;
const ARRAY_VALUE = 5;
const KVLIST_VALUE = 6;
const BYTES_VALUE = 7;

/** The typed columns as repeated KeyValue (key = 1, value = 2), one type after another, as spansToOtlpJson orders them. */
function writeAttributes(writer: ProtoWriter, field: number, attributes: Attributes): void {
  const keyValue = (key: string, writeValue: () => void) =>
    writer.message(field, () => {
      writer.string(1, key);
      writer.message(2, writeValue);
    });
  attributes.strKeys.forEach((key, i) => keyValue(key, () => writer.string(STRING_VALUE, attributes.strValues[i], true)));
  attributes.intKeys.forEach((key, i) => keyValue(key, () => writer.int64(INT_VALUE, attributes.intValues[i], true)));
  attributes.dblKeys.forEach((key, i) => keyValue(key, () => writer.double(DOUBLE_VALUE, attributes.dblValues[i])));
  attributes.boolKeys.forEach((key, i) => keyValue(key, () => writer.bool(BOOL_VALUE, attributes.boolValues[i])));
  // Arrays, key-value lists and bytes are kept as OTLP/JSON AnyValue text (see Attributes).
  attributes.otherKeys.forEach((key, i) => keyValue(key, () => writeAnyValue(writer, JSON.parse(attributes.otherValues[i]) as AnyValueJson)));
}

/** The members of an AnyValue message from its OTLP/JSON form; nothing for an empty value. */
function writeAnyValue(writer: ProtoWriter, value: AnyValueJson): void {
  if (value.stringValue !== undefined) return writer.string(STRING_VALUE, value.stringValue, true);
  if (value.boolValue !== undefined) return writer.bool(BOOL_VALUE, value.boolValue);
  if (value.intValue !== undefined) return writer.int64(INT_VALUE, BigInt(value.intValue), true);
  // Number() also reads the strings jsonDouble writes: "NaN", "Infinity", "-Infinity", "-0".
  if (value.doubleValue !== undefined) return writer.double(DOUBLE_VALUE, Number(value.doubleValue));
  if (value.bytesValue !== undefined) return writer.bytes(BYTES_VALUE, Buffer.from(value.bytesValue, 'base64'), true);
  const array = value.arrayValue?.values;
  // ArrayValue { repeated AnyValue values = 1 }
  if (array !== undefined) return writer.message(ARRAY_VALUE, () => array.forEach((element) => writer.message(1, () => writeAnyValue(writer, element))));
  const kvlist = value.kvlistValue?.values;
  // KeyValueList { repeated KeyValue values = 1 }
  if (kvlist !== undefined) writer.message(KVLIST_VALUE, () => kvlist.forEach((kv) => writer.message(1, () => writeKeyValue(writer, kv))));
}

function writeKeyValue(writer: ProtoWriter, kv: KeyValueJson): void {
  writer.string(1, kv.key);
  writer.message(2, () => writeAnyValue(writer, kv.value));
}

// ---- the wire format ----

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/**
 * Appends protobuf fields to a growing buffer. An embedded message is written in place:
 * one byte is kept for its length, and the body is moved along when the length needs
 * more (a body of 128 bytes or more). That is a copy per level of nesting, cheaper than
 * sizing every message before writing it or building each one in a buffer of its own.
 */
class ProtoWriter {
  private buffer = Buffer.allocUnsafe(4096);
  private pos = 0;

  finish(): Uint8Array<ArrayBuffer> {
    // A copy the size of the message, so the spare capacity is not kept alive.
    return new Uint8Array(this.buffer.subarray(0, this.pos));
  }

  message(field: number, writeBody: () => void): void {
    this.tag(field, LENGTH_DELIMITED);
    this.reserve(1);
    const lengthAt = this.pos++;
    writeBody();
    const length = this.pos - lengthAt - 1;
    const lengthBytes = varintSize(length);
    if (lengthBytes > 1) {
      this.reserve(lengthBytes - 1);
      this.buffer.copyWithin(lengthAt + lengthBytes, lengthAt + 1, this.pos);
      this.pos += lengthBytes - 1;
    }
    this.writeVarintAt(lengthAt, length);
  }

  /** A string field; an empty one is left out unless `always` (a oneof member). */
  string(field: number, value: string, always = false): void {
    if (value === '' && !always) return;
    const length = Buffer.byteLength(value);
    this.tag(field, LENGTH_DELIMITED);
    this.varint(length);
    this.reserve(length);
    this.pos += this.buffer.write(value, this.pos, length, 'utf8');
  }

  bytes(field: number, value: Uint8Array, always = false): void {
    if (value.length === 0 && !always) return;
    this.tag(field, LENGTH_DELIMITED);
    this.varint(value.length);
    this.reserve(value.length);
    this.buffer.set(value, this.pos);
    this.pos += value.length;
  }

  /** An id kept as lowercase hex, written as its bytes; '' (no parent) is left out. */
  hexId(field: number, hex: string): void {
    if (hex === '') return;
    const length = hex.length >> 1;
    this.tag(field, LENGTH_DELIMITED);
    this.varint(length);
    this.reserve(length);
    this.pos += this.buffer.write(hex, this.pos, length, 'hex');
  }

  uint32(field: number, value: number): void {
    if (value === 0) return;
    this.tag(field, VARINT);
    this.varint(value);
  }

  /** int32 and enums: a negative value is sign-extended to 10 bytes, as protobuf specifies. */
  int32(field: number, value: number): void {
    if (value === 0) return;
    this.tag(field, VARINT);
    if (value < 0) this.varint64(BigInt.asUintN(64, BigInt(value)));
    else this.varint(value);
  }

  int64(field: number, value: bigint, always = false): void {
    if (value === 0n && !always) return;
    this.tag(field, VARINT);
    this.varint64(BigInt.asUintN(64, value));
  }

  /** A bool oneof member: always written. */
  bool(field: number, value: boolean): void {
    this.tag(field, VARINT);
    this.varint(value ? 1 : 0);
  }

  /** A double oneof member: always written, bit for bit (NaN, -0). */
  double(field: number, value: number): void {
    this.tag(field, FIXED64);
    this.reserve(8);
    this.buffer.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  fixed32(field: number, value: number): void {
    if (value === 0) return;
    this.tag(field, FIXED32);
    this.reserve(4);
    this.buffer.writeUInt32LE(value >>> 0, this.pos);
    this.pos += 4;
  }

  fixed64(field: number, value: bigint): void {
    if (value === 0n) return;
    this.tag(field, FIXED64);
    this.reserve(8);
    this.buffer.writeBigUInt64LE(BigInt.asUintN(64, value), this.pos);
    this.pos += 8;
  }

  private tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  /** A non-negative number below 2^32. */
  private varint(value: number): void {
    this.reserve(5);
    this.pos = this.writeVarintAt(this.pos, value);
  }

  private varint64(value: bigint): void {
    this.reserve(10);
    let rest = value;
    while (rest > 0x7fn) {
      this.buffer[this.pos++] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    this.buffer[this.pos++] = Number(rest);
  }

  /** Writes a varint at `at` and returns the position after it. */
  private writeVarintAt(at: number, value: number): number {
    let rest = value >>> 0;
    let pos = at;
    while (rest > 0x7f) {
      this.buffer[pos++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    this.buffer[pos++] = rest;
    return pos;
  }

  private reserve(byteCount: number): void {
    if (this.pos + byteCount <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.pos + byteCount));
    this.buffer.copy(grown, 0, 0, this.pos);
    this.buffer = grown;
  }
}

function varintSize(value: number): number {
  let size = 1;
  for (let rest = value >>> 7; rest > 0; rest >>>= 7) size++;
  return size;
}
