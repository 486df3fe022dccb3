// Hand-written decoder for Jaeger Thrift: a `Batch` (jaegertracing/jaeger-idl
// thrift/jaeger.thrift) in the Thrift binary protocol, the body that Jaeger clients and the
// OpenTelemetry Jaeger exporters POST to /api/traces (Content-Type application/x-thrift).
// It reads the bytes once and fills SpanRows directly.
//
// Binary protocol: a struct is a run of fields, each a type byte and a big-endian i16
// field id, ended by a STOP (0) byte; strings and binaries are an i32 length and the bytes;
// a list or set is an element type byte and an i32 size; a map a key type, a value type
// and an i32 size; numbers are big-endian.
//
// Decisions:
// - Unknown fields are skipped by type (newer IDL additions do no harm). A known field
//   sent with another type is skipped too, as Thrift's generated readers do. Anything
//   malformed (truncated data, an invalid type byte, a negative size, a list or map
//   claiming more elements than the remaining bytes could hold, a list of known elements
//   with the wrong element type, nesting deeper than MAX_NESTING, bytes after the Batch)
//   throws JaegerDecodeError naming the problem and the byte offset. Sizes are checked
//   before anything is read or allocated, so a hostile size costs nothing.
// - Ids: i64s, read as 8 big-endian bytes, so a negative one is its two's complement as an
//   unsigned 64-bit number. traceId = high then low as 32 lowercase hex digits. The id
//   rules (all-zero ids refused and counted) are SpanBatchBuilder's, as for OTLP.
// - Parent: parentSpanId when it is not 0; otherwise the first CHILD_OF reference within
//   the same trace. The other references become links, with the attribute
//   `opentracing.ref_type` (child_of / follows_from) as the OTel Collector writes it; a
//   CHILD_OF reference to the parent itself is not repeated as a link.
// - Times: startTime and duration are µs; startNs = startTime*1000, endNs = startNs +
//   duration*1000, exact bigints. A negative startTime, duration or log timestamp, or one
//   whose nanoseconds do not fit the store's unsigned 64 bits (past the year 2554), throws
//   JaegerDecodeError naming the span by trace and span id, as the Zipkin decoders refuse
//   such times: no client sends them, and the store could not hold them.
// - Tags become typed attributes: STRING → str, DOUBLE → dbl, BOOL → bool, LONG → int,
//   BINARY → other as OTLP/JSON {"bytesValue": base64}. An unknown tag type becomes the
//   string "<Unknown Jaeger TagType N>" (as the Collector does).
// - Special span tags, as the OTel Collector's Jaeger receiver maps them (and removes them
//   from the attributes): `span.kind` (client/server/producer/consumer/internal) → kind
//   (other values stay attributes); `error`=true (bool) → status ERROR, and then
//   `otel.status_description` → status message; otherwise `otel.status_code` (OK/ERROR)
//   → status with `otel.status_description` as message (`otel.status_code` is always
//   removed; a description that sets nothing stays an attribute); `w3c.tracestate` →
//   traceState; `otel.scope.name`/`otel.library.name` and `otel.scope.version`/
//   `otel.library.version` → the span's Scope. Not done: the Collector's fallback that
//   derives an error status from `http.status_code`.
// - Process → one Resource for the whole batch: `service.name` from serviceName, then its
//   tags. Scopes: one per distinct (name, version) from the tags above, shared by the spans
//   that name it; spans that name none share the scope named 'jaeger'.
// - Logs → events: timestamp µs → ns; name from the `event` field (removed from the
//   attributes) when it is a string, else '' (as the OTel Collector leaves it, so Jaeger's
//   query API gives the fields back as sent, with no `event` field); the other fields are
//   the attributes.
// - flags (Jaeger: 1 sampled, 2 debug) → flags as an unsigned 32-bit number.
// - Strings: invalid UTF-8 becomes U+FFFD, as in the OTLP decoders.
// - A field that appears twice: the last value wins; lists accumulate.
import {
  emptyAttributes,
  emptyResource,
  emptyScope,
  emptySpanRow,
  SpanKind,
  StatusCode,
  type Attributes,
  type DecodedBatch,
  type Resource,
  type Scope,
  type SpanEvent,
  type SpanLink,
  type SpanRow,
} from '../model/span.ts';
import { DecodeError } from './decode-error.ts';
import { MAX_NESTING, newSpanEvent, newSpanLink, SpanBatchBuilder } from './otlp-common.ts';

