// SpanStore in ClickHouse SQL, over any ClickHouseTransport. The tables are described in
// schema.ts and the span columns in span-rows.ts. Every value put into SQL goes through
// sql.ts, as ClickHouse 18.16 has no query parameters.
import { SpanKind, StatusCode, type SpanRow } from '../model/span.ts';
import type {
  AttributeFilter,
  EncodedSpans,
  AttributeName,
  AttributeScope,
  AttributeFrequencies,
  AttributeFrequencyQuery,
  Operation,
  RedQuery,
  RedRow,
  ServiceCalls,
  SpanOutline,
  SpanStore,
  TraceQuery,
  TraceSummary,
} from './span-store.ts';
import { TRACE_TAIL_NS } from './span-store.ts';
import {
  DAY_PARTITIONED_TABLES,
  OPERATIONS_TABLE,
  SPANS_TABLE,
  TIME_BUCKET_EXPRESSION,
  TIME_BUCKET_NS,
  TRACE_INDEX_TABLE,
  detectServerFeatures,
  schemaStatements,
} from './schema.ts';
import {
  ATTRIBUTE_SCOPES,
  ATTRIBUTE_TYPES,
  SPAN_COLUMN_NAMES,
  OUTLINE_READ,
  SPAN_KEY_READ,
  SPAN_READ,
  attributeColumns,
  attributeValueText,
  dayOf,
  encodeSpans,
  readRows,
  type SpanRead,
  type AttributeType,
} from './span-rows.ts';
import { integer, nonNegativeInteger, quantileLevel } from './argument-checks.ts';
import { sqlDate, sqlFloat64, sqlHexBytes, sqlIdentifier, sqlInt64, sqlString, sqlUInt64 } from './sql.ts';
import type { ClickHouseTransport, Row } from './transport.ts';

/** The high half of a 64-bit trace id padded to 128 bits. */
const ZERO_HIGH_HALF = '0'.repeat(16);
/** Most traces one 64-bit id is taken to mean; more would be a collision, not a trace. */
const MAX_LOW_HALF_MATCHES = 10;
/**
 * Most trace ids one trace read names. Each id is spelled twice in the query (~90 bytes),
 * and a query longer than max_query_size (256 KiB by default, on 18.16 too) is refused.
 */
const MAX_IDS_PER_QUERY = 1000;
/** Attributes that name the peer of a CLIENT or PRODUCER span, most specific first. */
const PEER_ATTRIBUTES = ['peer.service', 'db.name', 'db.system', 'server.address', 'net.peer.name'];

export class ClickHouseStore implements SpanStore {
  constructor(private readonly transport: ClickHouseTransport) {}

  async init(): Promise<void> {
    const features = await detectServerFeatures(this.transport);
    for (const statement of schemaStatements(features)) await this.transport.exec(statement);
  }

  encode(spans: SpanRow[]): EncodedSpans {
    return { bytes: encodeSpans(spans), spanCount: spans.length };
  }

  async writeEncoded(batch: readonly EncodedSpans[]): Promise<void> {
    const spanCount = batch.reduce((sum, part) => sum + part.spanCount, 0);
    if (spanCount === 0) return;
    await this.transport.insertRowBinary(SPANS_TABLE, SPAN_COLUMN_NAMES, batch.map((part) => part.bytes), spanCount);
  }

  writeBatch(spans: SpanRow[]): Promise<void> {
    return this.writeEncoded([this.encode(spans)]);
  }

  getTrace(traceId: string, signal?: AbortSignal): Promise<SpanRow[]> {
    return this.readTrace(traceId, SPAN_READ, signal);
  }

  getTraces(traceIds: readonly string[], signal?: AbortSignal): Promise<SpanRow[][]> {
    return this.readTraces(traceIds, SPAN_READ, signal);
  }

  getTraceOutline(traceId: string, signal?: AbortSignal): Promise<SpanOutline[]> {
    return this.readTrace(traceId, OUTLINE_READ, signal);
  }

  async getSpan(traceId: string, spanId: string, signal?: AbortSignal): Promise<SpanRow[]> {
    return this.readTrace(traceId, SPAN_READ, signal, `span_id = ${sqlHexBytes(spanId.toLowerCase(), 8)}`);
  }

