// A ClickHouse server over HTTP with @clickhouse/client. Written against the oldest
// server we support, Debian's 18.16: no server-side query parameters (values are escaped
// into the SQL by sql.ts) and no X-ClickHouse-Summary header; an INSERT either parses the
// whole body or answers with an error status.
import { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { sqlIdentifier } from './sql.ts';
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

  async query(sql: string): Promise<Row[]> {
    const result = await this.client.query({ query: sql, format: 'JSONEachRow' });
    return result.json<Row>();
  }

  async queryRowBinary(sql: string): Promise<Buffer> {
    // exec, as query() takes only the formats the client parses itself.
    const result = await this.client.exec({ query: `${sql}\nFORMAT RowBinary` });
    const chunks: Buffer[] = [];
    for await (const chunk of result.stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
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
