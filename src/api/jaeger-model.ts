// Skein's span rows as Jaeger's UI JSON model (jaeger model/json/model.go), the shape
// Jaeger UI and Grafana's Jaeger datasource read from /api/traces. OTLP fields Jaeger has
// no place for become span tags as the OTel→Jaeger translator writes them: span.kind,
// otel.status_code, otel.status_description, error, otel.scope.name/version, w3c.tracestate.
//
// Trace ids whose high 64 bits are zero (64-bit ids from Zipkin and Jaeger clients, kept
// zero-padded to 128 bits) are printed as 16 digits, as Jaeger's TraceID.String() prints
// them: Jaeger UI shows the first 7 digits as the short id, and all of them were zeros.
import { spanKindName } from '../query/search-params.ts';
import { StatusCode, type Attributes, type SpanLink, type SpanRow } from '../model/span.ts';
import { traceIdAsSent } from '../query/trace-id.ts';
import { isReceiverScopeName } from '../receive/wire-format.ts';
import { plainAnyValue } from '../model/any-value.ts';

export type JaegerTagType = 'string' | 'bool' | 'int64' | 'float64' | 'binary';

export interface JaegerKeyValue {
  key: string;
  type: JaegerTagType;
  /** int64 is a JSON number when |v| < 2^53, otherwise its decimal string (a number would lose digits). */
  value: string | number | boolean;
}

export interface JaegerReference {
  refType: 'CHILD_OF' | 'FOLLOWS_FROM';
  traceID: string;
  spanID: string;
}

export interface JaegerLog {
  /** µs since the epoch */
  timestamp: number;
  fields: JaegerKeyValue[];
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  flags: number;
  operationName: string;
  references: JaegerReference[];
  /** µs since the epoch */
  startTime: number;
  /** µs */
  duration: number;
  tags: JaegerKeyValue[];
  logs: JaegerLog[];
  processID: string;
  warnings: string[] | null;
}

export interface JaegerProcess {
  serviceName: string;
  tags: JaegerKeyValue[];
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, JaegerProcess>;
  warnings: string[] | null;
}

/** One trace's spans (as SpanStore.getTrace gives them) in Jaeger's model. */
export function jaegerTrace(traceId: string, rows: SpanRow[]): JaegerTrace {
  const processes: Record<string, JaegerProcess> = {};
  const processIds = new Map<string, string>();
  const spans = rows.map((row) => {
    const process: JaegerProcess = {
      serviceName: row.serviceName,
      tags: jaegerTags(row.resource.attributes).filter((t) => t.key !== 'service.name'),
    };
    // A process is one distinct resource: same service and same resource attributes.
    const identity = JSON.stringify(process);
    let processID = processIds.get(identity);
    if (processID === undefined) {
      processID = `p${processIds.size + 1}`;
      processIds.set(identity, processID);
      processes[processID] = process;
    }
    return jaegerSpan(row, processID);
  });
  return { traceID: traceIdAsSent(traceId), spans, processes, warnings: null };
}

function jaegerSpan(row: SpanRow, processID: string): JaegerSpan {
  const traceID = traceIdAsSent(row.traceId);
  const references: JaegerReference[] = [];
  if (row.parentSpanId) references.push({ refType: 'CHILD_OF', traceID, spanID: row.parentSpanId });
  for (const link of row.links) references.push({ refType: refTypeOf(link), traceID: traceIdAsSent(link.traceId), spanID: link.spanId });

  const tags = jaegerTags(row.attributes);
  if (row.kind !== 0) tags.push(stringTag('span.kind', spanKindName(row.kind)));
  if (row.statusCode === StatusCode.OK) tags.push(stringTag('otel.status_code', 'OK'));
  if (row.statusCode === StatusCode.ERROR) {
    tags.push(stringTag('otel.status_code', 'ERROR'));
    tags.push({ key: 'error', type: 'bool', value: true });
  }
  if (row.statusMessage) tags.push(stringTag('otel.status_description', row.statusMessage));
  if (row.scope.name && !isReceiverScopeName(row.scope.name)) {
    tags.push(stringTag('otel.scope.name', row.scope.name));
    if (row.scope.version) tags.push(stringTag('otel.scope.version', row.scope.version));
  }
  if (row.traceState) tags.push(stringTag('w3c.tracestate', row.traceState));

  return {
    traceID,
    spanID: row.spanId,
    flags: row.flags,
    operationName: row.name,
    references,
    startTime: micros(row.startNs),
    duration: micros(row.endNs - row.startNs),
    tags,
    logs: row.events.map((event) => ({
      timestamp: micros(event.timeNs),
      fields: [...(event.name ? [stringTag('event', event.name)] : []), ...jaegerTags(event.attributes)],
    })),
    processID,
    warnings: null,
  };
}

/**
 * A link is a FOLLOWS_FROM reference unless its `opentracing.ref_type` says `child_of`
 * (a second parent, as a Jaeger client sends it), as Jaeger's OTLP translator reads it.
 * References have no tags, so the attribute is not shown.
 */
function refTypeOf(link: SpanLink): JaegerReference['refType'] {
  const index = link.attributes.strKeys.indexOf('opentracing.ref_type');
  return index >= 0 && link.attributes.strValues[index] === 'child_of' ? 'CHILD_OF' : 'FOLLOWS_FROM';
}

/** ns → whole µs as a number (present-day µs timestamps are far below 2^53). */
function micros(ns: bigint): number {
  return Number(ns / 1000n);
}

function stringTag(key: string, value: string): JaegerKeyValue {
  return { key, type: 'string', value };
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export function jaegerTags(a: Attributes): JaegerKeyValue[] {
  const tags: JaegerKeyValue[] = [];
  a.strKeys.forEach((key, i) => tags.push(stringTag(key, a.strValues[i])));
  a.intKeys.forEach((key, i) => {
    const v = a.intValues[i];
    tags.push({ key, type: 'int64', value: v <= MAX_SAFE && v >= -MAX_SAFE ? Number(v) : v.toString() });
  });
  a.dblKeys.forEach((key, i) => {
    const v = a.dblValues[i];
    // JSON has no NaN or Infinity; those go as their names, as Go's strconv spells them.
    tags.push({ key, type: 'float64', value: Number.isFinite(v) ? v : v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN' });
  });
  a.boolKeys.forEach((key, i) => tags.push({ key, type: 'bool', value: a.boolValues[i] }));
  a.otherKeys.forEach((key, i) => tags.push(otherTag(key, a.otherValues[i])));
  return tags;
}

/** Bytes become a binary tag (base64, as Jaeger's JSON writes []byte); arrays and maps their JSON text. */
function otherTag(key: string, anyValueJson: string): JaegerKeyValue {
  try {
    const any = JSON.parse(anyValueJson);
    if (typeof any?.bytesValue === 'string') return { key, type: 'binary', value: any.bytesValue };
    return stringTag(key, JSON.stringify(plainAnyValue(any)));
  } catch {
    return stringTag(key, anyValueJson);
  }
}
