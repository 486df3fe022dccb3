// The storage API every backend implements, cut into roles as Jaeger v2's storage is
// (tracestore.Writer and Reader, depstore.Reader, admin): TraceWriter writes batches,
// TraceReader reads traces, searches and lists what exists, DependencyReader aggregates
// calls, RED metrics and attribute frequencies, StoreAdmin creates tables, drops what is
// too old and closes. Each consumer takes only the roles it uses. Skein has two
// implementations: ClickHouse SQL over several transports (embedded chDB, a server), and
// an in-memory reference store (memory-store.ts); one contract suite runs against all.
import type { SpanLink, SpanRow } from '../model/span.ts';

/** Where an attribute filter looks. 'span' also matches nothing in resource or events. */
export type AttributeScope = 'span' | 'resource' | 'event';

/**
 * A comparison (including '!=') matches only a span that has the key with the filter's
 * type: `status != 200` does not match a span without `status`.
 */
export type AttributeFilter =
  | { scope: AttributeScope; key: string; type: 'string'; op: '=' | '!='; value: string }
  | { scope: AttributeScope; key: string; type: 'int'; op: CompareOp; value: bigint }
  | { scope: AttributeScope; key: string; type: 'double'; op: CompareOp; value: number }
  | { scope: AttributeScope; key: string; type: 'bool'; op: '=' | '!='; value: boolean }
  /** The key exists with any value and type. */
  | { scope: AttributeScope; key: string; type: 'exists' };

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** A trace search: every given condition must hold on one and the same span. */
export interface TraceQuery {
  service?: string;
  operation?: string;
  /** OTLP SpanKind number. */
  spanKind?: number;
  attributes: AttributeFilter[];
  /** Only spans whose status is ERROR. */
  errorsOnly?: boolean;
  /** Only spans with an event of each of these names (Zipkin's annotation values). */
  eventNames?: string[];
  minDurationNs?: bigint;
  maxDurationNs?: bigint;
  /** Span start, inclusive, ns since epoch. */
  startNs: bigint;
  /** Span start, inclusive, ns since epoch. */
  endNs: bigint;
  limit: number;
}

/** One search hit: a whole trace, summarised. */
export interface TraceSummary {
  traceId: string;
  /** Service and name of the root span; '' when the root has not arrived. */
  rootService: string;
  rootOperation: string;
  startNs: bigint;
  durationNs: bigint;
  spanCount: number;
  errorCount: number;
  /** Distinct services in the trace, sorted. */
  services: string[];
}

export interface Operation {
  name: string;
  /** OTLP SpanKind number. */
  kind: number;
}

export interface AttributeName {
  scope: AttributeScope;
  key: string;
  type: 'string' | 'int' | 'double' | 'bool' | 'other';
}

/**
 * The calls from one service to another, aggregated over a time window. A call is:
 * - a span whose parent span is in another service (callee = the span's service);
 * - a CONSUMER root span linked to a PRODUCER span of another service (messaging that
 *   starts a new trace);
 * - a CLIENT or PRODUCER span that no span answers (no child, no server half of a Zipkin
 *   shared span) but that names its peer: an uninstrumented database, queue or host.
 *   The callee is the first of peer.service, db.name, db.system, server.address,
 *   net.peer.name that the span has.
 */
export interface ServiceCalls {
  caller: string;
  callee: string;
  /** 'service' when the callee sent spans; otherwise 'database' (it has db.system) or 'peer'. */
  calleeKind: 'service' | 'database' | 'peer';
  calls: number;
  /** Calls whose callee span (or client span, for a peer) has status ERROR. */
  errors: number;
  /** Percentiles of the callee span's duration (the client span's, for a peer), ns. */
  p50Ns: number;
  p95Ns: number;
  p99Ns: number;
}

export interface RedQuery {
  startNs: bigint;
  endNs: bigint;
  /** Width of a time step, ns; the whole window is one step when absent. */
  stepNs?: bigint;
  service?: string;
  operation?: string;
  /** Only spans of these kinds (OTLP numbers), e.g. SERVER and CONSUMER for what a service serves. */
  spanKinds?: number[];
  /** false: one row per service and step, over all of its operations (RedRow.operation is then ''). Default true. */
  perOperation?: boolean;
  /** Duration quantiles wanted beside p50/p95/p99, as levels from 0 to 1 (e.g. 0.75); see RedRow.quantilesNs. */
  quantiles?: number[];
}

