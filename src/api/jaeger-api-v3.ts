// Jaeger's api_v3 over HTTP (JSON), as Jaeger v2's own gateway serves jaeger.api_v3.QueryService
// (jaeger: cmd/jaeger/internal/extension/jaegerquery/internal/apiv3/http_gateway.go and
// query_parser.go; jaeger-idl: proto/api_v3/query_service.proto), on the query port beside
// the v1 API. Traces are OTLP/JSON wrapped in {"result": ...}; errors are upstream's
// GRPCGatewayError, {"error": {"httpCode": 400, "message": "..."}}. See docs/API.md.
//
// Parameters have upstream's camelCase names (query.serviceName) and, as upstream still
// accepts them, the older snake_case ones (query.service_name).
//
// Not served: the experimental query.filter expression.
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import { serviceGraph } from '../analyze/service-graph.ts';
import { spansToOtlpJson } from '../model/otlp-json.ts';
import { SpanKind, StatusCode, type SpanRow } from '../model/span.ts';
import { parseDurationNs } from '../query/duration.ts';
import { ParamError, parseLimit, parseParam, parseSpanKind, parseTime, spanKindName } from '../query/search-params.ts';
import { searchByTags } from '../query/tag-search.ts';
import { parseTraceId } from '../query/trace-id.ts';
import type { DependencyReader, TraceQuery, TraceReader, TraceSummary } from '../store/span-store.ts';
import { isAbortError } from '../store/abort.ts';
import { clientClosedRequest, HttpError } from './http-error.ts';
import { jaegerDerivedTagMatches } from './jaeger-api.ts';

/** Each parameter's names, upstream's canonical one first, then its deprecated aliases. */
const names = {
  serviceName: ['query.serviceName', 'query.service_name'],
  operationName: ['query.operationName', 'query.operation_name'],
  attributes: ['query.attributes'],
  startTimeMin: ['query.startTimeMin', 'query.start_time_min'],
  startTimeMax: ['query.startTimeMax', 'query.start_time_max'],
  durationMin: ['query.durationMin', 'query.duration_min'],
  durationMax: ['query.durationMax', 'query.duration_max'],
  searchDepth: ['query.searchDepth', 'query.search_depth', 'query.num_traces'],
  queryRawTraces: ['query.rawTraces', 'query.raw_traces'],
  startTime: ['startTime', 'start_time'],
  endTime: ['endTime', 'end_time'],
  rawTraces: ['rawTraces', 'raw_traces'],
  spanKind: ['spanKind', 'span_kind'],
} as const;

/** Upstream's query.searchDepth when none is given. */
const DEFAULT_SEARCH_DEPTH = 100;

