// The one schema, for ClickHouse 18.16 (Debian's server) up to 26.x (chDB). The base DDL
// uses only what 18.16 has; newer servers get storage extras (ZSTD codecs, smaller
// blocks, fsync) that change neither the columns' values nor the queries.
// No LowCardinality: on chDB 26.7 it made 50k-span inserts ~60% slower (616 vs 390 ms)
// and saved ~5% disk. No bloom filter on trace_id: with spans sorted by (bucket, trace_id)
// the primary key already finds a trace's granule; the filter cost ~14% of insert CPU
// (bench-512 spans, 51 200-span inserts: ~1040 vs ~890 ms) and getTrace was no faster
// without it (bench/query.ts, 1M: p50 42 ms both).
//
// Tables, all partitioned by day so retention drops whole partitions:
// - spans: one row per span, ordered by (10-minute bucket of start_ns, trace_id): the
//   spans of a trace lie together inside a bucket, and a time range reads whole buckets
//   (see TIME_BUCKET_NS for why and what it cost).
// - trace_index: per trace and insert, its time range and summary, ordered by trace id.
//   getTrace reads it to find the days and times to look in; search reads summaries
//   from it. Filled by a materialized view, so it is written by the same INSERT as the
//   spans: ClickHouse computes it, and there is no second round trip to forget or fail.
//   Granularity 256, as search reads the summaries of ~20 scattered traces, a granule
//   each: 8192 -> 256 took that query from ~26 to ~12 ms on chDB at 1M spans, for ~6%
//   more trace_index disk (0.3 B/span).
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
  /** Column codecs (ClickHouse 20+). */
  storageExtras: boolean;
  /** The SPANS_TABLE_TUNING settings this server has, as `name = value`. */
  spansTableSettings: string[];
  /** The DURABILITY_SETTINGS this server has, as `name = value`; for every table. */
  durabilitySettings: string[];
}

// The spans' sorting key: (TIME_BUCKET of start_ns, trace_id). Measured on chDB 26.7,
// 1M synthetic spans (bench/query.ts), against the former (service_name, start_ns):
//   (service_name, start_ns):                       43.3 B/span (all tables), getTrace p50/p99
//                                                   66/80 ms, search p95 88 ms,
//                                                   "service, last hour" p50 35 ms
//   (intDiv(start_ns, 600000000000), trace_id):     34.3 B/span, getTrace 39/51 ms, search
//                                                   p95 82 ms, "service, last hour" 58 ms
// getTrace reads one place (a trace's spans are contiguous in a bucket) instead of one
// per service; spans of a trace compress well together (ids, resources, times). Search
// by service loses its key prefix and reads every span of the buckets it covers, so it
// walks buckets newest first and stops at its limit (ClickHouseStore.searchTraces).
// Where the time goes in getTrace on chDB: ~7 ms is the floor of any MergeTree read,
// and reading one granule costs ~8 ms for one column but 20-25 ms for all ~53: per
// column, whatever the granularity (256 or 1024) or the compressed block size. Compact
// parts made getTrace ~20% faster and search ~60% slower, so parts stay wide.
/** Width of a time bucket of the spans' sorting key: 10 minutes, in ns. */
export const TIME_BUCKET_NS = 600_000_000_000n;
/** The bucket of a span's start, as in the sorting key: conditions on it use the index. */
export const TIME_BUCKET_EXPRESSION = `intDiv(start_ns, ${TIME_BUCKET_NS})`;

// getTrace decompresses one block of every selected column at each place a trace's spans
// lie (one per part and bucket now; it was one per service and part when spans were
// ordered by service). Smaller granules (in the base DDL) and, where the table can set
// them, smaller compressed blocks cut what it decompresses. Measured, 1M spans, with the
// service-ordered layout: index_granularity 8192 -> 1024 made getTrace ~3x faster on 18.16
// and, with 64 KiB blocks, ~2x faster on chDB 26.7 (granularity alone did nothing there),
// for ~10% more disk; single-stream Strings saved ~6% disk. With the trace-ordered layout
// neither granularity (256, 1024) nor block size moved getTrace on chDB (see above).
const SPANS_TABLE_TUNING: Record<string, string> = {
  min_compress_block_size: '4096',
  max_compress_block_size: '65536',
  string_serialization_version: "'single_stream'",
};

