// Skein's own query API, JSON over HTTP, documented in docs/API.md. Thin: parameters are
// parsed in src/query, the work is done by the store.
import { Hono, type Context } from 'hono';
import type { Logger } from 'pino';
import { compareAttributes } from '../analyze/attribute-comparison.ts';
import { findAnomalousWindow, type AnomalousWindow } from '../analyze/anomaly-window.ts';
import { rankRootCauses } from '../analyze/root-cause.ts';
import { diffTraces } from '../analyze/trace-diff.ts';
import { lastEndingRoot, traceTree } from '../analyze/trace-tree.ts';
import { serviceGraph } from '../analyze/service-graph.ts';
import { analyzeTrace, type TraceAnalysis } from '../analyze/trace-analysis.ts';
import { SpanKind } from '../model/span.ts';
import { spansToOtlpJson } from '../model/otlp-json.ts';
import { parseDurationNs } from '../query/duration.ts';
import { DEFAULT_LOOKBACK_NS, ParamError, parseParam, parseSearchParams, parseSpanKind, parseTime, spanKindName } from '../query/search-params.ts';
import { parseSpanId, parseTraceId } from '../query/trace-id.ts';
import type { AttributeScope, DependencyReader, RedRow, SpanOutline, TraceReader, TraceSummary } from '../store/span-store.ts';
import { isAbortError } from '../store/abort.ts';
import { clientClosedRequest, HttpError } from './http-error.ts';
import { jaegerApi } from './jaeger-api.ts';
import { jaegerApiV3 } from './jaeger-api-v3.ts';
import { jaegerDeepDependencies } from './jaeger-deep-dependencies.ts';
import { jaegerMetricsApi } from './jaeger-metrics.ts';
import { traceTimelineJson } from './trace-timeline-json.ts';
import { uiApp } from './ui-static.ts';

/** What the API reports about the running process, beside the store's data. */
export interface Health {
  isReady(): boolean;
  /** The ingest pipeline's counters (pending spans, written spans, WAL bytes). */
  pipelineStats(): object;
}

/** Longest text find-in-trace takes: a needle, not a document. */
const MAX_FIND_TEXT = 1000;

