// How the store talks to a ClickHouse: SQL text in, JSONEachRow rows out (RowBinary for
// big reads), RowBinary for bulk inserts. Two implementations: embedded chDB (transport-chdb.ts) and a server over
// HTTP (transport-clickhouse.ts). The store above writes one SQL dialect for both.

/** One result row as parsed from JSONEachRow. */
export type Row = Record<string, unknown>;

export interface ClickHouseTransport {
  /**
   * Runs a SELECT (without a FORMAT clause) and returns its rows. Every implementation
   * returns 64-bit integers as decimal strings (a JS number would round them) and
   * non-finite floats as the strings "nan", "inf" and "-inf" (JSON has no such numbers).
   * Once `signal` is aborted it rejects with abortError() (abort.ts) and stops the query
   * as far as the backend can.
   */
  query(sql: string, signal?: AbortSignal): Promise<Row[]>;
  /**
   * Runs a SELECT (without a FORMAT clause) and returns its rows as RowBinary bytes, for
   * reads too big to parse as JSON (a trace's spans): see RowBinaryReader. `signal` as in query.
   */
  queryRowBinary(sql: string, signal?: AbortSignal): Promise<Buffer>;
  /** Runs a statement that returns nothing (DDL, ALTER). */
  exec(sql: string): Promise<void>;
  /**
   * Inserts `rowCount` rows encoded as RowBinary in the given column order, split across
   * `data` at row boundaries. Resolves once
   * ClickHouse has committed them; rejects if it took fewer than `rowCount`.
   * Inserts do not wait behind running queries where the backend allows it.
   */
  insertRowBinary(table: string, columns: readonly string[], data: readonly Buffer[], rowCount: number): Promise<void>;
  close(): Promise<void>;
}

export function parseJsonEachRow(text: string): Row[] {
  const rows: Row[] = [];
  for (const line of text.split('\n')) {
    if (line !== '') rows.push(JSON.parse(line) as Row);
  }
  return rows;
}
