// Grafana Tempo's HTTP query API, as Grafana's Tempo datasource and Tempo's own tools call
// it, on a port of its own (3200, as Tempo's). Upstream: grafana/tempo
// docs/sources/tempo/api_docs/_index.md, pkg/api/http.go (parameters and their errors),
// pkg/tempopb/tempo.proto (answers), modules/frontend/combiner (what a query-frontend
// returns). docs/API.md lists every difference; the notable ones:
//
// - Trace by id: /api/traces/{id} answers `{"batches": [...]}`, the name Tempo keeps in
//   this endpoint's JSON for older clients, and /api/v2/traces/{id} `{"trace":
//   {"resourceSpans": [...]}}`; protobuf (`Accept: application/protobuf`, what Grafana
//   sends) is tempopb.Trace / TraceByIDResponse. Ids in JSON are hex, as OTLP/JSON
//   specifies (Tempo's marshaller writes base64: grafana/tempo#5437). v1 answers 404 for
//   an unknown trace; v2 answers 200 with an empty trace, as Tempo 2.7+ does.
// - Search by tags (`tags=` logfmt): every tag must hold on one span, as the store searches
//   (Tempo's legacy search lets each tag match a different span of the trace). Values are
//   matched whole and untyped, as Jaeger's tags (src/query/tag-search.ts); Tempo matches
//   its well-known columns (service.name, name, ...) as substrings. `name` is the span
//   name; `status.code=error` and `error=true` an ERROR status; `root.service.name` and
//   `root.name` the root span's service and name, matched as case-insensitive substrings
//   as Tempo documents. minDuration/maxDuration bound the trace's duration, as in Tempo.
// - TraceQL (`q=`) is not supported yet: 400 on search and trace by id v2. The tag
//   endpoints ignore it, as Tempo ignores a `q` it cannot parse there.
// Errors are plain text, as Tempo's http.Error writes them: 400 naming the parameter.
import { Hono, type Context } from 'hono';
import type { Logger } from 'pino';
import packageJson from '../../package.json' with { type: 'json' };
import { spansToOtlpJson } from '../model/otlp-json.ts';
import { embedMessage, spansToOtlpProto } from '../model/otlp-proto-encode.ts';
import { parseDurationNs } from '../query/duration.ts';
import { DEFAULT_LIMIT, DEFAULT_LOOKBACK_NS, MAX_LIMIT, ParamError, parseParam, spanKindName } from '../query/search-params.ts';
import { searchByTags, type TagMatch } from '../query/tag-search.ts';
import { parseTraceId } from '../query/trace-id.ts';
import type { AttributeName, AttributeScope, Operation, TraceQuery, TraceReader, TraceSummary } from '../store/span-store.ts';
import { isAbortError } from '../store/abort.ts';
import { clientClosedRequest, HttpError } from './http-error.ts';
import { mediaType } from './receive-request.ts';

const PROTOBUF = 'application/protobuf';
/** What Tempo's search answers as the root service of a trace whose root span is missing. */
const ROOT_SPAN_NOT_YET_RECEIVED = '<root span not yet received>';
/** The window of the tag endpoints when start/end are absent (Tempo then reads only its recent data). */
const TAGS_DEFAULT_WINDOW_NS = 24n * 3_600_000_000_000n;
/** Most values a tag values answer lists. */
const MAX_TAG_VALUES = 1000;
/** Most traces a search fetches from the store to find `limit` that pass its trace-level conditions. */
const MAX_FILTERED_FETCH = 5000;
/** The parameters of a search; in a legacy request (see searchTempo) every other one is a tag. */
const SEARCH_PARAMS = new Set(['q', 'tags', 'minDuration', 'maxDuration', 'limit', 'spss', 'start', 'end']);

/**
 * TraceQL intrinsics, as Tempo lists them under the `intrinsic` scope
 * (docs/sources/tempo/api_docs/_index.md, "Search tags V2").
 */
const INTRINSIC_TAGS = [
  'duration', 'event:name', 'event:timeSinceStart', 'instrumentation:name', 'instrumentation:version', 'kind', 'name',
  'rootName', 'rootServiceName', 'span:duration', 'span:kind', 'span:name', 'span:status', 'span:statusMessage', 'status',
  'statusMessage', 'trace:duration', 'trace:rootName', 'trace:rootService', 'traceDuration',
];
const INTRINSICS = new Set(INTRINSIC_TAGS);

