// SpanStore in memory: the reference implementation of the contract (test/store/contract.ts,
// run against it by contract-memory.test.ts) and a fast backend for API tests and for
// trying Skein out. Plain data and plain loops, to be read beside the interface's doc
// comments. Where the interface leaves a choice open and ClickHouseStore's SQL makes it
// (how quantiles interpolate, how a double reads as text, which span a dependency takes
// its parent's service from), this makes the same choice and says so. Nothing survives
// the process.
//
// Spans are trusted to follow the model (src/model/span.ts): ids in lowercase hex, ''
// for no parent, as every receiver makes them.
import { createHash } from 'node:crypto';
import { SpanKind, StatusCode, type Attributes, type SpanRow } from '../model/span.ts';
import { throwIfAborted } from './abort.ts';
import { integer, nonNegativeInteger, quantileLevel } from './argument-checks.ts';
import { ATTRIBUTE_SCOPES, dayOf } from './span-rows.ts';
import {
  TRACE_TAIL_NS,
  type AttributeFilter,
  type AttributeFrequencies,
  type AttributeFrequencyQuery,
  type AttributeName,
  type AttributeScope,
  type CompareOp,
  type EncodedSpans,
  type Operation,
  type RedQuery,
  type RedRow,
  type ServiceCalls,
  type SpanOutline,
  type SpanStore,
  type TraceQuery,
  type TraceSummary,
} from './span-store.ts';

/** The high half of a 64-bit trace id padded to 128 bits. */
const ZERO_HIGH_HALF = '0'.repeat(16);
/** Most traces one 64-bit id is taken to mean, as in ClickHouseStore. */
const MAX_LOW_HALF_MATCHES = 10;
/** Attributes that name the peer of a CLIENT or PRODUCER span, most specific first (see ServiceCalls). */
const PEER_ATTRIBUTES = ['peer.service', 'db.name', 'db.system', 'server.address', 'net.peer.name'];

/** What encode makes here: a copy of the spans as they were when encoded, as ClickHouseStore's bytes are. */
interface CopiedSpans extends EncodedSpans {
  spans: SpanRow[];
}

const NO_BYTES = Buffer.alloc(0);

interface StoredTrace {
  /** In the order trace reads answer: start, then span id, then kind. One copy of each span. */
  spans: SpanRow[];
  /** copyKey of each span in `spans`. */
  keys: Set<string>;
}

export class MemoryStore implements SpanStore {
  private readonly traces = new Map<string, StoredTrace>();

  async init(): Promise<void> {}

  encode(spans: SpanRow[]): CopiedSpans {
    return { bytes: NO_BYTES, spanCount: spans.length, spans: structuredClone(spans) };
  }

  /**
   * A span already stored under the same (span id, kind, start) is not stored again: a
   * WAL replay writes a batch twice. ClickHouseStore keeps both rows and drops the copy
   * when it reads; dropping it here means counts (search summaries, RED, dependencies)
   * are of distinct spans too.
   */
  async writeEncoded(batch: readonly EncodedSpans[]): Promise<void> {
    const changed = new Set<StoredTrace>();
    for (const part of batch) {
      if (!isCopiedSpans(part)) throw new TypeError('writeEncoded takes what this store encoded');
      for (const span of part.spans) {
        let trace = this.traces.get(span.traceId);
        if (trace === undefined) this.traces.set(span.traceId, (trace = { spans: [], keys: new Set() }));
        const key = copyKey(span);
        if (trace.keys.has(key)) continue;
        trace.keys.add(key);
        trace.spans.push(span);
        changed.add(trace);
      }
    }
    for (const trace of changed) trace.spans.sort(inReadOrder);
  }

  writeBatch(spans: SpanRow[]): Promise<void> {
    return this.writeEncoded([this.encode(spans)]);
  }

  // Trace reads answer copies, as ClickHouseStore answers fresh objects: a caller may
  // change what it got without changing the store.
  //
  // Every read checks its signal once, on entry: the reads are synchronous from there on,
  // so nothing can abort the signal before they answer.

