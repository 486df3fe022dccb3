// The Skein API as the pages use it (docs/API.md). Errors carry the server's message.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(path: string, params?: Record<string, string | string[] | undefined>): Promise<T> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value === undefined || value === '') continue;
    for (const item of Array.isArray(value) ? value : [value]) query.append(key, item);
  }
  const url = query.size > 0 ? `${path}?${query}` : path;
  const res = await fetch(url);
  if (!res.ok) {
    const body = await res.json().catch(() => undefined);
    throw new ApiError(res.status, body?.error?.message ?? `${res.status} ${res.statusText}`);
  }
  return res.json() as Promise<T>;
}

export type Params = Record<string, string | string[] | undefined>;

export interface TraceSummary {
  traceId: string;
  rootService: string;
  rootOperation: string;
  startTimeUnixNano: string;
  durationNanos: string;
  spanCount: number;
  errorCount: number;
  services: string[];
}

/**
 * Every span of a trace in columns, as /api/v1/traces/{id}/timeline answers: what the
 * timeline draws and nothing more (no attributes, events or resources; the span detail
 * fetches those per span), so a 100 000-span trace arrives and parses quickly. Spans come
 * ordered by start; the per-span arrays are indexed alike.
 */
export interface TraceTimeline {
  /** as stored: 32 lower-case hex digits, whatever spelling the URL used */
  traceId: string;
  /** the earliest span's start, Unix ns as a decimal string */
  startTimeUnixNano: string;
  /** distinct service names, indexed by `service` */
  services: string[];
  /** distinct span names, indexed by `name` */
  names: string[];
  /** 16 lower-case hex digits; a Zipkin shared span is two entries (CLIENT, SERVER) with one id */
  spanId: string[];
  /** '' for none */
  parentSpanId: string[];
  service: number[];
  name: number[];
  /** OTLP SpanKind, 0..5 */
  kind: number[];
  /** OTLP status code: 0 unset, 1 ok, 2 error */
  statusCode: number[];
  /** ns after startTimeUnixNano */
  start: number[];
  /** ns */
  duration: number[];
  /** span index → its status message, only where there is one */
  statusMessage: Record<string, string>;
  /** [span index, linked trace id, linked span id], every link of every span */
  links: [number, string, string][];
}

/**
 * OTLP/JSON (resourceSpans → scopeSpans → spans), as /api/v1/traces/{id} answers for a
 * whole trace and /api/v1/traces/{id}/spans/{spanId} for the span(s) with that id.
 */
export interface OtlpTrace {
  resourceSpans: {
    resource: { attributes?: OtlpKeyValue[]; droppedAttributesCount?: number };
    scopeSpans: { scope?: OtlpScope; spans: OtlpSpan[] }[];
  }[];
}

export interface OtlpScope {
  name?: string;
  version?: string;
  attributes?: OtlpKeyValue[];
}

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

export interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string;
  doubleValue?: number;
  boolValue?: boolean;
  bytesValue?: string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: OtlpKeyValue[];
  events?: { timeUnixNano: string; name: string; attributes?: OtlpKeyValue[] }[];
  links?: { traceId: string; spanId: string; attributes?: OtlpKeyValue[] }[];
  status?: { code?: number; message?: string };
}

export interface SpanRef {
  spanId: string;
  service: string;
  name: string;
  kind: string;
}

export interface TraceAnalysis {
  criticalPath: {
    durationNanos: string;
    segments: (SpanRef & { startTimeUnixNano: string; endTimeUnixNano: string })[];
    byService: { service: string; durationNanos: string; share: number }[];
  };
  errorOrigins: (SpanRef & { statusMessage: string })[];
  stats: { service: string; operation: string; count: number; errors: number; totalNanos: string; selfNanos: string; minNanos: string; maxNanos: string }[];
}

export interface ServiceGraph {
  nodes: { name: string; kind: 'service' | 'database' | 'peer' }[];
  edges: { caller: string; callee: string; calls: number; errors: number; p50Ns: number; p95Ns: number; p99Ns: number }[];
}

export interface RedSeries {
  service: string;
  operation: string;
  points: { timeUnixNano: string; count: number; errors: number; rate: number; errorRate: number; p50Nanos: number; p95Nanos: number; p99Nanos: number }[];
}

/** One node of the merged tree of two traces (/api/v1/compare/traces), in tree order. */
export interface CompareRow {
  /** `service:operation` of each span from the root down to this node */
  path: string[];
  service: string;
  operation: string;
  depth: number;
  countA: number;
  countB: number;
  /** mean duration in each trace (absent or 0 where the count is 0) */
  meanNanosA: number | string | null;
  meanNanosB: number | string | null;
  status: 'added' | 'missing' | 'slower' | 'faster' | 'same';
}

export interface RootCauseRanking {
  window: { startTimeUnixNano: string; endTimeUnixNano: string; baselineStartTimeUnixNano: string; baselineEndTimeUnixNano: string; reasons: string[] } | null;
  candidates: {
    service: string;
    score: number;
    evidence: { kind: string; score: number; detail: string }[];
    operations: { operation: string; score: number }[];
  }[];
  baselineTraces: number;
  incidentTraces: number;
  anomalousTraces: number;
}

export const api = {
  services: () => getJson<{ services: string[] }>('/api/v1/services').then((r) => r.services),
  operations: (service: string) =>
    getJson<{ operations: { name: string; spanKind: string }[] }>(`/api/v1/services/${encodeURIComponent(service)}/operations`).then((r) => r.operations),
  search: (params: Params) => getJson<{ traces: TraceSummary[] }>('/api/v1/search', params).then((r) => r.traces),
  timeline: (traceId: string) => getJson<TraceTimeline>(`/api/v1/traces/${encodeURIComponent(traceId)}/timeline`),
  span: (traceId: string, spanId: string) => getJson<OtlpTrace>(`/api/v1/traces/${encodeURIComponent(traceId)}/spans/${encodeURIComponent(spanId)}`),
  /** Ids of the spans whose service, name, ids, status message, attributes or events contain the text (any case), in no particular order. */
  findInTrace: (traceId: string, text: string) =>
    getJson<{ spanIds: string[] }>(`/api/v1/traces/${encodeURIComponent(traceId)}/find`, { text }).then((r) => r.spanIds),
  analysis: (traceId: string) => getJson<TraceAnalysis>(`/api/v1/traces/${encodeURIComponent(traceId)}/analysis`),
  attributes: (params?: Params) =>
    getJson<{ attributes: { scope: string; key: string; type: string }[] }>('/api/v1/attributes', params).then((r) => r.attributes),
  attributeValues: (scope: string, key: string, params?: Params) =>
    getJson<{ values: string[] }>(`/api/v1/attributes/${scope}/${encodeURIComponent(key)}/values`, params).then((r) => r.values),
  dependencies: (params: Params) => getJson<ServiceGraph>('/api/v1/dependencies', params),
  rootCause: (params: Params) => getJson<RootCauseRanking>('/api/v1/root-cause', params),
  metrics: (params: Params) => getJson<{ stepNanos: string; series: RedSeries[] }>('/api/v1/metrics', params),
  compareTraces: (a: string, b: string) => getJson<{ rows: CompareRow[] }>('/api/v1/compare/traces', { a, b }).then((r) => r.rows),
  compareTypical: (trace: string) => getJson<{ typicalTraceId: string; rows: CompareRow[] }>('/api/v1/compare/typical', { trace }),
};