/** The body is not a well-formed Jaeger Thrift Batch. Receivers answer 400. */
export class JaegerDecodeError extends DecodeError {
  override readonly name: string = 'JaegerDecodeError';
}

/** Thrift binary protocol type ids. */
export const ThriftType = {
  STOP: 0,
  BOOL: 2,
  BYTE: 3,
  DOUBLE: 4,
  I16: 6,
  I32: 8,
  I64: 10,
  STRING: 11,
  STRUCT: 12,
  MAP: 13,
  SET: 14,
  LIST: 15,
} as const;
const T = ThriftType;

/** The fewest bytes one value of each type takes on the wire (0: not a valid type). */
const MIN_SIZE: readonly number[] = (() => {
  const sizes = new Array<number>(16).fill(0);
  sizes[T.BOOL] = 1;
  sizes[T.BYTE] = 1;
  sizes[T.DOUBLE] = 8;
  sizes[T.I16] = 2;
  sizes[T.I32] = 4;
  sizes[T.I64] = 8;
  sizes[T.STRING] = 4;
  sizes[T.STRUCT] = 1; // just the STOP
  sizes[T.MAP] = 6;
  sizes[T.SET] = 5;
  sizes[T.LIST] = 5;
  return sizes;
})();

/** jaeger.thrift TagType */
const TagType = { STRING: 0, DOUBLE: 1, BOOL: 2, LONG: 3, BINARY: 4 } as const;
/** jaeger.thrift SpanRefType */
const SpanRefType = { CHILD_OF: 0, FOLLOWS_FROM: 1 } as const;

const SPAN_KINDS: Readonly<Record<string, number>> = {
  client: SpanKind.CLIENT,
  server: SpanKind.SERVER,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
  internal: SpanKind.INTERNAL,
};

/** The scope of spans whose tags name none. */
export const JAEGER_SCOPE_NAME = 'jaeger';
const ZERO_ID = '0000000000000000';

export function decodeJaegerThrift(body: Uint8Array): DecodedBatch {
  const reader = new ThriftReader(body);
  const batch = new SpanBatchBuilder(true);
  const context: BatchContext = { resource: emptyResource(), scopes: new Map(), batch };
  batch.beginResource();
  decodeBatch(reader, context);
  if (reader.pos !== body.length) {
    throw new JaegerDecodeError(`${body.length - reader.pos} unexpected bytes after the Batch at offset ${reader.pos}`);
  }
  batch.endResource(context.resource);
  return batch.finish();
}

interface BatchContext {
  /** Shared by every span of the batch; filled in whenever the Process arrives. */
  resource: Resource;
  /** By `name\0version`. */
  scopes: Map<string, Scope>;
  batch: SpanBatchBuilder;
}

/** A Tag as it is on the wire; turned into an attribute (or a span field) afterwards. */
interface Tag {
  key: string;
  vType: number;
  vStr: string;
  vDouble: number;
  vBool: boolean;
  vLong: bigint;
  /** base64 */
  vBinary: string;
}

interface SpanRef {
  refType: number;
  traceIdLow: string;
  traceIdHigh: string;
  spanId: string;
}

// Each decodeX reads one struct X: the reader is at its first field header and is left
// after its STOP. A field the switch does not take (unknown id, or unexpected type) is
// skipped after it.

function decodeBatch(reader: ThriftReader, context: BatchContext): void {
  for (;;) {
    const type = reader.fieldType();
    if (type === T.STOP) return;
    switch (reader.fieldId()) {
      case 1: // process
        if (type !== T.STRUCT) break;
        decodeProcess(reader, context.resource);
        continue;
      case 2: // spans
        if (type !== T.LIST) break;
        for (let n = reader.listSize(T.STRUCT, 'Batch.spans'); n > 0; n--) decodeSpan(reader, context);
        continue;
      default: // 3: seqNo, 4: stats, and anything newer
    }
    reader.skip(type, 0);
  }
}

function decodeProcess(reader: ThriftReader, resource: Resource): void {
  let serviceName = '';
  const tags: Tag[] = [];
  for (;;) {
    const type = reader.fieldType();
    if (type === T.STOP) break;
    switch (reader.fieldId()) {
      case 1: // serviceName
        if (type !== T.STRING) break;
        serviceName = reader.string();
        continue;
      case 2: // tags
        if (type !== T.LIST) break;
        decodeTags(reader, tags, 'Process.tags');
        continue;
      default:
    }
    reader.skip(type, 0);
  }
  // The spans hold this Resource object already: fill it in, do not replace it.
  const attributes = emptyAttributes();
  if (serviceName !== '') addString(attributes, 'service.name', serviceName);
  for (const tag of tags) addTag(attributes, tag);
  resource.attributes = attributes;
}

