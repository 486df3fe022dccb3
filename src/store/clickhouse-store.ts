// SpanStore in ClickHouse SQL, over any ClickHouseTransport. The tables are described in
// schema.ts and the span columns in span-rows.ts. Every value put into SQL goes through
// sql.ts, as ClickHouse 18.16 has no query parameters.
import { StatusCode, type SpanRow } from '../model/span.ts';
import type {
  AttributeFilter,
  AttributeName,
  AttributeScope,
  Operation,
  SpanStore,
  TraceQuery,
  TraceSummary,
} from './span-store.ts';
import {
  DAY_PARTITIONED_TABLES,
  OPERATIONS_TABLE,
  SPANS_TABLE,
  TRACE_INDEX_TABLE,
  detectServerFeatures,
  schemaStatements,
} from './schema.ts';
import {
  ATTRIBUTE_SCOPES,
  ATTRIBUTE_TYPES,
  SPAN_COLUMN_NAMES,
  SPAN_SELECT_LIST,
  attributeColumns,
  dayOf,
  encodeSpans,
  spanFromRow,
  type AttributeType,
} from './span-rows.ts';
import { sqlDate, sqlFloat64, sqlHexBytes, sqlIdentifier, sqlInt64, sqlString, sqlUInt64 } from './sql.ts';
import type { ClickHouseTransport, Row } from './transport.ts';

export class ClickHouseStore implements SpanStore {
  constructor(private readonly transport: ClickHouseTransport) {}

  async init(): Promise<void> {
    const features = await detectServerFeatures(this.transport);
    for (const statement of schemaStatements(features)) await this.transport.exec(statement);
  }

  async writeBatch(spans: SpanRow[]): Promise<void> {
    if (spans.length === 0) return;
    await this.transport.insertRowBinary(SPANS_TABLE, SPAN_COLUMN_NAMES, await encodeSpans(spans), spans.length);
  }

  /**
   * One query: the trace index gives the days and the time range the trace's spans
   * started in, so only those partitions and that stretch of each service's
   * (service_name, start_ns) order are read, never the whole table.
   */
  async getTrace(traceId: string): Promise<SpanRow[]> {
    const id = sqlHexBytes(traceId.toLowerCase(), 16);
    const rows = await this.transport.query(`
WITH (
  SELECT (min(first_day), max(last_day), min(first_start_ns), max(last_ns))
  FROM ${TRACE_INDEX_TABLE}
  WHERE trace_id = ${id}
) AS bounds
SELECT ${SPAN_SELECT_LIST}
FROM ${SPANS_TABLE}
WHERE start_date BETWEEN bounds.1 AND bounds.2
  AND start_ns BETWEEN bounds.3 AND bounds.4
  AND trace_id = ${id}
ORDER BY start_ns, span_id`);
    return rows.map(spanFromRow);
  }

  /**
   * Two steps: the newest traces with a span meeting every condition (newest = latest
   * start of such a span; ties by trace id), then their summaries from the trace index.
   */
  async searchTraces(query: TraceQuery): Promise<TraceSummary[]> {
    const limit = nonNegativeInteger(query.limit, 'limit');
    if (limit === 0) return [];
    const matches = await this.transport.query(`
SELECT lower(hex(trace_id)) AS trace_id_hex, max(start_ns) AS newest_start_ns
FROM ${SPANS_TABLE}
WHERE ${spanConditions(query).join('\n  AND ')}
GROUP BY trace_id
ORDER BY newest_start_ns DESC, trace_id
LIMIT ${limit}`);
    if (matches.length === 0) return [];

    const ids = matches.map((match) => sqlHexBytes(match.trace_id_hex as string, 16));
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
GROUP BY trace_id`);
    const summaryById = new Map(summaries.map((row) => [row.trace_id_hex as string, traceSummary(row)]));
    return matches.flatMap((match) => summaryById.get(match.trace_id_hex as string) ?? []);
  }

  async listServices(): Promise<string[]> {
    const rows = await this.transport.query(
      `SELECT DISTINCT service_name FROM ${OPERATIONS_TABLE} ORDER BY service_name`,
    );
    return rows.map((row) => row.service_name as string);
  }

  async listOperations(service: string): Promise<Operation[]> {
    const rows = await this.transport.query(`
SELECT DISTINCT name, kind FROM ${OPERATIONS_TABLE}
WHERE service_name = ${sqlString(service)}
ORDER BY name, kind`);
    return rows.map((row) => ({ name: row.name as string, kind: row.kind as number }));
  }

  async listAttributeNames(startNs: bigint, endNs: bigint): Promise<AttributeName[]> {
    // One pass over the key columns: a set of keys per scope and type.
    const sets = ATTRIBUTE_SCOPES.flatMap((scope) => ATTRIBUTE_TYPES.map((type) => ({ scope, type })));
    const [row] = await this.transport.query(`
SELECT ${sets
      .map(({ scope, type }) => `groupUniqArrayArray(${attributeColumns(scope, type).keys}) AS ${scope}_${type}`)
      .join(',\n  ')}
FROM ${SPANS_TABLE}
WHERE ${timeConditions(startNs, endNs).join(' AND ')}`);
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
LIMIT ${count}`);
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

/** Conditions on one span row; all of them must hold on the same span. */
function spanConditions(query: TraceQuery): string[] {
  const conditions = timeConditions(query.startNs, query.endNs);
  if (query.service !== undefined) conditions.push(`service_name = ${sqlString(query.service)}`);
  if (query.operation !== undefined) conditions.push(`name = ${sqlString(query.operation)}`);
  if (query.spanKind !== undefined) conditions.push(`kind = ${integer(query.spanKind, 'spanKind')}`);
  if (query.errorsOnly) conditions.push(`status_code = ${StatusCode.ERROR}`);
  // end_ns - start_ns is an Int64 in ClickHouse, negative for a span that ends before it starts.
  if (query.minDurationNs !== undefined) conditions.push(`end_ns - start_ns >= ${sqlInt64(query.minDurationNs)}`);
  if (query.maxDurationNs !== undefined) conditions.push(`end_ns - start_ns <= ${sqlInt64(query.maxDurationNs)}`);
  for (const filter of query.attributes) conditions.push(attributeCondition(filter));
  return conditions;
}

/** Span start within [startNs, endNs], with the day bounds that let ClickHouse skip partitions. */
function timeConditions(startNs: bigint, endNs: bigint): string[] {
  const clamp = (ns: bigint) => (ns < 0n ? 0n : ns);
  return [
    `start_date BETWEEN ${sqlDate(dayOf(clamp(startNs)))} AND ${sqlDate(dayOf(clamp(endNs)))}`,
    `start_ns BETWEEN ${sqlUInt64(clamp(startNs))} AND ${sqlUInt64(clamp(endNs))}`,
  ];
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

function integer(value: number, name: string): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be an integer, got ${value}`);
  return value;
}

function nonNegativeInteger(value: number, name: string): number {
  if (integer(value, name) < 0) throw new RangeError(`${name} must not be negative, got ${value}`);
  return value;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