export function skeinApi(store: TraceReader & DependencyReader, health: Health, logger: Logger): Hono {
  const app = new Hono();

  app.get('/ready', (c) => (health.isReady() ? c.text('ready') : c.text('starting', 503)));

  app.get('/api/v1/status', (c) => c.json({ ready: health.isReady(), pipeline: health.pipelineStats() }));

  app.get('/api/v1/services', async (c) => c.json({ services: await store.listServices(c.req.raw.signal) }));

  app.get('/api/v1/services/:service/operations', async (c) => {
    const operations = await store.listOperations(c.req.param('service'), c.req.raw.signal);
    return c.json({ operations: operations.map((op) => ({ name: op.name, spanKind: spanKindName(op.kind) })) });
  });

  app.get('/api/v1/traces/:traceId', async (c) => {
    const traceId = parseParam('traceId', c.req.param('traceId'), parseTraceId);
    const spans = await store.getTrace(traceId, c.req.raw.signal);
    if (spans.length === 0) throw new HttpError(404, `trace ${traceId} not found`);
    return c.json(spansToOtlpJson(spans));
  });

  app.get('/api/v1/traces/:traceId/timeline', async (c) => {
    const traceId = parseParam('traceId', c.req.param('traceId'), parseTraceId);
    const spans = await store.getTraceOutline(traceId, c.req.raw.signal);
    if (spans.length === 0) throw new HttpError(404, `trace ${traceId} not found`);
    return c.json(traceTimelineJson(spans));
  });

  app.get('/api/v1/traces/:traceId/spans/:spanId', async (c) => {
    const traceId = parseParam('traceId', c.req.param('traceId'), parseTraceId);
    const spanId = parseParam('spanId', c.req.param('spanId'), parseSpanId);
    const spans = await store.getSpan(traceId, spanId, c.req.raw.signal);
    if (spans.length === 0) throw new HttpError(404, `span ${spanId} not found in trace ${traceId}`);
    return c.json(spansToOtlpJson(spans));
  });

  app.get('/api/v1/traces/:traceId/find', async (c) => {
    const traceId = parseParam('traceId', c.req.param('traceId'), parseTraceId);
    const text = c.req.query('text');
    if (text === undefined) throw new ParamError('text', 'is required');
    if (text.length > MAX_FIND_TEXT) throw new ParamError('text', `is longer than ${MAX_FIND_TEXT} characters`);
    return c.json({ spanIds: await store.findSpans(traceId, text, c.req.raw.signal) });
  });

  app.get('/api/v1/traces/:traceId/analysis', async (c) => {
    const traceId = parseParam('traceId', c.req.param('traceId'), parseTraceId);
    const spans = await store.getTraceOutline(traceId, c.req.raw.signal);
    if (spans.length === 0) throw new HttpError(404, `trace ${traceId} not found`);
    return c.json(traceAnalysisJson(analyzeTrace(spans)));
  });

  app.get('/api/v1/search', async (c) => {
    const query = parseSearchParams(new URL(c.req.url).searchParams, nowNs());
    const traces = await store.searchTraces(query, c.req.raw.signal);
    return c.json({ traces: traces.map(summaryJson) });
  });

  app.get('/api/v1/dependencies', async (c) => {
    const [startNs, endNs] = timeRange(c);
    return c.json(serviceGraph(await store.serviceCalls(startNs, endNs, c.req.raw.signal)));
  });

  app.get('/api/v1/metrics', async (c) => {
    const [startNs, endNs] = timeRange(c);
    const step = c.req.query('step');
    const stepNs = step ? parseParam('step', step, parseDurationNs) : endNs - startNs + 1n;
    if (stepNs <= 0n) throw new ParamError('step', 'must be positive');
    if ((endNs - startNs) / stepNs > MAX_METRIC_STEPS) throw new ParamError('step', `makes more than ${MAX_METRIC_STEPS} steps in the window`);
    const kinds = c.req.queries('spanKind')?.map((kind) => parseParam('spanKind', kind, parseSpanKind));
    const rows = await store.redMetrics({
      startNs,
      endNs,
      stepNs,
      service: c.req.query('service') || undefined,
      operation: c.req.query('operation') || undefined,
      spanKinds: kinds,
    }, c.req.raw.signal);
    return c.json({ stepNanos: String(stepNs), series: redSeries(rows, stepNs) });
  });

  app.get('/api/v1/compare/traces', async (c) => {
    const params = new URL(c.req.url).searchParams;
    const [a, b] = await Promise.all(
      ['a', 'b'].map(async (name) => {
        const traceId = parseParam(name, required(params, name), parseTraceId);
        const spans = await store.getTrace(traceId, c.req.raw.signal);
        if (spans.length === 0) throw new HttpError(404, `trace ${traceId} not found`);
        return spans;
      }),
    );
    const rows = diffTraces(a, b).map(({ meanNsA, meanNsB, ...row }) => ({ ...row, meanNanosA: meanNsA, meanNanosB: meanNsB }));
    return c.json({ rows });
  });

  // The trace against a typical trace of its root operation: the one of median duration
  // among up to 100 traces of that root operation in the hour around it.
  app.get('/api/v1/compare/typical', async (c) => {
    const params = new URL(c.req.url).searchParams;
    const traceId = parseParam('trace', required(params, 'trace'), parseTraceId);
    const spans = await store.getTrace(traceId, c.req.raw.signal);
    if (spans.length === 0) throw new HttpError(404, `trace ${traceId} not found`);
    const root = spans[lastEndingRoot(traceTree(spans))]!;
    const peers = (
      await store.searchTraces({
        service: root.serviceName,
        operation: root.name,
        attributes: [],
        startNs: root.startNs - TYPICAL_WINDOW_NS,
        endNs: root.startNs + TYPICAL_WINDOW_NS,
        limit: 100,
      }, c.req.raw.signal)
    ).filter((t) => t.traceId !== traceId && t.rootService === root.serviceName && t.rootOperation === root.name);
    if (peers.length === 0) throw new HttpError(404, `no other trace of ${root.serviceName} ${root.name} near this one to compare with`);
    const typical = [...peers].sort((a, b) => (a.durationNs < b.durationNs ? -1 : a.durationNs > b.durationNs ? 1 : 0))[Math.floor(peers.length / 2)];
    const rows = diffTraces(await store.getTrace(typical.traceId, c.req.raw.signal), spans).map(({ meanNsA, meanNsB, ...row }) => ({ ...row, meanNanosA: meanNsA, meanNanosB: meanNsB }));
    return c.json({ typicalTraceId: typical.traceId, rows });
  });

  app.get('/api/v1/compare/attributes', async (c) => {
    const [startNs, endNs] = timeRange(c);
    const errorsOnly = c.req.query('errors') === 'true';
    const min = c.req.query('minDuration');
    const minDurationNs = min ? parseParam('minDuration', min, parseDurationNs) : undefined;
    if (!errorsOnly && minDurationNs === undefined) throw new ParamError('errors', "select spans with errors=true and/or minDuration");
    const frequencies = await store.attributeFrequencies({
      startNs,
      endNs,
      service: c.req.query('service') || undefined,
      operation: c.req.query('operation') || undefined,
      selection: { errorsOnly, minDurationNs },
      limit: ATTRIBUTE_PAIRS_COMPARED,
    }, c.req.raw.signal);
    return c.json({
      selectedSpans: frequencies.selectedSpans,
      baselineSpans: frequencies.baselineSpans,
      attributes: compareAttributes(frequencies).slice(0, 50),
    });
  });

  app.get('/api/v1/root-cause', async (c) => {
    const params = new URL(c.req.url).searchParams;
    const window = params.has('start') || params.has('end') ? explicitWindow(params) : await detectedWindow(store, params, c.req.raw.signal);
    if (window === undefined) return c.json({ window: null, candidates: [], baselineTraces: 0, incidentTraces: 0, anomalousTraces: 0 });
    const maxTraces = ROOT_CAUSE_TRACES;
    const [baseline, incident] = await Promise.all([
      store.readSpans({ startNs: window.baselineStartNs, endNs: window.baselineEndNs, maxTraces }, c.req.raw.signal),
      store.readSpans({ startNs: window.startNs, endNs: window.endNs, maxTraces }, c.req.raw.signal),
    ]);
    return c.json({ window: windowJson(window), ...rankRootCauses(groupByTrace(baseline), groupByTrace(incident)) });
  });

  app.get('/api/v1/attributes', async (c) => {
    const [startNs, endNs] = timeRange(c);
    return c.json({ attributes: await store.listAttributeNames(startNs, endNs, c.req.raw.signal) });
  });

  app.get('/api/v1/attributes/:scope/:key/values', async (c) => {
    const scope = parseParam('scope', c.req.param('scope'), attributeScope);
    const [startNs, endNs] = timeRange(c);
    const values = await store.listAttributeValues(scope, c.req.param('key'), startNs, endNs, 100, c.req.raw.signal);
    return c.json({ values });
  });

  // Unknown paths answer 404 in the shape of the API whose prefix they carry: Skein's here,
  // api_v3's and Jaeger's in their apps, which take /api/v3/ and then every other /api/.
  app.all('/api/v1/*', (c) => c.json(errorBody(404, `no route for ${c.req.method} ${c.req.path}`), 404));
  app.route('/', jaegerApiV3(store, logger));
  app.route('/', jaegerMetricsApi(store, logger));
  app.route('/', jaegerDeepDependencies(store, logger));
  app.route('/', jaegerApi(store, logger));
  app.route('/', uiApp());
  app.notFound((c) => c.json(errorBody(404, `no route for ${c.req.method} ${c.req.path}`), 404));

  app.onError((err, c) => {
    if (isAbortError(err)) return clientClosedRequest();
    if (err instanceof ParamError) return c.json(errorBody(400, err.message), 400);
    if (err instanceof HttpError) return c.json(errorBody(err.status, err.message), err.status as 400);
    logger.error({ err }, 'query API failed');
    return c.json(errorBody(500, `internal error: ${err.message}`), 500);
  });

  return app;
}

