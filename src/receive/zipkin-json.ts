// Zipkin API v2 spans: the decoder for Zipkin v2 JSON (the body of `POST /api/v2/spans`, an
// array of zipkin2 Spans), and the mapping from a Zipkin span to Skein's span model that
// every Zipkin format shares. Each format only parses its body into ZipkinSpans (JSON here,
// proto3 in zipkin-proto.ts, v1 JSON in zipkin-v1-json.ts); zipkinSpansToBatch maps them,
// the way the OpenTelemetry Collector's zipkin receiver does (pkg/translator/zipkin/zipkinv2),
// with the differences noted here.
//
// The mapping:
// - Ids: lowercase hex. A trace id of up to 16 digits (64-bit, e.g. zipkin-go) is
//   left-padded with zeros to 32, one of 17..32 digits to 32; span and parent ids are
//   left-padded to 16. After that SpanBatchBuilder's id rules apply (a bad id refuses the
//   span, counted). A parentId equal to the span's own id means no parent (as the Collector).
// - timestamp/duration are epoch microseconds: startNs = timestamp * 1000 (exact bigint),
//   endNs = startNs + duration * 1000; no duration (or 0) gives endNs = startNs. Old
//   timestamps and clock skew are kept as sent. A time past 2^64-1 ns throws ZipkinDecodeError.
// - A span with no timestamp (absent, null or 0, which zipkin2 treats as unset) is a piece of
//   a span reported in parts (late tags, annotations, a duration sent apart): Zipkin merges
//   the pieces at query time (zipkin2.internal.Trace.merge), Skein within the request (see
//   mergeTimeless). A timeless span with nothing to merge into is REFUSED, counted with a
//   reason naming its trace and span id. (The Collector keeps it at the Unix epoch with the
//   attribute otel.zipkin.absentField.startTime.)
// - kind: CLIENT/SERVER/PRODUCER/CONSUMER -> 3/2/4/5. Absent -> UNSPECIFIED (0), as the
//   Collector does (OTel lets readers treat UNSPECIFIED as INTERNAL); when the kind is
//   absent a `span.kind` tag (client/server/producer/consumer/internal) gives the kind.
// - localEndpoint.serviceName -> resource attribute service.name and SpanRow.serviceName
//   ('unknown_service' when absent or empty, and then no service.name attribute). Spans with
//   the same local service name share one Resource object and one Scope object (name
//   'zipkin'). localEndpoint ipv4 (else ipv6) / port -> span attributes
//   network.local.address / network.local.port (int), OTel's current names for the
//   Collector's net.host.ip / net.host.port.
// - remoteEndpoint: serviceName -> peer.service, ipv4 (else ipv6) -> network.peer.address,
//   port -> network.peer.port (int). A port of 0 means none.
// - tags -> string attributes. `otel.status_code` (OK/ERROR/UNSET, or STATUS_CODE_*) and
//   `otel.status_description` become the status and are not kept as attributes. An `error`
//   tag (any value) sets status ERROR with message = otel.status_description if given, else
//   the tag's value; the `error` tag is kept as an attribute.
// - annotations -> events (timeNs = timestamp * 1000, name = value).
// - shared: true -> bool attribute zipkin.shared; debug: true -> bool attribute zipkin.debug.
//   Both halves of a shared span (one span id, different kinds) stay separate rows.
//
// The JSON: ids are hex in any case; a tag value that is a number or boolean is kept as its
// JSON text; null anywhere means absent. A value of the wrong JSON type, an unknown kind, or
// a time that is not a non-negative integer throws ZipkinDecodeError naming its path, e.g.
// "[3].timestamp: expected ...".
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

/** The request body is not a well-formed Zipkin request; the message says what and where. Receivers answer 400. */
export class ZipkinDecodeError extends DecodeError {
  override readonly name = 'ZipkinDecodeError';
}

export type ZipkinKind = 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';

export interface ZipkinEndpoint {
  /** '' when absent, as for every string here */
  serviceName: string;
  ipv4: string;
  ipv6: string;
  /** 0 when absent */
  port: number;
}