/** Tempo's tag scopes (pkg/api/search_tags.go). The store keeps attributes of resource, span and event only. */
const TAG_SCOPES = ['resource', 'span', 'event', 'link', 'instrumentation', 'intrinsic'] as const;
type TagScope = (typeof TAG_SCOPES)[number];
/** Where a tag of the tags= search is looked for (tag-search.ts). */
const TAG_SEARCH_SCOPES: AttributeScope[] = ['span', 'resource', 'event'];

/** The TraceQL spanset filters Tempo reads as "the whole trace": `{}`, `{ true }`. */
const MATCH_ALL_FILTER = /^\s*\{\s*(true)?\s*\}\s*$/;

/** A TraceQL status or kind value, as Tempo's tag values v2 types them. */
const STATUS_KEYWORDS = ['error', 'ok', 'unset'];

interface TagValue {
  type: string;
  value: string;
}

export function tempoApi(store: TraceReader, isReady: () => boolean, logger?: Logger): Hono {
  const app = new Hono();

  app.get('/ready', (c) => (isReady() ? c.text('ready') : c.text('starting', 503)));

  app.get('/api/echo', (c) => c.text('echo'));

  // Prometheus' build info fields, as Tempo serves them. Grafana reads `version`.
  app.get('/api/status/buildinfo', (c) =>
    c.json({ version: packageJson.version, revision: '', branch: '', buildUser: '', buildDate: '', goVersion: `node ${process.version}` }),
  );

  app.get('/api/traces/:traceId', async (c) => {
    const spans = await findTrace(store, c.req.param('traceId'), c);
    if (spans.length === 0) throw new HttpError(404, 'trace not found');
    if (wantsProtobuf(c)) return protobuf(c, spansToOtlpProto(spans));
    return c.json({ batches: spansToOtlpJson(spans).resourceSpans });
  });

  // TraceByIDResponse. status COMPLETE is proto3's default, so the protobuf leaves it out.
  app.get('/api/v2/traces/:traceId', async (c) => {
    // q filters the trace's spans in Tempo; the filters that keep every span are fine.
    const q = c.req.query('q');
    if (q && !MATCH_ALL_FILTER.test(q)) throw new ParamError('q', 'TraceQL filters are not supported yet; leave q out for the whole trace');
    const spans = await findTrace(store, c.req.param('traceId'), c);
    if (wantsProtobuf(c)) return protobuf(c, embedMessage(1, spansToOtlpProto(spans)));
    return c.json({ trace: spansToOtlpJson(spans), status: 'COMPLETE' });
  });

  app.get('/api/search', async (c) => {
    const traces = await searchTempo(store, new URL(c.req.url).searchParams, nowNs(), c.req.raw.signal);
    return c.json({ traces: traces.map(searchResult), metrics: {} });
  });

  // Without a scope, Tempo lists the resource and span attributes.
  app.get('/api/search/tags', async (c) => {
    const scope = tagScope(c);
    const names = await store.listAttributeNames(...tagsWindow(c), c.req.raw.signal);
    const tagNames = scope === undefined ? sortedUnique([...tagsOf('resource', names), ...tagsOf('span', names)]) : tagsOf(scope, names);
    return c.json({ tagNames, metrics: {} });
  });

  // Without a scope, every scope that can have tags here.
  app.get('/api/v2/search/tags', async (c) => {
    const scope = tagScope(c);
    const names = await store.listAttributeNames(...tagsWindow(c), c.req.raw.signal);
    const scopes: TagScope[] = scope === undefined ? ['resource', 'span', 'event', 'intrinsic'] : [scope];
    return c.json({ scopes: scopes.map((name) => ({ name, tags: tagsOf(name, names) })), metrics: {} });
  });

  app.get('/api/search/tag/:tag{.+}/values', async (c) => {
    const tag = c.req.param('tag');
    const [startNs, endNs] = tagsWindow(c);
    const limit = optionalLimit(c) ?? MAX_TAG_VALUES;
    // A tag of the tags= search: the span name, or an attribute of any indexed scope.
    const values =
      tag === 'name'
        ? (await allOperations(store, c.req.raw.signal)).map((op) => op.name)
        : (await Promise.all(TAG_SEARCH_SCOPES.map((scope) => store.listAttributeValues(scope, tag, startNs, endNs, limit, c.req.raw.signal)))).flat();
    return c.json({ tagValues: sortedUnique(values).slice(0, limit), metrics: {} });
  });

  app.get('/api/v2/search/tag/:tag{.+}/values', async (c) => {
    const target = parseParam('tagName', c.req.param('tag'), parseTraceQLIdentifier);
    const [startNs, endNs] = tagsWindow(c);
    const limit = optionalLimit(c) ?? MAX_TAG_VALUES;
    const values = 'intrinsic' in target ? await intrinsicValues(store, target.intrinsic, c.req.raw.signal) : await attributeValues(store, target, startNs, endNs, limit, c.req.raw.signal);
    const unique = new Map(values.map((v) => [`${v.type}\u0000${v.value}`, v]));
    return c.json({ tagValues: [...unique.values()].slice(0, limit), metrics: {} });
  });

  // Tempo's router (gorilla/mux) answers unknown paths so.
  app.notFound((c) => c.text('404 page not found', 404));

  app.onError((err, c) => {
    if (isAbortError(err)) return clientClosedRequest();
    if (err instanceof ParamError) return c.text(err.message, 400);
    if (err instanceof HttpError) return c.text(err.message, err.status as 400);
    logger?.error({ err }, 'Tempo query API failed');
    return c.text(`internal error: ${err.message}`, 500);
  });

  return app;
}

