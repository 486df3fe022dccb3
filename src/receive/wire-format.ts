// The wire formats Skein receives. The number is what the write-ahead log records with
// each payload, so a replay after a crash decodes it the same way: never renumber.
import type { DecodedBatch } from '../model/span.ts';
import { decodeOtlpJson } from './otlp-json.ts';
import { decodeOtlpProto } from './otlp-proto.ts';
import { decodeJaegerThrift, JAEGER_SCOPE_NAME } from './jaeger-thrift.ts';
import { decodeZipkinJson, ZIPKIN_SCOPE_NAME } from './zipkin-json.ts';
import { decodeZipkinProto } from './zipkin-proto.ts';
import { decodeZipkinV1Json } from './zipkin-v1-json.ts';

export const WireFormat = {
  OTLP_PROTO: 1,
  OTLP_JSON: 2,
  ZIPKIN_JSON: 3,
  JAEGER_THRIFT: 4,
  ZIPKIN_PROTO: 5,
  ZIPKIN_V1_JSON: 6,
} as const;

export type WireFormat = (typeof WireFormat)[keyof typeof WireFormat];

const names: Record<number, string> = {
  [WireFormat.OTLP_PROTO]: 'OTLP protobuf',
  [WireFormat.OTLP_JSON]: 'OTLP JSON',
  [WireFormat.ZIPKIN_JSON]: 'Zipkin JSON',
  [WireFormat.JAEGER_THRIFT]: 'Jaeger Thrift',
  [WireFormat.ZIPKIN_PROTO]: 'Zipkin protobuf',
  [WireFormat.ZIPKIN_V1_JSON]: 'Zipkin v1 JSON',
};

/** How error messages name a format, e.g. 'OTLP protobuf'. */
export function wireFormatName(format: number): string {
  return names[format] ?? `wire format ${format}`;
}

export function decodePayload(format: number, payload: Buffer): DecodedBatch {
  switch (format) {
    case WireFormat.OTLP_PROTO:
      return decodeOtlpProto(payload);
    case WireFormat.OTLP_JSON:
      return decodeOtlpJson(payload.toString('utf8'));
    case WireFormat.ZIPKIN_JSON:
      return decodeZipkinJson(payload.toString('utf8'));
    case WireFormat.JAEGER_THRIFT:
      return decodeJaegerThrift(payload);
    case WireFormat.ZIPKIN_PROTO:
      return decodeZipkinProto(payload);
    case WireFormat.ZIPKIN_V1_JSON:
      return decodeZipkinV1Json(payload.toString('utf8'));
    default:
      throw new Error(`unknown wire format ${format}`);
  }
}

/**
 * Whether a scope name is one a receiver gave spans whose sender named none (Zipkin and
 * Jaeger clients have no scopes): a stand-in that the Zipkin and Jaeger answers leave out,
 * so spans read back with the tags they were sent with.
 */
export function isReceiverScopeName(name: string): boolean {
  return name === ZIPKIN_SCOPE_NAME || name === JAEGER_SCOPE_NAME;
}
