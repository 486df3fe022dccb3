// ClickHouse embedded in this process through chDB (ClickHouse 26.x). Facts this relies
// on, measured (see /work/shared/NOTES.md):
// - Session.query is synchronous and would freeze the event loop; queryAsync runs on the
//   libuv pool. Only queryAsync is used here.
// - Queries on one session run one at a time, while a second session on the same data
//   directory runs in parallel. So inserts and DDL get their own session and never queue
//   behind a long search on the read session.
// - RowBinary sent inline failed partway through a batch; INSERT ... FROM INFILE of the
//   same bytes works. So each batch goes through a temp file, and the rows read back from
//   it are checked against the rows sent.
// - One data directory per process, owned by one thread: open one ChdbTransport per process.
// - queryAsync cannot stop a running query (chDB 3.4 has no interrupt for it): given a
//   signal, it rejects when the signal aborts and the engine runs the query to its end,
//   holding the read session meanwhile. Only queryStream stops (between result chunks).
import { mkdir, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { drainPending, Session, type ChdbResult } from 'chdb';
import { abortError, throwIfAborted } from './abort.ts';
import { sqlIdentifier, sqlString } from './sql.ts';
import { parseJsonEachRow, type ClickHouseTransport, type Row } from './transport.ts';

// Connection-time settings so results read like the HTTP server's (see ClickHouseTransport.query),
// and queries go through the older query analyzer, the line ClickHouse 18.16 has, so both
// transports run the same SQL under the same kind of rules. The newer analyzer also spends
// more time planning: a 53-column trace read planned in ~24 ms instead of ~17 (most of a
// small trace's lookup is planning; bench/query.ts getTrace p50 42 -> 36 ms at 1M spans).
const SESSION_ARGS = ['--output_format_json_quote_64bit_integers=1', '--output_format_json_quote_denormals=1', '--enable_analyzer=0'];

function openSession(dataDir: string): Session {
  try {
    return new Session(dataDir, { connectionArgs: SESSION_ARGS });
  } catch (error) {
    // chDB says only "Failed to create connection" (the reason goes to stderr); the
    // usual one is a lock held by another process.
    throw new Error(`chDB could not open ${dataDir}: is another process using it? (${String(error)})`, { cause: error });
  }
}

export class ChdbTransport implements ClickHouseTransport {
  private readonly inFlight = new Set<Promise<unknown>>();
  private batchCounter = 0;
  private closed = false;

  private constructor(
    private readonly writeSession: Session,
    private readonly readSession: Session,
    private readonly batchDir: string,
  ) {}

  static async open(dataDir: string): Promise<ChdbTransport> {
    await mkdir(dataDir, { recursive: true });
    const writeSession = openSession(dataDir);
    let readSession: Session;
    try {
      readSession = openSession(dataDir);
    } catch (error) {
      writeSession.close();
      throw error;
    }
    // Beside the data, not in /tmp: a crashed process leaves its last batch file behind,
    // and the next open (holding chDB's lock on the directory by now) clears it.
    const batchDir = `${dataDir}-batches`;
    await rm(batchDir, { recursive: true, force: true });
    await mkdir(batchDir);
    return new ChdbTransport(writeSession, readSession, batchDir);
  }

  query(sql: string, signal?: AbortSignal): Promise<Row[]> {
    return this.track(async () => parseJsonEachRow((await this.read(sql, 'JSONEachRow', signal)).text()));
  }

  queryRowBinary(sql: string, signal?: AbortSignal): Promise<Buffer> {
    return this.track(async () => {
      const bytes = (await this.read(sql, 'RowBinary', signal)).bytes();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    });
  }

  /** A query on the read session; rejects with abortError() as soon as the signal aborts (chDB's own error is not a DOMException). */
  private async read(sql: string, format: string, signal: AbortSignal | undefined): Promise<ChdbResult> {
    throwIfAborted(signal);
    try {
      return await this.readSession.queryAsync(sql, { format, signal });
    } catch (error) {
      if (signal?.aborted) throw abortError();
      throw error;
    }
  }

  exec(sql: string): Promise<void> {
    return this.track(async () => {
      await this.writeSession.queryAsync(sql);
    });
  }

  insertRowBinary(table: string, columns: readonly string[], data: readonly Buffer[], rowCount: number): Promise<void> {
    return this.track(async () => {
      const file = join(this.batchDir, `batch-${++this.batchCounter}.rowbinary`);
      await writeFile(file, data);
      try {
        const columnList = columns.map(sqlIdentifier).join(', ');
        const result = await this.writeSession.queryAsync(
          `INSERT INTO ${sqlIdentifier(table)} (${columnList}) FROM INFILE ${sqlString(file)} FORMAT RowBinary`,
        );
        if (result.rowsRead !== rowCount) {
          throw new Error(`chDB took ${result.rowsRead} of ${rowCount} rows inserted into ${table}`);
        }
      } finally {
        await unlink(file);
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    this.writeSession.close();
    this.readSession.close();
    // Lets a new transport open (on any directory) in this process right away.
    await drainPending();
    await rm(this.batchDir, { recursive: true, force: true });
  }

  // close() waits for these, since closing a session under a running query breaks it.
  private track<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the chDB transport is closed'));
    const promise = operation();
    this.inFlight.add(promise);
    void promise.then(
      () => this.inFlight.delete(promise),
      () => this.inFlight.delete(promise),
    );
    return promise;
  }
}
