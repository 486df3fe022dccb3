// Decoder for Zipkin API v2 JSON: the body of `POST /api/v2/spans`, an array of zipkin2
// Spans. Mapped to Skein's span model the way the OpenTelemetry Collector's zipkin receiver
// maps them (pkg/translator/zipkin/zipkinv2), with the differences noted here.
//
// - Ids: hex in any case, lowercased. A trace id of up to 16 digits (64-bit, e.g. zipkin-go)
//   is left-padded with zeros to 32, one of 17..32 digits to 32; span and parent ids are
//   left-padded to 16. After that SpanBatchBuilder's id rules apply (a bad id refuses the
//   span, counted). A parentId equal to the span's own id means no parent (as the Collector).
// - timestamp/duration are epoch microseconds: startNs = timestamp * 1000 (exact bigint),
//   endNs = startNs + duration * 1000; no duration (or 0) gives endNs = startNs. A span with
//   no timestamp (absent, null or 0, which zipkin2 treats as unset) is REFUSED, counted with
//   a reason. (The Collector keeps it at the Unix epoch with the attribute
//   otel.zipkin.absentField.startTime; Zipkin itself merges such fragments with the other
//   half of the span at query time.) Old timestamps and clock skew are kept as sent.
// - kind: CLIENT/SERVER/PRODUCER/CONSUMER -> 3/2/4/5. Absent -> UNSPECIFIED (0), as the
//   Collector does (OTel lets readers treat UNSPECIFIED as INTERNAL); when the kind field is
//   absent a `span.kind` tag (client/server/producer/consumer/internal) gives the kind.
// - localEndpoint.serviceName -> resource attribute service.name and SpanRow.serviceName
//   ('unknown_service' when absent or empty, and then no service.name attribute). Spans with
//   the same local service name share one Resource object and one Scope object (name
//   'zipkin'). localEndpoint ipv4 (else ipv6) / port -> span attributes
//   network.local.address / network.local.port (int), OTel's current names for the
//   Collector's net.host.ip / net.host.port.
// - remoteEndpoint: serviceName -> peer.service, ipv4 (else ipv6) -> network.peer.address,
//   port -> network.peer.port (int). A port of 0 means none.
// - tags -> string attributes (a number or boolean tag value is kept as its JSON text; a
//   null one is skipped). `otel.status_code` (OK/ERROR/UNSET, or STATUS_CODE_*) and
//   `otel.status_description` become the status and are not kept as attributes. An `error`
//   tag (any value) sets status ERROR with message = otel.status_description if given, else
//   the tag's value; the `error` tag is kept as an attribute.
// - annotations -> events (timeNs = timestamp * 1000, name = value).
// - shared: true -> bool attribute zipkin.shared; debug: true -> bool attribute zipkin.debug.
//   Both halves of a shared span (one span id, different kinds) stay separate rows.
// - null anywhere means absent. A value of the wrong JSON type, an unknown kind, or a time
//   out of range throws ZipkinDecodeError naming its path, e.g. "[3].timestamp: expected ...".
import {
  emptyResource,
  emptyScope,
  emptySpanRow,
  SpanKind,
  StatusCode,
  UNKNOWN_SERVICE,
  type Attributes,
  type DecodedBatch,
  type Resource,
  type Scope,
  type SpanRow,
} from '../model/span.ts';
import { DecodeError } from './decode-error.ts';
import { isJsonObject, wrongTypeMessage, type JsonObject } from './json-input.ts';
import { newSpanEvent, SpanBatchBuilder } from './otlp-common.ts';

/** The request body is not well-formed Zipkin v2 JSON; the message says what and where. Receivers answer 400. */
export class ZipkinDecodeError extends DecodeError {
  override readonly name = 'ZipkinDecodeError';
}


/** The resource and scope shared by the spans of one local service. */
interface ServiceGroup {
  serviceName: string;
  resource: Resource;
  scope: Scope;
}

export const ZIPKIN_SCOPE_NAME = 'zipkin';