export interface RedRow {
  service: string;
  operation: string;
  /** Start of the step, ns since the epoch (the window's start when there are no steps). */
  stepStartNs: bigint;
  count: number;
  errors: number;
  p50Ns: number;
  p95Ns: number;
  p99Ns: number;
  /** The step's duration at each of RedQuery.quantiles, in that order, ns; absent when none were asked for. */
  quantilesNs?: number[];
}

export interface AttributeFrequencyQuery {
  /** The population: spans that started in the window, of the service and operation if given. */
  startNs: bigint;
  endNs: bigint;
  service?: string;
  operation?: string;
  /** The selection within it: ERROR spans, and/or spans at least this long. */
  selection: { errorsOnly?: boolean; minDurationNs?: bigint };
  /** Most attribute=value pairs returned. */
  limit: number;
}

export interface AttributeFrequencies {
  selectedSpans: number;
  baselineSpans: number;
  values: { scope: 'span' | 'resource'; key: string; value: string; selected: number; baseline: number }[];
}

/**
 * What a trace's timeline shows of a span before anyone asks for its details, and what
 * the analyses read: ids, service, name, kind, times, status and the spans it links to.
 * A few of the ~50 columns, so a 100 000-span trace reads in a fraction of getTrace's time.
 */
export type SpanOutline = Pick<
  SpanRow,
  'traceId' | 'spanId' | 'parentSpanId' | 'serviceName' | 'name' | 'kind' | 'startNs' | 'endNs' | 'statusCode' | 'statusMessage'
> & { links: Pick<SpanLink, 'traceId' | 'spanId'>[] };

/** How long after its window readSpans looks for the rest of a trace's spans: 5 minutes. */
export const TRACE_TAIL_NS = 300_000_000_000n;

/** Spans already in the store's write format (see SpanStore.encode). */
export interface EncodedSpans {
  bytes: Buffer;
  spanCount: number;
}

/** Writes spans; what the ingest pipeline needs. */
export interface TraceWriter {
  /**
   * Turns spans into the bytes the store writes. The ingest pipeline does this per request
   * as it accepts it, so batches waiting for the store are compact bytes, not objects.
   */
  encode(spans: SpanRow[]): EncodedSpans;
  /** Writes encoded spans in one insert; resolves once committed: a crash after it loses none. */
  writeEncoded(batch: readonly EncodedSpans[]): Promise<void>;
  /** encode + writeEncoded. */
  writeBatch(spans: SpanRow[]): Promise<void>;
}

// Every read of TraceReader and DependencyReader takes an AbortSignal as its last
// argument: the API passes the HTTP request's, so a client that goes away stops paying
// for its read. Once the signal is aborted (before or during the read) the read rejects
// with a DOMException named 'AbortError' (see abort.ts) and its answer, if any comes, is
// dropped; a read with nothing to look up (a limit of 0, blank text) may still answer.
// How far the work itself stops depends on the store: docs/STORAGE.md.