function decodeSpan(reader: ThriftReader, context: BatchContext): void {
  let traceIdLow = ZERO_ID;
  let traceIdHigh = ZERO_ID;
  let parentSpanId = ZERO_ID;
  let startTime = 0n;
  let duration = 0n;
  const references: SpanRef[] = [];
  const tags: Tag[] = [];
  const events: SpanEvent[] = [];
  // The scope is only known once the tags are read (applySpanTags sets it).
  const span = emptySpanRow(context.resource, scopeFor(context, JAEGER_SCOPE_NAME, ''));
  span.spanId = ZERO_ID;
  for (;;) {
    const type = reader.fieldType();
    if (type === T.STOP) break;
    switch (reader.fieldId()) {
      case 1: // traceIdLow
        if (type !== T.I64) break;
        traceIdLow = reader.i64Hex();
        continue;
      case 2: // traceIdHigh
        if (type !== T.I64) break;
        traceIdHigh = reader.i64Hex();
        continue;
      case 3: // spanId
        if (type !== T.I64) break;
        span.spanId = reader.i64Hex();
        continue;
      case 4: // parentSpanId
        if (type !== T.I64) break;
        parentSpanId = reader.i64Hex();
        continue;
      case 5: // operationName
        if (type !== T.STRING) break;
        span.name = reader.string();
        continue;
      case 6: // references
        if (type !== T.LIST) break;
        for (let n = reader.listSize(T.STRUCT, 'Span.references'); n > 0; n--) references.push(decodeSpanRef(reader));
        continue;
      case 7: // flags
        if (type !== T.I32) break;
        span.flags = reader.i32() >>> 0;
        continue;
      case 8: // startTime (µs)
        if (type !== T.I64) break;
        startTime = reader.i64();
        continue;
      case 9: // duration (µs)
        if (type !== T.I64) break;
        duration = reader.i64();
        continue;
      case 10: // tags
        if (type !== T.LIST) break;
        decodeTags(reader, tags, 'Span.tags');
        continue;
      case 11: // logs
        if (type !== T.LIST) break;
        for (let n = reader.listSize(T.STRUCT, 'Span.logs'); n > 0; n--) events.push(decodeLog(reader));
        continue;
      default:
    }
    reader.skip(type, 0);
  }

  span.traceId = traceIdHigh + traceIdLow;
  span.startNs = storableNanos(startTime, span, 'startTime');
  storableNanos(duration, span, 'duration');
  span.endNs = storableNanos(startTime + duration, span, 'startTime + duration');
  // decodeLog made timeNs of the log's µs, before the span's ids were known to name it.
  events.forEach((event, i) => storableNanos(event.timeNs / 1000n, span, `logs[${i}].timestamp`));
  span.events = events;
  applyReferences(span, parentSpanId, traceIdHigh, traceIdLow, references);
  applySpanTags(span, tags, context);
  context.batch.addSpan(span);
}

/** The largest µs count whose nanoseconds fit the store's unsigned 64 bits. */
const MAX_MICROS = (2n ** 64n - 1n) / 1000n;

/** µs → ns, for a time the store can hold; otherwise the request is refused, naming the span. */
function storableNanos(micros: bigint, span: SpanRow, what: string): bigint {
  if (micros >= 0n && micros <= MAX_MICROS) return micros * 1000n;
  const problem = micros < 0n ? 'is negative' : 'is past the largest time (2^64-1 ns, in 2554)';
  throw new JaegerDecodeError(`span ${span.traceId}/${span.spanId} (${JSON.stringify(span.name)}): ${what} ${micros} µs ${problem}`);
}

