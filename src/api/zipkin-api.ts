// Zipkin's query API v2 (zipkin-api.yaml) as Zipkin UI, Grafana's Zipkin datasource and
// zipkin clients call it, served on the Zipkin port (9411) beside the Zipkin receiver.
// Answers are bare JSON (no envelope); errors are plain text, 400 naming the parameter,
// 404 for an unknown trace, as Zipkin's server answers them. Spans use Zipkin's v2 model
// (see zipkin-model.ts).
//
// Differences from Zipkin:
// - annotationQuery: terms joined by ` and `; `key=value` is a string span attribute equal
//   to value; `error` is "the span's status is ERROR" (an `error` tag sets it on ingest);
//   any other bare word is "the span has that attribute or an annotation (event) with that
//   value", one store search per way a bare word can match, merged. As in Zipkin, all conditions (and serviceName, spanName, remoteServiceName, durations)
//   must hold on one and the same span.
// - remoteServices, autocompleteKeys/Values have no time parameters in Zipkin (they cover
//   all it stores); Skein answers from everything in retention as well.
// - Names are matched as stored (Zipkin lowercases service and span names).
// - dependencies: links come from Skein's service graph (src/analyze/service-graph.ts):
//   parent/child spans across services, messaging links, and calls to uninstrumented
//   peers (peer.service = Zipkin's remoteEndpoint.serviceName, db.*, server.address),
//   as Zipkin's own linker adds remote service names. errorCount counts callee spans with
//   status ERROR. endTs is required, as in Zipkin.
import { Hono, type Context } from 'hono';
import type { Logger } from 'pino';
import { serviceGraph } from '../analyze/service-graph.ts';
import { ParamError, parseEndTsLookback, parseLimit, parseParam } from '../query/search-params.ts';
import { parseTraceId } from '../query/trace-id.ts';
import { searchAnyOf, type TagMatch } from '../query/tag-search.ts';
import type { SpanStore, TraceQuery } from '../store/span-store.ts';
import { HttpError } from './http-error.ts';
import { zipkinSpans, type ZipkinSpan } from './zipkin-model.ts';

export const ZIPKIN_DEFAULT_LIMIT = 10;
/** Zipkin's default lookback: a day, in ms. */
export const ZIPKIN_DEFAULT_LOOKBACK_MS = 86_400_000n;
/** Most peer.service values remoteServices checks against the service. */
const MAX_REMOTE_CANDIDATES = 1000;
const MAX_AUTOCOMPLETE_VALUES = 1000;
const SEARCH_CONCURRENCY = 16;

/** "All of retention" for the endpoints Zipkin gives no time range. */
function allTime(): [bigint, bigint] {
  return [0n, BigInt(Date.now() + 86_400_000) * 1_000_000n];
}

export function zipkinApi(store: SpanStore, logger?: Logger): Hono {
  const app = new Hono();

  app.get('/api/v2/services', async (c) => c.json([...(await store.listServices())].sort()));

  app.get('/api/v2/spans', async (c) => {
    const service = required(c, 'serviceName');
    const names = new Set((await store.listOperations(service)).map((op) => op.name));
    return c.json([...names].sort());
  });

  app.get('/api/v2/remoteServices', async (c) => {
    const service = required(c, 'serviceName');
    const [startNs, endNs] = allTime();
    // The store lists peer.service values of all services; each candidate is kept when one
    // search (limit 1) finds a span of this service with it: correct, one cheap search per
    // distinct remote service name.
    const candidates = await store.listAttributeValues('span', 'peer.service', startNs, endNs, MAX_REMOTE_CANDIDATES);
    const found: string[] = [];
    for (let i = 0; i < candidates.length; i += SEARCH_CONCURRENCY) {
      const chunk = candidates.slice(i, i + SEARCH_CONCURRENCY);
      const hits = await Promise.all(
        chunk.map((value) =>
          store.searchTraces({
            service,
            attributes: [{ scope: 'span', key: 'peer.service', type: 'string', op: '=', value }],
            startNs,
            endNs,
            limit: 1,
          }),
        ),
      );
      chunk.forEach((value, j) => hits[j].length > 0 && found.push(value));
    }
    return c.json([...new Set(found)].sort());
  });

  app.get('/api/v2/trace/:traceId', async (c) => {
    const traceId = parseParam('traceId', c.req.param('traceId'), parseTraceId);
    const spans = await store.getTrace(traceId);
    if (spans.length === 0) throw new HttpError(404, `trace ${c.req.param('traceId')} not found`);
    return c.json(zipkinSpans(spans));
  });

  app.get('/api/v2/traceMany', async (c) => {
    const text = required(c, 'traceIds');
    const ids = [...new Set(text.split(',').map((id) => parseParam('traceIds', id.trim(), parseTraceId)))];
    return c.json(await loadTraces(store, ids));
  });

  app.get('/api/v2/traces', async (c) => {
    const params = new URL(c.req.url).searchParams;
    const query = parseZipkinQuery(params, BigInt(Date.now()));
    const annotationQuery = params.get('annotationQuery');
    const terms = annotationQuery ? parseParam('annotationQuery', annotationQuery, parseAnnotationQuery) : [];
    const summaries = await searchAnyOf(store, query, terms, 'annotationQuery');
    return c.json(await loadTraces(store, summaries.map((s) => s.traceId)));
  });

  app.get('/api/v2/dependencies', async (c) => {
    const params = new URL(c.req.url).searchParams;
    required(c, 'endTs');
    const [startNs, endNs] = parseEndTsLookback(params, BigInt(Date.now()), ZIPKIN_DEFAULT_LOOKBACK_MS);
    const { edges } = serviceGraph(await store.serviceCalls(startNs, endNs));
    // Zipkin writes errorCount only when it is not zero.
    return c.json(
      edges.map((e) => ({ parent: e.caller, child: e.callee, callCount: e.calls, ...(e.errors > 0 ? { errorCount: e.errors } : {}) })),
    );
  });

  app.get('/api/v2/autocompleteKeys', async (c) => {
    const names = await store.listAttributeNames(...allTime());
    const keys = names.filter((n) => n.scope === 'span' && n.type === 'string').map((n) => n.key);
    return c.json([...new Set(keys)].sort());
  });

  app.get('/api/v2/autocompleteValues', async (c) => {
    const key = required(c, 'key');
    const [startNs, endNs] = allTime();
    const values = await store.listAttributeValues('span', key, startNs, endNs, MAX_AUTOCOMPLETE_VALUES);
    return c.json([...new Set(values)].sort());
  });

  app.onError((err, c) => {
    if (err instanceof ParamError) return c.text(err.message, 400);
    if (err instanceof HttpError) return c.text(err.message, err.status as 400);
    logger?.error({ err }, 'Zipkin query API failed');
    return c.text(`internal error: ${err.message}`, 500);
  });

  return app;
}