export interface ZipkinAnnotation {
  /** epoch microseconds */
  timestamp: bigint;
  value: string;
}

/**
 * A zipkin2 Span as a request carried it, its values checked for type but not yet mapped:
 * what every Zipkin format decodes to, and zipkinSpansToBatch maps.
 */
export interface ZipkinSpan {
  /** Where the span is in the request body ([3]: the fourth span), for messages. */
  index: number;
  /** Lowercase hex as sent, not padded; '' when absent (as for every string here). */
  traceId: string;
  id: string;
  parentId: string;
  kind: ZipkinKind | undefined;
  name: string;
  /** Epoch microseconds; 0n when absent. */
  timestamp: bigint;
  /** Microseconds; 0n when absent. */
  duration: bigint;
  localEndpoint: ZipkinEndpoint;
  remoteEndpoint: ZipkinEndpoint;
  annotations: ZipkinAnnotation[];
  /** In the order sent. */
  tags: Map<string, string>;
  debug: boolean;
  shared: boolean;
}

export function newZipkinEndpoint(): ZipkinEndpoint {
  return { serviceName: '', ipv4: '', ipv6: '', port: 0 };
}

/** A span with every field absent, to fill in. */
export function newZipkinSpan(index: number): ZipkinSpan {
  return {
    index,
    traceId: '',
    id: '',
    parentId: '',
    kind: undefined,
    name: '',
    timestamp: 0n,
    duration: 0n,
    localEndpoint: newZipkinEndpoint(),
    remoteEndpoint: newZipkinEndpoint(),
    annotations: [],
    tags: new Map(),
    debug: false,
    shared: false,
  };
}

export const ZIPKIN_SCOPE_NAME = 'zipkin';

export function decodeZipkinJson(text: string): DecodedBatch {
  return zipkinSpansToBatch(parseZipkinJson(text));
}

// ---- Zipkin v2 JSON -> ZipkinSpans (the readers are zipkin-v1-json.ts's too) ----

/** The spans of a Zipkin v2 JSON body, checked for type but not mapped. */
export function parseZipkinJson(text: string): ZipkinSpan[] {
  return readSpanArray(text, parseSpan);
}