function applyReferences(span: SpanRow, parentSpanId: string, traceIdHigh: string, traceIdLow: string, references: SpanRef[]): void {
  let parentRef: SpanRef | undefined;
  if (parentSpanId === ZERO_ID) {
    parentRef = references.find(
      (ref) => ref.refType === SpanRefType.CHILD_OF && ref.traceIdHigh === traceIdHigh && ref.traceIdLow === traceIdLow,
    );
    if (parentRef !== undefined) parentSpanId = parentRef.spanId;
  }
  span.parentSpanId = parentSpanId; // all zero: a root (SpanBatchBuilder makes it '')
  for (const ref of references) {
    if (ref === parentRef) continue;
    const sameTrace = ref.traceIdHigh === traceIdHigh && ref.traceIdLow === traceIdLow;
    if (ref.refType === SpanRefType.CHILD_OF && sameTrace && ref.spanId === parentSpanId) continue; // the parent again
    const link: SpanLink = newSpanLink();
    link.traceId = ref.traceIdHigh + ref.traceIdLow;
    link.spanId = ref.spanId;
    if (ref.refType === SpanRefType.CHILD_OF) addString(link.attributes, 'opentracing.ref_type', 'child_of');
    else if (ref.refType === SpanRefType.FOLLOWS_FROM) addString(link.attributes, 'opentracing.ref_type', 'follows_from');
    span.links.push(link);
  }
}

/** Span tags: the special ones set span fields (see the header), the rest are attributes. */
function applySpanTags(span: SpanRow, tags: Tag[], context: BatchContext): void {
  let errorTag = false;
  let statusCodeTag: string | undefined;
  let statusDescription: Tag | undefined;
  let scopeName: string | undefined;
  let scopeVersion: string | undefined;
  const attributes = span.attributes;
  for (const tag of tags) {
    if (tag.vType === TagType.STRING) {
      switch (tag.key) {
        case 'span.kind': {
          const kind = SPAN_KINDS[tag.vStr.toLowerCase()];
          if (kind === undefined) break;
          span.kind = kind;
          continue;
        }
        case 'otel.status_code':
          statusCodeTag = tag.vStr;
          continue;
        case 'otel.status_description':
          statusDescription = tag;
          continue;
        case 'w3c.tracestate':
          span.traceState = tag.vStr;
          continue;
        case 'otel.scope.name':
          scopeName = tag.vStr;
          continue;
        case 'otel.library.name':
          scopeName ??= tag.vStr;
          continue;
        case 'otel.scope.version':
          scopeVersion = tag.vStr;
          continue;
        case 'otel.library.version':
          scopeVersion ??= tag.vStr;
          continue;
        default:
      }
    } else if (tag.vType === TagType.BOOL && tag.key === 'error' && tag.vBool) {
      errorTag = true;
      continue;
    }
    addTag(attributes, tag);
  }

  // The error tag is the final word on an error; otherwise otel.status_code decides.
  let statusSet = false;
  if (errorTag) {
    span.statusCode = StatusCode.ERROR;
    statusSet = true;
  } else if (statusCodeTag !== undefined) {
    const code = statusCodeTag.toUpperCase();
    span.statusCode = code === 'ERROR' ? StatusCode.ERROR : code === 'OK' ? StatusCode.OK : StatusCode.UNSET;
    statusSet = true;
  }
  if (statusDescription !== undefined) {
    if (statusSet) span.statusMessage = statusDescription.vStr;
    else addTag(attributes, statusDescription);
  }

  span.scope = scopeFor(context, scopeName ?? JAEGER_SCOPE_NAME, scopeVersion ?? '');
}

function scopeFor(context: BatchContext, name: string, version: string): Scope {
  const key = `${name}\0${version}`;
  let scope = context.scopes.get(key);
  if (scope === undefined) {
    scope = emptyScope();
    scope.name = name;
    scope.version = version;
    context.scopes.set(key, scope);
  }
  return scope;
}

function decodeSpanRef(reader: ThriftReader): SpanRef {
  const ref: SpanRef = { refType: 0, traceIdLow: ZERO_ID, traceIdHigh: ZERO_ID, spanId: ZERO_ID };
  for (;;) {
    const type = reader.fieldType();
    if (type === T.STOP) return ref;
    switch (reader.fieldId()) {
      case 1: // refType
        if (type !== T.I32) break;
        ref.refType = reader.i32();
        continue;
      case 2: // traceIdLow
        if (type !== T.I64) break;
        ref.traceIdLow = reader.i64Hex();
        continue;
      case 3: // traceIdHigh
        if (type !== T.I64) break;
        ref.traceIdHigh = reader.i64Hex();
        continue;
      case 4: // spanId
        if (type !== T.I64) break;
        ref.spanId = reader.i64Hex();
        continue;
      default:
    }
    reader.skip(type, 0);
  }
}