  async findSpans(traceId: string, text: string, signal?: AbortSignal): Promise<string[]> {
    if (text.trim() === '') return [];
    const spans = await this.readTrace(traceId, SPAN_KEY_READ, signal, spanTextContains(text));
    return [...new Set(spans.map((span) => span.spanId))];
  }

  private async readTrace<T extends TraceRow>(traceId: string, columns: SpanRead<T>, signal?: AbortSignal, condition?: string): Promise<T[]> {
    const [spans] = await this.readTraces([traceId], columns, signal, condition);
    return spans!;
  }

  /**
   * The rows of each trace asked for where `condition` holds, read as `columns` says;
   * element i answers traceIds[i] (see SpanStore.getTraces). One query for the ids as
   * given (per MAX_IDS_PER_QUERY of them). A 64-bit id (high half zero) that matched no
   * trace exactly then reads the traces whose low half it is, in one more query for all
   * such ids: that scans the trace index's ids (16 bytes a trace), so only when the exact
   * read found nothing.
   */
  private async readTraces<T extends TraceRow>(traceIds: readonly string[], columns: SpanRead<T>, signal?: AbortSignal, condition?: string): Promise<T[][]> {
    const ids = traceIds.map((id) => id.toLowerCase());
    // Every literal is made before anything is read, so one malformed id reads nothing.
    const exactIds = [...new Set(ids)].map((id) => sqlHexBytes(id, 16));
    const exactSets = chunks(exactIds, MAX_IDS_PER_QUERY).map((literals) => `(${literals.join(', ')})`);
    const exact = groupBy(await this.readTraceSets(exactSets, columns, signal, condition), (row) => row.traceId);

    const lowHalves = [...new Set(ids.filter((id) => !exact.has(id) && isPadded64BitId(id)).map((id) => id.slice(16)))];
    const lowHalfSets = chunks(lowHalves, MAX_IDS_PER_QUERY).map(
      (halves) => `(
    SELECT trace_id FROM ${TRACE_INDEX_TABLE}
    WHERE substring(trace_id, 9, 8) IN (${halves.map((half) => sqlHexBytes(half, 8)).join(', ')})
    GROUP BY trace_id
    ORDER BY trace_id
    LIMIT ${MAX_LOW_HALF_MATCHES} BY substring(trace_id, 9, 8))`,
    );
    const byLowHalf = groupBy(await this.readTraceSets(lowHalfSets, columns, signal, condition), (row) => row.traceId.slice(16));
    // Rows come by trace id, then start: a stable sort by start merges one low half's traces.
    for (const rows of byLowHalf.values()) rows.sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));

    return ids.map((id) => exact.get(id) ?? (isPadded64BitId(id) ? byLowHalf.get(id.slice(16)) : undefined) ?? []);
  }

  /** readTraceSet over each id set, one query each, rows concatenated. */
  private async readTraceSets<T>(idSets: string[], columns: SpanRead<T>, signal?: AbortSignal, condition?: string): Promise<T[]> {
    return (await Promise.all(idSets.map((idSet) => this.readTraceSet(idSet, columns, signal, condition)))).flat();
  }

  /**
   * One query over the traces of `idSet` (SQL for IN: a list of id literals or a
   * subquery): the trace index gives the days and the time range their spans started in,
   * so only those partitions and those time buckets of the spans' sorting key,
   * (bucket, trace_id), are read, never the whole table. Inside a bucket a trace's spans
   * are contiguous, and ClickHouse skips the granules of that bucket whose trace id range
   * holds none of the set, so traces far apart in time cost their granules, not the time
   * between them.
   *
   * Duplicates are dropped: the WAL replays a batch when the process died between the
   * store write and its checkpoint (at-least-once), so a span can be stored twice. One
   * row per (span_id, kind, start_ns) stays; kind because a Zipkin shared span (client
   * and server halves under one span id) is two spans.
   */
  private async readTraceSet<T>(idSet: string, columns: SpanRead<T>, signal?: AbortSignal, condition?: string): Promise<T[]> {
    const bytes = await this.transport.queryRowBinary(`
WITH (
  SELECT (min(first_day), max(last_day), min(first_start_ns), max(last_ns))
  FROM ${TRACE_INDEX_TABLE}
  WHERE trace_id IN ${idSet}
) AS bounds
SELECT ${columns.select}
FROM ${SPANS_TABLE}
WHERE start_date BETWEEN bounds.1 AND bounds.2
  AND ${TIME_BUCKET_EXPRESSION} BETWEEN intDiv(bounds.3, ${TIME_BUCKET_NS}) AND intDiv(bounds.4, ${TIME_BUCKET_NS})
  AND start_ns BETWEEN bounds.3 AND bounds.4
  AND trace_id IN ${idSet}${condition === undefined ? '' : `\n  AND (${condition})`}
ORDER BY trace_id, start_ns, span_id, kind
LIMIT 1 BY trace_id, span_id, kind, start_ns`, signal);
    return readRows(bytes, columns);
  }

  /**
   * Two steps: the newest traces with a span meeting every condition (newest = latest
   * start of such a span; ties by trace id), then their summaries from the trace index.
   *
   * The first step does not aggregate every match in the window: it walks the window
   * backwards in slices of whole time buckets (see searchSlices), one query per slice,
   * and stops once it has `limit` traces. This gives the same answer as one query over
   * the window because every span start in a slice is later than every span start in
   * the slices after it: a trace's newest match lies in the first slice where it matches
   * at all, the traces of a slice all rank above those first seen in later slices, and
   * ties (equal starts) can only meet inside one slice, where ORDER BY breaks them by
   * trace id. A trace already taken from an earlier slice is skipped if it matches again
   * in a later one, so each slice asks for `limit` rows: the ones still missing plus as
   * many as were taken.
   */
  async searchTraces(query: TraceQuery, signal?: AbortSignal): Promise<TraceSummary[]> {
    const limit = nonNegativeInteger(query.limit, 'limit');
    if (limit === 0) return [];
    const conditions = spanConditions(query);
    const matches: string[] = [];
    const taken = new Set<string>();
    for (const slice of searchSlices(query.startNs, query.endNs)) {
      const rows = await this.transport.query(`
SELECT lower(hex(trace_id)) AS trace_id_hex, max(start_ns) AS newest_start_ns
FROM ${SPANS_TABLE}
WHERE ${[...timeConditions(slice.startNs, slice.endNs), ...conditions].join('\n  AND ')}
GROUP BY trace_id
ORDER BY newest_start_ns DESC, trace_id
LIMIT ${limit}`, signal);
      for (const row of rows) {
        const id = row.trace_id_hex as string;
        if (taken.has(id) || matches.length === limit) continue;
        matches.push(id);
      }
      for (const id of matches) taken.add(id);
      if (matches.length === limit) break;
    }
    if (matches.length === 0) return [];

    // Sums over the trace index's rows, one per trace and batch: a batch the WAL replayed
    // after a crash (see getTrace) is counted twice in span_count and error_count. Left so:
    // rare, and getTrace shows the true spans.
    const ids = matches.map((id) => sqlHexBytes(id, 16));
    const summaries = await this.transport.query(`
SELECT
  lower(hex(trace_id)) AS trace_id_hex,
  min(first_start_ns) AS trace_start_ns,
  max(last_ns) AS trace_end_ns,
  sum(span_count) AS total_spans,
  sum(error_count) AS total_errors,
  arraySort(groupUniqArrayArray(services)) AS all_services,
  max(root_service) AS trace_root_service,
  argMax(root_name, root_service) AS trace_root_name
FROM ${TRACE_INDEX_TABLE}
WHERE trace_id IN (${ids.join(', ')})
GROUP BY trace_id`, signal);
    const summaryById = new Map(summaries.map((row) => [row.trace_id_hex as string, traceSummary(row)]));
    return matches.flatMap((id) => summaryById.get(id) ?? []);
  }

  /**
   * One query over the window's spans, three kinds of call (see ServiceCalls) joined
   * by id, with USING rather than ON because 18.16 joins only so. The joins are ALL,
   * over right sides made unique per key: ClickHouse 20+ makes ANY INNER JOIN one row
   * per key on the left too, which would keep one child of each parent. Every side reads the
   * window's spans, so a span whose parent started before the window does not count:
   * the window is the unit, as in Jaeger's and Zipkin's dependency jobs.
   * The parent side keeps one row per span id, preferring the SERVER half of a Zipkin
   * shared span: the children of a shared span were made by the server.
   */
  async serviceCalls(startNs: bigint, endNs: bigint, signal?: AbortSignal): Promise<ServiceCalls[]> {
    const window = timeConditions(startNs, endNs).join(' AND ');
    const noParent = `reinterpretAsUInt64(parent_span_id) = 0`;
    const { keys, values } = attributeColumns('span', 'string');
    const stringAttribute = (name: string) => `arrayElement(${values}, indexOf(${keys}, ${sqlString(name)}))`;
    const rows = await this.transport.query(`
SELECT caller, callee, callee_kind,
  count() AS calls,
  countIf(is_error) AS errors,
  quantiles(0.5, 0.95, 0.99)(duration_ns) AS duration_quantiles
FROM (
  SELECT parent_service AS caller, service_name AS callee, 'service' AS callee_kind,
    status_code = ${StatusCode.ERROR} AS is_error, toInt64(end_ns) - toInt64(start_ns) AS duration_ns
  FROM (
    SELECT trace_id, parent_span_id AS join_span_id, service_name, status_code, start_ns, end_ns
    FROM ${SPANS_TABLE} WHERE ${window} AND NOT ${noParent}
  ) AS child ALL INNER JOIN (
    SELECT trace_id, span_id AS join_span_id, argMax(service_name, kind = ${SpanKind.SERVER}) AS parent_service
    FROM ${SPANS_TABLE} WHERE ${window}
    GROUP BY trace_id, span_id
  ) AS parent USING (trace_id, join_span_id)
  WHERE parent_service != service_name

  UNION ALL

  SELECT producer_service AS caller, service_name AS callee, 'service' AS callee_kind,
    status_code = ${StatusCode.ERROR} AS is_error, toInt64(end_ns) - toInt64(start_ns) AS duration_ns
  FROM (
    SELECT link_trace_id AS trace_id, link_span_id AS join_span_id, service_name, status_code, start_ns, end_ns
    FROM ${SPANS_TABLE} ARRAY JOIN link_trace_ids AS link_trace_id, link_span_ids AS link_span_id
    WHERE ${window} AND kind = ${SpanKind.CONSUMER} AND ${noParent}
  ) AS consumer ALL INNER JOIN (
    SELECT trace_id, span_id AS join_span_id, any(service_name) AS producer_service
    FROM ${SPANS_TABLE} WHERE ${window} AND kind = ${SpanKind.PRODUCER}
    GROUP BY trace_id, span_id
  ) AS producer USING (trace_id, join_span_id)
  WHERE producer_service != service_name

  UNION ALL

  SELECT service_name AS caller, peer_name AS callee, if(db_system != '', 'database', 'peer') AS callee_kind,
    status_code = ${StatusCode.ERROR} AS is_error, toInt64(end_ns) - toInt64(start_ns) AS duration_ns
  FROM (
    SELECT trace_id, span_id AS join_span_id, service_name, status_code, start_ns, end_ns,
      ${stringAttribute('db.system')} AS db_system,
      multiIf(${PEER_ATTRIBUTES.map(stringAttribute).flatMap((value) => [`${value} != ''`, value]).join(', ')}, '') AS peer_name
    FROM ${SPANS_TABLE}
    WHERE ${window} AND kind IN (${SpanKind.CLIENT}, ${SpanKind.PRODUCER})
  ) AS client ALL LEFT JOIN (
    SELECT DISTINCT trace_id, arrayJoin(if(kind = ${SpanKind.SERVER}, [parent_span_id, span_id], [parent_span_id])) AS join_span_id, 1 AS answered
    FROM ${SPANS_TABLE} WHERE ${window}
  ) AS answer USING (trace_id, join_span_id)
  WHERE answered = 0 AND peer_name != ''
)
GROUP BY caller, callee, callee_kind
ORDER BY caller, callee, callee_kind`, signal);
    return rows.map((row) => {
      const [p50Ns, p95Ns, p99Ns] = row.duration_quantiles as number[];
      return {
        caller: row.caller as string,
        callee: row.callee as string,
        calleeKind: row.callee_kind as ServiceCalls['calleeKind'],
        calls: Number(row.calls),
        errors: Number(row.errors),
        p50Ns,
        p95Ns,
        p99Ns,
      };
    });
  }

  async redMetrics(query: RedQuery, signal?: AbortSignal): Promise<RedRow[]> {
    const conditions = timeConditions(query.startNs, query.endNs);
    if (query.service !== undefined) conditions.push(`service_name = ${sqlString(query.service)}`);
    if (query.operation !== undefined) conditions.push(`name = ${sqlString(query.operation)}`);
    if (query.spanKinds !== undefined) {
      if (query.spanKinds.length === 0) return [];
      conditions.push(`kind IN (${query.spanKinds.map((kind) => integer(kind, 'spanKind')).join(', ')})`);
    }
    const start = clampNs(query.startNs);
    const step = query.stepNs;
    if (step !== undefined && step <= 0n) throw new RangeError(`stepNs must be positive, got ${step}`);
    const wanted = (query.quantiles ?? []).map(quantileLevel);
    // Steps are aligned to the window's start, so the first step starts with the window.
    const stepStart = step === undefined ? sqlUInt64(start) : `${sqlUInt64(start)} + intDiv(start_ns - ${sqlUInt64(start)}, ${sqlUInt64(step)}) * ${sqlUInt64(step)}`;
    // Not aliased as `name`: an alias would also replace the column in WHERE.
    const operation = query.perOperation === false ? "''" : 'name';
    const rows = await this.transport.query(`
SELECT service_name, ${operation} AS operation,
  toString(${stepStart}) AS step_start,
  count() AS spans,
  countIf(status_code = ${StatusCode.ERROR}) AS error_spans,
  quantiles(${[0.5, 0.95, 0.99, ...wanted].join(', ')})(toInt64(end_ns) - toInt64(start_ns)) AS duration_quantiles
FROM ${SPANS_TABLE}
WHERE ${conditions.join(' AND ')}
GROUP BY service_name, operation, step_start
ORDER BY service_name, operation, toUInt64(step_start)`, signal);
    return rows.map((row) => {
      // One quantiles() for all levels, so the wanted ones come from the same sample as p50/p95/p99.
      const [p50Ns, p95Ns, p99Ns, ...quantilesNs] = row.duration_quantiles as number[];
      return {
        service: row.service_name as string,
        operation: row.operation as string,
        stepStartNs: BigInt(row.step_start as string),
        count: Number(row.spans),
        errors: Number(row.error_spans),
        p50Ns,
        p95Ns,
        p99Ns,
        ...(query.quantiles === undefined ? {} : { quantilesNs }),
      };
    });
  }

  async attributeFrequencies(query: AttributeFrequencyQuery, signal?: AbortSignal): Promise<AttributeFrequencies> {
    const limit = nonNegativeInteger(query.limit, 'limit');
    const population = timeConditions(query.startNs, query.endNs);
    if (query.service !== undefined) population.push(`service_name = ${sqlString(query.service)}`);
    if (query.operation !== undefined) population.push(`name = ${sqlString(query.operation)}`);
    const selected: string[] = [];
    if (query.selection.errorsOnly) selected.push(`status_code = ${StatusCode.ERROR}`);
    if (query.selection.minDurationNs !== undefined) selected.push(`toInt64(end_ns) - toInt64(start_ns) >= ${sqlInt64(query.selection.minDurationNs)}`);
    if (selected.length === 0) throw new RangeError('attributeFrequencies needs a selection');
    // Every typed attribute as (scope, key, value text), one array per span.
    const pairs = (['span', 'resource'] as const).flatMap((scope) =>
      ATTRIBUTE_TYPES.filter((type) => type !== 'other').map((type) => {
        const { keys, values } = attributeColumns(scope, type);
        return `arrayMap((k, v) -> (${sqlString(scope)}, k, ${attributeValueText(type, 'v')}), ${keys}, ${values})`;
      }),
    );
    const [totals] = await this.transport.query(`
SELECT countIf(${selected.join(' AND ')}) AS selected_spans, countIf(NOT (${selected.join(' AND ')})) AS baseline_spans
FROM ${SPANS_TABLE} WHERE ${population.join(' AND ')}`, signal);
    const rows = await this.transport.query(`
SELECT pair.1 AS scope, pair.2 AS key, pair.3 AS value, countIf(is_selected) AS selected_count, countIf(NOT is_selected) AS baseline_count
FROM (
  SELECT ${selected.join(' AND ')} AS is_selected, arrayJoin(arrayConcat(${pairs.join(', ')})) AS pair
  FROM ${SPANS_TABLE} WHERE ${population.join(' AND ')}
)
GROUP BY scope, key, value
ORDER BY selected_count DESC, baseline_count DESC, scope, key, value
LIMIT ${limit}`, signal);
    return {
      selectedSpans: Number(totals?.selected_spans ?? 0),
      baselineSpans: Number(totals?.baseline_spans ?? 0),
      values: rows.map((row) => ({
        scope: row.scope as 'span' | 'resource',
        key: row.key as string,
        value: row.value as string,
        selected: Number(row.selected_count),
        baseline: Number(row.baseline_count),
      })),
    };
  }

  async readSpans(query: { startNs: bigint; endNs: bigint; maxTraces: number }, signal?: AbortSignal): Promise<SpanOutline[]> {
    const maxTraces = nonNegativeInteger(query.maxTraces, 'maxTraces');
    if (maxTraces === 0) return [];
    const [start, end] = [clampNs(query.startNs), clampNs(query.endNs)];
    // The index has a row per trace per batch. A trace's rows from the day before the window
    // are read too, so one that started before midnight and went on after it (rows on both
    // days) counts as started before the window; a trace older than that day is not seen.
    const firstIndexDay = Math.max(0, dayOf(start) - 1);
    const bytes = await this.transport.queryRowBinary(`
SELECT ${OUTLINE_READ.select}
FROM ${SPANS_TABLE}
WHERE ${timeConditions(start, end + TRACE_TAIL_NS).join(' AND ')}
  AND trace_id IN (
    SELECT trace_id FROM ${TRACE_INDEX_TABLE}
    WHERE first_day BETWEEN ${sqlDate(firstIndexDay)} AND ${sqlDate(dayOf(end))}
    GROUP BY trace_id
    HAVING min(first_start_ns) BETWEEN ${sqlUInt64(start)} AND ${sqlUInt64(end)}
    ORDER BY cityHash64(trace_id)
    LIMIT ${maxTraces}
  )
ORDER BY trace_id, start_ns
LIMIT 1 BY trace_id, span_id, kind, start_ns`, signal);
    return readRows(bytes, OUTLINE_READ);
  }

  async listServices(signal?: AbortSignal): Promise<string[]> {
    const rows = await this.transport.query(`SELECT DISTINCT service_name FROM ${OPERATIONS_TABLE} ORDER BY service_name`, signal);
    return rows.map((row) => row.service_name as string);
  }

  async listOperations(service: string, signal?: AbortSignal): Promise<Operation[]> {
    const rows = await this.transport.query(`
SELECT DISTINCT name, kind FROM ${OPERATIONS_TABLE}
WHERE service_name = ${sqlString(service)}
ORDER BY name, kind`, signal);
    return rows.map((row) => ({ name: row.name as string, kind: row.kind as number }));
  }

  async listAttributeNames(startNs: bigint, endNs: bigint, signal?: AbortSignal): Promise<AttributeName[]> {
    // One pass over the key columns: a set of keys per scope and type.
    const sets = ATTRIBUTE_SCOPES.flatMap((scope) => ATTRIBUTE_TYPES.map((type) => ({ scope, type })));
    const [row] = await this.transport.query(`
SELECT ${sets
      .map(({ scope, type }) => `groupUniqArrayArray(${attributeColumns(scope, type).keys}) AS ${scope}_${type}`)
      .join(',\n  ')}
FROM ${SPANS_TABLE}
WHERE ${timeConditions(startNs, endNs).join(' AND ')}`, signal);
    const names = sets.flatMap(({ scope, type }) =>
      ((row?.[`${scope}_${type}`] ?? []) as string[]).map((key): AttributeName => ({ scope, key, type })),
    );
    const scopeOrder = (scope: AttributeScope) => ATTRIBUTE_SCOPES.indexOf(scope);
    return names.sort(
      (a, b) => scopeOrder(a.scope) - scopeOrder(b.scope) || compare(a.key, b.key) || compare(a.type, b.type),
    );
  }

  async listAttributeValues(
    scope: AttributeScope,
    key: string,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    signal?: AbortSignal,
  ): Promise<string[]> {
    const count = nonNegativeInteger(limit, 'limit');
    if (count === 0) return [];
    const keyLiteral = sqlString(key);
    const valuesAsText = (type: AttributeType, toText: (value: string) => string) => {
      const { keys, values } = attributeColumns(scope, type);
      return `arrayMap(v -> ${toText('v')}, arrayFilter((v, k) -> k = ${keyLiteral}, ${values}, ${keys}))`;
    };
    const hasKey = ATTRIBUTE_TYPES.map((type) => `has(${attributeColumns(scope, type).keys}, ${keyLiteral})`);
    const rows = await this.transport.query(`
SELECT value, count() AS occurrences
FROM (
  SELECT arrayJoin(arrayConcat(
    ${valuesAsText('string', (v) => v)},
    ${valuesAsText('int', (v) => `toString(${v})`)},
    ${valuesAsText('double', (v) => `toString(${v})`)},
    ${valuesAsText('bool', (v) => `if(${v} = 1, 'true', 'false')`)},
    ${valuesAsText('other', (v) => v)}
  )) AS value
  FROM ${SPANS_TABLE}
  WHERE ${[...timeConditions(startNs, endNs), `(${hasKey.join(' OR ')})`].join(' AND ')}
)
GROUP BY value
ORDER BY occurrences DESC, value
LIMIT ${count}`, signal);
    return rows.map((row) => row.value as string);
  }

  async dropBefore(cutoffNs: bigint): Promise<number> {
    // Partitions whose whole day lies before the cutoff's day.
    const cutoffDay = sqlDate(dayOf(cutoffNs < 0n ? 0n : cutoffNs));
    const parts = await this.transport.query(`
SELECT DISTINCT table, partition_id
FROM system.parts
WHERE database = currentDatabase()
  AND active
  AND table IN (${DAY_PARTITIONED_TABLES.map(sqlString).join(', ')})
  AND max_date < ${cutoffDay}`);
    for (const part of parts) {
      await this.transport.exec(
        `ALTER TABLE ${sqlIdentifier(part.table as string)} DROP PARTITION ID ${sqlString(part.partition_id as string)}`,
      );
    }
    return new Set(parts.map((part) => part.partition_id)).size;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

/** Conditions on one span row but its start time; all of them must hold on the same span. */
function spanConditions(query: TraceQuery): string[] {
  const conditions: string[] = [];
  if (query.service !== undefined) conditions.push(`service_name = ${sqlString(query.service)}`);
  if (query.operation !== undefined) conditions.push(`name = ${sqlString(query.operation)}`);
  if (query.spanKind !== undefined) conditions.push(`kind = ${integer(query.spanKind, 'spanKind')}`);
  if (query.errorsOnly) conditions.push(`status_code = ${StatusCode.ERROR}`);
  // end_ns - start_ns is an Int64 in ClickHouse, negative for a span that ends before it starts.
  if (query.minDurationNs !== undefined) conditions.push(`end_ns - start_ns >= ${sqlInt64(query.minDurationNs)}`);
  if (query.maxDurationNs !== undefined) conditions.push(`end_ns - start_ns <= ${sqlInt64(query.maxDurationNs)}`);
  for (const filter of query.attributes) conditions.push(attributeCondition(filter));
  for (const name of query.eventNames ?? []) conditions.push(`has(event_names, ${sqlString(name)})`);
  return conditions;
}

const clampNs = (ns: bigint) => (ns < 0n ? 0n : ns);

/**
 * Span start within [startNs, endNs], with the day bounds that let ClickHouse skip
 * partitions and the bucket bounds that let it skip granules. The bucket bounds are
 * spelled like the sorting key because 18.16 uses the key only so (checked with
 * force_primary_key); 26.x derives them from start_ns alone, and pays ~1 ms for the
 * repetition on a one-bucket search.
 */
function timeConditions(startNs: bigint, endNs: bigint): string[] {
  const [start, end] = [clampNs(startNs), clampNs(endNs)];
  return [
    `start_date BETWEEN ${sqlDate(dayOf(start))} AND ${sqlDate(dayOf(end))}`,
    `${TIME_BUCKET_EXPRESSION} BETWEEN ${start / TIME_BUCKET_NS} AND ${end / TIME_BUCKET_NS}`,
    `start_ns BETWEEN ${sqlUInt64(start)} AND ${sqlUInt64(end)}`,
  ];
}

/** The first slice searchTraces reads, in time buckets; each next one is twice as wide. */
const FIRST_SLICE_BUCKETS = 1n;

/**
 * [startNs, endNs] cut into slices of whole time buckets (clipped to the window), newest
 * first: the newest FIRST_SLICE_BUCKETS buckets, then twice as many, and so on. A slice
 * costs about what its buckets hold, whatever part of a bucket the window covers, as the
 * spans of a bucket are ordered by trace id, not time. The doubling keeps the number of
 * queries logarithmic in the window when matches are rare.
 */
function* searchSlices(startNs: bigint, endNs: bigint): Generator<{ startNs: bigint; endNs: bigint }> {
  const [start, end] = [clampNs(startNs), clampNs(endNs)];
  if (start > end) return;
  const firstBucket = start / TIME_BUCKET_NS;
  let newestBucket = end / TIME_BUCKET_NS;
  for (let buckets = FIRST_SLICE_BUCKETS; newestBucket >= firstBucket; buckets *= 2n) {
    const oldestBucket = newestBucket - buckets + 1n > firstBucket ? newestBucket - buckets + 1n : firstBucket;
    const sliceStart = oldestBucket * TIME_BUCKET_NS;
    const sliceEnd = (newestBucket + 1n) * TIME_BUCKET_NS - 1n;
    yield { startNs: sliceStart > start ? sliceStart : start, endNs: sliceEnd < end ? sliceEnd : end };
    newestBucket = oldestBucket - 1n;
  }
}

/**
 * A comparison needs the key present with the filter's type: `http.status_code > 400`
 * does not match a span without the attribute, and neither does `!=`.
 */
function attributeCondition(filter: AttributeFilter): string {
  const key = sqlString(filter.key);
  if (filter.type === 'exists') {
    return `(${ATTRIBUTE_TYPES.map((type) => `has(${attributeColumns(filter.scope, type).keys}, ${key})`).join(' OR ')})`;
  }
  let value: string;
  switch (filter.type) {
    case 'string':
      value = sqlString(filter.value);
      break;
    case 'int':
      value = sqlInt64(filter.value);
      break;
    case 'double':
      value = sqlFloat64(filter.value);
      break;
    case 'bool':
      value = filter.value ? '1' : '0';
      break;
  }
  const operator = comparisonOperator(filter.op);
  const { keys, values } = attributeColumns(filter.scope, filter.type);
  return `arrayExists((k, v) -> k = ${key} AND v ${operator} ${value}, ${keys}, ${values})`;
}

const COMPARISON_OPERATORS = new Set(['=', '!=', '<', '<=', '>', '>=']);

// The operator is spliced into SQL, so it is checked even though the type allows no other.
function comparisonOperator(op: string): string {
  if (!COMPARISON_OPERATORS.has(op)) throw new RangeError(`unknown comparison ${JSON.stringify(op)}`);
  return op;
}

function traceSummary(row: Row): TraceSummary {
  const startNs = BigInt(row.trace_start_ns as string);
  return {
    traceId: row.trace_id_hex as string,
    rootService: row.trace_root_service as string,
    rootOperation: row.trace_root_name as string,
    startNs,
    durationNs: BigInt(row.trace_end_ns as string) - startNs,
    spanCount: Number(row.total_spans),
    errorCount: Number(row.total_errors),
    services: row.all_services as string[],
  };
}

/** findSpans' condition: the text in any of a span's searchable fields (see SpanStore.findSpans). */
function spanTextContains(text: string): string {
  const contains = (expression: string) => `positionCaseInsensitiveUTF8(${expression}, ${sqlString(text)}) > 0`;
  const attributes = ATTRIBUTE_SCOPES.flatMap((scope) =>
    ATTRIBUTE_TYPES.map((type) => {
      const { keys, values } = attributeColumns(scope, type);
      return `arrayExists((k, v) -> ${contains(`concat(k, '=', ${attributeValueText(type, 'v')})`)}, ${keys}, ${values})`;
    }),
  );
  return [
    contains('service_name'),
    contains('name'),
    contains('lower(hex(span_id))'),
    contains('status_message'),
    `arrayExists(n -> ${contains('n')}, event_names)`,
    ...attributes,
  ].join('\n    OR ');
}

/** What a trace read needs of each row: the trace it belongs to, and its start. */
type TraceRow = { traceId: string; startNs: bigint };

/** Rows grouped by a key, each group in the rows' order. */
function groupBy<T>(rows: T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [row]);
    else group.push(row);
  }
  return groups;
}

const isPadded64BitId = (id: string) => id.startsWith(ZERO_HIGH_HALF);

/** An id list cut into lists of at most `size`, each one query's worth. */
function chunks<T>(items: T[], size: number): T[][] {
  const lists: T[][] = [];
  for (let i = 0; i < items.length; i += size) lists.push(items.slice(i, i + size));
  return lists;
}

/** Strings in ClickHouse's order, by their UTF-8 bytes, as ORDER BY sorts every other list (JavaScript's < orders UTF-16 units, which differs past U+FFFF). */
function compare(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b));
}
