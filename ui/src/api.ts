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

/** OTLP/JSON, as /api/v1/traces/{id} answers (resourceSpans → scopeSpans → spans). */
export interface OtlpTrace {
  resourceSpans: {
    resource: { attributes?: OtlpKeyValue[]; droppedAttributesCount?: number };
    scopeSpans: { scope?: { name?: string; version?: string; attributes?: OtlpKeyValue[] }; spans: OtlpSpan[] }[];
  }[];
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
  trace: (traceId: string) => getJson<OtlpTrace>(`/api/v1/traces/${encodeURIComponent(traceId)}`),
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