function decodeLog(reader: ThriftReader): SpanEvent {
  const event = newSpanEvent();
  const fields: Tag[] = [];
  for (;;) {
    const type = reader.fieldType();
    if (type === T.STOP) break;
    switch (reader.fieldId()) {
      case 1: // timestamp (µs)
        if (type !== T.I64) break;
        event.timeNs = reader.i64() * 1000n;
        continue;
      case 2: // fields
        if (type !== T.LIST) break;
        decodeTags(reader, fields, 'Log.fields');
        continue;
      default:
    }
    reader.skip(type, 0);
  }
  let name: string | undefined;
  for (const field of fields) {
    if (name === undefined && field.key === 'event' && field.vType === TagType.STRING) name = field.vStr;
    else addTag(event.attributes, field);
  }
  event.name = name ?? '';
  return event;
}

/** Reads a list<Tag> (the reader is at the list header) onto `tags`. */
function decodeTags(reader: ThriftReader, tags: Tag[], what: string): void {
  for (let n = reader.listSize(T.STRUCT, what); n > 0; n--) tags.push(decodeTag(reader));
}

function decodeTag(reader: ThriftReader): Tag {
  const tag: Tag = { key: '', vType: TagType.STRING, vStr: '', vDouble: 0, vBool: false, vLong: 0n, vBinary: '' };
  for (;;) {
    const type = reader.fieldType();
    if (type === T.STOP) return tag;
    switch (reader.fieldId()) {
      case 1: // key
        if (type !== T.STRING) break;
        tag.key = reader.string();
        continue;
      case 2: // vType
        if (type !== T.I32) break;
        tag.vType = reader.i32();
        continue;
      case 3: // vStr
        if (type !== T.STRING) break;
        tag.vStr = reader.string();
        continue;
      case 4: // vDouble
        if (type !== T.DOUBLE) break;
        tag.vDouble = reader.double();
        continue;
      case 5: // vBool
        if (type !== T.BOOL) break;
        tag.vBool = reader.bool();
        continue;
      case 6: // vLong
        if (type !== T.I64) break;
        tag.vLong = reader.i64();
        continue;
      case 7: // vBinary
        if (type !== T.STRING) break;
        tag.vBinary = reader.base64();
        continue;
      default:
    }
    reader.skip(type, 0);
  }
}

function addTag(attributes: Attributes, tag: Tag): void {
  switch (tag.vType) {
    case TagType.STRING:
      addString(attributes, tag.key, tag.vStr);
      return;
    case TagType.DOUBLE:
      attributes.dblKeys.push(tag.key);
      attributes.dblValues.push(tag.vDouble);
      return;
    case TagType.BOOL:
      attributes.boolKeys.push(tag.key);
      attributes.boolValues.push(tag.vBool);
      return;
    case TagType.LONG:
      attributes.intKeys.push(tag.key);
      attributes.intValues.push(tag.vLong);
      return;
    case TagType.BINARY:
      attributes.otherKeys.push(tag.key);
      attributes.otherValues.push(JSON.stringify({ bytesValue: tag.vBinary }));
      return;
    default:
      addString(attributes, tag.key, `<Unknown Jaeger TagType ${tag.vType}>`);
  }
}

function addString(attributes: Attributes, key: string, value: string): void {
  attributes.strKeys.push(key);
  attributes.strValues.push(value);
}

/** A cursor over the body; every read checks that its bytes are there. */
class ThriftReader {
  private readonly bytes: Buffer;
  private readonly view: DataView;
  pos = 0;
  /** Where the field being read starts, for error messages. */
  private fieldStart = 0;

  constructor(body: Uint8Array) {
    this.bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    this.view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  }

  /** A field header's type byte (STOP ends the struct; then there is no field id). */
  fieldType(): number {
    this.fieldStart = this.pos;
    const type = this.byte();
    if (type !== T.STOP && !isType(type)) throw new JaegerDecodeError(`invalid field type ${type} at offset ${this.fieldStart}`);
    return type;
  }

  fieldId(): number {
    return this.i16();
  }

  /**
   * A list header whose elements must be `elementType`; returns the element count after
   * checking that the remaining bytes could hold that many.
   */
  listSize(elementType: number, what: string): number {
    const start = this.pos;
    const type = this.byte();
    const size = this.i32();
    if (type !== elementType) {
      throw new JaegerDecodeError(`${what} at offset ${start}: element type ${type}, expected ${elementType}`);
    }
    this.checkCount(size, MIN_SIZE[type], start);
    return size;
  }