// writeBatch promises that acknowledged spans survive a crash, and the WAL deletes its
// copy once they are acknowledged: so an insert must be on disk, not in the page cache,
// when it returns, or power loss would take both copies. ClickHouse does not fsync new
// parts by default. On every table, as the trace index and operations are written by
// the same INSERT (materialized views). Servers without these settings (18.16) keep
// their default. Cost measured on chDB 26.7 on a VM disk where a 64 KiB write + fsync
// takes ~0.6 ms: ~+50-70 ms (~10-15%) per 50k-span insert, lost in the noise of
// bench/query.ts's ingest rate; a disk with slow fsync (HDD) pays far more, as a part
// is ~100 files.
const DURABILITY_SETTINGS: Record<string, string> = {
  fsync_after_insert: '1',
  fsync_part_directory: '1',
};

/** What the server supports, from its version and its list of MergeTree settings. */
export async function detectServerFeatures(transport: ClickHouseTransport): Promise<ServerFeatures> {
  const [row] = await transport.query('SELECT version() AS version');
  // Both exist from 19.x, skipping indexes behind an experimental flag until 20.
  const storageExtras = Number.parseInt(String(row?.version), 10) >= 20;
  if (!storageExtras) return { storageExtras, spansTableSettings: [], durabilitySettings: [] };
  const wanted = [...Object.keys(SPANS_TABLE_TUNING), ...Object.keys(DURABILITY_SETTINGS)];
  const known = new Set(
    (await transport.query(`SELECT name FROM system.merge_tree_settings WHERE name IN (${wanted.map(sqlString).join(', ')})`)).map(
      ({ name }) => name as string,
    ),
  );
  const present = (settings: Record<string, string>) =>
    Object.entries(settings)
      .filter(([name]) => known.has(name))
      .map(([name, value]) => `${name} = ${value}`);
  return { storageExtras, spansTableSettings: present(SPANS_TABLE_TUNING), durabilitySettings: present(DURABILITY_SETTINGS) };
}

export function schemaStatements(features: ServerFeatures): string[] {
  const settings = (list: string[]) => (list.length === 0 ? '' : `\nSETTINGS ${list.join(', ')}`);
  return [
    `CREATE TABLE IF NOT EXISTS ${SPANS_TABLE} (
  ${SPAN_COLUMNS.map((column) => columnDefinition(column, features)).join(',\n  ')}
) ENGINE = MergeTree
PARTITION BY start_date
ORDER BY (${TIME_BUCKET_EXPRESSION}, trace_id)${settings(['index_granularity = 1024', ...features.spansTableSettings, ...features.durabilitySettings])}`,

    `CREATE TABLE IF NOT EXISTS ${TRACE_INDEX_TABLE} (
  ${TRACE_INDEX_COLUMNS.map((column) => columnDefinition(column, features)).join(',\n  ')}
) ENGINE = MergeTree
PARTITION BY first_day
ORDER BY trace_id${settings(['index_granularity = 256', ...features.durabilitySettings])}`,

    `CREATE TABLE IF NOT EXISTS ${OPERATIONS_TABLE} (
  ${OPERATIONS_COLUMNS.map((column) => columnDefinition(column, features)).join(',\n  ')}
) ENGINE = ReplacingMergeTree
PARTITION BY start_date
ORDER BY (service_name, name, kind)${settings(features.durabilitySettings)}`,

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

    // Tables made before the durability settings existed get them too (CREATE ... IF NOT
    // EXISTS leaves an existing table as it is). Their sorting key stays as it was: the
    // queries work on any key, only slower.
    ...(features.durabilitySettings.length === 0
      ? []
      : DAY_PARTITIONED_TABLES.map((table) => `ALTER TABLE ${table} MODIFY SETTING ${features.durabilitySettings.join(', ')}`)),
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
