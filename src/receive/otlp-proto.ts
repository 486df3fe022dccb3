// Hand-written decoder for OTLP/protobuf trace requests: ExportTraceServiceRequest, the
// body of OTLP/HTTP protobuf and of the OTLP/gRPC Export call (same wire form as
// TracesData). It reads the bytes once and fills SpanRows directly: no generated message
// objects, no closures per field. This is the ingest hot path (see bench/decode.ts).
//
// Field numbers are those of opentelemetry-proto (collector/trace/v1/trace_service.proto,
// trace/v1/trace.proto, common/v1/common.proto, resource/v1/resource.proto); each `case`
// names its field.
//
// Decisions:
// - Unknown fields are skipped by wire type, so newer senders' additions do no harm.
//   Anything malformed (truncated data, a length past the end of its message, an invalid
//   wire type, a varint over 10 bytes, a known field with the wrong wire type) throws
//   OtlpDecodeError naming the problem and the byte offset.
// - Strings: invalid UTF-8 is replaced with U+FFFD (Node's Buffer decoding, the WHATWG
//   rule), not refused: one bad byte in an attribute is no reason to lose the span.
//   Making strings is most of the work; recurring ones come from a cache (see "strings").
// - Times (fixed64) are bigint and exact; int64 attribute values are bigint (a negative
//   one arrives as a 10-byte varint).
// - Ids become lowercase hex. The rules on them are SpanBatchBuilder's (otlp-common.ts).
// - A field that appears twice: the last value wins; repeated fields accumulate; an
//   embedded resource, scope or status that appears twice is merged, as protobuf says.
import { jsonDouble, type AnyValueJson, type KeyValueJson } from '../model/otlp-json.ts';
import {
  emptyResource,
  emptyScope,
  emptySpanRow,
  type Attributes,
  type DecodedBatch,
  type Resource,
  type Scope,
  type SpanEvent,
  type SpanLink,
  type SpanRow,
} from '../model/span.ts';
import { hexOf16Bytes, hexOf8Bytes, nodeBuffer, utf8Text, type NodeBuffer } from '../model/bytes-to-text.ts';
import type { DecodeError } from './decode-error.ts';
import {
  MAX_NESTING,
  newSpanEvent,
  newSpanLink,
  OtlpDecodeError,
  SpanBatchBuilder,
} from './otlp-common.ts';

export function decodeOtlpProto(body: Uint8Array): DecodedBatch {
  const reader = new ProtoReader(body);
  const batch = new SpanBatchBuilder(true);
  const end = body.length;
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag >>> 3 === 1) decodeResourceSpans(reader, reader.lengthDelimited(tag, end), batch); // resource_spans
    else reader.skip(tag, end);
  }
  return batch.finish();
}

// Each decodeX reads one embedded message X that ends at `end` (the reader is at its first
// field) and leaves the reader at `end`.

function decodeResourceSpans(reader: ProtoReader, end: number, batch: SpanBatchBuilder): void {
  // Created before the fields are read: spans refer to it, and the resource itself may
  // come after them on the wire.
  const resource = emptyResource();
  batch.beginResource();
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1: // resource
        decodeResource(reader, reader.lengthDelimited(tag, end), resource);
        break;
      case 2: // scope_spans
        decodeScopeSpans(reader, reader.lengthDelimited(tag, end), resource, batch);
        break;
      case 3: // schema_url
        resource.schemaUrl = reader.string(tag, end);
        break;
      default:
        reader.skip(tag, end);
    }
  }
  reader.finishMessage(end);
  batch.endResource(resource);
}

function decodeResource(reader: ProtoReader, end: number, resource: Resource): void {
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1: // attributes
        decodeKeyValue(reader, reader.lengthDelimited(tag, end), resource.attributes);
        break;
      case 2: // dropped_attributes_count
        resource.droppedAttributesCount = reader.uint32(tag);
        break;
      default: // entity_refs and anything newer
        reader.skip(tag, end);
    }
  }
  reader.finishMessage(end);
}

function decodeScopeSpans(reader: ProtoReader, end: number, resource: Resource, batch: SpanBatchBuilder): void {
  const scope = emptyScope(); // before the fields, as with the resource
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1: // scope
        decodeScope(reader, reader.lengthDelimited(tag, end), scope);
        break;
      case 2: // spans
        decodeSpan(reader, reader.lengthDelimited(tag, end), resource, scope, batch);
        break;
      case 3: // schema_url
        scope.schemaUrl = reader.string(tag, end);
        break;
      default:
        reader.skip(tag, end);
    }
  }
  reader.finishMessage(end);
}