export function decodeZipkinJson(text: string): DecodedBatch {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new ZipkinDecodeError(`invalid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(body)) throw wrongType('body', 'an array of spans', body);
  const batch = new SpanBatchBuilder(false);
  const groups = new Map<string, ServiceGroup>();
  const untimed: Refused = { count: 0, first: '' };
  for (let i = 0; i < body.length; i++) {
    const json: unknown = body[i];
    if (!isJsonObject(json)) throw wrongType(`[${i}]`, 'a span object', json);
    decodeSpan(json, `[${i}]`, groups, batch, untimed);
  }
  const decoded = batch.finish();
  if (untimed.count === 0) return decoded;
  // Spans refused for their ids (SpanBatchBuilder's reason) and for having no timestamp (ours).
  const more = decoded.rejected + untimed.count - 1;
  const first = decoded.rejectReason === '' ? untimed.first : decoded.rejectReason.replace(/ \(and \d+ more refused spans\)$/, '');
  return {
    spans: decoded.spans,
    rejected: decoded.rejected + untimed.count,
    rejectReason: more > 0 ? `${first} (and ${more} more refused spans)` : first,
  };
}

/** Spans this decoder refused itself, and why the first one was. */
interface Refused {
  count: number;
  first: string;
}

function decodeSpan(json: JsonObject, path: string, groups: Map<string, ServiceGroup>, batch: SpanBatchBuilder, untimed: Refused): void {
  // Read every field first, so a malformed field is an error even in a span that is refused.
  const traceId = paddedHexId(json.traceId, `${path}.traceId`, true);
  const spanId = paddedHexId(json.id, `${path}.id`, false);
  const parentId = paddedHexId(json.parentId, `${path}.parentId`, false);
  const name = string(json.name, `${path}.name`);
  const kindName = string(json.kind, `${path}.kind`);
  const timestamp = micros(json.timestamp, `${path}.timestamp`);
  const duration = micros(json.duration, `${path}.duration`);
  const local = endpoint(json.localEndpoint, `${path}.localEndpoint`);
  const remote = endpoint(json.remoteEndpoint, `${path}.remoteEndpoint`);
  const tags = stringMap(json.tags, `${path}.tags`);
  const shared = boolean(json.shared, `${path}.shared`);
  const debug = boolean(json.debug, `${path}.debug`);

  const group = serviceGroup(groups, local.serviceName);
  const span = emptySpanRow(group.resource, group.scope);
  span.serviceName = group.serviceName;
  span.traceId = traceId;
  span.spanId = spanId;
  span.parentSpanId = parentId === spanId ? '' : parentId;
  span.name = name;
  span.kind = spanKind(kindName, tags, `${path}.kind`);
  decodeAnnotations(json.annotations, `${path}.annotations`, span);

  const attributes = span.attributes;
  applyTags(tags, span);
  if (local.address !== '') addString(attributes, 'network.local.address', local.address);
  if (local.port !== 0) addInt(attributes, 'network.local.port', local.port);
  if (remote.serviceName !== '') addString(attributes, 'peer.service', remote.serviceName);
  if (remote.address !== '') addString(attributes, 'network.peer.address', remote.address);
  if (remote.port !== 0) addInt(attributes, 'network.peer.port', remote.port);
  if (shared) addBool(attributes, 'zipkin.shared', true);
  if (debug) addBool(attributes, 'zipkin.debug', true);

  if (timestamp === 0n) {
    untimed.count++;
    if (untimed.first === '') untimed.first = `span ${quoted(name)} (${path}): no timestamp, so no start time`;
    return;
  }
  span.startNs = timestamp * 1000n;
  span.endNs = span.startNs + duration * 1000n;
  if (span.endNs > UINT64_MAX) throw new ZipkinDecodeError(`${path}.duration: timestamp + duration is past the largest time (2^64-1 ns)`);
  batch.addSpan(span);
}

function serviceGroup(groups: Map<string, ServiceGroup>, localServiceName: string): ServiceGroup {
  let group = groups.get(localServiceName);
  if (group === undefined) {
    const resource = emptyResource();
    if (localServiceName !== '') addString(resource.attributes, 'service.name', localServiceName);
    const scope = emptyScope();
    scope.name = ZIPKIN_SCOPE_NAME;
    group = { serviceName: localServiceName === '' ? UNKNOWN_SERVICE : localServiceName, resource, scope };
    groups.set(localServiceName, group);
  }
  return group;
}

const KIND_BY_NAME = new Map<string, number>([
  ['CLIENT', SpanKind.CLIENT],
  ['SERVER', SpanKind.SERVER],
  ['PRODUCER', SpanKind.PRODUCER],
  ['CONSUMER', SpanKind.CONSUMER],
]);

const KIND_BY_TAG = new Map<string, number>([...KIND_BY_NAME, ['INTERNAL', SpanKind.INTERNAL]]);

function spanKind(kindName: string, tags: [string, string][], path: string): number {
  if (kindName !== '') {
    const kind = KIND_BY_NAME.get(kindName.toUpperCase());
    if (kind === undefined) throw wrongType(path, `one of ${[...KIND_BY_NAME.keys()].join(', ')}`, kindName);
    return kind;
  }
  const tag = tags.find(([key]) => key === 'span.kind');
  return (tag && KIND_BY_TAG.get(tag[1].toUpperCase())) ?? SpanKind.UNSPECIFIED;
}

const STATUS_BY_TAG = new Map<string, number>([
  ['UNSET', StatusCode.UNSET],
  ['OK', StatusCode.OK],
  ['ERROR', StatusCode.ERROR],
  ['STATUS_CODE_UNSET', StatusCode.UNSET],
  ['STATUS_CODE_OK', StatusCode.OK],
  ['STATUS_CODE_ERROR', StatusCode.ERROR],
]);

/** Tags as string attributes; the status tags as the status. */
function applyTags(tags: [string, string][], span: SpanRow): void {
  let errorTag: string | undefined;
  let description: string | undefined;
  for (const [key, value] of tags) {
    if (key === 'otel.status_code') {
      const code = STATUS_BY_TAG.get(value.toUpperCase());
      if (code !== undefined) {
        span.statusCode = code;
        continue;
      }
    } else if (key === 'otel.status_description') {
      description = value;
      continue;
    } else if (key === 'error') {
      errorTag = value;
    }
    addString(span.attributes, key, value);
  }
  if (errorTag !== undefined) span.statusCode = StatusCode.ERROR;
  if (span.statusCode === StatusCode.ERROR) span.statusMessage = description || errorTag || '';
  else if (description !== undefined) addString(span.attributes, 'otel.status_description', description); // no status to describe
}

function decodeAnnotations(list: unknown, path: string, span: SpanRow): void {
  if (list == null) return;
  if (!Array.isArray(list)) throw wrongType(path, 'an array', list);
  for (let i = 0; i < list.length; i++) {
    const json: unknown = list[i];
    const at = `${path}[${i}]`;
    if (!isJsonObject(json)) throw wrongType(at, 'an annotation object', json);
    const event = newSpanEvent();
    event.timeNs = micros(json.timestamp, `${at}.timestamp`) * 1000n;
    event.name = string(json.value, `${at}.value`);
    span.events.push(event);
  }
}

interface Endpoint {
  serviceName: string;
  /** ipv4, else ipv6, else '' */
  address: string;
  /** 0 when none */
  port: number;
}

function endpoint(value: unknown, path: string): Endpoint {
  if (value == null) return { serviceName: '', address: '', port: 0 };
  if (!isJsonObject(value)) throw wrongType(path, 'an endpoint object', value);
  const serviceName = string(value.serviceName, `${path}.serviceName`);
  const ipv4 = string(value.ipv4, `${path}.ipv4`);
  const ipv6 = string(value.ipv6, `${path}.ipv6`);
  const port = value.port ?? 0;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 0xffff) throw wrongType(`${path}.port`, 'a port number (0-65535)', port);
  return { serviceName, address: ipv4 || ipv6, port };
}

/** Tags in the order sent; a number or boolean value as its JSON text, a null one left out. */
function stringMap(value: unknown, path: string): [string, string][] {
  if (value == null) return [];
  if (!isJsonObject(value)) throw wrongType(path, 'an object of string values', value);
  const entries: [string, string][] = [];
  for (const [key, tag] of Object.entries(value)) {
    if (tag == null) continue;
    if (typeof tag === 'string') entries.push([key, tag]);
    else if (typeof tag === 'number' || typeof tag === 'boolean') entries.push([key, JSON.stringify(tag)]);
    else throw wrongType(`${path}[${quoted(key)}]`, 'a string', tag);
  }
  return entries;
}

const UINT64_MAX = 2n ** 64n - 1n;
/** The largest microsecond count whose nanoseconds fit in a uint64. */
const MAX_MICROS = UINT64_MAX / 1000n;
const DECIMAL_INTEGER = /^[0-9]+$/;

/**
 * Epoch microseconds (or a duration in them): a non-negative integer, as a number or a
 * decimal string; 0n when absent. A fractional number is rounded to whole microseconds.
 */
function micros(value: unknown, path: string): bigint {
  if (value == null) return 0n;
  let result: bigint | undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= Number.MAX_SAFE_INTEGER) result = BigInt(Math.round(value));
  else if (typeof value === 'string' && DECIMAL_INTEGER.test(value) && value.length <= 20) result = BigInt(value);
  if (result === undefined || result > MAX_MICROS) throw wrongType(path, 'a number of microseconds (a non-negative integer)', value);
  return result;
}

/**
 * A Zipkin id as lowercase hex, left-padded with zeros: trace ids to 32 digits (64-bit ones
 * from 16), span ids to 16. Whether the result is a valid id is SpanBatchBuilder's call.
 */
function paddedHexId(value: unknown, path: string, traceId: boolean): string {
  const id = string(value, path).toLowerCase();
  if (id === '') return '';
  const digits = traceId ? 32 : 16;
  return id.length < digits ? id.padStart(digits, '0') : id;
}

function string(value: unknown, path: string): string {
  if (value == null) return '';
  if (typeof value !== 'string') throw wrongType(path, 'a string', value);
  return value;
}

function boolean(value: unknown, path: string): boolean {
  if (value == null) return false;
  if (typeof value !== 'boolean') throw wrongType(path, 'true or false', value);
  return value;
}

function addString(attributes: Attributes, key: string, value: string): void {
  attributes.strKeys.push(key);
  attributes.strValues.push(value);
}

function addInt(attributes: Attributes, key: string, value: number): void {
  attributes.intKeys.push(key);
  attributes.intValues.push(BigInt(value));
}

function addBool(attributes: Attributes, key: string, value: boolean): void {
  attributes.boolKeys.push(key);
  attributes.boolValues.push(value);
}

function wrongType(path: string, expected: string, got: unknown): ZipkinDecodeError {
  return new ZipkinDecodeError(wrongTypeMessage(path, expected, got));
}

/** A name or key, quoted and shortened, for a message. */
function quoted(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}