/** A JSON body that is an array of span objects (both Zipkin JSON versions), each read by `read`. */
export function readSpanArray<T>(text: string, read: (json: JsonObject, index: number) => T): T[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new ZipkinDecodeError(`invalid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(body)) throw wrongType('body', 'an array of spans', body);
  return body.map((json: unknown, index) => {
    if (!isJsonObject(json)) throw wrongType(`[${index}]`, 'a span object', json);
    return read(json, index);
  });
}

function parseSpan(json: JsonObject, index: number): ZipkinSpan {
  const path = `[${index}]`;
  return {
    index,
    traceId: readString(json.traceId, `${path}.traceId`).toLowerCase(),
    id: readString(json.id, `${path}.id`).toLowerCase(),
    parentId: readString(json.parentId, `${path}.parentId`).toLowerCase(),
    kind: kind(json.kind, `${path}.kind`),
    name: readString(json.name, `${path}.name`),
    timestamp: readMicros(json.timestamp, `${path}.timestamp`),
    duration: readMicros(json.duration, `${path}.duration`),
    localEndpoint: readEndpoint(json.localEndpoint, `${path}.localEndpoint`),
    remoteEndpoint: readEndpoint(json.remoteEndpoint, `${path}.remoteEndpoint`),
    annotations: readObjects(json.annotations, `${path}.annotations`, 'an annotation object', readAnnotation),
    tags: stringMap(json.tags, `${path}.tags`),
    debug: readBoolean(json.debug, `${path}.debug`),
    shared: readBoolean(json.shared, `${path}.shared`),
  };
}

const ZIPKIN_KINDS: readonly ZipkinKind[] = ['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'];

function kind(value: unknown, path: string): ZipkinKind | undefined {
  const name = readString(value, path);
  if (name === '') return undefined;
  const found = ZIPKIN_KINDS.find((k) => k === name.toUpperCase());
  if (found === undefined) throw wrongType(path, `one of ${ZIPKIN_KINDS.join(', ')}`, name);
  return found;
}

/** A JSON array of objects (absent: empty), each read by `read` with its path. */
export function readObjects<T>(list: unknown, path: string, what: string, read: (json: JsonObject, path: string) => T): T[] {
  if (list == null) return [];
  if (!Array.isArray(list)) throw wrongType(path, 'an array', list);
  return list.map((json: unknown, i) => {
    const at = `${path}[${i}]`;
    if (!isJsonObject(json)) throw wrongType(at, what, json);
    return read(json, at);
  });
}

function readAnnotation(json: JsonObject, path: string): ZipkinAnnotation {
  return { timestamp: readMicros(json.timestamp, `${path}.timestamp`), value: readString(json.value, `${path}.value`) };
}

export function readEndpoint(value: unknown, path: string): ZipkinEndpoint {
  if (value == null) return newZipkinEndpoint();
  if (!isJsonObject(value)) throw wrongType(path, 'an endpoint object', value);
  const port = value.port ?? 0;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 0xffff) throw wrongType(`${path}.port`, 'a port number (0-65535)', port);
  return {
    serviceName: readString(value.serviceName, `${path}.serviceName`),
    ipv4: readString(value.ipv4, `${path}.ipv4`),
    ipv6: readString(value.ipv6, `${path}.ipv6`),
    port,
  };
}

/** Tags in the order sent; a null one left out. */
function stringMap(value: unknown, path: string): Map<string, string> {
  const tags = new Map<string, string>();
  if (value == null) return tags;
  if (!isJsonObject(value)) throw wrongType(path, 'an object of string values', value);
  for (const [key, json] of Object.entries(value)) {
    const tag = readTagValue(json, `${path}[${quoted(key)}]`);
    if (tag !== undefined) tags.set(key, tag);
  }
  return tags;
}

/** A tag's value: a string, or a number or boolean as its JSON text (senders do write them); undefined when null. */
export function readTagValue(value: unknown, path: string): string | undefined {
  if (value == null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  throw wrongType(path, 'a string', value);
}

const DECIMAL_INTEGER = /^[0-9]+$/;

/**
 * Epoch microseconds (or a duration in them): a non-negative integer, as a number or a
 * decimal string; 0n when absent. A fractional number is rounded to whole microseconds.
 * Whether it fits in nanoseconds is the mapping's check.
 */
export function readMicros(value: unknown, path: string): bigint {
  if (value == null) return 0n;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= Number.MAX_SAFE_INTEGER) return BigInt(Math.round(value));
  if (typeof value === 'string' && DECIMAL_INTEGER.test(value) && value.length <= 20) return BigInt(value);
  throw wrongType(path, 'a number of microseconds (a non-negative integer)', value);
}

export function readString(value: unknown, path: string): string {
  if (value == null) return '';
  if (typeof value !== 'string') throw wrongType(path, 'a string', value);
  return value;
}

export function readBoolean(value: unknown, path: string): boolean {
  if (value == null) return false;
  if (typeof value !== 'boolean') throw wrongType(path, 'true or false', value);
  return value;
}

export function wrongType(path: string, expected: string, got: unknown): ZipkinDecodeError {
  return new ZipkinDecodeError(wrongTypeMessage(path, expected, got));
}

// ---- ZipkinSpans -> rows, for every Zipkin format ----

/** The resource and scope shared by the spans of one local service. */
interface ServiceGroup {
  serviceName: string;
  resource: Resource;
  scope: Scope;
}

export function zipkinSpansToBatch(spans: readonly ZipkinSpan[]): DecodedBatch {
  const batch = new SpanBatchBuilder(false);
  const groups = new Map<string, ServiceGroup>();
  const { timed, unmerged } = mergeTimeless(spans);
  for (const zipkin of timed) batch.addSpan(spanRow(zipkin, groups));
  const decoded = batch.finish();
  if (unmerged.length === 0) return decoded;
  // Spans refused for their ids (SpanBatchBuilder's reason) and for having no timestamp (ours).
  const more = decoded.rejected + unmerged.length - 1;
  const [lone] = unmerged;
  const firstUnmerged = `span ${quoted(lone.name)} ([${lone.index}], trace id ${quoted(lone.traceId)}, span id ${quoted(lone.id)}): no timestamp, and no span of the request with these ids has one to merge it into`;
  const first = decoded.rejectReason === '' ? firstUnmerged : decoded.rejectReason.replace(/ \(and \d+ more refused spans\)$/, '');
  return {
    spans: decoded.spans,
    rejected: decoded.rejected + unmerged.length,
    rejectReason: more > 0 ? `${first} (and ${more} more refused spans)` : first,
  };
}

/**
 * Each span without a timestamp merged into the first span of the request that has one,
 * the same trace and span id, and no different kind, local endpoint or shared flag (a
 * shared fragment joins only a shared span): Zipkin's rule for pieces of one span, which
 * keeps the client and server halves of a shared span apart. The timed span keeps what it
 * has; the piece adds what it lacks (parent, name, kind, duration, endpoint fields, tags of
 * other keys, annotations, debug). In request order, so decoding a payload again (the WAL's
 * replay) merges the same way. `unmerged`: the timeless spans with no such partner.
 */
export function mergeTimeless(spans: readonly ZipkinSpan[]): { timed: ZipkinSpan[]; unmerged: ZipkinSpan[] } {
  if (spans.every((span) => span.timestamp !== 0n)) return { timed: [...spans], unmerged: [] };
  const timed = spans.filter((span) => span.timestamp !== 0n).map(copySpan);
  const byIds = new Map<string, ZipkinSpan[]>();
  for (const span of timed) {
    const key = idsKey(span);
    byIds.set(key, [...(byIds.get(key) ?? []), span]);
  }
  const unmerged: ZipkinSpan[] = [];
  for (const piece of spans) {
    if (piece.timestamp !== 0n) continue;
    const partner = byIds.get(idsKey(piece))?.find((span) => isPieceOf(piece, span));
    if (partner === undefined) unmerged.push(piece);
    else mergeInto(partner, piece);
  }
  return { timed, unmerged };
}

function idsKey(span: ZipkinSpan): string {
  return `${padded(span.traceId, 32)}/${padded(span.id, 16)}`;
}

function copySpan(span: ZipkinSpan): ZipkinSpan {
  return {
    ...span,
    localEndpoint: { ...span.localEndpoint },
    remoteEndpoint: { ...span.remoteEndpoint },
    annotations: [...span.annotations],
    tags: new Map(span.tags),
  };
}

function isPieceOf(piece: ZipkinSpan, span: ZipkinSpan): boolean {
  if (piece.kind !== undefined && span.kind !== undefined && piece.kind !== span.kind) return false;
  if (piece.shared && !span.shared) return false;
  return endpointsAgree(piece.localEndpoint, span.localEndpoint);
}

/** No field set in both with different values (Zipkin's Trace.EndpointTracker). */
function endpointsAgree(a: ZipkinEndpoint, b: ZipkinEndpoint): boolean {
  const differ = (x: string | number, y: string | number) => x !== '' && x !== 0 && y !== '' && y !== 0 && x !== y;
  return !differ(a.serviceName, b.serviceName) && !differ(a.ipv4, b.ipv4) && !differ(a.ipv6, b.ipv6) && !differ(a.port, b.port);
}

function mergeInto(span: ZipkinSpan, piece: ZipkinSpan): void {
  span.parentId ||= piece.parentId;
  span.name ||= piece.name;
  span.kind ??= piece.kind;
  if (span.duration === 0n) span.duration = piece.duration;
  fillEndpoint(span.localEndpoint, piece.localEndpoint);
  fillEndpoint(span.remoteEndpoint, piece.remoteEndpoint);
  for (const [key, value] of piece.tags) if (!span.tags.has(key)) span.tags.set(key, value);
  for (const annotation of piece.annotations) {
    if (!span.annotations.some((a) => a.timestamp === annotation.timestamp && a.value === annotation.value)) span.annotations.push(annotation);
  }
  span.debug ||= piece.debug;
}

function fillEndpoint(endpoint: ZipkinEndpoint, from: ZipkinEndpoint): void {
  endpoint.serviceName ||= from.serviceName;
  endpoint.ipv4 ||= from.ipv4;
  endpoint.ipv6 ||= from.ipv6;
  endpoint.port ||= from.port;
}

function spanRow(zipkin: ZipkinSpan, groups: Map<string, ServiceGroup>): SpanRow {
  const path = `[${zipkin.index}]`;
  const group = serviceGroup(groups, zipkin.localEndpoint.serviceName);
  const span = emptySpanRow(group.resource, group.scope);
  span.serviceName = group.serviceName;
  span.traceId = padded(zipkin.traceId, 32);
  span.spanId = padded(zipkin.id, 16);
  const parentId = padded(zipkin.parentId, 16);
  span.parentSpanId = parentId === span.spanId ? '' : parentId;
  span.name = zipkin.name;
  span.kind = spanKind(zipkin);
  span.startNs = nanos(zipkin.timestamp, `${path}.timestamp`);
  span.endNs = span.startNs + zipkin.duration * 1000n;
  if (span.endNs > UINT64_MAX) throw new ZipkinDecodeError(`${path}.duration: timestamp + duration is past the largest time (2^64-1 ns)`);
  zipkin.annotations.forEach((annotation, i) => {
    const event = newSpanEvent();
    event.timeNs = nanos(annotation.timestamp, `${path}.annotations[${i}].timestamp`);
    event.name = annotation.value;
    span.events.push(event);
  });

  const attributes = span.attributes;
  applyTags(zipkin.tags, span);
  const local = zipkin.localEndpoint;
  const remote = zipkin.remoteEndpoint;
  if (local.ipv4 || local.ipv6) addString(attributes, 'network.local.address', local.ipv4 || local.ipv6);
  if (local.port !== 0) addInt(attributes, 'network.local.port', local.port);
  if (remote.serviceName !== '') addString(attributes, 'peer.service', remote.serviceName);
  if (remote.ipv4 || remote.ipv6) addString(attributes, 'network.peer.address', remote.ipv4 || remote.ipv6);
  if (remote.port !== 0) addInt(attributes, 'network.peer.port', remote.port);
  if (zipkin.shared) addBool(attributes, 'zipkin.shared', true);
  if (zipkin.debug) addBool(attributes, 'zipkin.debug', true);
  return span;
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

function spanKind(zipkin: ZipkinSpan): number {
  if (zipkin.kind !== undefined) return KIND_BY_NAME.get(zipkin.kind)!;
  return KIND_BY_TAG.get(zipkin.tags.get('span.kind')?.toUpperCase() ?? '') ?? SpanKind.UNSPECIFIED;
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
function applyTags(tags: Map<string, string>, span: SpanRow): void {
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

const UINT64_MAX = 2n ** 64n - 1n;
/** The largest microsecond count whose nanoseconds fit in a uint64. */
const MAX_MICROS = UINT64_MAX / 1000n;

function nanos(micros: bigint, path: string): bigint {
  if (micros > MAX_MICROS) throw new ZipkinDecodeError(`${path}: ${micros} µs is past the largest time (2^64-1 ns)`);
  return micros * 1000n;
}

/** A hex id left-padded with zeros to `digits` (64-bit trace ids to 128 bits); '' stays ''. */
function padded(id: string, digits: number): string {
  return id === '' ? '' : id.padStart(digits, '0');
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

/** A name or key, quoted and shortened, for a message. */
function quoted(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}