function summaryJson(t: TraceSummary) {
  return {
    traceId: t.traceId,
    rootService: t.rootService,
    rootOperation: t.rootOperation,
    startTimeUnixNano: String(t.startNs),
    durationNanos: String(t.durationNs),
    spanCount: t.spanCount,
    errorCount: t.errorCount,
    services: t.services,
  };
}

/** Traces read from each window for a root-cause ranking (a stable sample when there are more). */
const ROOT_CAUSE_TRACES = 2000;
/** How far before and after a trace /compare/typical looks for its peers: 30 minutes. */
const TYPICAL_WINDOW_NS = 1_800_000_000_000n;

/** start/end given (and the baseline, by default the same length just before). */
function explicitWindow(params: URLSearchParams): AnomalousWindow {
  const startNs = parseParam('start', required(params, 'start'), parseTime);
  const endNs = parseParam('end', required(params, 'end'), parseTime);
  if (startNs >= endNs) throw new ParamError('start', 'is not before end');
  const baseStart = params.get('baselineStart');
  const baseEnd = params.get('baselineEnd');
  const baselineEndNs = baseEnd ? parseParam('baselineEnd', baseEnd, parseTime) : startNs - 1n;
  const baselineStartNs = baseStart ? parseParam('baselineStart', baseStart, parseTime) : startNs - (endNs - startNs);
  if (baselineStartNs >= baselineEndNs) throw new ParamError('baselineStart', 'is not before baselineEnd');
  return { startNs, endNs, baselineStartNs, baselineEndNs, reasons: [] };
}