  async getTrace(traceId: string, signal?: AbortSignal): Promise<SpanRow[]> {
    throwIfAborted(signal);
    return structuredClone(this.readTrace(traceId));
  }

  async getTraces(traceIds: readonly string[], signal?: AbortSignal): Promise<SpanRow[][]> {
    throwIfAborted(signal);
    traceIds.forEach(validTraceId); // one malformed id rejects the call before anything is read
    return traceIds.map((traceId) => structuredClone(this.readTrace(traceId)));
  }

  async getTraceOutline(traceId: string, signal?: AbortSignal): Promise<SpanOutline[]> {
    throwIfAborted(signal);
    return this.readTrace(traceId).map(outlineOf);
  }

  async getSpan(traceId: string, spanId: string, signal?: AbortSignal): Promise<SpanRow[]> {
    throwIfAborted(signal);
    const id = validHexId(spanId, 16);
    return structuredClone(this.readTrace(traceId, (span) => span.spanId === id));
  }

  async findSpans(traceId: string, text: string, signal?: AbortSignal): Promise<string[]> {
    throwIfAborted(signal);
    if (text.trim() === '') return [];
    const needle = text.toLowerCase();
    const found = this.readTrace(traceId, (span) => searchableTexts(span).some((field) => field.toLowerCase().includes(needle)));
    return [...new Set(found.map((span) => span.spanId))];
  }

  /**
   * The trace's spans for which `keep` holds. A 64-bit id (high half zero) whose own
   * trace has none reads the traces whose low half it is, in id order, and merges them
   * in start order.
   */
  private readTrace(traceId: string, keep: (span: SpanRow) => boolean = () => true): SpanRow[] {
    const id = validTraceId(traceId);
    const exact = (this.traces.get(id)?.spans ?? []).filter(keep);
    if (exact.length > 0 || !id.startsWith(ZERO_HIGH_HALF)) return exact;
    const lowHalf = id.slice(16);
    const sharing = [...this.traces.keys()].filter((other) => other.endsWith(lowHalf)).sort(compareText);
    return sharing
      .slice(0, MAX_LOW_HALF_MATCHES)
      .flatMap((other) => this.traces.get(other)!.spans.filter(keep))
      .sort(byStart);
  }

  async searchTraces(query: TraceQuery, signal?: AbortSignal): Promise<TraceSummary[]> {
    throwIfAborted(signal);
    const limit = nonNegativeInteger(query.limit, 'limit');
    if (limit === 0) return [];
    if (query.spanKind !== undefined) integer(query.spanKind, 'spanKind');
    const newestMatch = new Map<string, bigint>();
    for (const span of this.spansStartedBetween(query.startNs, query.endNs)) {
      if (!spanMatches(span, query)) continue;
      const newest = newestMatch.get(span.traceId);
      if (newest === undefined || span.startNs > newest) newestMatch.set(span.traceId, span.startNs);
    }
    return [...newestMatch]
      .sort(([idA, newestA], [idB, newestB]) => compareBigInt(newestB, newestA) || compareText(idA, idB))
      .slice(0, limit)
      .map(([traceId]) => traceSummary(traceId, this.traces.get(traceId)!.spans));
  }

  async listServices(signal?: AbortSignal): Promise<string[]> {
    throwIfAborted(signal);
    return [...new Set(this.allSpans().map((span) => span.serviceName))].sort(compareText);
  }

  async listOperations(service: string, signal?: AbortSignal): Promise<Operation[]> {
    throwIfAborted(signal);
    const operations = new Map<string, Operation>();
    for (const span of this.allSpans()) {
      if (span.serviceName === service) operations.set(groupKey(span.name, span.kind), { name: span.name, kind: span.kind });
    }
    return [...operations.values()].sort((a, b) => compareText(a.name, b.name) || a.kind - b.kind);
  }

