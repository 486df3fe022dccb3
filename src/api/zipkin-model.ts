// Skein's span model → Zipkin API v2 span JSON, the inverse of src/receive/zipkin-json.ts:
// a Zipkin span sent to :9411 reads back as the same JSON (fields Zipkin has), and spans
// that came in as OTLP or Jaeger read as the OpenTelemetry Collector's zipkin exporter
// would write them.
//
// - traceId: 16 hex digits when the high half is zero (64-bit ids, as Zipkin clients send
//   and Zipkin itself answers them), else 32. id, parentId (omitted for a root).
// - kind: 2/3/4/5 → SERVER/CLIENT/PRODUCER/CONSUMER; INTERNAL and UNSPECIFIED omit it.
// - timestamp/duration: µs (numbers; present-day µs are below 2^53). duration is omitted
//   when the span has none; a sub-µs one is 1 (Zipkin has no duration 0).
// - localEndpoint: serviceName (the span's service), network.local.address/port.
//   remoteEndpoint: peer.service, network.peer.address (ipv4 or ipv6 by its spelling; a host name is left out),
//   network.peer.port; omitted when none of them is there.
// - annotations: events, {timestamp µs, value: name}; an event with attributes has them
//   appended as `name|{"key":value}` (Zipkin annotations have no attributes).
// - tags: every other span attribute as a string (int/double/bool as their text, arrays and
//   key-value lists as JSON, `["a","b"]`, `{"k":"v"}`, bytes as base64). Status, as the
//   OpenTelemetry specification maps it to Zipkin (trace/sdk_exporters/zipkin.md): OK and
//   ERROR give otel.status_code=OK/ERROR; ERROR also gives an `error` tag, the status
//   message ("" when there is none), unless the span has an `error` attribute of its own
//   (a Zipkin span's error tag), which is kept, and then otel.status_description carries a
//   message that says something else. Resource attributes
//   other than service.name and the scope (unless it is the Zipkin receiver's) become tags
//   too, as the Collector does (otel.scope.name/otel.scope.version).
// - shared/debug: from the zipkin.shared/zipkin.debug bool attributes; omitted when false.
// - Not carried (Zipkin has no field): trace state, flags, links, dropped counts.
import { SpanKind, StatusCode, type Attributes, type SpanRow } from '../model/span.ts';
import { anyValueTagText, plainAnyValueText } from '../model/any-value.ts';
import { traceIdAsSent } from '../query/trace-id.ts';
import { isReceiverScopeName } from '../receive/wire-format.ts';

export interface ZipkinEndpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

export interface ZipkinSpan {
  traceId: string;
  parentId?: string;
  id: string;
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  name?: string;
  timestamp: number;
  duration?: number;
  localEndpoint?: ZipkinEndpoint;
  remoteEndpoint?: ZipkinEndpoint;
  annotations?: { timestamp: number; value: string }[];
  tags?: Record<string, string>;
  debug?: true;
  shared?: true;
}

const KIND_NAMES: Record<number, ZipkinSpan['kind']> = {
  [SpanKind.SERVER]: 'SERVER',
  [SpanKind.CLIENT]: 'CLIENT',
  [SpanKind.PRODUCER]: 'PRODUCER',
  [SpanKind.CONSUMER]: 'CONSUMER',
};

/** Attributes that become Zipkin fields rather than tags. */
const FIELD_KEYS = new Set([
  'network.local.address',
  'network.local.port',
  'peer.service',
  'network.peer.address',
  'network.peer.port',
  'zipkin.shared',
  'zipkin.debug',
]);

export function zipkinSpans(spans: SpanRow[]): ZipkinSpan[] {
  return spans.map(zipkinSpan);
}

