// Jaeger's query HTTP API (/api/services, /api/operations, /api/traces...) as Jaeger UI
// and Grafana's Jaeger datasource call it, mounted on the same app and port as Skein's
// own API. Answers use Jaeger's structuredResponse envelope; traces use its UI JSON model
// (see jaeger-model.ts).
//
// Not served: /api/dependencies. The store cannot compute service dependencies cheaply
// (that needs a trace-graph aggregation; left for the analysis work), and an empty list
// would be a false answer, so the route is absent and answers 404.
import { Hono, type Context } from 'hono';
import type { Logger } from 'pino';
import { parseDurationNs } from '../query/duration.ts';
import { DEFAULT_LIMIT, DEFAULT_LOOKBACK_NS, MAX_LIMIT, ParamError, parseParam, parseSpanKind, spanKindName } from '../query/search-params.ts';
import { parseTraceId } from '../query/trace-id.ts';
import type { AttributeFilter, AttributeName, AttributeScope, SpanStore, TraceQuery, TraceSummary } from '../store/span-store.ts';
import { HttpError } from './http-error.ts';
import { jaegerTrace, type JaegerTrace } from './jaeger-model.ts';

/** Jaeger's structuredResponse. */
interface Envelope<T> {
  data: T;
  total: number;
  limit: number;
  offset: number;
  errors: { code: number; msg: string }[] | null;
}

function ok<T>(data: T): Envelope<T> {
  return { data, total: Array.isArray(data) ? data.length : 0, limit: 0, offset: 0, errors: null };
}

function failure(code: number, msg: string): Envelope<null> {
  return { data: null, total: 0, limit: 0, offset: 0, errors: [{ code, msg }] };
}

/** The span.kind tag values the OTel→Jaeger translation writes. */
const JAEGER_SPAN_KINDS = new Set(['internal', 'server', 'client', 'producer', 'consumer']);

/** Most search combinations one Jaeger tag search may fan out to (see tagAlternatives). */
const MAX_SEARCHES = 64;

export function jaegerApi(store: SpanStore, logger?: Logger): Hono {
  const app = new Hono();

  app.get('/api/services', async (c) => c.json(ok(await store.listServices())));

  app.get('/api/services/:service/operations', async (c) => {
    const operations = await store.listOperations(c.req.param('service'));
    return c.json(ok([...new Set(operations.map((op) => op.name))]));
  });

  app.get('/api/operations', async (c) => {
    const service = required(c, 'service');
    const kind = c.req.query('spanKind');
    const wanted = kind ? parseParam('spanKind', kind, parseSpanKind) : undefined;
    const operations = (await store.listOperations(service))
      .filter((op) => wanted === undefined || op.kind === wanted)
      // Jaeger leaves spanKind empty when the span had none.
      .map((op) => ({ name: op.name, spanKind: op.kind === 0 ? '' : spanKindName(op.kind) }));
    return c.json(ok(operations));
  });

  app.get('/api/traces/:traceId', async (c) => {
    const traceId = parseParam('traceID', c.req.param('traceId'), parseTraceId);
    const spans = await store.getTrace(traceId);
    if (spans.length === 0) throw new HttpError(404, 'trace not found');
    return c.json(ok([jaegerTrace(traceId, spans)]));
  });

  app.get('/api/traces', async (c) => {
    const params = new URL(c.req.url).searchParams;
    // Jaeger also answers /api/traces?traceID=a&traceID=b with those traces.
    const ids = params.getAll('traceID');
    if (ids.length > 0) {
      const traceIds = ids.map((id) => parseParam('traceID', id, parseTraceId));
      return c.json(ok(await loadTraces(store, traceIds)));
    }
    const summaries = await searchJaeger(store, params);
    return c.json(ok(await loadTraces(store, summaries.map((s) => s.traceId))));
  });

  app.onError((err, c) => {
    if (err instanceof ParamError) return c.json(failure(400, err.message), 400);
    if (err instanceof HttpError) return c.json(failure(err.status, err.message), err.status as 400);
    logger?.error({ err }, 'Jaeger query API failed');
    return c.json(failure(500, `internal error: ${err.message}`), 500);
  });

  return app;
}

function required(c: Context, name: string): string {
  const value = c.req.query(name);
  if (!value) throw new HttpError(400, `parameter '${name}' is required`);
  return value;
}

/** Whole traces, in the order given; ones gone since the search are left out. */
async function loadTraces(store: SpanStore, traceIds: string[]): Promise<JaegerTrace[]> {
  const traces = await Promise.all(traceIds.map(async (id) => [id, await store.getTrace(id)] as const));
  return traces.filter(([, spans]) => spans.length > 0).map(([id, spans]) => jaegerTrace(id, spans));
}

