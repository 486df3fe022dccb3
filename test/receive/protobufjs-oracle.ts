// The reference decoder the hand-written one is checked (and benchmarked) against:
// protobufjs 7 by reflection from the .proto files under ./proto, then a plain converter
// from its decoded messages to SpanRows. It shares no code with src/receive, so the two agreeing
// means something. It applies no id rules: the captured payloads it is used on are valid.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { emptyAttributes, type Attributes, type Resource, type Scope, type SpanRow } from '../../src/model/span.ts';

const protoDir = fileURLToPath(new URL('./proto', import.meta.url));
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => join(protoDir, target);
root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto');

export const ExportTraceServiceRequest = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');

// Without long.js protobufjs turns 64-bit values into lossy Numbers.
if (!protobuf.util.Long) throw new Error('protobufjs did not find long.js: 64-bit values would lose precision');

/** protobufjs 64-bit values (long.js). */
interface Long {
  low: number;
  high: number;
  unsigned: boolean;
}

// The decoded messages, as far as the converter reads them. Absent fields read as their
// defaults (absent messages as null); `value` names the AnyValue member that is set.
interface KeyValueMessage {
  key: string;
  value: AnyValueMessage | null;
}
interface AnyValueMessage {
  value?: 'stringValue' | 'boolValue' | 'intValue' | 'doubleValue' | 'arrayValue' | 'kvlistValue' | 'bytesValue';
  stringValue: string;
  boolValue: boolean;
  intValue: Long;
  doubleValue: number;
  arrayValue: { values: AnyValueMessage[] };
  kvlistValue: { values: KeyValueMessage[] };
  bytesValue: Uint8Array | number[];
}
interface WithAttributes {
  attributes: KeyValueMessage[];
  droppedAttributesCount: number;
}
interface RequestMessage {
  resourceSpans: {
    resource: WithAttributes | null;
    schemaUrl: string;
    scopeSpans: {
      scope: (WithAttributes & { name: string; version: string }) | null;
      schemaUrl: string;
      spans: (WithAttributes & {
        traceId: Uint8Array | number[];
        spanId: Uint8Array | number[];
        parentSpanId: Uint8Array | number[];
        traceState: string;
        flags: number;
        name: string;
        kind: number;
        startTimeUnixNano: Long;
        endTimeUnixNano: Long;
        events: (WithAttributes & { timeUnixNano: Long; name: string })[];
        droppedEventsCount: number;
        links: (WithAttributes & { traceId: Uint8Array | number[]; spanId: Uint8Array | number[]; traceState: string; flags: number })[];
        droppedLinksCount: number;
        status: { code: number; message: string } | null;
      })[];
    }[];
  }[];
}

export function decodeWithProtobufjs(body: Uint8Array): SpanRow[] {
  const request = ExportTraceServiceRequest.decode(body) as unknown as RequestMessage;
  const rows: SpanRow[] = [];
  for (const resourceSpans of request.resourceSpans) {
    const resource: Resource = {
      attributes: toAttributes(resourceSpans.resource?.attributes ?? []),
      droppedAttributesCount: resourceSpans.resource?.droppedAttributesCount ?? 0,
      schemaUrl: resourceSpans.schemaUrl,
    };
    const serviceNameIndex = resource.attributes.strKeys.indexOf('service.name');
    const serviceName = serviceNameIndex >= 0 && resource.attributes.strValues[serviceNameIndex] ? resource.attributes.strValues[serviceNameIndex] : 'unknown_service';
    for (const scopeSpans of resourceSpans.scopeSpans) {
      const scope: Scope = {
        name: scopeSpans.scope?.name ?? '',
        version: scopeSpans.scope?.version ?? '',
        attributes: toAttributes(scopeSpans.scope?.attributes ?? []),
        droppedAttributesCount: scopeSpans.scope?.droppedAttributesCount ?? 0,
        schemaUrl: scopeSpans.schemaUrl,
      };
      for (const span of scopeSpans.spans) {
        const parentSpanId = hex(span.parentSpanId);
        rows.push({
          traceId: hex(span.traceId),
          spanId: hex(span.spanId),
          parentSpanId: parentSpanId === '0000000000000000' ? '' : parentSpanId,
          traceState: span.traceState,
          flags: span.flags,
          name: span.name,
          kind: span.kind,
          startNs: toBigInt(span.startTimeUnixNano),
          endNs: toBigInt(span.endTimeUnixNano),
          statusCode: span.status?.code ?? 0,
          statusMessage: span.status?.message ?? '',
          attributes: toAttributes(span.attributes),
          droppedAttributesCount: span.droppedAttributesCount,
          events: span.events.map((event) => ({
            timeNs: toBigInt(event.timeUnixNano),
            name: event.name,
            attributes: toAttributes(event.attributes),
            droppedAttributesCount: event.droppedAttributesCount,
          })),
          droppedEventsCount: span.droppedEventsCount,
          links: span.links.map((link) => ({
            traceId: hex(link.traceId),
            spanId: hex(link.spanId),
            traceState: link.traceState,
            flags: link.flags,
            attributes: toAttributes(link.attributes),
            droppedAttributesCount: link.droppedAttributesCount,
          })),
          droppedLinksCount: span.droppedLinksCount,
          serviceName,
          resource,
          scope,
        });
      }
    }
  }
  return rows;
}

function toBigInt(long: Long): bigint {
  const bits = (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0);
  return long.unsigned ? bits : BigInt.asIntN(64, bits);
}

/** An absent bytes field reads as an empty array, a present one as a Buffer. */
function hex(bytes: Uint8Array | number[]): string {
  return Buffer.from(bytes).toString('hex');
}

function toAttributes(list: KeyValueMessage[]): Attributes {
  const attributes = emptyAttributes();
  for (const { key, value } of list) {
    switch (value?.value) {
      case 'stringValue':
        attributes.strKeys.push(key);
        attributes.strValues.push(value.stringValue);
        break;
      case 'intValue':
        attributes.intKeys.push(key);
        attributes.intValues.push(toBigInt(value.intValue));
        break;
      case 'doubleValue':
        attributes.dblKeys.push(key);
        attributes.dblValues.push(value.doubleValue);
        break;
      case 'boolValue':
        attributes.boolKeys.push(key);
        attributes.boolValues.push(value.boolValue);
        break;
      default:
        attributes.otherKeys.push(key);
        attributes.otherValues.push(JSON.stringify(value ? otlpJsonValue(value) : {}));
    }
  }
  return attributes;
}

/** AnyValue as OTLP/JSON: int64 as a string, bytes as base64, non-finite doubles as strings. */
function otlpJsonValue(value: AnyValueMessage): object {
  switch (value.value) {
    case 'stringValue':
      return { stringValue: value.stringValue };
    case 'boolValue':
      return { boolValue: value.boolValue };
    case 'intValue':
      return { intValue: toBigInt(value.intValue).toString() };
    case 'doubleValue': {
      // JSON numbers hold no NaN or ±Infinity, and JSON.stringify drops the sign of -0.
      const double = value.doubleValue;
      if (Object.is(double, -0)) return { doubleValue: '-0' };
      return { doubleValue: Number.isFinite(double) ? double : String(double) };
    }
    case 'arrayValue':
      return { arrayValue: { values: value.arrayValue.values.map(otlpJsonValue) } };
    case 'kvlistValue':
      return { kvlistValue: { values: value.kvlistValue.values.map((kv) => ({ key: kv.key, value: kv.value ? otlpJsonValue(kv.value) : {} })) } };
    case 'bytesValue':
      return { bytesValue: Buffer.from(value.bytesValue).toString('base64') };
    default:
      return {};
  }
}