function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/**
 * The trace of the path's id. start/end (Unix seconds) are checked as Tempo checks them but
 * do not narrow the lookup: the store's trace index finds a trace without a time hint.
 */
async function findTrace(store: TraceReader, id: string, c: Context) {
  const traceId = parseParam('traceID', id, parseTraceId);
  const start = optionalSeconds(c.req.query('start'), 'start');
  const end = optionalSeconds(c.req.query('end'), 'end');
  if (start && end && end <= start) throw new ParamError('start', `must be before end (received start=${start} end=${end})`);
  return store.getTrace(traceId, c.req.raw.signal);
}

/** Tempo answers protobuf when asked for it exactly; a list of types that names it counts too. */
function wantsProtobuf(c: Context): boolean {
  return (c.req.header('accept') ?? '').split(',').some((type) => mediaType(type) === PROTOBUF);
}

function protobuf(c: Context, bytes: Uint8Array<ArrayBuffer>): Response {
  return c.body(bytes, 200, { 'Content-Type': PROTOBUF });
}

/** Tempo's start/end: Unix seconds, parsed as an int32; absent or empty is 0. */
function optionalSeconds(text: string | undefined, name: string): number {
  if (!text) return 0;
  return parseParam(name, text, (value) => {
    const seconds = Number(value);
    if (!/^\d{1,10}$/.test(value) || seconds > 0x7fffffff) throw new Error(`'${value}' is not a time in Unix seconds`);
    return seconds;
  });
}

/** A second as the nanoseconds it ends with, so `end` includes the whole of its second. */
const endOfSecondNs = (seconds: number) => BigInt(seconds) * 1_000_000_000n + 999_999_999n;

// ---- search ----

/** A Tempo search as the store's terms. */
interface TempoSearch {
  /** Window, limit and the conditions on one span. */
  query: TraceQuery;
  /** Untyped attribute tags (tag-search.ts). */
  tags: [string, string][];
  /** Conditions on the whole trace (duration, root span), checked on the summaries; undefined when there are none. */
  keep?: (trace: TraceSummary) => boolean;
}

/**
 * GET /api/search: parameters as Tempo's ParseSearchRequest reads them (pkg/api/http.go).
 * `tags` (logfmt), minDuration/maxDuration (Go durations, whole milliseconds, on the
 * trace's duration), start/end (Unix seconds; both absent: the last hour), limit (default
 * 20, at most MAX_LIMIT, more is cut as Tempo cuts to its max_limit), spss (checked only:
 * tag searches return no span sets). Without tags, q, start and end, any other parameter
 * is a tag, as Tempo still reads Grafana's first requests.
 */