function decodeScope(reader: ProtoReader, end: number, scope: Scope): void {
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1: // name
        scope.name = reader.string(tag, end);
        break;
      case 2: // version
        scope.version = reader.string(tag, end);
        break;
      case 3: // attributes
        decodeKeyValue(reader, reader.lengthDelimited(tag, end), scope.attributes);
        break;
      case 4: // dropped_attributes_count
        scope.droppedAttributesCount = reader.uint32(tag);
        break;
      default:
        reader.skip(tag, end);
    }
  }
  reader.finishMessage(end);
}

function decodeSpan(reader: ProtoReader, end: number, resource: Resource, scope: Scope, batch: SpanBatchBuilder): void {
  const span = emptySpanRow(resource, scope);
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1: // trace_id
        span.traceId = reader.id(tag, end);
        break;
      case 2: // span_id
        span.spanId = reader.id(tag, end);
        break;
      case 3: // trace_state
        span.traceState = reader.string(tag, end);
        break;
      case 4: // parent_span_id
        span.parentSpanId = reader.id(tag, end);
        break;
      case 5: // name
        span.name = reader.string(tag, end);
        break;
      case 6: // kind
        span.kind = reader.enumValue(tag);
        break;
      case 7: // start_time_unix_nano
        span.startNs = reader.fixed64(tag);
        break;
      case 8: // end_time_unix_nano
        span.endNs = reader.fixed64(tag);
        break;
      case 9: // attributes
        decodeKeyValue(reader, reader.lengthDelimited(tag, end), span.attributes);
        break;
      case 10: // dropped_attributes_count
        span.droppedAttributesCount = reader.uint32(tag);
        break;
      case 11: // events
        span.events.push(decodeEvent(reader, reader.lengthDelimited(tag, end)));
        break;
      case 12: // dropped_events_count
        span.droppedEventsCount = reader.uint32(tag);
        break;
      case 13: // links
        span.links.push(decodeLink(reader, reader.lengthDelimited(tag, end)));
        break;
      case 14: // dropped_links_count
        span.droppedLinksCount = reader.uint32(tag);
        break;
      case 15: // status
        decodeStatus(reader, reader.lengthDelimited(tag, end), span);
        break;
      case 16: // flags
        span.flags = reader.fixed32(tag);
        break;
      default:
        reader.skip(tag, end);
    }
  }
  reader.finishMessage(end);
  batch.addSpan(span);
}

function decodeEvent(reader: ProtoReader, end: number): SpanEvent {
  const event = newSpanEvent();
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1: // time_unix_nano
        event.timeNs = reader.fixed64(tag);
        break;
      case 2: // name
        event.name = reader.string(tag, end);
        break;
      case 3: // attributes
        decodeKeyValue(reader, reader.lengthDelimited(tag, end), event.attributes);
        break;
      case 4: // dropped_attributes_count
        event.droppedAttributesCount = reader.uint32(tag);
        break;
      default:
        reader.skip(tag, end);
    }
  }
  reader.finishMessage(end);
  return event;
}

function decodeLink(reader: ProtoReader, end: number): SpanLink {
  const link = newSpanLink();
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1: // trace_id
        link.traceId = reader.id(tag, end);
        break;
      case 2: // span_id
        link.spanId = reader.id(tag, end);
        break;
      case 3: // trace_state
        link.traceState = reader.string(tag, end);
        break;
      case 4: // attributes
        decodeKeyValue(reader, reader.lengthDelimited(tag, end), link.attributes);
        break;
      case 5: // dropped_attributes_count
        link.droppedAttributesCount = reader.uint32(tag);
        break;
      case 6: // flags
        link.flags = reader.fixed32(tag);
        break;
      default:
        reader.skip(tag, end);
    }
  }
  reader.finishMessage(end);
  return link;
}

function decodeStatus(reader: ProtoReader, end: number, span: SpanRow): void {
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 2: // message
        span.statusMessage = reader.string(tag, end);
        break;
      case 3: // code
        span.statusCode = reader.enumValue(tag);
        break;
      default: // 1 is the retired deprecated_code
        reader.skip(tag, end);
    }
  }
  reader.finishMessage(end);
}