export function zipkinSpan(span: SpanRow): ZipkinSpan {
  const attrs = attributeMap(span.attributes);
  const out: ZipkinSpan = { traceId: traceIdAsSent(span.traceId), id: span.spanId, timestamp: micros(span.startNs) };
  if (span.parentSpanId !== '') out.parentId = span.parentSpanId;
  const kind = KIND_NAMES[span.kind];
  if (kind) out.kind = kind;
  if (span.name !== '') out.name = span.name;
  if (span.endNs > span.startNs) out.duration = Math.max(1, micros(span.endNs - span.startNs));

  out.localEndpoint = endpoint(span.serviceName, attrs.get('network.local.address'), attrs.get('network.local.port'));
  const remote = endpoint(stringOf(attrs.get('peer.service')), attrs.get('network.peer.address'), attrs.get('network.peer.port'));
  if (Object.keys(remote).length > 0) out.remoteEndpoint = remote;

  if (span.events.length > 0) {
    out.annotations = span.events.map((event) => {
      const eventAttrs = attributeMap(event.attributes);
      const value = eventAttrs.size === 0 ? event.name : `${event.name}|${JSON.stringify(Object.fromEntries([...eventAttrs].map(([k, v]) => [k, jsonValue(v)])))}`;
      return { timestamp: micros(event.timeNs), value };
    });
  }

  const tags: Record<string, string> = {};
  for (const [key, value] of attributeMap(span.resource.attributes)) if (key !== 'service.name') tags[key] = stringOf(value);
  if (span.scope.name !== '' && !isReceiverScopeName(span.scope.name)) {
    tags['otel.scope.name'] = span.scope.name;
    if (span.scope.version !== '') tags['otel.scope.version'] = span.scope.version;
  }
  for (const [key, value] of attrs) if (!FIELD_KEYS.has(key)) tags[key] = stringOf(value);
  if (span.statusCode === StatusCode.ERROR) {
    tags['otel.status_code'] = 'ERROR';
    if (tags.error === undefined) tags.error = span.statusMessage;
    if (span.statusMessage !== '' && span.statusMessage !== tags.error) tags['otel.status_description'] = span.statusMessage;
  } else if (span.statusCode === StatusCode.OK) {
    tags['otel.status_code'] = 'OK';
  }
  if (Object.keys(tags).length > 0) out.tags = tags;

  if (attrs.get('zipkin.debug') === true) out.debug = true;
  if (attrs.get('zipkin.shared') === true) out.shared = true;
  return out;
}

type Value = string | bigint | number | boolean | { other: string };

/** All attributes by key (a key present under two types keeps the later). */
function attributeMap(a: Attributes): Map<string, Value> {
  const map = new Map<string, Value>();
  a.strKeys.forEach((k, i) => map.set(k, a.strValues[i]));
  a.intKeys.forEach((k, i) => map.set(k, a.intValues[i]));
  a.dblKeys.forEach((k, i) => map.set(k, a.dblValues[i]));
  a.boolKeys.forEach((k, i) => map.set(k, a.boolValues[i]));
  a.otherKeys.forEach((k, i) => map.set(k, { other: a.otherValues[i] }));
  return map;
}

function stringOf(value: Value | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'object') return anyValueTagText(value.other);
  return String(value);
}

function jsonValue(value: Value): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (typeof value === 'object') return plainAnyValueText(value.other);
  return value;
}

function endpoint(serviceName: string, address: Value | undefined, port: Value | undefined): ZipkinEndpoint {
  const out: ZipkinEndpoint = {};
  if (serviceName !== '') out.serviceName = serviceName;
  const ip = stringOf(address);
  if (ip !== '') {
    // A host name has no Zipkin field (Endpoint holds addresses only) and is left out.
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) out.ipv4 = ip;
    else if (ip.includes(':')) out.ipv6 = ip;
  }
  const portNumber = typeof port === 'bigint' ? Number(port) : typeof port === 'number' ? port : 0;
  if (Number.isInteger(portNumber) && portNumber > 0 && portNumber <= 0xffff) out.port = portNumber;
  return out;
}

function micros(ns: bigint): number {
  return Number(ns / 1000n);
}