  async listAttributeNames(startNs: bigint, endNs: bigint, signal?: AbortSignal): Promise<AttributeName[]> {
    throwIfAborted(signal);
    const names = new Map<string, AttributeName>();
    for (const span of this.spansStartedBetween(startNs, endNs)) {
      for (const scope of ATTRIBUTE_SCOPES) {
        for (const { key, type } of attributesIn(span, scope)) names.set(groupKey(scope, key, type), { scope, key, type });
      }
    }
    const scopeOrder = (scope: AttributeScope) => ATTRIBUTE_SCOPES.indexOf(scope);
    return [...names.values()].sort(
      (a, b) => scopeOrder(a.scope) - scopeOrder(b.scope) || compareText(a.key, b.key) || compareText(a.type, b.type),
    );
  }

  async listAttributeValues(scope: AttributeScope, key: string, startNs: bigint, endNs: bigint, limit: number, signal?: AbortSignal): Promise<string[]> {
    throwIfAborted(signal);
    const count = nonNegativeInteger(limit, 'limit');
    const occurrences = new Map<string, number>();
    for (const span of this.spansStartedBetween(startNs, endNs)) {
      for (const attribute of attributesIn(span, scope)) {
        if (attribute.key !== key) continue;
        const text = valueText(attribute);
        occurrences.set(text, (occurrences.get(text) ?? 0) + 1);
      }
    }
    return [...occurrences]
      .sort(([valueA, countA], [valueB, countB]) => countB - countA || compareText(valueA, valueB))
      .slice(0, count)
      .map(([value]) => value);
  }

  /**
   * The three kinds of call of ServiceCalls, among the window's spans only: a span
   * whose parent started before the window does not count, as in ClickHouseStore.
   */
  async serviceCalls(startNs: bigint, endNs: bigint, signal?: AbortSignal): Promise<ServiceCalls[]> {
    throwIfAborted(signal);
    const window = this.spansStartedBetween(startNs, endNs);
    const calls: Call[] = [];

    // A Zipkin shared span's children were made by its SERVER half, so that half's service is the parent's.
    const parentService = new Map<string, string>();
    for (const span of window) {
      const id = spanKey(span.traceId, span.spanId);
      if (!parentService.has(id) || span.kind === SpanKind.SERVER) parentService.set(id, span.serviceName);
    }
    for (const child of window) {
      if (child.parentSpanId === '') continue;
      const caller = parentService.get(spanKey(child.traceId, child.parentSpanId));
      if (caller !== undefined && caller !== child.serviceName) calls.push({ caller, callee: child.serviceName, calleeKind: 'service', span: child });
    }

    const producerService = new Map<string, string>();
    for (const span of window) {
      const id = spanKey(span.traceId, span.spanId);
      if (span.kind === SpanKind.PRODUCER && !producerService.has(id)) producerService.set(id, span.serviceName);
    }
    for (const consumer of window) {
      if (consumer.kind !== SpanKind.CONSUMER || consumer.parentSpanId !== '') continue;
      for (const link of consumer.links) {
        const caller = producerService.get(spanKey(link.traceId, link.spanId));
        if (caller !== undefined && caller !== consumer.serviceName) calls.push({ caller, callee: consumer.serviceName, calleeKind: 'service', span: consumer });
      }
    }

    // A span is answered by a child, or by the SERVER half sharing its id.
    const answered = new Set<string>();
    for (const span of window) {
      answered.add(spanKey(span.traceId, span.parentSpanId));
      if (span.kind === SpanKind.SERVER) answered.add(spanKey(span.traceId, span.spanId));
    }
    for (const client of window) {
      if (client.kind !== SpanKind.CLIENT && client.kind !== SpanKind.PRODUCER) continue;
      if (answered.has(spanKey(client.traceId, client.spanId))) continue;
      const peer = PEER_ATTRIBUTES.map((name) => stringAttribute(client.attributes, name)).find((value) => value !== '');
      if (peer === undefined) continue;
      const calleeKind = stringAttribute(client.attributes, 'db.system') !== '' ? 'database' : 'peer';
      calls.push({ caller: client.serviceName, callee: peer, calleeKind, span: client });
    }

    const byPair = groupBy(calls, (call) => groupKey(call.caller, call.callee, call.calleeKind));
    return [...byPair.values()]
      .map((group): ServiceCalls => {
        const { caller, callee, calleeKind } = group[0];
        const [p50Ns, p95Ns, p99Ns] = durationQuantiles(group.map((call) => call.span), [0.5, 0.95, 0.99]);
        return { caller, callee, calleeKind, calls: group.length, errors: group.filter((call) => isError(call.span)).length, p50Ns, p95Ns, p99Ns };
      })
      .sort((a, b) => compareText(a.caller, b.caller) || compareText(a.callee, b.callee) || compareText(a.calleeKind, b.calleeKind));
  }

