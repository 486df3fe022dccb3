// Builds SpanRows for store tests: every field has a plain default, a test names only
// what it is about. Ids come from a counter, so runs are repeatable; a fixed first digit
// keeps them off zero and unique (padding with that digit would not).
import {
  emptyAttributes,
  emptySpanRow,
  SpanKind,
  type Attributes,
  type Resource,
  type Scope,
  type SpanRow,
} from '../../src/model/span.ts';

let idCounter = 0;

/** A fresh 32-hex-digit trace id. */
export function newTraceId(): string {
  return `a${(++idCounter).toString(16).padStart(31, '0')}`;
}

/** A fresh 16-hex-digit span id. */
export function newSpanId(): string {
  return `b${(++idCounter).toString(16).padStart(15, '0')}`;
}

export interface AttributeValues {
  str?: Record<string, string>;
  int?: Record<string, bigint>;
  dbl?: Record<string, number>;
  bool?: Record<string, boolean>;
  /** OTLP/JSON AnyValue text per key. */
  other?: Record<string, string>;
}

export function attributes(values: AttributeValues = {}): Attributes {
  const result = emptyAttributes();
  for (const [key, value] of Object.entries(values.str ?? {})) {
    result.strKeys.push(key);
    result.strValues.push(value);
  }
  for (const [key, value] of Object.entries(values.int ?? {})) {
    result.intKeys.push(key);
    result.intValues.push(value);
  }
  for (const [key, value] of Object.entries(values.dbl ?? {})) {
    result.dblKeys.push(key);
    result.dblValues.push(value);
  }
  for (const [key, value] of Object.entries(values.bool ?? {})) {
    result.boolKeys.push(key);
    result.boolValues.push(value);
  }
  for (const [key, value] of Object.entries(values.other ?? {})) {
    result.otherKeys.push(key);
    result.otherValues.push(value);
  }
  return result;
}

export function resource(serviceName: string, extra: AttributeValues = {}): Resource {
  return {
    attributes: attributes({ ...extra, str: { 'service.name': serviceName, ...extra.str } }),
    droppedAttributesCount: 0,
    schemaUrl: '',
  };
}

export const DEFAULT_SCOPE: Scope = {
  name: 'skein-test',
  version: '1.0.0',
  attributes: emptyAttributes(),
  droppedAttributesCount: 0,
  schemaUrl: '',
};

/**
 * A span of `service` starting at `startNs`, lasting `durationNs` (1 ms by default);
 * a root span unless `parentSpanId` is given. `overrides` replace any other field.
 */
export function span(
  options: { traceId: string; service: string; startNs: bigint; durationNs?: bigint } & Partial<SpanRow>,
): SpanRow {
  const { traceId, service, startNs, durationNs = 1_000_000n, ...overrides } = options;
  return {
    ...emptySpanRow(resource(service), DEFAULT_SCOPE),
    traceId,
    spanId: newSpanId(),
    flags: 1,
    name: 'operation',
    kind: SpanKind.INTERNAL,
    startNs,
    endNs: startNs + durationNs,
    serviceName: service,
    ...overrides,
  };
}

/** ns since the epoch of a UTC date-time such as '2026-03-01T12:00:00Z'. */
export function ns(isoTime: string): bigint {
  return BigInt(Date.parse(isoTime)) * 1_000_000n;
}

export const MS = 1_000_000n;
export const SECOND = 1_000_000_000n;
export const MINUTE = 60n * SECOND;
export const HOUR = 3_600n * SECOND;
export const DAY = 24n * HOUR;