export function jaegerApiV3(store: TraceReader & DependencyReader, logger?: Logger): Hono {
  const app = new Hono();

  app.get('/api/v3/services', async (c) => c.json({ services: await store.listServices(c.req.raw.signal) }));

  app.get('/api/v3/operations', async (c) => {
    const q = queryOf(c);
    const service = q.get('service');
    if (!service) throw new ParamError('service', 'is required');
    const wanted = optional(q, names.spanKind, (text) => kindName(parseSpanKind(text)));
    const operations = (await store.listOperations(service, c.req.raw.signal))
      .map((op) => ({ name: op.name, spanKind: kindName(op.kind) }))
      .filter((op) => wanted === undefined || op.spanKind === wanted);
    // A name stored with no kind and with INTERNAL reads the same twice; list it once.
    const unique = new Map(operations.map((op) => [`${op.spanKind}\u0000${op.name}`, op]));
    return c.json({ operations: [...unique.values()] });
  });

  app.get('/api/v3/dependencies', async (c) => {
    const q = queryOf(c);
    const startNs = required(q, names.startTime, parseTime);
    const endNs = required(q, names.endTime, parseTime);
    if (endNs <= startNs) throw new ParamError(names.endTime[0], `must be after ${names.startTime[0]}`);
    const { edges } = serviceGraph(await store.serviceCalls(startNs, endNs, c.req.raw.signal));
    // callCount is a uint64, which proto3 JSON writes as a string.
    return c.json({ dependencies: edges.map((e) => ({ parent: e.caller, child: e.callee, callCount: String(e.calls) })) });
  });

  app.get('/api/v3/traces/:trace_id', async (c) => {
    const traceId = parseParam('trace_id', c.req.param('trace_id'), parseTraceId);
    // The time window helps stores that cannot find a trace by id alone, and raw traces
    // skip Jaeger's adjusters; Skein needs neither, but refuses malformed values as upstream does.
    const q = queryOf(c);
    optional(q, names.startTime, parseTime);
    optional(q, names.endTime, parseTime);
    optional(q, names.rawTraces, parseGoBool);
    return c.json(tracesResult(await loadTraces(store, [traceId], c.req.raw.signal)));
  });

  app.get('/api/v3/traces', async (c) => {
    const found = await search(store, queryOf(c), c.req.raw.signal);
    return c.json(tracesResult(await loadTraces(store, found.map((t) => t.traceId), c.req.raw.signal)));
  });

  app.get('/api/v3/trace-summaries', async (c) => {
    const found = await search(store, queryOf(c), c.req.raw.signal);
    // Upstream computes summaries from whole traces when its store has none of its own; the
    // per-service counts and orphan spans need the spans, which Skein's summaries lack.
    const traces = await loadTraces(store, found.map((t) => t.traceId), c.req.raw.signal);
    return c.json({ summaries: traces.map(traceSummary) });
  });

  // Registered last: only paths no route above took.
  app.all('/api/v3/*', (c) => gatewayError(c, 404, `no route for ${c.req.method} ${c.req.path}`));

  app.onError((err, c) => {
    if (isAbortError(err)) return clientClosedRequest();
    if (err instanceof ParamError) return gatewayError(c, 400, err.message);
    if (err instanceof HttpError) return gatewayError(c, err.status, err.message);
    logger?.error({ err }, 'Jaeger api_v3 failed');
    return gatewayError(c, 500, `internal error: ${err.message}`);
  });

  return app;
}

function queryOf(c: Context): URLSearchParams {
  return new URL(c.req.url).searchParams;
}

/** Upstream's GRPCGatewayError; grpcCode and httpStatus are left out, as upstream leaves them. */
function gatewayError(c: Context, httpCode: number, message: string) {
  return c.json({ error: { httpCode, message } }, httpCode as ContentfulStatusCode);
}

/**
 * The value of the first of a parameter's names that has one, parsed, or undefined; an
 * empty value counts as absent, as upstream reads it. Errors name the spelling used.
 */
function optional<T>(q: URLSearchParams, spellings: readonly string[], parse: (text: string) => T): T | undefined {
  for (const name of spellings) {
    const text = q.get(name);
    if (text) return parseParam(name, text, parse);
  }
  return undefined;
}

function required<T>(q: URLSearchParams, spellings: readonly string[], parse: (text: string) => T): T {
  const value = optional(q, spellings, parse);
  if (value === undefined) throw new ParamError(spellings[0], 'is required');
  return value;
}

/** FindTracesRequest's parameters → matching traces, newest first. */
async function search(store: TraceReader, q: URLSearchParams, signal: AbortSignal): Promise<TraceSummary[]> {
  const startNs = optional(q, names.startTimeMin, parseTime);
  const endNs = optional(q, names.startTimeMax, parseTime);
  if (startNs === undefined || endNs === undefined) {
    throw new HttpError(400, `${names.startTimeMin[0]} and ${names.startTimeMax[0]} are required`);
  }
  if (startNs >= endNs) throw new ParamError(names.startTimeMin[0], `must be before ${names.startTimeMax[0]}`);

  const minDurationNs = optional(q, names.durationMin, parseDurationNs);
  const maxDurationNs = optional(q, names.durationMax, parseDurationNs);
  if (minDurationNs !== undefined && maxDurationNs !== undefined && maxDurationNs < minDurationNs) {
    throw new ParamError(names.durationMax[0], `must be greater than ${names.durationMin[0]}`);
  }
  // Raw traces skip Jaeger's adjusters; Skein has none, so only the value is checked.
  optional(q, names.queryRawTraces, parseGoBool);

  const base: TraceQuery = {
    service: optional(q, names.serviceName, String),
    operation: optional(q, names.operationName, String),
    attributes: [],
    minDurationNs,
    maxDurationNs,
    startNs,
    // The proto makes startTimeMax exclusive; the store's bound is inclusive.
    endNs: endNs - 1n,
    limit: optional(q, names.searchDepth, parseLimit) ?? DEFAULT_SEARCH_DEPTH,
  };
  const attributes = optional(q, names.attributes, parseAttributes) ?? [];
  return searchByTags(store, base, attributes, names.attributes[0], jaegerDerivedTagMatches, signal);
}

