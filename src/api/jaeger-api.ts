// Jaeger's query HTTP API (/api/services, /api/operations, /api/traces...) as Jaeger UI
// and Grafana's Jaeger datasource call it, mounted on the same app and port as Skein's
// own API. Answers use Jaeger's structuredResponse envelope; traces use its UI JSON model
// (see jaeger-model.ts).
//
// /api/dependencies comes from Skein's service graph (src/analyze/service-graph.ts), so
// it also has the uninstrumented peers (databases, external hosts) that Jaeger's own
// dependency jobs leave out; Jaeger UI draws them as nodes like any other.
import { Hono, type Context } from 'hono';
import type { Logger } from 'pino';
import { parseDurationNs } from '../query/duration.ts';
import { serviceGraph } from '../analyze/service-graph.ts';
import { DEFAULT_LIMIT, DEFAULT_LOOKBACK_NS, ParamError, parseEndTsLookback, parseLimit, parseParam, parseSpanKind, spanKindName } from '../query/search-params.ts';
import { parseTraceId } from '../query/trace-id.ts';
import { searchByTags, type TagMatch } from '../query/tag-search.ts';
import type { DependencyReader, TraceQuery, TraceReader, TraceSummary } from '../store/span-store.ts';
import { HttpError } from './http-error.ts';
import { answer, failure, jaegerErrorHandler } from './jaeger-envelope.ts';
import { jaegerTrace, type JaegerTrace } from './jaeger-model.ts';

/** Jaeger's default window for /api/dependencies: a day, in ms. */
const JAEGER_DEPENDENCY_LOOKBACK_MS = 86_400_000n;

/** The span.kind tag values the OTel→Jaeger translation writes. */
const JAEGER_SPAN_KINDS = new Set(['internal', 'server', 'client', 'producer', 'consumer']);

export function jaegerApi(store: TraceReader & DependencyReader, logger?: Logger): Hono {
  const app = new Hono();

  app.get('/api/services', async (c) => answer(c, await store.listServices(c.req.raw.signal)));

  app.get('/api/services/:service/operations', async (c) => {
    const operations = await store.listOperations(c.req.param('service'), c.req.raw.signal);
    return answer(c, [...new Set(operations.map((op) => op.name))]);
  });

  app.get('/api/operations', async (c) => {
    const service = required(c, 'service');
    const kind = c.req.query('spanKind');
    const wanted = kind ? parseParam('spanKind', kind, parseSpanKind) : undefined;
    const operations = (await store.listOperations(service, c.req.raw.signal))
      .filter((op) => wanted === undefined || op.kind === wanted)
      // Jaeger leaves spanKind empty when the span had none.
      .map((op) => ({ name: op.name, spanKind: op.kind === 0 ? '' : spanKindName(op.kind) }));
    return answer(c, operations);
  });

  app.get('/api/dependencies', async (c) => {
    const params = new URL(c.req.url).searchParams;
    const [startNs, endNs] = parseEndTsLookback(params, BigInt(Date.now()), JAEGER_DEPENDENCY_LOOKBACK_MS);
    const { edges } = serviceGraph(await store.serviceCalls(startNs, endNs, c.req.raw.signal));
    return answer(c, edges.map((e) => ({ parent: e.caller, child: e.callee, callCount: e.calls })));
  });

  app.get('/api/traces/:traceId', async (c) => {
    const traceId = parseParam('traceID', c.req.param('traceId'), parseTraceId);
    const spans = await store.getTrace(traceId, c.req.raw.signal);
    if (spans.length === 0) throw new HttpError(404, 'trace not found');
    return answer(c, [jaegerTrace(traceId, spans)]);
  });

  app.get('/api/traces', async (c) => {
    const params = new URL(c.req.url).searchParams;
    // Jaeger also answers /api/traces?traceID=a&traceID=b with those traces.
    const ids = params.getAll('traceID');
    if (ids.length > 0) {
      const traceIds = ids.map((id) => parseParam('traceID', id, parseTraceId));
      return answer(c, await loadTraces(store, traceIds, c.req.raw.signal));
    }
    const summaries = await searchJaeger(store, params, c.req.raw.signal);
    return answer(c, await loadTraces(store, summaries.map((s) => s.traceId), c.req.raw.signal));
  });

  // Registered last, so only paths no route took: /api/... (but Skein's /api/v1/ and
  // api_v3's /api/v3/, which answer in their own shapes) and what Jaeger UI asks of its
  // origin beyond jaeger-query's API (the Deep Dependency Graph and quality metrics
  // services). A JSON 404, not the HTML page, or the UI shows a parse error.
  for (const path of ['/api/*', '/analytics/*', '/serviceedges', '/qualitymetrics-v2']) {
    app.all(path, (c) => c.json(failure(404, `no route for ${c.req.method} ${c.req.path}`), 404));
  }

  app.onError(jaegerErrorHandler('Jaeger query API', logger));

  return app;
}

