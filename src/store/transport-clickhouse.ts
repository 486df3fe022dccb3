// A ClickHouse server over HTTP with @clickhouse/client. Written against the oldest
// server we support, Debian's 18.16: no server-side query parameters (values are escaped
// into the SQL by sql.ts) and no X-ClickHouse-Summary header; an INSERT either parses the
// whole body or answers with an error status.
//
// A cancelled read aborts its HTTP request, but 18.16 goes on running a query whose client
// went away (it has no cancel_http_readonly_queries_on_client_close; measured: the query
// stayed in system.processes), so the read also sends KILL QUERY for the query_id it set.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { abortError, throwIfAborted } from './abort.ts';
import { sqlIdentifier, sqlString } from './sql.ts';
import type { ClickHouseTransport, Row } from './transport.ts';

export class ClickHouseHttpTransport implements ClickHouseTransport {
  private readonly client: ClickHouseClient;

  /** `url`: http(s)://[user:password@]host:port[/database], or the same with clickhouse:// for http://. */
  constructor(url: string) {
    this.client = createClient({
      url: url.replace(/^clickhouse:\/\//, 'http://'),
      clickhouse_settings: {
        // As ClickHouseTransport.query promises; 18.16 already quotes 64-bit integers.
        output_format_json_quote_64bit_integers: 1,
        output_format_json_quote_denormals: 1,
      },
      // Failures reach the caller as rejected promises; the client would log them again.
      log: { level: ClickHouseLogLevel.OFF },
    });
  }

  query(sql: string, signal?: AbortSignal): Promise<Row[]> {
    return this.cancellable(signal, async (cancel) => {
      const result = await this.client.query({ query: sql, format: 'JSONEachRow', ...cancel });
      return result.json<Row>();
    });
  }

  queryRowBinary(sql: string, signal?: AbortSignal): Promise<Buffer> {
    return this.cancellable(signal, async (cancel) => {
      // exec, as query() takes only the formats the client parses itself.
      const result = await this.client.exec({ query: `${sql}\nFORMAT RowBinary`, ...cancel });
      const chunks: Buffer[] = [];
      for await (const chunk of result.stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    });
  }

  /**
   * Runs `read` with the client options that tie its request to `signal`: aborting it
   * aborts the request and kills the query on the server, and the read rejects with
   * abortError() whatever the client threw.
   */
  private async cancellable<T>(
    signal: AbortSignal | undefined,
    read: (cancel: { abort_signal?: AbortSignal; query_id?: string }) => Promise<T>,
  ): Promise<T> {
    if (signal === undefined) return read({});
    throwIfAborted(signal);
    const queryId = randomUUID();
    const kill = () => {
      // Best effort: the query may have finished, or the server be gone, by now.
      this.client.command({ query: `KILL QUERY WHERE query_id = ${sqlString(queryId)}` }).catch(() => {});
    };
    signal.addEventListener('abort', kill, { once: true });
    try {
      return await read({ abort_signal: signal, query_id: queryId });
    } catch (error) {
      if (signal.aborted) throw abortError();
      throw error;
    } finally {
      signal.removeEventListener('abort', kill);
    }
  }

  async exec(sql: string): Promise<void> {
    await this.client.command({ query: sql });
  }

  async insertRowBinary(table: string, columns: readonly string[], data: readonly Buffer[]): Promise<void> {
    const columnList = columns.map(sqlIdentifier).join(', ');
    const result = await this.client.exec({
      query: `INSERT INTO ${sqlIdentifier(table)} (${columnList}) FORMAT RowBinary`,
      values: Readable.from(data),
    });
    // The response has no body worth reading; drain it so the socket is reused.
    result.stream.resume();
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
