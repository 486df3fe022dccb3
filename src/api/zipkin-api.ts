// Zipkin's query API v2 (zipkin-api.yaml) as Zipkin UI, Grafana's Zipkin datasource and
// zipkin clients call it, served on the Zipkin port (9411) beside the Zipkin receiver.
// Answers are bare JSON (no envelope); errors are plain text, 400 naming the parameter,
// 404 for an unknown trace, as Zipkin's server answers them. Spans use Zipkin's v2 model
// (see zipkin-model.ts).
//
// Differences from Zipkin:
// - annotationQuery: terms joined by ` and ` (empty terms, as Lens sends `error and `, are
//   left out); `key=value` is "a tag shows that value", a bare word or `key=` "the span has
//   that tag or an annotation with that value". A tag is matched as Zipkin shows it (see
//   zipkin-model.ts): `http.response.status_code=503` finds an int attribute 503, `flag=true`
//   a bool, a resource attribute too; the status tags find the status: `error` and
//   `error=true` any ERROR span, `error=<message>`, `otel.status_code=ERROR`/`OK`,
//   `otel.status_description=<message>`; `otel.scope.name` the scope. The store is searched
//   with every typed reading of each term (src/query/tag-search.ts) and the status it
//   implies, for CANDIDATES_PER_RESULT × limit traces; then each found trace is read and
//   kept when one span, printed as Zipkin prints it, shows every term and meets every other
//   condition (serviceName, spanName, remoteServiceName, durations, times). The store cannot
//   search a status message, the OK status or the scope: with more candidates than that
//   (other ERROR spans, say), some matches are missed.
//   All conditions hold on one and the same span (Zipkin's own check lets them hold on
//   different spans of the service).
// - autocompleteKeys lists the configured keys (--zipkin-autocomplete-keys, Zipkin's
//   zipkin.storage.autocomplete-keys; none by default) and autocompleteValues answers only
//   for those, as Zipkin does.
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
import { searchAnyOf, tagMatches, type TagMatch } from '../query/tag-search.ts';
import type { SpanRow } from '../model/span.ts';
import type { AttributeName, DependencyReader, TraceQuery, TraceReader } from '../store/span-store.ts';
import { isAbortError } from '../store/abort.ts';
import { clientClosedRequest, HttpError } from './http-error.ts';
import { zipkinSpans, type ZipkinSpan } from './zipkin-model.ts';

export const ZIPKIN_DEFAULT_LIMIT = 10;
/** Zipkin's default lookback: a day, in ms. */
export const ZIPKIN_DEFAULT_LOOKBACK_MS = 86_400_000n;
/** Most peer.service values remoteServices checks against the service. */
const MAX_REMOTE_CANDIDATES = 1000;
const MAX_AUTOCOMPLETE_VALUES = 1000;
const SEARCH_CONCURRENCY = 16;
/**
 * With an annotationQuery the store's answer is a superset (it matches each term in every
 * way it may show), so it is asked for this many times `limit` traces, checked in order.
 */
const CANDIDATES_PER_RESULT = 4;

export interface ZipkinApiOptions {
  /** The tag keys autocompleteKeys lists and autocompleteValues answers for (Zipkin's autocomplete-keys). */
  autocompleteKeys: string[];
}

/** "All of retention" for the endpoints Zipkin gives no time range. */
function allTime(): [bigint, bigint] {
  return [0n, BigInt(Date.now() + 86_400_000) * 1_000_000n];
}

