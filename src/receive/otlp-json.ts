// Decoder for OTLP/HTTP JSON trace requests (ExportTraceServiceRequest as OTLP/JSON).
// OTLP/JSON is proto3 JSON with OTLP's own rules, which generic proto3-JSON parsers get
// wrong: trace and span ids are hex strings (not base64), enums are integers.
//
// Accepted, beyond the lowerCamelCase field names receivers must accept: the original
// snake_case names, ids in upper or mixed case, enum names ("SPAN_KIND_SERVER"), 64-bit
// integers as strings or numbers, any 32-bit integer as a string, null for "not set", and
// unknown fields (ignored). A value of the wrong JSON type throws OtlpDecodeError naming
// its path, e.g. "resourceSpans[0].scopeSpans[0].spans[3].name: expected a string, got 42".
// Id rules are SpanBatchBuilder's (otlp-common.ts), the same as for protobuf; an id that
// is not hex is an invalid id.
import { jsonDouble, type AnyValueJson, type KeyValueJson } from '../model/otlp-json.ts';
import {
  emptyResource,
  emptyScope,
  emptySpanRow,
  SpanKind,
  StatusCode,
  type Attributes,
  type DecodedBatch,
  type Resource,
  type Scope,
  type SpanRow,
} from '../model/span.ts';
import { isJsonObject, wrongTypeMessage, type JsonObject } from './json-input.ts';
import { MAX_NESTING, newSpanEvent, newSpanLink, OtlpDecodeError, SpanBatchBuilder } from './otlp-common.ts';


export function decodeOtlpJson(text: string): DecodedBatch {
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch (error) {
    throw new OtlpDecodeError(`invalid JSON: ${(error as Error).message}`);
  }
  if (!isJsonObject(request)) throw wrongType('request', 'an object', request);
  const batch = new SpanBatchBuilder(false);
  decodeEach(request.resourceSpans ?? request.resource_spans, 'resourceSpans', batch, decodeResourceSpans);
  return batch.finish();
}

function decodeResourceSpans(json: JsonObject, batch: SpanBatchBuilder): void {
  const resource = emptyResource();
  resource.schemaUrl = string(json.schemaUrl ?? json.schema_url, 'schemaUrl');
  if (json.resource != null) {
    const resourceJson = object(json.resource, 'resource');
    decodeEach(resourceJson.attributes, 'resource.attributes', resource.attributes, decodeAttribute);
    resource.droppedAttributesCount = uint32(
      resourceJson.droppedAttributesCount ?? resourceJson.dropped_attributes_count,
      'resource.droppedAttributesCount',
    );
  }
  batch.beginResource();
  decodeEach(json.scopeSpans ?? json.scope_spans, 'scopeSpans', { resource, batch }, decodeScopeSpans);
  batch.endResource(resource);
}

function decodeScopeSpans(json: JsonObject, context: { resource: Resource; batch: SpanBatchBuilder }): void {
  const scope = emptyScope();
  scope.schemaUrl = string(json.schemaUrl ?? json.schema_url, 'schemaUrl');
  if (json.scope != null) {
    const scopeJson = object(json.scope, 'scope');
    scope.name = string(scopeJson.name, 'scope.name');
    scope.version = string(scopeJson.version, 'scope.version');
    decodeEach(scopeJson.attributes, 'scope.attributes', scope.attributes, decodeAttribute);
    scope.droppedAttributesCount = uint32(scopeJson.droppedAttributesCount ?? scopeJson.dropped_attributes_count, 'scope.droppedAttributesCount');
  }
  decodeEach(json.spans, 'spans', { ...context, scope }, decodeSpan);
}

function decodeSpan(json: JsonObject, context: { resource: Resource; scope: Scope; batch: SpanBatchBuilder }): void {
  const span = emptySpanRow(context.resource, context.scope);
  span.traceId = hexId(json.traceId ?? json.trace_id, 'traceId');
  span.spanId = hexId(json.spanId ?? json.span_id, 'spanId');
  span.traceState = string(json.traceState ?? json.trace_state, 'traceState');
  span.parentSpanId = hexId(json.parentSpanId ?? json.parent_span_id, 'parentSpanId');
  span.flags = uint32(json.flags, 'flags');
  span.name = string(json.name, 'name');
  span.kind = enumValue(json.kind, 'kind', SPAN_KIND_BY_NAME);
  span.startNs = uint64(json.startTimeUnixNano ?? json.start_time_unix_nano, 'startTimeUnixNano');
  span.endNs = uint64(json.endTimeUnixNano ?? json.end_time_unix_nano, 'endTimeUnixNano');
  decodeEach(json.attributes, 'attributes', span.attributes, decodeAttribute);
  span.droppedAttributesCount = uint32(json.droppedAttributesCount ?? json.dropped_attributes_count, 'droppedAttributesCount');
  decodeEach(json.events, 'events', span, decodeEvent);
  span.droppedEventsCount = uint32(json.droppedEventsCount ?? json.dropped_events_count, 'droppedEventsCount');
  decodeEach(json.links, 'links', span, decodeLink);
  span.droppedLinksCount = uint32(json.droppedLinksCount ?? json.dropped_links_count, 'droppedLinksCount');
  if (json.status != null) {
    const status = object(json.status, 'status');
    span.statusMessage = string(status.message, 'status.message');
    span.statusCode = enumValue(status.code, 'status.code', STATUS_CODE_BY_NAME);
  }
  context.batch.addSpan(span);
}