// Which member of an attribute's AnyValue was read.
const STRING_VALUE = 0;
const BOOL_VALUE = 1;
const INT_VALUE = 2;
const DOUBLE_VALUE = 3;
/** array, kvlist, bytes, or no value at all: kept as OTLP/JSON text */
const OTHER_VALUE = 4;
/** OTLP/JSON text of an AnyValue with no value set. */
const EMPTY_ANY_VALUE_TEXT = '{}';

/** A KeyValue, with its AnyValue read in place, appended to the column of its type. */
function decodeKeyValue(reader: ProtoReader, end: number, attributes: Attributes): void {
  let key = '';
  let valueType = OTHER_VALUE;
  let stringValue = '';
  let boolValue = false;
  let intValue = 0n;
  let doubleValue = 0;
  let otherValue = EMPTY_ANY_VALUE_TEXT;
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1: // key
        key = reader.string(tag, end);
        break;
      case 2: {
        // value: an AnyValue, a oneof
        const valueEnd = reader.lengthDelimited(tag, end);
        while (reader.pos < valueEnd) {
          const valueTag = reader.tag();
          switch (valueTag >>> 3) {
            case 1: // string_value
              valueType = STRING_VALUE;
              stringValue = reader.string(valueTag, valueEnd);
              break;
            case 2: // bool_value
              valueType = BOOL_VALUE;
              boolValue = reader.bool(valueTag);
              break;
            case 3: // int_value
              valueType = INT_VALUE;
              intValue = reader.int64(valueTag);
              break;
            case 4: // double_value
              valueType = DOUBLE_VALUE;
              doubleValue = reader.double(valueTag);
              break;
            default: {
              const member = readAnyValueMember(reader, valueTag, valueEnd, 0);
              if (member !== undefined) {
                valueType = OTHER_VALUE;
                otherValue = JSON.stringify(member);
              }
            }
          }
        }
        reader.finishMessage(valueEnd);
        break;
      }
      default:
        reader.skip(tag, end);
    }
  }
  reader.finishMessage(end);

  switch (valueType) {
    case STRING_VALUE:
      attributes.strKeys.push(key);
      attributes.strValues.push(stringValue);
      break;
    case BOOL_VALUE:
      attributes.boolKeys.push(key);
      attributes.boolValues.push(boolValue);
      break;
    case INT_VALUE:
      attributes.intKeys.push(key);
      attributes.intValues.push(intValue);
      break;
    case DOUBLE_VALUE:
      attributes.dblKeys.push(key);
      attributes.dblValues.push(doubleValue);
      break;
    default:
      attributes.otherKeys.push(key);
      attributes.otherValues.push(otherValue);
  }
}

// AnyValues kept as text (arrays, key-value lists, bytes, and whatever they hold) are read
// into their OTLP/JSON form. They are rare, so plain objects are fine here.

/** One member of AnyValue's oneof (field `tag`), or undefined for a field it does not know. */
function readAnyValueMember(reader: ProtoReader, tag: number, end: number, depth: number): AnyValueJson | undefined {
  switch (tag >>> 3) {
    case 1:
      return { stringValue: reader.string(tag, end) };
    case 2:
      return { boolValue: reader.bool(tag) };
    case 3:
      return { intValue: reader.int64(tag).toString() };
    case 4:
      return { doubleValue: jsonDouble(reader.double(tag)) };
    case 5: // array_value: ArrayValue { repeated AnyValue values = 1 }
      return { arrayValue: { values: readArrayValues(reader, reader.lengthDelimited(tag, end), depth + 1) } };
    case 6: // kvlist_value: KeyValueList { repeated KeyValue values = 1 }
      return { kvlistValue: { values: readKeyValueList(reader, reader.lengthDelimited(tag, end), depth + 1) } };
    case 7: // bytes_value
      return { bytesValue: reader.base64(tag, end) };
    default:
      reader.skip(tag, end);
      return undefined;
  }
}

function readAnyValue(reader: ProtoReader, end: number, depth: number): AnyValueJson {
  if (depth > MAX_NESTING) throw new OtlpDecodeError(`AnyValue nested deeper than ${MAX_NESTING} levels at offset ${reader.pos}`);
  let value: AnyValueJson = {};
  while (reader.pos < end) {
    const tag = reader.tag();
    value = readAnyValueMember(reader, tag, end, depth) ?? value;
  }
  reader.finishMessage(end);
  return value;
}

function readArrayValues(reader: ProtoReader, end: number, depth: number): AnyValueJson[] {
  const values: AnyValueJson[] = [];
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag >>> 3 === 1) values.push(readAnyValue(reader, reader.lengthDelimited(tag, end), depth));
    else reader.skip(tag, end);
  }
  reader.finishMessage(end);
  return values;
}