/** Reads traces and spans, searches them, lists what exists. */
export interface TraceReader {
  /**
   * Every span of the trace, in start order; [] when the trace is unknown. The id may be
   * in either case; one that is not 32 hex digits rejects with a RangeError. An id whose
   * high 64 bits are zero (a 64-bit id, padded) that matches no trace exactly finds the
   * traces whose low 64 bits match, as Zipkin does: a client that sends 64-bit ids may
   * be part of a trace that others report with 128-bit ids.
   */
  getTrace(traceId: string, signal?: AbortSignal): Promise<SpanRow[]>;
  /**
   * getTrace for many ids in one read: element i is exactly what getTrace(traceIds[i])
   * answers (same id rules, including the low-64-bit fallback of a padded 64-bit id; start
   * order; duplicates of at-least-once delivery removed), so the answer is as long as the
   * list and in its order, [] for an unknown id. An id asked twice, in any case, gets its
   * trace at both places. One malformed id rejects the whole call with a RangeError before
   * anything is read. For searches that return whole traces: one store call, not one per hit.
   */
  getTraces(traceIds: readonly string[], signal?: AbortSignal): Promise<SpanRow[][]>;
  /** getTrace's spans (same id rules, same order) as outlines. */
  getTraceOutline(traceId: string, signal?: AbortSignal): Promise<SpanOutline[]>;
  /** The trace's spans with this span id (same id rules): one, or a Zipkin shared span's two halves. */
  getSpan(traceId: string, spanId: string, signal?: AbortSignal): Promise<SpanRow[]>;
  /**
   * Ids of the trace's spans (same id rules) whose service, name, span id, status message,
   * event names, or span, resource or event attributes as `key=value` contain the text,
   * case-insensitively; each id once, in no set order. Blank text finds nothing.
   */
  findSpans(traceId: string, text: string, signal?: AbortSignal): Promise<string[]>;
  /**
   * Matching traces, newest first (by the latest start of a span that matched), ties
   * broken by trace id so results are deterministic.
   */
  searchTraces(query: TraceQuery, signal?: AbortSignal): Promise<TraceSummary[]>;
  listServices(signal?: AbortSignal): Promise<string[]>;
  listOperations(service: string, signal?: AbortSignal): Promise<Operation[]>;
  /**
   * Attribute keys seen between the times (ns), for autocomplete: by scope (span,
   * resource, event), then key by its UTF-8 bytes (ClickHouse's order of strings), then type.
   */
  listAttributeNames(startNs: bigint, endNs: bigint, signal?: AbortSignal): Promise<AttributeName[]>;
  /** Most common values of one attribute between the times (ns), for autocomplete. */
  listAttributeValues(scope: AttributeScope, key: string, startNs: bigint, endNs: bigint, limit: number, signal?: AbortSignal): Promise<string[]>;
  /**
   * The spans, as outlines, of up to maxTraces traces whose first span started in the
   * window: all of them, or a sample that is the same on every call (by a hash of the
   * trace id). Spans of those traces that started up to TRACE_TAIL_NS after the window
   * are included. For analyses over many traces (root-cause ranking).
   */
  readSpans(query: { startNs: bigint; endNs: bigint; maxTraces: number }, signal?: AbortSignal): Promise<SpanOutline[]>;
}

/** Aggregates over many spans, computed in the store: service dependencies, RED metrics, attribute frequencies. */
export interface DependencyReader {
  /**
   * Calls between services among spans that started between the times (ns): see
   * ServiceCalls. One row per (caller, callee), sorted by caller then callee.
   */
  serviceCalls(startNs: bigint, endNs: bigint, signal?: AbortSignal): Promise<ServiceCalls[]>;
  /**
   * Rate, errors and duration percentiles (RED) of spans that started between the times,
   * per service and operation (or per service, see RedQuery.perOperation) and per time
   * step, computed in the store. One row per (service, operation, step) that has spans,
   * sorted by service, operation, step.
   */
  redMetrics(query: RedQuery, signal?: AbortSignal): Promise<RedRow[]>;
  /**
   * How often each attribute=value occurs among selected spans and among the other spans
   * (the baseline) of a population, for attribute comparison. Values of every type as
   * text; attributes of the span and its resource. The pairs most frequent in the selection
   * first (then in the baseline).
   */
  attributeFrequencies(query: AttributeFrequencyQuery, signal?: AbortSignal): Promise<AttributeFrequencies>;
}

/** The store's lifecycle: tables, retention, shutdown. */
export interface StoreAdmin {
  /** Creates tables if they are missing. Safe to call on every start. */
  init(): Promise<void>;
  /** Drops whole days of data older than the cutoff; returns how many days went. */
  dropBefore(cutoffNs: bigint): Promise<number>;
  close(): Promise<void>;
}

/** Every role: what each implementation is. */
export interface SpanStore extends TraceWriter, TraceReader, DependencyReader, StoreAdmin {}