/**
 * Jaeger's search parameters → store searches → summaries, newest first.
 * service (required), operation, tags (JSON object), tag=k:v (repeatable), minDuration,
 * maxDuration (Go durations), start/end (Unix µs), lookback, limit (default 20).
 */
export async function searchJaeger(store: SpanStore, params: URLSearchParams): Promise<TraceSummary[]> {
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

  const tags = readTags(params);
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
  if (tags.length === 0) return store.searchTraces(base);

  const names = await store.listAttributeNames(startNs, endNs);
  const combinations = tags.reduce<Alternative[]>(
    (acc, [key, value]) => acc.flatMap((a) => tagAlternatives(key, value, names).flatMap((b) => combine(a, b) ?? [])),
    [{ attributes: [] }],
  );
  if (combinations.length > MAX_SEARCHES) {
    throw new ParamError('tags', `the tags match attributes of too many scopes and types (${combinations.length} searches, at most ${MAX_SEARCHES})`);
  }
  const results = await Promise.all(
    combinations.map((alt) =>
      store.searchTraces({ ...base, attributes: alt.attributes, errorsOnly: alt.errorsOnly, spanKind: alt.spanKind }),
    ),
  );
  if (results.length === 1) return results[0];
  // Several searches: merge, newest first. The store orders each result by the latest
  // start of a matching span, which summaries do not carry, so the merge orders by the
  // trace's start time (then trace id); limit applies to the merged list.
  const byId = new Map<string, TraceSummary>();
  for (const summary of results.flat()) byId.set(summary.traceId, summary);
  return [...byId.values()]
    .sort((a, b) => (a.startNs === b.startNs ? (a.traceId < b.traceId ? -1 : 1) : a.startNs > b.startNs ? -1 : 1))
    .slice(0, limit);
}

/** Jaeger's start/end: integer Unix microseconds. */
function parseMicros(text: string): bigint {
  if (!/^\d+$/.test(text)) throw new Error(`'${text}' is not a time in Unix microseconds`);
  return BigInt(text) * 1000n;
}

function parseLimit(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw new Error(`must be an integer from 1 to ${MAX_LIMIT}`);
  return n;
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

/** Conditions that together stand for one tag (or for several, once combined). */
interface Alternative {
  attributes: AttributeFilter[];
  errorsOnly?: boolean;
  spanKind?: number;
}

function combine(a: Alternative, b: Alternative): Alternative | undefined {
  if (a.spanKind !== undefined && b.spanKind !== undefined && a.spanKind !== b.spanKind) return undefined;
  return {
    attributes: [...a.attributes, ...b.attributes],
    errorsOnly: a.errorsOnly || b.errorsOnly || undefined,
    spanKind: a.spanKind ?? b.spanKind,
  };
}

/**
 * The ways one Jaeger tag `key:value` can match a span: its value is an untyped string,
 * so it matches a string attribute equal to it, or an int/double/bool attribute when the
 * text parses as that type ('500' → int 500, double 500, string '500'), in the span's,
 * its resource's or an event's attributes. The store's filters are typed and ANDed, with
 * no OR, so each way is one search and the results are merged (see searchJaeger). Only
 * (scope, key, type) combinations the store has seen in the window are searched, which
 * usually leaves one. Tags the OTel→Jaeger translation derives are matched on what they
 * came from: `error=true` is status ERROR, `span.kind=server` the span kind.
 */
function tagAlternatives(key: string, value: string, names: AttributeName[]): Alternative[] {
  const typed: AttributeFilter[] = [{ scope: 'span', key, type: 'string', op: '=', value }];
  if (/^[+-]?\d+$/.test(value)) {
    const n = BigInt(value);
    if (n <= 0x7fffffffffffffffn && n >= -0x8000000000000000n) typed.push({ scope: 'span', key, type: 'int', op: '=', value: n });
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(value)) typed.push({ scope: 'span', key, type: 'double', op: '=', value: Number(value) });
  if (value === 'true' || value === 'false') typed.push({ scope: 'span', key, type: 'bool', op: '=', value: value === 'true' });

  const seen = new Set(names.map((n) => `${n.scope}\u0000${n.type}\u0000${n.key}`));
  const alternatives: Alternative[] = [];
  for (const scope of ['span', 'resource', 'event'] as AttributeScope[]) {
    for (const filter of typed) {
      if (seen.has(`${scope}\u0000${filter.type}\u0000${key}`)) alternatives.push({ attributes: [{ ...filter, scope }] });
    }
  }
  if (key === 'error' && value === 'true') alternatives.push({ attributes: [], errorsOnly: true });
  if (key === 'span.kind' && JAEGER_SPAN_KINDS.has(value)) alternatives.push({ attributes: [], spanKind: parseSpanKind(value) });
  return alternatives;
}