function readKeyValueList(reader: ProtoReader, end: number, depth: number): KeyValueJson[] {
  const values: KeyValueJson[] = [];
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag >>> 3 === 1) values.push(readKeyValue(reader, reader.lengthDelimited(tag, end), depth));
    else reader.skip(tag, end);
  }
  reader.finishMessage(end);
  return values;
}

function readKeyValue(reader: ProtoReader, end: number, depth: number): KeyValueJson {
  let key = '';
  let value: AnyValueJson = {};
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        key = reader.string(tag, end);
        break;
      case 2:
        value = readAnyValue(reader, reader.lengthDelimited(tag, end), depth);
        break;
      default:
        reader.skip(tag, end);
    }
  }
  reader.finishMessage(end);
  return { key, value };
}

// ---- the wire format ----

// Protobuf wire types.
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const START_GROUP = 3;
const END_GROUP = 4;
const FIXED32 = 5;
const WIRE_TYPE_NAMES = ['varint', '64-bit', 'length-delimited', 'start-group', 'end-group', '32-bit'];

/** For the rare int64 that does not fit in 32 bits: two 32-bit halves in, one bigint out. */
const int64Scratch = new DataView(new ArrayBuffer(8));

/**
 * A cursor over the request body. Every reader of a known field takes the field's tag
 * and checks its wire type first; lengths are checked against the enclosing message's end.
 * Exported for the other protobuf decoders (zipkin-proto.ts), which pass the DecodeError
 * their format throws.
 */
export class ProtoReader {
  private readonly bytes: NodeBuffer;
  private readonly view: DataView;
  pos = 0;
  /** Where the field being read starts, for error messages. */
  private fieldStart = 0;

  constructor(
    body: Uint8Array,
    private readonly DecodeErrorType: new (message: string) => DecodeError = OtlpDecodeError,
  ) {
    this.bytes = nodeBuffer(body);
    this.view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  }

  /** Reads a field's tag: field number << 3 | wire type. */
  tag(): number {
    this.fieldStart = this.pos;
    const tag = this.varint32();
    if (tag >>> 3 === 0) throw new this.DecodeErrorType(`invalid field number 0 at offset ${this.fieldStart}`);
    return tag;
  }

  /**
   * Reads the length of a length-delimited field and returns where its payload ends; the
   * reader is then at the payload's start. `limit` is the end of the enclosing message.
   */
  lengthDelimited(tag: number, limit: number): number {
    this.expectWireType(tag, LENGTH_DELIMITED);
    const length = this.varint32();
    if (length > limit - this.pos) {
      throw new this.DecodeErrorType(
        `truncated length-delimited field ${tag >>> 3} at offset ${this.fieldStart}: ${length} bytes declared, ${limit - this.pos} left`,
      );
    }
    return this.pos + length;
  }

  /** Checks that an embedded message's last field ended exactly at its end. */
  finishMessage(end: number): void {
    if (this.pos !== end) {
      throw new this.DecodeErrorType(`field at offset ${this.fieldStart} runs past the end of its message at offset ${end}`);
    }
  }

  string(tag: number, limit: number): string {
    const end = this.lengthDelimited(tag, limit);
    const start = this.pos;
    this.pos = end;
    const length = end - start;
    return utf8Text(this.bytes, this.view, start, length);
  }

  /** A trace or span id as lowercase hex, whatever its length (SpanBatchBuilder judges it). */
  id(tag: number, limit: number): string {
    const end = this.lengthDelimited(tag, limit);
    const start = this.pos;
    this.pos = end;
    switch (end - start) {
      case 16:
        return hexOf16Bytes(this.bytes, start);
      case 8:
        return hexOf8Bytes(this.bytes, start);
      default:
        return this.bytes.toString('hex', start, end);
    }
  }

  base64(tag: number, limit: number): string {
    const end = this.lengthDelimited(tag, limit);
    const text = this.bytes.toString('base64', this.pos, end);
    this.pos = end;
    return text;
  }

  uint32(tag: number): number {
    this.expectWireType(tag, VARINT);
    return this.varint32();
  }

  /** Enums are int32 on the wire: a negative one is sign-extended to 10 bytes. */
  enumValue(tag: number): number {
    this.expectWireType(tag, VARINT);
    return this.varint32() | 0;
  }

