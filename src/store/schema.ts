// The one schema, for ClickHouse 18.16 (Debian's server) up to 26.x (chDB). The base DDL
// uses only what 18.16 has; newer servers get storage extras (ZSTD codecs, a bloom filter
// on trace ids, smaller blocks) that change neither the columns' values nor the queries.
// No LowCardinality: on chDB 26.7 it made 50k-span inserts ~60% slower (616 vs 390 ms)
// and saved ~5% disk.
//
// Tables, all partitioned by day so retention drops whole partitions:
// - spans: one row per span, ordered for search by (service_name, start_ns).
// - trace_index: per trace and insert, its time range and summary, ordered by trace id.
//   getTrace reads it to find the days and times to look in; search reads summaries
//   from it. Filled by a materialized view, so it is written by the same INSERT as the
//   spans: ClickHouse computes it, and there is no second round trip to forget or fail.
// - operations: distinct (service, span name, kind) per day, for the service and
//   operation lists, also filled by a materialized view.
import { StatusCode } from '../model/span.ts';
import { SPAN_COLUMNS, type ColumnSpec } from './span-rows.ts';
import { sqlString } from './sql.ts';
import type { ClickHouseTransport } from './transport.ts';

export const SPANS_TABLE = 'spans';
export const TRACE_INDEX_TABLE = 'trace_index';
export const OPERATIONS_TABLE = 'operations';
export const DAY_PARTITIONED_TABLES = [SPANS_TABLE, TRACE_INDEX_TABLE, OPERATIONS_TABLE];

export interface ServerFeatures {
  /** Column codecs and data-skipping indexes (ClickHouse 20+). */
  storageExtras: boolean;
  /** The SPANS_TABLE_TUNING settings this server has, as `name = value`. */
  spansTableSettings: string[];
}

// getTrace decompresses one block of every selected column at each place a trace's spans
// lie (one per service and part, as spans are ordered by service). Smaller granules
// (in the base DDL) and, where the table can set them, smaller compressed blocks cut
// what it decompresses. Measured, 1M spans: index_granularity 8192 -> 1024 made getTrace
// ~3x faster on 18.16 and, with 64 KiB blocks, ~2x faster on chDB 26.7 (granularity alone
// did nothing there), for ~10% more disk; single-stream Strings saved ~6% disk.
const SPANS_TABLE_TUNING: Record<string, string> = {
  min_compress_block_size: '4096',
  max_compress_block_size: '65536',
  string_serialization_version: "'single_stream'",
};

/** What the server supports, from its version and its list of MergeTree settings. */
export async function detectServerFeatures(transport: ClickHouseTransport): Promise<ServerFeatures> {
  const [row] = await transport.query('SELECT version() AS version');
  // Both exist from 19.x, skipping indexes behind an experimental flag until 20.
  const storageExtras = Number.parseInt(String(row?.version), 10) >= 20;
  if (!storageExtras) return { storageExtras, spansTableSettings: [] };
  const known = await transport.query(
    `SELECT name FROM system.merge_tree_settings WHERE name IN (${Object.keys(SPANS_TABLE_TUNING).map(sqlString).join(', ')})`,
  );
  const spansTableSettings = known.map(({ name }) => `${name as string} = ${SPANS_TABLE_TUNING[name as string]}`);
  return { storageExtras, spansTableSettings };
}

export function schemaStatements(features: ServerFeatures): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${SPANS_TABLE} (
  ${SPAN_COLUMNS.map((column) => columnDefinition(column, features)).join(',\n  ')}${
      features.storageExtras ? ',\n  INDEX trace_id_bloom trace_id TYPE bloom_filter(0.01) GRANULARITY 1' : ''
    }
) ENGINE = MergeTree
PARTITION BY start_date
ORDER BY (service_name, start_ns)
SETTINGS ${['index_granularity = 1024', ...features.spansTableSettings].join(', ')}`,

    `CREATE TABLE IF NOT EXISTS ${TRACE_INDEX_TABLE} (
  ${TRACE_INDEX_COLUMNS.map((column) => columnDefinition(column, features)).join(',\n  ')}
) ENGINE = MergeTree
PARTITION BY first_day
ORDER BY trace_id`,

    `CREATE TABLE IF NOT EXISTS ${OPERATIONS_TABLE} (
  ${OPERATIONS_COLUMNS.map((column) => columnDefinition(column, features)).join(',\n  ')}
) ENGINE = ReplacingMergeTree
PARTITION BY start_date
ORDER BY (service_name, name, kind)`,

    // One row per trace per inserted block, i.e. per batch. Root = no parent (all-zero id).
    // (Aliases differ from the spans' column names: ClickHouse would read an alias named
    // like a column inside the other aggregates.)
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${TRACE_INDEX_TABLE}_writer TO ${TRACE_INDEX_TABLE} AS
SELECT
  trace_id,
  min(start_date) AS first_day,
  toDate(toUInt16(least(intDiv(max(greatest(start_ns, end_ns)), 86400000000000), 65535))) AS last_day,
  min(start_ns) AS first_start_ns,
  max(greatest(start_ns, end_ns)) AS last_ns,
  toUInt32(count()) AS span_count,
  toUInt32(countIf(status_code = ${StatusCode.ERROR})) AS error_count,
  groupUniqArray(service_name) AS services,
  anyIf(service_name, reinterpretAsUInt64(parent_span_id) = 0) AS root_service,
  anyIf(name, reinterpretAsUInt64(parent_span_id) = 0) AS root_name
FROM ${SPANS_TABLE}
GROUP BY trace_id`,

    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${OPERATIONS_TABLE}_writer TO ${OPERATIONS_TABLE} AS
SELECT start_date, service_name, name, kind
FROM ${SPANS_TABLE}
GROUP BY start_date, service_name, name, kind`,
  ];
}

const TRACE_INDEX_COLUMNS: ColumnSpec[] = [
  { name: 'trace_id', type: 'FixedString(16)' },
  /** Day of first_start_ns: the partition. */
  { name: 'first_day', type: 'Date' },
  /** Day of last_ns. */
  { name: 'last_day', type: 'Date' },
  /** Earliest span start. */
  { name: 'first_start_ns', type: 'UInt64' },
  /**
   * Latest start or end of any span: the trace's end, and an upper bound on its spans'
   * start times even when a client sent an end before the start.
   */
  { name: 'last_ns', type: 'UInt64' },
  { name: 'span_count', type: 'UInt32' },
  { name: 'error_count', type: 'UInt32' },
  { name: 'services', type: 'Array(String)' },
  /** '' unless the batch held the root span. */
  { name: 'root_service', type: 'String' },
  { name: 'root_name', type: 'String' },
];

const OPERATIONS_COLUMNS: ColumnSpec[] = [
  { name: 'start_date', type: 'Date' },
  { name: 'service_name', type: 'String' },
  { name: 'name', type: 'String' },
  { name: 'kind', type: 'Int32' },
];

function columnDefinition(column: ColumnSpec, features: ServerFeatures): string {
  if (!features.storageExtras) return `${column.name} ${column.type}`;
  return `${column.name} ${column.type} CODEC(${column.codec ?? 'ZSTD(1)'})`;
}