  async redMetrics(query: RedQuery, signal?: AbortSignal): Promise<RedRow[]> {
    throwIfAborted(signal);
    const kinds = query.spanKinds?.map((kind) => integer(kind, 'spanKind'));
    if (kinds?.length === 0) return [];
    const step = query.stepNs;
    if (step !== undefined && step <= 0n) throw new RangeError(`stepNs must be positive, got ${step}`);
    const wanted = (query.quantiles ?? []).map(quantileLevel);
    const windowStart = clampNs(query.startNs);
    // Steps are aligned to the window's start, so the first step starts with the window.
    const stepStartOf = (span: SpanRow) => (step === undefined ? windowStart : windowStart + ((span.startNs - windowStart) / step) * step);
    const operationOf = (span: SpanRow) => (query.perOperation === false ? '' : span.name);
    const spans = this.spansStartedBetween(query.startNs, query.endNs).filter(
      (span) =>
        (query.service === undefined || span.serviceName === query.service) &&
        (query.operation === undefined || span.name === query.operation) &&
        (kinds === undefined || kinds.includes(span.kind)),
    );
    const groups = groupBy(spans, (span) => groupKey(span.serviceName, operationOf(span), String(stepStartOf(span))));
    return [...groups.values()]
      .map((group): RedRow => {
        // One sort for all levels, as ClickHouseStore asks one quantiles() for all of them.
        const [p50Ns, p95Ns, p99Ns, ...quantilesNs] = durationQuantiles(group, [0.5, 0.95, 0.99, ...wanted]);
        return {
          service: group[0].serviceName,
          operation: operationOf(group[0]),
          stepStartNs: stepStartOf(group[0]),
          count: group.length,
          errors: group.filter(isError).length,
          p50Ns,
          p95Ns,
          p99Ns,
          ...(query.quantiles === undefined ? {} : { quantilesNs }),
        };
      })
      .sort((a, b) => compareText(a.service, b.service) || compareText(a.operation, b.operation) || compareBigInt(a.stepStartNs, b.stepStartNs));
  }

  async attributeFrequencies(query: AttributeFrequencyQuery, signal?: AbortSignal): Promise<AttributeFrequencies> {
    throwIfAborted(signal);
    const limit = nonNegativeInteger(query.limit, 'limit');
    const { errorsOnly, minDurationNs } = query.selection;
    if (!errorsOnly && minDurationNs === undefined) throw new RangeError('attributeFrequencies needs a selection');
    const isSelected = (span: SpanRow) => (!errorsOnly || isError(span)) && (minDurationNs === undefined || durationOf(span) >= minDurationNs);
    const population = this.spansStartedBetween(query.startNs, query.endNs).filter(
      (span) => (query.service === undefined || span.serviceName === query.service) && (query.operation === undefined || span.name === query.operation),
    );
    const counts = new Map<string, AttributeFrequencies['values'][number]>();
    for (const span of population) {
      const selected = isSelected(span);
      for (const scope of ['span', 'resource'] as const) {
        for (const attribute of attributesIn(span, scope)) {
          if (attribute.type === 'other') continue; // only typed values, as ClickHouseStore compares them
          const value = valueText(attribute);
          const id = groupKey(scope, attribute.key, value);
          const pair = counts.get(id) ?? { scope, key: attribute.key, value, selected: 0, baseline: 0 };
          if (selected) pair.selected++;
          else pair.baseline++;
          counts.set(id, pair);
        }
      }
    }
    const selectedSpans = population.filter(isSelected).length;
    return {
      selectedSpans,
      baselineSpans: population.length - selectedSpans,
      values: [...counts.values()]
        .sort(
          (a, b) =>
            b.selected - a.selected || b.baseline - a.baseline || compareText(a.scope, b.scope) || compareText(a.key, b.key) || compareText(a.value, b.value),
        )
        .slice(0, limit),
    };
  }