/** query.attributes: a JSON object of string values (the proto's map<string, string>), as upstream reads it. */
function parseAttributes(text: string): [string, string][] {
  const object = JSON.parse(text) as unknown;
  if (typeof object !== 'object' || object === null || Array.isArray(object)) throw new Error('must be a JSON object of string values');
  return Object.entries(object).map(([key, value]) => {
    if (typeof value !== 'string') throw new Error(`the value of '${key}' is not a string`);
    return [key, value];
  });
}

/** Go's strconv.ParseBool, which upstream reads rawTraces with. */
function parseGoBool(text: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  throw new Error(`'${text}' is not a boolean`);
}

/** Upstream names a span without a kind 'internal' (http_gateway.go, getOperations). */
function kindName(kind: number): string {
  return kind === SpanKind.UNSPECIFIED ? 'internal' : spanKindName(kind);
}

/** Whole traces, in the order given, in one store read; ones gone since the search (retention) are left out. */
async function loadTraces(store: TraceReader, traceIds: string[], signal: AbortSignal): Promise<SpanRow[][]> {
  return (await store.getTraces(traceIds, signal)).filter((spans) => spans.length > 0);
}

/**
 * Upstream's GRPCGatewayWrapper: every trace's resourceSpans, one after another, in
 * `{"result": ...}`. No trace at all is a 404, for a search too, as upstream answers.
 */
function tracesResult(traces: SpanRow[][]) {
  if (traces.length === 0) throw new HttpError(404, 'No traces found');
  return { result: { resourceSpans: traces.flatMap((spans) => spansToOtlpJson(spans).resourceSpans) } };
}

interface ServiceSummary {
  name: string;
  spanCount: number;
  errorSpanCount: number;
}

/**
 * Upstream's TraceSummary. The root is the earliest span without a parent; an orphan is
 * a span whose parent is not in the trace. Times are Unix ns as strings (proto3 fixed64).
 */
function traceSummary(spans: SpanRow[]) {
  const spanIds = new Set(spans.map((span) => span.spanId));
  const services = new Map<string, ServiceSummary>();
  let maxEndNs = spans[0].endNs;
  let errorSpanCount = 0;
  let orphanSpanCount = 0;
  for (const span of spans) {
    const service = services.get(span.serviceName) ?? { name: span.serviceName, spanCount: 0, errorSpanCount: 0 };
    services.set(span.serviceName, service);
    service.spanCount++;
    if (span.statusCode === StatusCode.ERROR) {
      service.errorSpanCount++;
      errorSpanCount++;
    }
    if (span.parentSpanId !== '' && !spanIds.has(span.parentSpanId)) orphanSpanCount++;
    if (span.endNs > maxEndNs) maxEndNs = span.endNs;
  }
  // getTrace returns spans in start order: the first is the earliest, and so is the first root.
  const root = spans.find((span) => span.parentSpanId === '');
  return {
    traceId: spans[0].traceId,
    rootServiceName: root?.serviceName ?? '',
    rootOperationName: root?.name ?? '',
    minStartTimeUnixNano: String(spans[0].startNs),
    maxEndTimeUnixNano: String(maxEndNs),
    spanCount: spans.length,
    errorSpanCount,
    orphanSpanCount,
    services: [...services.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}