function required(c: Context, name: string): string {
  const value = c.req.query(name);
  if (!value) throw new HttpError(400, `parameter '${name}' is required`);
  return value;
}

/** Whole traces, in the order given, in one store read; ones gone since the search are left out. */
async function loadTraces(store: TraceReader, traceIds: string[], signal: AbortSignal): Promise<JaegerTrace[]> {
  const traces = await store.getTraces(traceIds, signal);
  return traceIds.flatMap((id, i) => (traces[i]!.length > 0 ? [jaegerTrace(id, traces[i]!)] : []));
}

/**
 * Jaeger's search parameters → store searches → summaries, newest first.
 * service (required), operation, tags (JSON object), tag=k:v (repeatable), minDuration,
 * maxDuration (Go durations), start/end (Unix µs), lookback, limit (default 20).
 */
export async function searchJaeger(store: TraceReader, params: URLSearchParams, signal: AbortSignal): Promise<TraceSummary[]> {
  const service = params.get('service');
  if (!service) throw new HttpError(400, "parameter 'service' is required");

  // Time window. Jaeger UI sends start and end (µs) together with lookback (e.g. '1h', or
  // 'custom'); start/end already express the lookback, so when start is given lookback is
  // ignored, as Jaeger's own query service does. Without start, start = end - lookback
  // (default 1h); a lookback that is not a duration ('custom') counts as absent.
  const end = params.get('end');
  const endNs = end ? parseParam('end', end, parseMicros) : BigInt(Date.now()) * 1_000_000n;
  const start = params.get('start');
  let startNs: bigint;
  if (start) {
    startNs = parseParam('start', start, parseMicros);
  } else {
    const lookback = params.get('lookback');
    let lookbackNs = DEFAULT_LOOKBACK_NS;
    if (lookback && lookback !== 'custom') lookbackNs = parseParam('lookback', lookback, parseDurationNs);
    startNs = endNs - lookbackNs;
  }
  if (startNs > endNs) throw new ParamError('start', 'is after end');

  const min = params.get('minDuration');
  const max = params.get('maxDuration');
  const minDurationNs = min ? parseParam('minDuration', min, parseDurationNs) : undefined;
  const maxDurationNs = max ? parseParam('maxDuration', max, parseDurationNs) : undefined;
  if (minDurationNs !== undefined && maxDurationNs !== undefined && minDurationNs > maxDurationNs) {
    throw new ParamError('minDuration', 'is greater than maxDuration');
  }
  const limitText = params.get('limit');
  const limit = limitText && limitText !== '0' ? parseParam('limit', limitText, parseLimit) : DEFAULT_LIMIT;

  const base: TraceQuery = {
    service,
    operation: params.get('operation') || undefined,
    attributes: [],
    minDurationNs,
    maxDurationNs,
    startNs,
    endNs,
    limit,
  };
  return searchByTags(store, base, readTags(params), 'tags', jaegerDerivedTagMatches, signal);
}

/** Jaeger's start/end: integer Unix microseconds. */
function parseMicros(text: string): bigint {
  if (!/^\d+$/.test(text)) throw new Error(`'${text}' is not a time in Unix microseconds`);
  return BigInt(text) * 1000n;
}

/** `tags={"k":"v",...}` (values strings; numbers and booleans are taken as their text) and `tag=k:v`. */
function readTags(params: URLSearchParams): [string, string][] {
  const tags: [string, string][] = [];
  const json = params.get('tags');
  if (json) {
    const object = parseParam('tags', json, (text) => {
      const value = JSON.parse(text) as unknown;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('must be a JSON object of tag values');
      return value as Record<string, unknown>;
    });
    for (const [key, value] of Object.entries(object)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new ParamError('tags', `the value of '${key}' is not a string`);
      }
      tags.push([key, String(value)]);
    }
  }
  for (const text of params.getAll('tag')) {
    const colon = text.indexOf(':');
    if (colon <= 0) throw new ParamError('tag', `'${text}' is not key:value`);
    tags.push([text.slice(0, colon), text.slice(colon + 1)]);
  }
  return tags;
}

/**
 * Tags the OTel→Jaeger translation derives, matched on what they came from:
 * `error=true` is status ERROR, `span.kind=server` the span kind.
 */
export function jaegerDerivedTagMatches(key: string, value: string): TagMatch[] {
  if (key === 'error' && value === 'true') return [{ attributes: [], errorsOnly: true }];
  if (key === 'span.kind' && JAEGER_SPAN_KINDS.has(value)) return [{ attributes: [], spanKind: parseSpanKind(value) }];
  return [];
}