  /**
   * Traces whose first span (of all the store holds) started in the window; the sample
   * is the first maxTraces by a hash of the trace id. ClickHouseStore orders by
   * cityHash64 instead, so the two stores sample different traces, each the same on every call.
   */
  async readSpans(query: { startNs: bigint; endNs: bigint; maxTraces: number }, signal?: AbortSignal): Promise<SpanOutline[]> {
    throwIfAborted(signal);
    const maxTraces = nonNegativeInteger(query.maxTraces, 'maxTraces');
    const [start, end] = [clampNs(query.startNs), clampNs(query.endNs)];
    const sample = [...this.traces]
      .filter(([, trace]) => trace.spans[0].startNs >= start && trace.spans[0].startNs <= end)
      .map(([traceId, trace]) => ({ traceId, trace, hash: createHash('sha256').update(traceId).digest('hex') }))
      .sort((a, b) => compareText(a.hash, b.hash) || compareText(a.traceId, b.traceId))
      .slice(0, maxTraces)
      .sort((a, b) => compareText(a.traceId, b.traceId));
    const tailEnd = end + TRACE_TAIL_NS;
    return sample.flatMap(({ trace }) => trace.spans.filter((span) => span.startNs >= start && span.startNs <= tailEnd).map(outlineOf));
  }

  /** Whole days: a span goes when the day it started in ended before the cutoff's day began. */
  async dropBefore(cutoffNs: bigint): Promise<number> {
    const cutoffDay = dayOf(clampNs(cutoffNs));
    const droppedDays = new Set<number>();
    for (const [traceId, trace] of this.traces) {
      const kept = trace.spans.filter((span) => {
        const day = dayOf(span.startNs);
        if (day < cutoffDay) droppedDays.add(day);
        return day >= cutoffDay;
      });
      if (kept.length === trace.spans.length) continue;
      if (kept.length === 0) this.traces.delete(traceId);
      else this.traces.set(traceId, { spans: kept, keys: new Set(kept.map(copyKey)) });
    }
    return droppedDays.size;
  }

  async close(): Promise<void> {}

  private allSpans(): SpanRow[] {
    return [...this.traces.values()].flatMap((trace) => trace.spans);
  }

  /** Spans that started in [startNs, endNs]; times before the epoch count as the epoch, as ClickHouse's unsigned times do. */
  private spansStartedBetween(startNs: bigint, endNs: bigint): SpanRow[] {
    const [start, end] = [clampNs(startNs), clampNs(endNs)];
    return this.allSpans().filter((span) => span.startNs >= start && span.startNs <= end);
  }
}

function isCopiedSpans(part: EncodedSpans): part is CopiedSpans {
  return 'spans' in part;
}

/** What makes a span distinct from a replayed copy; kind keeps both halves of a Zipkin shared span. */
function copyKey(span: SpanRow): string {
  return groupKey(span.spanId, span.kind, String(span.startNs));
}

function spanKey(traceId: string, spanId: string): string {
  return `${traceId}/${spanId}`;
}