  bool(): boolean {
    return this.byte() !== 0;
  }

  byte(): number {
    this.need(1);
    return this.bytes[this.pos++];
  }

  i16(): number {
    this.need(2);
    const value = this.view.getInt16(this.pos);
    this.pos += 2;
    return value;
  }

  i32(): number {
    this.need(4);
    const value = this.view.getInt32(this.pos);
    this.pos += 4;
    return value;
  }

  i64(): bigint {
    this.need(8);
    const value = this.view.getBigInt64(this.pos);
    this.pos += 8;
    return value;
  }

  /** An i64 as 16 lowercase hex digits: negative ones as their unsigned two's complement. */
  i64Hex(): string {
    this.need(8);
    const text = this.bytes.toString('hex', this.pos, this.pos + 8);
    this.pos += 8;
    return text;
  }

  double(): number {
    this.need(8);
    const value = this.view.getFloat64(this.pos);
    this.pos += 8;
    return value;
  }

  string(): string {
    const end = this.binaryEnd();
    const text = this.bytes.toString('utf8', this.pos, end);
    this.pos = end;
    return text;
  }

  base64(): string {
    const end = this.binaryEnd();
    const text = this.bytes.toString('base64', this.pos, end);
    this.pos = end;
    return text;
  }

  /** Skips one value of `type`; `depth` counts the containers it is inside. */
  skip(type: number, depth: number): void {
    if (depth > MAX_NESTING) throw new JaegerDecodeError(`values nested deeper than ${MAX_NESTING} at offset ${this.pos}`);
    switch (type) {
      case T.BOOL:
      case T.BYTE:
      case T.I16:
      case T.I32:
      case T.DOUBLE:
      case T.I64:
        this.need(MIN_SIZE[type]);
        this.pos += MIN_SIZE[type];
        return;
      case T.STRING:
        this.pos = this.binaryEnd();
        return;
      case T.STRUCT:
        for (;;) {
          const fieldType = this.fieldType();
          if (fieldType === T.STOP) return;
          this.fieldId();
          this.skip(fieldType, depth + 1);
        }
      case T.MAP: {
        const start = this.pos;
        const keyType = this.containerElementType();
        const valueType = this.containerElementType();
        const size = this.i32();
        this.checkCount(size, MIN_SIZE[keyType] + MIN_SIZE[valueType], start);
        for (let i = 0; i < size; i++) {
          this.skip(keyType, depth + 1);
          this.skip(valueType, depth + 1);
        }
        return;
      }
      case T.SET:
      case T.LIST: {
        const start = this.pos;
        const elementType = this.containerElementType();
        const size = this.i32();
        this.checkCount(size, MIN_SIZE[elementType], start);
        for (let i = 0; i < size; i++) this.skip(elementType, depth + 1);
        return;
      }
      default:
        throw new JaegerDecodeError(`invalid type ${type} at offset ${this.fieldStart}`);
    }
  }

  private containerElementType(): number {
    const at = this.pos;
    const type = this.byte();
    if (!isType(type)) throw new JaegerDecodeError(`invalid container element type ${type} at offset ${at}`);
    return type;
  }

  /** A container of `count` elements of at least `minSize` bytes each must fit in what is left. */
  private checkCount(count: number, minSize: number, start: number): void {
    if (count < 0) throw new JaegerDecodeError(`negative container size ${count} at offset ${start}`);
    if (count * minSize > this.bytes.length - this.pos) {
      throw new JaegerDecodeError(
        `container at offset ${start} claims ${count} elements, more than the ${this.bytes.length - this.pos} bytes left can hold`,
      );
    }
  }

  /** Reads a string's or binary's i32 length; returns where its bytes end. */
  private binaryEnd(): number {
    const start = this.pos;
    const length = this.i32();
    if (length < 0) throw new JaegerDecodeError(`negative string length ${length} at offset ${start}`);
    if (length > this.bytes.length - this.pos) {
      throw new JaegerDecodeError(`truncated string at offset ${start}: ${length} bytes declared, ${this.bytes.length - this.pos} left`);
    }
    return this.pos + length;
  }

  private need(count: number): void {
    if (this.pos + count > this.bytes.length) {
      throw new JaegerDecodeError(`truncated input at offset ${this.pos}: ${count} bytes needed, ${this.bytes.length - this.pos} left`);
    }
  }
}

function isType(type: number): boolean {
  return type < MIN_SIZE.length && MIN_SIZE[type] > 0;
}