function required(c: Context, name: string): string {
  const value = c.req.query(name);
  if (!value) throw new ParamError(name, 'is required');
  return value;
}

/** Whole traces, in the order given; unknown ones are left out. */
async function loadTraces(store: SpanStore, traceIds: string[]): Promise<ZipkinSpan[][]> {
  const traces = await Promise.all(traceIds.map((id) => store.getTrace(id)));
  return traces.filter((spans) => spans.length > 0).map(zipkinSpans);
}

/**
 * Zipkin's /api/v2/traces parameters but annotationQuery → a store search. serviceName,
 * remoteServiceName, spanName, minDuration/maxDuration (µs), endTs (epoch ms, default
 * now), lookback (ms, default a day), limit (default 10). All optional.
 */
export function parseZipkinQuery(params: URLSearchParams, nowMs: bigint): TraceQuery {
  const get = (name: string) => params.get(name) || undefined;
  const [startNs, endNs] = parseEndTsLookback(params, nowMs, ZIPKIN_DEFAULT_LOOKBACK_MS);

  const min = get('minDuration');
  const max = get('maxDuration');
  const minDurationNs = min === undefined ? undefined : parseParam('minDuration', min, microsAsNs);
  const maxDurationNs = max === undefined ? undefined : parseParam('maxDuration', max, microsAsNs);
  if (minDurationNs !== undefined && maxDurationNs !== undefined && minDurationNs > maxDurationNs) {
    throw new ParamError('minDuration', 'is greater than maxDuration');
  }
  const limitText = get('limit');
  const limit = limitText === undefined ? ZIPKIN_DEFAULT_LIMIT : parseParam('limit', limitText, parseLimit);

  const query: TraceQuery = {
    service: get('serviceName'),
    operation: get('spanName'),
    attributes: [],
    minDurationNs,
    maxDurationNs,
    startNs,
    endNs,
    limit,
  };
  const remote = get('remoteServiceName');
  if (remote !== undefined) query.attributes.push({ scope: 'span', key: 'peer.service', type: 'string', op: '=', value: remote });
  return query;
}

/**
 * `error and http.method=GET and foo` → one list of alternatives per term (see the
 * header comment): `k=v` a string tag, `error` an ERROR status, another word a tag key
 * or an annotation value.
 */
export function parseAnnotationQuery(text: string): TagMatch[][] {
  return text.split(/\s+and\s+/i).map((raw) => {
    const term = raw.trim();
    if (term === '') throw new Error(`'${text}' has an empty term`);
    const eq = term.indexOf('=');
    if (eq === 0) throw new Error(`'${term}' names no key`);
    if (eq > 0) {
      return [{ attributes: [{ scope: 'span', key: term.slice(0, eq).trim(), type: 'string', op: '=', value: term.slice(eq + 1).trim() }] }];
    }
    if (term === 'error') return [{ attributes: [], errorsOnly: true }];
    return [{ attributes: [{ scope: 'span', key: term, type: 'exists' }] }, { attributes: [], eventNames: [term] }];
  });
}

/** Microseconds as nanoseconds, held to the longest duration a span can have (int64 ns). */
function microsAsNs(text: string): bigint {
  if (!/^\d{1,18}$/.test(text)) throw new Error(`'${text}' is not a non-negative integer`);
  const ns = BigInt(text) * 1000n;
  return ns > LONGEST_DURATION_NS ? LONGEST_DURATION_NS : ns;
}

const LONGEST_DURATION_NS = 2n ** 63n - 1n;