async function searchTempo(store: TraceReader, params: URLSearchParams, now: bigint, signal: AbortSignal): Promise<TraceSummary[]> {
  const search = parseTempoSearch(params, now);
  if (search.keep === undefined) return searchByTags(store, search.query, search.tags, 'tags', derivedTagMatches, signal);
  // Trace-level conditions are checked on the summaries the store returns, so the store is
  // asked for more traces until `limit` pass, the window has no more, or the cap is reached.
  const { query, tags, keep } = search;
  for (let fetch = query.limit; ; fetch *= 4) {
    const size = Math.min(fetch, MAX_FILTERED_FETCH);
    const found = await searchByTags(store, { ...query, limit: size }, tags, 'tags', derivedTagMatches, signal);
    const kept = found.filter(keep);
    if (kept.length >= query.limit || found.length < size || size === MAX_FILTERED_FETCH) return kept.slice(0, query.limit);
  }
}

function parseTempoSearch(params: URLSearchParams, now: bigint): TempoSearch {
  const get = (name: string) => params.get(name) || undefined;
  const start = optionalSeconds(get('start'), 'start');
  const end = optionalSeconds(get('end'), 'end');
  if (get('q') !== undefined) {
    throw new ParamError('q', 'TraceQL queries are not supported yet; search with tags (logfmt), minDuration, maxDuration, start, end and limit');
  }
  const tagsText = get('tags');
  const tags = tagsText === undefined ? [] : parseParam('tags', tagsText, parseLogfmt);
  if (tagsText === undefined && start === 0 && end === 0) tags.push(...legacyTags(params));
  const minMs = optionalMillis(get('minDuration'), 'minDuration');
  const maxMs = optionalMillis(get('maxDuration'), 'maxDuration');
  if (minMs > 0n && maxMs > 0n && minMs > maxMs) throw new ParamError('maxDuration', 'must be greater than minDuration');
  const limitText = get('limit');
  const limit = limitText === undefined ? DEFAULT_LIMIT : Math.min(parseParam('limit', limitText, positiveInteger), MAX_LIMIT);
  const spss = get('spss');
  if (spss !== undefined) parseParam('spss', spss, positiveInteger);
  if ((start !== 0 || end !== 0) && end <= start) throw new ParamError('start', `must be before end (received start=${start} end=${end})`);

  const endNs = end === 0 ? now : endOfSecondNs(end);
  const query: TraceQuery = {
    attributes: [],
    // A span lasts no longer than its trace, so a bound on the trace's duration is one on the span's too.
    maxDurationNs: maxMs > 0n ? maxMs * 1_000_000n : undefined,
    startNs: end === 0 ? endNs - DEFAULT_LOOKBACK_NS : BigInt(start) * 1_000_000_000n,
    endNs,
    limit,
  };
  const traceConditions: ((trace: TraceSummary) => boolean)[] = [];
  if (minMs > 0n) traceConditions.push((t) => t.durationNs >= minMs * 1_000_000n);
  if (maxMs > 0n) traceConditions.push((t) => t.durationNs <= maxMs * 1_000_000n);

  const attributeTags: [string, string][] = [];
  for (const [key, value] of tags) {
    if (key === 'name') query.operation = value;
    else if (key === 'root.service.name') traceConditions.push((t) => containsIgnoringCase(t.rootService, value));
    else if (key === 'root.name') traceConditions.push((t) => containsIgnoringCase(t.rootOperation, value));
    else if (key === 'status.code' && value !== 'error') throw new ParamError('tags', `status.code=${value}: only status.code=error can be searched yet`);
    else attributeTags.push([key, value]);
  }
  const keep = traceConditions.length === 0 ? undefined : (t: TraceSummary) => traceConditions.every((condition) => condition(t));
  return { query, tags: attributeTags, keep };
}

/** Every other non-empty parameter, its first value, as Tempo reads a request of Grafana's first Tempo search. */
function legacyTags(params: URLSearchParams): [string, string][] {
  const tags = new Map<string, string>();
  for (const [key, value] of params) {
    if (!SEARCH_PARAMS.has(key) && value !== '' && !tags.has(key)) tags.set(key, value);
  }
  return [...tags];
}

/** A Go duration (minDuration, maxDuration) in whole milliseconds, as Tempo keeps it; 0 when absent. */
function optionalMillis(text: string | undefined, name: string): bigint {
  return text === undefined ? 0n : parseParam(name, text, parseDurationNs) / 1_000_000n;
}

function positiveInteger(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n === 0) throw new Error('must be a positive number');
  return n;
}

function containsIgnoringCase(text: string, part: string): boolean {
  return text.toLowerCase().includes(part.toLowerCase());
}