function decodeEvent(json: JsonObject, span: SpanRow): void {
  const event = newSpanEvent();
  event.timeNs = uint64(json.timeUnixNano ?? json.time_unix_nano, 'timeUnixNano');
  event.name = string(json.name, 'name');
  decodeEach(json.attributes, 'attributes', event.attributes, decodeAttribute);
  event.droppedAttributesCount = uint32(json.droppedAttributesCount ?? json.dropped_attributes_count, 'droppedAttributesCount');
  span.events.push(event);
}

function decodeLink(json: JsonObject, span: SpanRow): void {
  const link = newSpanLink();
  link.traceId = hexId(json.traceId ?? json.trace_id, 'traceId');
  link.spanId = hexId(json.spanId ?? json.span_id, 'spanId');
  link.traceState = string(json.traceState ?? json.trace_state, 'traceState');
  decodeEach(json.attributes, 'attributes', link.attributes, decodeAttribute);
  link.droppedAttributesCount = uint32(json.droppedAttributesCount ?? json.dropped_attributes_count, 'droppedAttributesCount');
  link.flags = uint32(json.flags, 'flags');
  span.links.push(link);
}

/** A KeyValue, appended to the column of its value's type; other types as OTLP/JSON text. */
function decodeAttribute(json: JsonObject, attributes: Attributes): void {
  const key = string(json.key, 'key');
  const value = inside('value', anyValue, json.value, 0);
  if (value.stringValue !== undefined) {
    attributes.strKeys.push(key);
    attributes.strValues.push(value.stringValue);
  } else if (value.intValue !== undefined) {
    attributes.intKeys.push(key);
    attributes.intValues.push(BigInt(value.intValue));
  } else if (value.doubleValue !== undefined) {
    attributes.dblKeys.push(key);
    attributes.dblValues.push(Number(value.doubleValue));
  } else if (value.boolValue !== undefined) {
    attributes.boolKeys.push(key);
    attributes.boolValues.push(value.boolValue);
  } else {
    attributes.otherKeys.push(key);
    attributes.otherValues.push(JSON.stringify(value));
  }
}

/**
 * An AnyValue in the one form Skein writes (so equal values give equal text, whichever
 * wire format they came in): int64 as a decimal string, bytes as standard base64, the
 * first member set when a sender set several.
 */
function anyValue(json: unknown, depth: number): AnyValueJson {
  if (json == null) return {};
  if (!isJsonObject(json)) throw wrongType('', 'an AnyValue object', json);
  if (depth > MAX_NESTING) throw new OtlpDecodeError(`: AnyValue nested deeper than ${MAX_NESTING} levels`);
  const stringValue = json.stringValue ?? json.string_value;
  if (stringValue != null) return { stringValue: string(stringValue, 'stringValue') };
  const boolValue = json.boolValue ?? json.bool_value;
  if (boolValue != null) {
    if (typeof boolValue !== 'boolean') throw wrongType('boolValue', 'true or false', boolValue);
    return { boolValue };
  }
  const intValue = json.intValue ?? json.int_value;
  if (intValue != null) return { intValue: int64(intValue, 'intValue').toString() };
  const doubleValue = json.doubleValue ?? json.double_value;
  if (doubleValue != null) return { doubleValue: jsonDouble(double(doubleValue, 'doubleValue')) };
  const arrayValue = json.arrayValue ?? json.array_value;
  if (arrayValue != null) {
    const values: AnyValueJson[] = [];
    decodeEach(object(arrayValue, 'arrayValue').values, 'arrayValue.values', { values, depth }, decodeArrayElement);
    return { arrayValue: { values } };
  }
  const kvlistValue = json.kvlistValue ?? json.kvlist_value;
  if (kvlistValue != null) {
    const values: KeyValueJson[] = [];
    decodeEach(object(kvlistValue, 'kvlistValue').values, 'kvlistValue.values', { values, depth }, decodeKeyValueListElement);
    return { kvlistValue: { values } };
  }
  const bytesValue = json.bytesValue ?? json.bytes_value;
  if (bytesValue != null) return { bytesValue: base64(bytesValue, 'bytesValue') };
  return {};
}

function decodeArrayElement(json: JsonObject, array: { values: AnyValueJson[]; depth: number }): void {
  array.values.push(anyValue(json, array.depth + 1));
}