/** The latest anomalous stretch of the lookback (default 1 h), from per-minute RED of what services serve. */
async function detectedWindow(store: DependencyReader, params: URLSearchParams, signal: AbortSignal): Promise<AnomalousWindow | undefined> {
  const lookback = params.get('lookback');
  const lookbackNs = lookback ? parseParam('lookback', lookback, parseDurationNs) : DEFAULT_LOOKBACK_NS;
  const endNs = nowNs();
  const stepNs = lookbackNs / 60n > 10_000_000_000n ? lookbackNs / 60n : 10_000_000_000n;
  const rows = await store.redMetrics({ startNs: endNs - lookbackNs, endNs, stepNs, spanKinds: [SpanKind.SERVER, SpanKind.CONSUMER] }, signal);
  return findAnomalousWindow(rows, stepNs);
}

function windowJson(w: AnomalousWindow) {
  return {
    startTimeUnixNano: String(w.startNs),
    endTimeUnixNano: String(w.endNs),
    baselineStartTimeUnixNano: String(w.baselineStartNs),
    baselineEndTimeUnixNano: String(w.baselineEndNs),
    reasons: w.reasons,
  };
}

function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (!value) throw new ParamError(name, 'is required');
  return value;
}

function groupByTrace(spans: SpanOutline[]): SpanOutline[][] {
  const traces = new Map<string, SpanOutline[]>();
  for (const span of spans) {
    const list = traces.get(span.traceId);
    if (list) list.push(span);
    else traces.set(span.traceId, [span]);
  }
  return [...traces.values()];
}

/** Attribute=value pairs the store counts for a comparison (the most frequent in the selection). */
const ATTRIBUTE_PAIRS_COMPARED = 2000;

/** Most time steps one metrics query may ask for. */
const MAX_METRIC_STEPS = 10_000n;

/** Store rows → one series per service and operation, with rates per second. */
function redSeries(rows: RedRow[], stepNs: bigint) {
  const seconds = Number(stepNs) / 1e9;
  const series = new Map<string, { service: string; operation: string; points: object[] }>();
  for (const row of rows) {
    const key = `${row.service}\u0000${row.operation}`;
    if (!series.has(key)) series.set(key, { service: row.service, operation: row.operation, points: [] });
    series.get(key)!.points.push({
      timeUnixNano: String(row.stepStartNs),
      count: row.count,
      errors: row.errors,
      rate: row.count / seconds,
      errorRate: row.errors / row.count,
      p50Nanos: row.p50Ns,
      p95Nanos: row.p95Ns,
      p99Nanos: row.p99Ns,
    });
  }
  return [...series.values()];
}

function traceAnalysisJson({ criticalPath, errorOrigins, stats }: TraceAnalysis<SpanOutline>) {
  const spanRef = (span: SpanOutline) => ({ spanId: span.spanId, service: span.serviceName, name: span.name, kind: spanKindName(span.kind) });
  return {
    criticalPath: {
      durationNanos: String(criticalPath.durationNs),
      segments: criticalPath.segments.map((s) => ({ ...spanRef(s.span), startTimeUnixNano: String(s.startNs), endTimeUnixNano: String(s.endNs) })),
      byService: criticalPath.byService.map((s) => ({ service: s.service, durationNanos: String(s.durationNs), share: s.share })),
    },
    errorOrigins: errorOrigins.map((span) => ({ ...spanRef(span), statusMessage: span.statusMessage })),
    stats: stats.map((s) => ({
      service: s.service,
      operation: s.operation,
      count: s.count,
      errors: s.errors,
      totalNanos: String(s.totalNs),
      selfNanos: String(s.selfNs),
      minNanos: String(s.minNs),
      maxNanos: String(s.maxNs),
    })),
  };
}

function errorBody(status: number, message: string) {
  return { error: { status, message } };
}

function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/** start/end (default: the last day before end), for the autocomplete and dependency endpoints. */
function timeRange(c: Context): [bigint, bigint] {
  const end = c.req.query('end');
  const start = c.req.query('start');
  const endNs = end ? parseParam('end', end, parseTime) : nowNs();
  const startNs = start ? parseParam('start', start, parseTime) : endNs - 24n * DEFAULT_LOOKBACK_NS;
  return [startNs, endNs];
}

function attributeScope(text: string): AttributeScope {
  if (text === 'span' || text === 'resource' || text === 'event') return text;
  throw new Error(`'${text}' is not span, resource or event`);
}