/** Tempo's readings of a tag besides an attribute of that name: an ERROR status. */
function derivedTagMatches(key: string, value: string): TagMatch[] {
  if ((key === 'status.code' && value === 'error') || (key === 'error' && value === 'true')) return [{ attributes: [], errorsOnly: true }];
  return [];
}

/**
 * logfmt as go-logfmt reads Tempo's `tags`: `key=value` pairs apart by whitespace; a value
 * may be double-quoted with JSON escapes (`http.url="/a b"`); a bare key has the empty
 * value. A key may appear once.
 */
function parseLogfmt(text: string): [string, string][] {
  const pairs = new Map<string, string>();
  let pos = 0;
  const fail = (problem: string): never => {
    throw new Error(`${problem} at position ${pos + 1}`);
  };
  const isSpace = (at: number) => text.charCodeAt(at) <= 0x20;
  while (pos < text.length) {
    if (isSpace(pos)) {
      pos++;
      continue;
    }
    const keyStart = pos;
    while (pos < text.length && !isSpace(pos) && text[pos] !== '=') {
      if (text[pos] === '"') fail("unexpected '\"' in a key");
      pos++;
    }
    if (pos === keyStart) fail("unexpected '='");
    const key = text.slice(keyStart, pos);
    let value = '';
    if (text[pos] === '=') {
      pos++;
      if (text[pos] === '"') {
        const valueStart = pos++;
        while (pos < text.length && text[pos] !== '"') pos += text[pos] === '\\' ? 2 : 1;
        if (pos >= text.length) fail('unterminated quoted value');
        pos++;
        try {
          value = JSON.parse(text.slice(valueStart, pos)) as string;
        } catch {
          fail('invalid escape in a quoted value');
        }
      } else {
        const valueStart = pos;
        while (pos < text.length && !isSpace(pos)) {
          if (text[pos] === '"' || text[pos] === '=') fail(`unexpected '${text[pos]}' in a value (quote it)`);
          pos++;
        }
        value = text.slice(valueStart, pos);
      }
    }
    if (pos < text.length && !isSpace(pos)) fail('expected a space after a value');
    if (pairs.has(key)) throw new Error(`tag ${key} has been set twice`);
    pairs.set(key, value);
  }
  return [...pairs];
}

/**
 * TraceSearchMetadata in proto3 JSON, as Tempo writes it: uint64 as a string, an empty
 * rootTraceName left out. durationMs is written even when 0 (Tempo leaves a 0 out; both
 * read the same).
 */
function searchResult(t: TraceSummary) {
  return {
    // Tempo writes trace ids without leading zeros (util.TraceIDToHexString): 16 digits for a 64-bit id.
    traceID: t.traceId.replace(/^0+/, ''),
    rootServiceName: t.rootService || ROOT_SPAN_NOT_YET_RECEIVED,
    ...(t.rootOperation === '' ? {} : { rootTraceName: t.rootOperation }),
    startTimeUnixNano: String(t.startNs),
    durationMs: Number(t.durationNs / 1_000_000n),
  };
}

// ---- tags ----

/** `scope`, checked as Tempo checks it; undefined when absent (every scope). */
function tagScope(c: Context): TagScope | undefined {
  const scope = c.req.query('scope');
  if (!scope) return undefined;
  if (!(TAG_SCOPES as readonly string[]).includes(scope)) throw new ParamError('scope', `'${scope}' is not one of ${TAG_SCOPES.join(', ')}`);
  return scope as TagScope;
}

/** start/end of the tag endpoints (Unix seconds); without them the last TAGS_DEFAULT_WINDOW_NS. */
function tagsWindow(c: Context): [bigint, bigint] {
  const start = optionalSeconds(c.req.query('start'), 'start');
  const end = optionalSeconds(c.req.query('end'), 'end');
  const endNs = end === 0 ? nowNs() : endOfSecondNs(end);
  const startNs = start === 0 ? endNs - TAGS_DEFAULT_WINDOW_NS : BigInt(start) * 1_000_000_000n;
  if (startNs > endNs) throw new ParamError('start', 'is after end');
  return [startNs, endNs];
}

function optionalLimit(c: Context): number | undefined {
  const text = c.req.query('limit');
  return text ? parseParam('limit', text, positiveInteger) : undefined;
}