/** One string for a tuple of values, for Map keys. */
function groupKey(...parts: (string | number)[]): string {
  return JSON.stringify(parts);
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

function inReadOrder(a: SpanRow, b: SpanRow): number {
  return compareBigInt(a.startNs, b.startNs) || compareText(a.spanId, b.spanId) || a.kind - b.kind;
}

function byStart(a: SpanRow, b: SpanRow): number {
  return compareBigInt(a.startNs, b.startNs);
}

// ---------------------------------------------------------------------------------------
// Search

/** Every condition of the query but its time window, on this one span. */
function spanMatches(span: SpanRow, query: TraceQuery): boolean {
  const duration = durationOf(span);
  return (
    (query.service === undefined || span.serviceName === query.service) &&
    (query.operation === undefined || span.name === query.operation) &&
    (query.spanKind === undefined || span.kind === query.spanKind) &&
    (!query.errorsOnly || isError(span)) &&
    (query.minDurationNs === undefined || duration >= query.minDurationNs) &&
    (query.maxDurationNs === undefined || duration <= query.maxDurationNs) &&
    query.attributes.every((filter) => filterMatches(filter, attributesIn(span, filter.scope))) &&
    (query.eventNames ?? []).every((name) => span.events.some((event) => event.name === name))
  );
}

/** A comparison needs the key present with the filter's type (see AttributeFilter). */
function filterMatches(filter: AttributeFilter, attributes: TypedAttribute[]): boolean {
  if (filter.type === 'exists') return attributes.some((attribute) => attribute.key === filter.key);
  return attributes.some(
    (attribute) => attribute.key === filter.key && attribute.type === filter.type && compareValues(attribute.value, filter.op, filter.value),
  );
}

function compareValues<T extends string | bigint | number | boolean>(value: T, op: CompareOp, bound: T): boolean {
  switch (op) {
    case '=':
      return value === bound;
    case '!=':
      return value !== bound;
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
    default:
      throw new RangeError(`unknown comparison ${JSON.stringify(op)}`);
  }
}

/**
 * The trace's summary from all of its spans (in start order). The root is the first span
 * without a parent. ClickHouseStore takes any root of a batch and the greatest service's
 * across batches; the two differ only for a trace with several roots.
 */
function traceSummary(traceId: string, spans: SpanRow[]): TraceSummary {
  const root = spans.find((span) => span.parentSpanId === '');
  const startNs = spans[0].startNs;
  // A span that ends before it starts still ends the trace no earlier than its start.
  const lastNs = spans.reduce((last, span) => maxBigInt(last, maxBigInt(span.startNs, span.endNs)), startNs);
  return {
    traceId,
    rootService: root?.serviceName ?? '',
    rootOperation: root?.name ?? '',
    startNs,
    durationNs: lastNs - startNs,
    spanCount: spans.length,
    errorCount: spans.filter(isError).length,
    services: [...new Set(spans.map((span) => span.serviceName))].sort(compareText),
  };
}

// ---------------------------------------------------------------------------------------
// Attributes

type TypedAttribute =
  | { key: string; type: 'string' | 'other'; value: string }
  | { key: string; type: 'int'; value: bigint }
  | { key: string; type: 'double'; value: number }
  | { key: string; type: 'bool'; value: boolean };

/** A span's attributes in one scope, one entry per key and value; 'event' is every event's. */
function attributesIn(span: SpanRow, scope: AttributeScope): TypedAttribute[] {
  switch (scope) {
    case 'span':
      return typedAttributes(span.attributes);
    case 'resource':
      return typedAttributes(span.resource.attributes);
    case 'event':
      return span.events.flatMap((event) => typedAttributes(event.attributes));
  }
}

function typedAttributes(attributes: Attributes): TypedAttribute[] {
  return [
    ...attributes.strKeys.map((key, i): TypedAttribute => ({ key, type: 'string', value: attributes.strValues[i] })),
    ...attributes.intKeys.map((key, i): TypedAttribute => ({ key, type: 'int', value: attributes.intValues[i] })),
    ...attributes.dblKeys.map((key, i): TypedAttribute => ({ key, type: 'double', value: attributes.dblValues[i] })),
    ...attributes.boolKeys.map((key, i): TypedAttribute => ({ key, type: 'bool', value: attributes.boolValues[i] })),
    ...attributes.otherKeys.map((key, i): TypedAttribute => ({ key, type: 'other', value: attributes.otherValues[i] })),
  ];
}

/** The first string value of the key, '' when there is none (ClickHouse's arrayElement past the end). */
function stringAttribute(attributes: Attributes, key: string): string {
  const index = attributes.strKeys.indexOf(key);
  return index < 0 ? '' : attributes.strValues[index];
}

/** A value as text, as ClickHouse's toString writes it (checked on chDB and 18.16): what people search and read. */
function valueText(attribute: TypedAttribute): string {
  switch (attribute.type) {
    case 'string':
    case 'other':
      return attribute.value;
    case 'int':
      return String(attribute.value);
    case 'bool':
      return attribute.value ? 'true' : 'false';
    case 'double':
      return doubleText(attribute.value);
  }
}

/** ClickHouse writes the shortest round-trip digits as JavaScript does, switching to exponents at the same points, but spells the exponent and the specials its own way. */
function doubleText(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (Object.is(value, -0)) return '-0';
  return String(value).replace('e+', 'e');
}

/** What findSpans looks in: service, name, span id, status message, event names, and each attribute as key=value. */
function searchableTexts(span: SpanRow): string[] {
  const attributes = ATTRIBUTE_SCOPES.flatMap((scope) => attributesIn(span, scope)).map((attribute) => `${attribute.key}=${valueText(attribute)}`);
  return [span.serviceName, span.name, span.spanId, span.statusMessage, ...span.events.map((event) => event.name), ...attributes];
}

// ---------------------------------------------------------------------------------------
// Aggregates

/** One call between services (see ServiceCalls) and the span whose status and duration it takes. */
interface Call {
  caller: string;
  callee: string;
  calleeKind: ServiceCalls['calleeKind'];
  span: SpanRow;
}

function durationQuantiles(spans: SpanRow[], levels: number[]): number[] {
  const sorted = spans.map((span) => Number(durationOf(span))).sort((a, b) => a - b);
  return levels.map((level) => interpolatedQuantile(sorted, level));
}

/**
 * ClickHouse's quantile(level), which ClickHouseStore asks for: linear interpolation at
 * index level × (n − 1) of the sorted values, in doubles, as its reservoir sampler's
 * quantileInterpolated computes it. The sampler keeps 8192 values; up to that it holds
 * them all and answers exactly this, past it ClickHouse's answer is an estimate and this stays exact.
 */
function interpolatedQuantile(sorted: number[], level: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.max(0, Math.min(sorted.length - 1, level * (sorted.length - 1)));
  const left = Math.floor(index);
  if (left + 1 === sorted.length) return sorted[left];
  return sorted[left] * (left + 1 - index) + sorted[left + 1] * (index - left);
}

function outlineOf(span: SpanRow): SpanOutline {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    serviceName: span.serviceName,
    name: span.name,
    kind: span.kind,
    startNs: span.startNs,
    endNs: span.endNs,
    statusCode: span.statusCode,
    statusMessage: span.statusMessage,
    links: span.links.map((link) => ({ traceId: link.traceId, spanId: link.spanId })),
  };
}

// ---------------------------------------------------------------------------------------
// Values

function isError(span: SpanRow): boolean {
  return span.statusCode === StatusCode.ERROR;
}

/** Negative for a span that ends before it starts. */
function durationOf(span: SpanRow): bigint {
  return span.endNs - span.startNs;
}

function clampNs(ns: bigint): bigint {
  return ns < 0n ? 0n : ns;
}

function maxBigInt(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function compareBigInt(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Strings in ClickHouse's order, by their UTF-8 bytes (JavaScript's < orders UTF-16 units, which differs past U+FFFF). */
function compareText(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Lower-case, after checking it is `digits` hex digits. */
function validHexId(id: string, digits: number): string {
  if (id.length !== digits || !/^[0-9a-fA-F]*$/.test(id)) throw new RangeError(`expected ${digits} hex digits, got ${JSON.stringify(id)}`);
  return id.toLowerCase();
}

function validTraceId(traceId: string): string {
  return validHexId(traceId, 32);
}