export function zipkinApi(store: TraceReader & DependencyReader, options: ZipkinApiOptions, logger?: Logger): Hono {
  const autocompleteKeys = [...new Set(options.autocompleteKeys)];
  const app = new Hono();

  app.get('/api/v2/services', async (c) => c.json([...(await store.listServices(c.req.raw.signal))].sort()));

  app.get('/api/v2/spans', async (c) => {
    const service = required(c, 'serviceName');
    const names = new Set((await store.listOperations(service, c.req.raw.signal)).map((op) => op.name));
    return c.json([...names].sort());
  });

  app.get('/api/v2/remoteServices', async (c) => {
    const service = required(c, 'serviceName');
    const [startNs, endNs] = allTime();
    // The store lists peer.service values of all services; each candidate is kept when one
    // search (limit 1) finds a span of this service with it: correct, one cheap search per
    // distinct remote service name.
    const candidates = await store.listAttributeValues('span', 'peer.service', startNs, endNs, MAX_REMOTE_CANDIDATES, c.req.raw.signal);
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
          }, c.req.raw.signal),
        ),
      );
      chunk.forEach((value, j) => hits[j].length > 0 && found.push(value));
    }
    return c.json([...new Set(found)].sort());
  });

  app.get('/api/v2/trace/:traceId', async (c) => {
    const traceId = parseParam('traceId', c.req.param('traceId'), parseTraceId);
    const spans = await store.getTrace(traceId, c.req.raw.signal);
    if (spans.length === 0) throw new HttpError(404, `trace ${c.req.param('traceId')} not found`);
    return c.json(zipkinSpans(spans));
  });

  app.get('/api/v2/traceMany', async (c) => {
    const text = required(c, 'traceIds');
    const ids = [...new Set(text.split(',').map((id) => parseParam('traceIds', id.trim(), parseTraceId)))];
    return c.json(await loadTraces(store, ids, c.req.raw.signal));
  });

  app.get('/api/v2/traces', async (c) => {
    const params = new URL(c.req.url).searchParams;
    const query = parseZipkinQuery(params, BigInt(Date.now()));
    const annotationQuery = params.get('annotationQuery');
    const terms = annotationQuery ? parseParam('annotationQuery', annotationQuery, parseAnnotationQuery) : [];
    if (terms.length === 0) {
      const summaries = await store.searchTraces(query, c.req.raw.signal);
      return c.json(await loadTraces(store, summaries.map((s) => s.traceId), c.req.raw.signal));
    }
    const names = await store.listAttributeNames(query.startNs, query.endNs, c.req.raw.signal);
    const candidates = await searchAnyOf(
      store,
      { ...query, limit: query.limit * CANDIDATES_PER_RESULT },
      terms.map((term) => termMatches(term, names)),
      'annotationQuery',
      c.req.raw.signal,
    );
    const remoteService = params.get('remoteServiceName') || undefined;
    const shows = (row: SpanRow, printed: ZipkinSpan) => meetsQuery(row, printed, query, remoteService) && terms.every((t) => showsTerm(row, printed, t));
    return c.json(await tracesShowing(store, candidates.map((s) => s.traceId), query.limit, shows, c.req.raw.signal));
  });

  app.get('/api/v2/dependencies', async (c) => {
    const params = new URL(c.req.url).searchParams;
    required(c, 'endTs');
    const [startNs, endNs] = parseEndTsLookback(params, BigInt(Date.now()), ZIPKIN_DEFAULT_LOOKBACK_MS);
    const { edges } = serviceGraph(await store.serviceCalls(startNs, endNs, c.req.raw.signal));
    // Zipkin writes errorCount only when it is not zero.
    return c.json(
      edges.map((e) => ({ parent: e.caller, child: e.callee, callCount: e.calls, ...(e.errors > 0 ? { errorCount: e.errors } : {}) })),
    );
  });

  app.get('/api/v2/autocompleteKeys', (c) => c.json(autocompleteKeys));

  app.get('/api/v2/autocompleteValues', async (c) => {
    const key = required(c, 'key');
    if (!autocompleteKeys.includes(key)) return c.json([]);
    const [startNs, endNs] = allTime();
    const values = await store.listAttributeValues('span', key, startNs, endNs, MAX_AUTOCOMPLETE_VALUES, c.req.raw.signal);
    return c.json([...new Set(values)].sort());
  });

  app.onError((err, c) => {
    if (isAbortError(err)) return clientClosedRequest();
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

/** Whole traces, in the order given, in one store read; unknown ones are left out. */
async function loadTraces(store: TraceReader, traceIds: string[], signal: AbortSignal): Promise<ZipkinSpan[][]> {
  return (await store.getTraces(traceIds, signal)).filter((spans) => spans.length > 0).map(zipkinSpans);
}

/**
 * The first `limit` of the traces (in the order given) with a span that `shows`, read
 * `limit` at a time (one store read each): the first read is usually enough, and the
 * rest of the candidates are never read.
 */
async function tracesShowing(
  store: TraceReader,
  traceIds: string[],
  limit: number,
  shows: (row: SpanRow, printed: ZipkinSpan) => boolean,
  signal: AbortSignal,
): Promise<ZipkinSpan[][]> {
  const found: ZipkinSpan[][] = [];
  for (let i = 0; i < traceIds.length && found.length < limit; i += limit) {
    const traces = await store.getTraces(traceIds.slice(i, i + limit), signal);
    for (const rows of traces) {
      const printed = zipkinSpans(rows);
      if (found.length < limit && rows.some((row, j) => shows(row, printed[j]))) found.push(printed);
    }
  }
  return found;
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

/** One annotationQuery term: `key=value`, or a bare word (`value` undefined), a tag key or an annotation value. */
export interface AnnotationTerm {
  key: string;
  value?: string;
}

/**
 * `error and http.method=GET and foo` → its terms. Empty terms are left out (Lens sends
 * `error and ` while the next term is being typed); `key=` is the bare word `key`, as in
 * Zipkin (an empty value matches any).
 */
export function parseAnnotationQuery(text: string): AnnotationTerm[] {
  const terms: AnnotationTerm[] = [];
  for (const raw of text.split(/(?<=^|\s)and(?=\s|$)/i)) {
    const term = raw.trim();
    if (term === '') continue;
    const eq = term.indexOf('=');
    if (eq === 0) throw new Error(`'${term}' names no key`);
    const key = (eq < 0 ? term : term.slice(0, eq)).trim();
    const value = eq < 0 ? '' : term.slice(eq + 1).trim();
    terms.push(value === '' ? { key } : { key, value });
  }
  return terms;
}

/**
 * The tags zipkin-model.ts prints from span fields rather than attributes, and the store
 * search that finds every span that may show them: the status ERROR for the status tags
 * but `otel.status_code=OK`, no condition where the store cannot search the field (the OK
 * status, the scope).
 */
function fieldTagMatch(key: string, value: string | undefined): TagMatch | undefined {
  if (key === 'error' || key === 'otel.status_description') return { attributes: [], errorsOnly: true };
  if (key === 'otel.status_code') return value === 'OK' ? { attributes: [] } : { attributes: [], errorsOnly: true };
  if (key === 'otel.scope.name' || key === 'otel.scope.version') return { attributes: [] };
  return undefined;
}

/**
 * The store searches that together find every span that may show the term (a superset:
 * showsTerm decides): its attribute in every type the value parses as, in the span's or
 * its resource's attributes (both print as tags) or, for a bare word, an annotation; and
 * fieldTagMatch's search for tags printed from span fields.
 */
function termMatches(term: AnnotationTerm, names: AttributeName[]): TagMatch[] {
  const { key, value } = term;
  const matches: TagMatch[] =
    value === undefined
      ? [
          { attributes: [{ scope: 'span', key, type: 'exists' }] },
          { attributes: [{ scope: 'resource', key, type: 'exists' }] },
          { attributes: [], eventNames: [key] },
        ]
      : tagMatches(key, value, names);
  const field = fieldTagMatch(key, value);
  return field === undefined ? matches : [...matches, field];
}

/** Whether a span, as Zipkin prints it, shows the term; `error=true` is any failed span (Zipkin treats any error tag as failure). */
function showsTerm(row: SpanRow, printed: ZipkinSpan, term: AnnotationTerm): boolean {
  const shown = printed.tags?.[term.key];
  if (term.value === undefined) return shown !== undefined || row.events.some((event) => event.name === term.key);
  return shown === term.value || (term.key === 'error' && term.value === 'true' && shown !== undefined);
}

/** Whether one span meets the search's conditions other than annotationQuery, as the store checks them. */
function meetsQuery(row: SpanRow, printed: ZipkinSpan, query: TraceQuery, remoteService: string | undefined): boolean {
  const duration = row.endNs - row.startNs;
  return (
    (query.service === undefined || row.serviceName === query.service) &&
    (query.operation === undefined || row.name === query.operation) &&
    (remoteService === undefined || printed.remoteEndpoint?.serviceName === remoteService) &&
    (query.minDurationNs === undefined || duration >= query.minDurationNs) &&
    (query.maxDurationNs === undefined || duration <= query.maxDurationNs) &&
    row.startNs >= query.startNs &&
    row.startNs <= query.endNs
  );
}

/** Microseconds as nanoseconds, held to the longest duration a span can have (int64 ns). */
function microsAsNs(text: string): bigint {
  if (!/^\d{1,18}$/.test(text)) throw new Error(`'${text}' is not a non-negative integer`);
  const ns = BigInt(text) * 1000n;
  return ns > LONGEST_DURATION_NS ? LONGEST_DURATION_NS : ns;
}

const LONGEST_DURATION_NS = 2n ** 63n - 1n;