/** The tags of one scope, sorted; none for link and instrumentation, whose attributes the store does not keep apart. */
function tagsOf(scope: TagScope, names: AttributeName[]): string[] {
  if (scope === 'intrinsic') return INTRINSIC_TAGS;
  return sortedUnique(names.filter((n) => n.scope === scope).map((n) => n.key));
}

function sortedUnique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

/** The span names and kinds of every service (the store lists them per service, with no time window). */
async function allOperations(store: TraceReader, signal: AbortSignal): Promise<Operation[]> {
  const services = await store.listServices(signal);
  return (await Promise.all(services.map((service) => store.listOperations(service, signal)))).flat();
}

/** A TraceQL identifier of tag values v2: an attribute in some scopes, or an intrinsic. */
type TraceQLIdentifier = { scopes: AttributeScope[]; key: string } | { intrinsic: string };

/**
 * `resource.service.name`, `span.http.method`, `event.x`, `.foo` (span or resource, as
 * TraceQL reads an unscoped attribute), `span."a b"`, or an intrinsic (`name`, `status`,
 * `kind`, `span:name`...). link. and instrumentation. attributes are valid but not indexed.
 */
function parseTraceQLIdentifier(text: string): TraceQLIdentifier {
  if (INTRINSICS.has(text)) return { intrinsic: text };
  const dot = text.indexOf('.');
  if (dot < 0) throw new Error(`'${text}' is not an intrinsic nor a scoped attribute (e.g. resource.service.name, span.http.method, .foo)`);
  const scope = text.slice(0, dot);
  let key = text.slice(dot + 1);
  if (/^".*"$/s.test(key)) key = JSON.parse(key) as string;
  if (key === '') throw new Error(`'${text}' names no attribute`);
  if (scope === '') return { scopes: ['span', 'resource'], key };
  if (scope === 'span' || scope === 'resource' || scope === 'event') return { scopes: [scope], key };
  if (scope === 'link' || scope === 'instrumentation') return { scopes: [], key };
  throw new Error(`'${scope}' is not a scope (resource, span, event, link, instrumentation)`);
}

/**
 * Values of the intrinsics Skein can list: span names, kinds (keywords) and the three
 * statuses. Others (durations, status messages, root names, scopes) list nothing yet.
 */
async function intrinsicValues(store: TraceReader, intrinsic: string, signal: AbortSignal): Promise<TagValue[]> {
  switch (intrinsic) {
    case 'name':
    case 'span:name':
      return sortedUnique((await allOperations(store, signal)).map((op) => op.name)).map((value) => ({ type: 'string', value }));
    case 'kind':
    case 'span:kind':
      return sortedUnique((await allOperations(store, signal)).map((op) => spanKindName(op.kind))).map((value) => ({ type: 'keyword', value }));
    case 'status':
    case 'span:status':
      return STATUS_KEYWORDS.map((value) => ({ type: 'keyword', value }));
    default:
      return [];
  }
}

/**
 * An attribute's values with their TraceQL types. The store lists values as text, so a
 * value's type is the key's type in its scope; for a key seen with several types, the
 * first of int, float, bool, string its spelling fits. Arrays and key-value lists are not
 * TraceQL values and are left out.
 */
async function attributeValues(store: TraceReader, target: { scopes: AttributeScope[]; key: string }, startNs: bigint, endNs: bigint, limit: number, signal: AbortSignal): Promise<TagValue[]> {
  const names = await store.listAttributeNames(startNs, endNs, signal);
  const perScope = await Promise.all(
    target.scopes.map(async (scope) => {
      const types = new Set(names.filter((n) => n.scope === scope && n.key === target.key).map((n) => n.type));
      if (types.size === 0) return [];
      const values = await store.listAttributeValues(scope, target.key, startNs, endNs, limit, signal);
      return values.flatMap((value) => typedValue(value, types) ?? []);
    }),
  );
  return perScope.flat();
}

function typedValue(value: string, types: Set<AttributeName['type']>): TagValue | undefined {
  if (types.has('int') && /^-?\d+$/.test(value)) return { type: 'int', value };
  if (types.has('double') && value.trim() !== '' && !Number.isNaN(Number(value))) return { type: 'float', value };
  if (types.has('bool') && (value === 'true' || value === 'false')) return { type: 'bool', value };
  if (types.has('string')) return { type: 'string', value };
  return undefined;
}