  bool(tag: number): boolean {
    this.expectWireType(tag, VARINT);
    return this.varint32() !== 0;
  }

  /** int64 as an exact bigint: a Number would lose precision above 2^53. */
  int64(tag: number): bigint {
    this.expectWireType(tag, VARINT);
    const bytes = this.bytes;
    const start = this.pos;
    let pos = start;
    let low = 0; // bits 0..31
    let high = 0; // bits 32..63
    for (let shift = 0; shift < 70; shift += 7) {
      if (pos >= bytes.length) throw new this.DecodeErrorType(`truncated varint at offset ${start}`);
      const byte = bytes[pos++];
      const bits = byte & 0x7f;
      if (shift < 28) {
        low |= bits << shift;
      } else if (shift === 28) {
        low |= bits << 28;
        high = bits >>> 4;
      } else {
        high |= bits << (shift - 32);
      }
      if (byte < 0x80) {
        this.pos = pos;
        if (high === 0) return BigInt(low >>> 0);
        int64Scratch.setUint32(0, low, true);
        int64Scratch.setUint32(4, high, true);
        return int64Scratch.getBigInt64(0, true);
      }
    }
    throw new this.DecodeErrorType(`varint longer than 10 bytes at offset ${start}`);
  }

  fixed32(tag: number): number {
    this.expectWireType(tag, FIXED32);
    this.need(4);
    const value = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return value;
  }

  fixed64(tag: number): bigint {
    this.expectWireType(tag, FIXED64);
    this.need(8);
    const value = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return value;
  }

  double(tag: number): number {
    this.expectWireType(tag, FIXED64);
    this.need(8);
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** Skips a field this decoder does not know, by its wire type. */
  skip(tag: number, limit: number, depth = 0): void {
    switch (tag & 7) {
      case VARINT:
        this.varint32();
        return;
      case FIXED64:
        this.need(8);
        this.pos += 8;
        return;
      case LENGTH_DELIMITED:
        this.pos = this.lengthDelimited(tag, limit);
        return;
      case FIXED32:
        this.need(4);
        this.pos += 4;
        return;
      case START_GROUP: // proto2 groups: obsolete, but valid on the wire
        this.skipGroup(tag >>> 3, limit, depth + 1);
        return;
      default: // an end-group without its start, or no wire type at all (6, 7)
        throw new this.DecodeErrorType(`unexpected wire type ${tag & 7} (field ${tag >>> 3}) at offset ${this.fieldStart}`);
    }
  }

  private skipGroup(field: number, limit: number, depth: number): void {
    const start = this.fieldStart;
    if (depth > MAX_NESTING) throw new this.DecodeErrorType(`groups nested deeper than ${MAX_NESTING} levels at offset ${start}`);
    for (;;) {
      if (this.pos >= limit) throw new this.DecodeErrorType(`unterminated group (field ${field}) at offset ${start}`);
      const tag = this.tag();
      if ((tag & 7) === END_GROUP) {
        if (tag >>> 3 !== field) throw new this.DecodeErrorType(`group (field ${field}) at offset ${start} ended by field ${tag >>> 3}`);
        return;
      }
      this.skip(tag, limit, depth);
    }
  }

  /**
   * A varint, keeping its low 32 bits (what a 32-bit field or a sign-extended negative
   * enum means); up to 10 bytes are valid.
   */
  private varint32(): number {
    const bytes = this.bytes;
    const start = this.pos;
    if (start < bytes.length && bytes[start] < 0x80) {
      this.pos = start + 1;
      return bytes[start];
    }
    let pos = start;
    let value = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (pos >= bytes.length) throw new this.DecodeErrorType(`truncated varint at offset ${start}`);
      const byte = bytes[pos++];
      if (shift < 32) value |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.pos = pos;
        return value >>> 0;
      }
    }
    throw new this.DecodeErrorType(`varint longer than 10 bytes at offset ${start}`);
  }

  private need(byteCount: number): void {
    if (this.pos + byteCount > this.bytes.length) {
      throw new this.DecodeErrorType(`truncated ${byteCount * 8}-bit field at offset ${this.fieldStart}`);
    }
  }

  private expectWireType(tag: number, wireType: number): void {
    if ((tag & 7) !== wireType) {
      throw new this.DecodeErrorType(
        `field ${tag >>> 3} at offset ${this.fieldStart} has wire type ${tag & 7}, expected ${wireType} (${WIRE_TYPE_NAMES[wireType]})`,
      );
    }
  }
}