function decodeKeyValueListElement(json: JsonObject, list: { values: KeyValueJson[]; depth: number }): void {
  list.values.push({ key: string(json.key, 'key'), value: inside('value', anyValue, json.value, list.depth + 1) });
}

/**
 * Calls `decode` on every element of an optional array of objects. An error inside an
 * element gets the element's path in front ("spans[3].name: ...").
 */
function decodeEach<Context>(list: unknown, name: string, context: Context, decode: (element: JsonObject, context: Context) => void): void {
  if (list == null) return;
  if (!Array.isArray(list)) throw wrongType(name, 'an array', list);
  for (let i = 0; i < list.length; i++) {
    const element: unknown = list[i];
    if (!isJsonObject(element)) throw wrongType(`${name}[${i}]`, 'an object', element);
    inside(`${name}[${i}]`, decode, element, context);
  }
}

/** Calls `decode(json, context)`, putting `path` in front of the path of any error it throws. */
function inside<Json, Context, Result>(path: string, decode: (json: Json, context: Context) => Result, json: Json, context: Context): Result {
  try {
    return decode(json, context);
  } catch (error) {
    if (!(error instanceof OtlpDecodeError)) throw error;
    // An error's message starts with the path below `path`: a field name, or ':' at the element itself.
    throw new OtlpDecodeError(error.message.startsWith(':') ? `${path}${error.message}` : `${path}.${error.message}`);
  }
}

// Field readers: `value` is the field's JSON value (undefined or null when absent, which
// means the protobuf default), `path` names it in an error.

function string(value: unknown, path: string): string {
  if (value == null) return '';
  if (typeof value !== 'string') throw wrongType(path, 'a string', value);
  return value;
}

function object(value: unknown, path: string): JsonObject {
  if (!isJsonObject(value)) throw wrongType(path, 'an object', value);
  return value;
}

/** Ids as lowercase hex; whether they are valid ids is SpanBatchBuilder's call. */
function hexId(value: unknown, path: string): string {
  return string(value, path).toLowerCase();
}

const UINT32_MAX = 0xffff_ffff;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const DECIMAL_INTEGER = /^-?[0-9]+$/;

/** uint32: a number, or (as proto3 JSON allows) a string. */
function uint32(value: unknown, path: string): number {
  if (value == null) return 0;
  const number = typeof value === 'string' && DECIMAL_INTEGER.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > UINT32_MAX) {
    throw wrongType(path, 'an unsigned 32-bit integer', value);
  }
  return number;
}

/** A 64-bit integer: a decimal string, or a number (exact only up to 2^53, as sent). */
function integer64(value: unknown, path: string, min: bigint, max: bigint, expected: string): bigint {
  let result: bigint | undefined;
  if (typeof value === 'string' && DECIMAL_INTEGER.test(value)) result = BigInt(value);
  else if (typeof value === 'number' && Number.isInteger(value)) result = BigInt(value);
  if (result === undefined || result < min || result > max) throw wrongType(path, expected, value);
  return result;
}

function int64(value: unknown, path: string): bigint {
  return integer64(value, path, INT64_MIN, INT64_MAX, 'a signed 64-bit integer');
}

/** Times: uint64 nanoseconds. */
function uint64(value: unknown, path: string): bigint {
  if (value == null) return 0n;
  return integer64(value, path, 0n, UINT64_MAX, 'an unsigned 64-bit integer');
}

const DOUBLE_TEXT = /^(NaN|-?Infinity|-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?)$/;

/** A number, or a string as proto3 JSON allows for doubles ("NaN", "Infinity", "1.5"). */
function double(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && DOUBLE_TEXT.test(value)) return Number(value);
  throw wrongType(path, 'a number', value);
}

const BASE64 = /^[A-Za-z0-9+/\-_]*={0,2}$/;

/** Bytes, base64 (standard or URL-safe, padded or not), rewritten as standard padded base64. */
function base64(value: unknown, path: string): string {
  if (typeof value !== 'string' || !BASE64.test(value)) throw wrongType(path, 'base64 text', value);
  return Buffer.from(value, 'base64').toString('base64');
}

const SPAN_KIND_BY_NAME = enumNames('SPAN_KIND_', SpanKind);
const STATUS_CODE_BY_NAME = enumNames('STATUS_CODE_', StatusCode);

function enumNames(prefix: string, numbers: Record<string, number>): Map<string, number> {
  return new Map(Object.entries(numbers).map(([name, number]) => [prefix + name, number]));
}

/** An enum: its number (OTLP/JSON's form) or its name. Unknown numbers are kept, as proto3 does. */
function enumValue(value: unknown, path: string, byName: Map<string, number>): number {
  if (value == null) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) return value;
  const number = typeof value === 'string' ? byName.get(value) : undefined;
  if (number === undefined) throw wrongType(path, `an integer or one of ${[...byName.keys()].join(', ')}`, value);
  return number;
}

function wrongType(path: string, expected: string, got: unknown): OtlpDecodeError {
  return new OtlpDecodeError(wrongTypeMessage(path, expected, got));
}
