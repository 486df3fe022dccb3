// The ingest pipeline sits between the receivers and the store:
//
//   accept(request) ──► WAL append (group-committed) ──► request acknowledged
//        │
//        └──► batch ──► store write (one at a time, retried until it succeeds) ──► WAL checkpoint
//
// A request is acknowledged once its payload is durable in the write-ahead log; its spans
// reach the store later, in big batches. On start, whatever the WAL holds beyond its
// checkpoint is replayed into the store first.
//
// Delivery from the WAL to the store is at-least-once: a crash after a store write but
// before the checkpoint that follows it replays that batch again on the next start, so
// the store can see a span twice. The store removes such duplicates when it reads.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { SpanRow } from '../model/span.ts';
import type { WalPosition, WriteAheadLog } from './wal.ts';

/**
 * A request's spans in the form the store writes (for Skein's store, RowBinary bytes),
 * made once as the request is accepted. What waits for the store is then compact and
 * off the JS heap, instead of span objects that live long enough to reach the old
 * generation: measured, those made garbage collection ~20% of the ingest thread's time.
 */
export interface PreparedSpans {
  spanCount: number;
}

/** Turns one request's decoded spans into the store's write form. */
export type PrepareSpans<Rows extends PreparedSpans> = (spans: SpanRow[]) => Rows;

/** Writes prepared requests to the store in one insert, resolving once committed. The pipeline's only view of the store. */
export type WriteBatch<Rows extends PreparedSpans> = (batch: Rows[]) => Promise<void>;

/** Turns a WAL payload back into rows, for replay. `format` is what the receiver appended it with. */
export type DecodePayload = (format: number, payload: Buffer) => SpanRow[];

/** The store is behind: the request was not taken, and the client should retry later. */
export class BackpressureError extends Error {
  constructor(
    readonly pendingSpans: number,
    readonly retryAfterSeconds: number,
  ) {
    super(`${pendingSpans} spans are waiting for the store; retry in ${retryAfterSeconds} s`);
    this.name = 'BackpressureError';
  }
}

export interface IngestPipelineOptions<Rows extends PreparedSpans> {
  /** Owned by the pipeline from now on: close() closes it. */
  wal: WriteAheadLog;
  decode: DecodePayload;
  prepare: PrepareSpans<Rows>;
  write: WriteBatch<Rows>;
  logger: Logger;
  /** A batch goes to the store once it holds this many spans (default 50 000)... */
  maxBatchSpans?: number;
  /** ...or once its oldest span has waited this long (default 1000 ms). */
  maxBatchDelayMs?: number;
  /** Accepted spans not yet in the store; past this, accept() refuses (default 200 000, about 200 MB of prepared rows). */
  maxPendingSpans?: number;
}

export interface IngestStats {
  /** Accepted, not yet written to the store. */
  pendingSpans: number;
  /** Written to the store since start, replayed ones included. */
  writtenSpans: number;
  /** Size of the WAL segments on disk. */
  walBytes: number;
}

/** One accepted request, waiting for its turn to be written to the store. */
interface AcceptedRecord<Rows> {
  rows: Rows;
  /** Its WAL append: resolves with the record's position once durable. */
  durable: Promise<WalPosition>;
  /** 1, 2, 3, ... in accept order, so flush() knows which records it has to wait for. */
  sequence: number;
}

const RETRY_FIRST_DELAY_MS = 100;
const RETRY_MAX_DELAY_MS = 10_000;
const MAX_RETRY_AFTER_SECONDS = 60;

export class IngestPipeline<Rows extends PreparedSpans> {
  private readonly wal: WriteAheadLog;
  private readonly decode: DecodePayload;
  private readonly prepare: PrepareSpans<Rows>;
  private readonly write: WriteBatch<Rows>;
  private readonly logger: Logger;
  private readonly maxBatchSpans: number;
  private readonly maxBatchDelayMs: number;
  private readonly maxPendingSpans: number;

  private state: 'new' | 'replaying' | 'accepting' | 'closing' = 'new';
  private closing: Promise<void> | undefined;

  /** Accepted records not yet handed to the store writer, oldest first. */
  private buffer: AcceptedRecord<Rows>[] = [];
  private bufferSpans = 0;
  /** Runs from when the buffer becomes non-empty; once it fires, the buffer is due however small. */
  private batchTimer: NodeJS.Timeout | undefined;
  private batchOverdue = false;
  /** The loop writing due batches to the store, while one is running. At most one. */
  private writer: Promise<void> | undefined;

  private lastAcceptedSequence = 0;
  private lastWrittenSequence = 0;
  /** flush() has asked for every record up to this sequence to be written, due or not. */
  private flushThroughSequence = 0;

  private pendingSpans = 0;
  private writtenSpans = 0;
  /** Measured on the last store write; what retryAfterSeconds is estimated from. */
  private storeSpansPerSecond: number | undefined;

  constructor(options: IngestPipelineOptions<Rows>) {
    this.wal = options.wal;
    this.decode = options.decode;
    this.prepare = options.prepare;
    this.write = options.write;
    this.logger = options.logger;
    this.maxBatchSpans = options.maxBatchSpans ?? 50_000;
    this.maxBatchDelayMs = options.maxBatchDelayMs ?? 1000;
    this.maxPendingSpans = options.maxPendingSpans ?? 200_000;
  }

  /** Replays the WAL beyond its checkpoint into the store; accept() works once this resolves. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`ingest pipeline cannot start: it is ${this.state}`);
    this.state = 'replaying';
    let records = 0;
    let batch: Rows[] = [];
    let batchSpans = 0;
    let replayedSpans = 0;
    let lastPosition: WalPosition | undefined;
    for await (const record of this.wal.replay()) {
      records++;
      lastPosition = record.position;
      try {
        const rows = this.prepare(this.decode(record.format, record.payload));
        batch.push(rows);
        batchSpans += rows.spanCount;
      } catch (err) {
        // It decoded when it was accepted, so only a version change can get here. Refusing
        // to start would stop all ingest over one request; skip it, loudly.
        this.logger.error({ err, position: record.position, format: record.format }, 'WAL replay: cannot decode a record; skipping it');
        continue;
      }
      if (batchSpans >= this.maxBatchSpans) {
        replayedSpans += batchSpans;
        await this.writeToStore(batch, batchSpans, lastPosition);
        batch = [];
        batchSpans = 0;
      }
    }
    if (lastPosition !== undefined) {
      replayedSpans += batchSpans;
      await this.writeToStore(batch, batchSpans, lastPosition);
    }
    const { truncatedBytes } = this.wal.stats();
    if (truncatedBytes > 0) {
      this.logger.warn({ truncatedBytes }, 'WAL replay cut off a torn tail: a crash interrupted a write that was never acknowledged');
    }
    this.logger.info({ records, spans: replayedSpans }, 'WAL replayed into the store');
    this.state = 'accepting';
  }

  /**
   * Takes one request's spans: resolves once its payload is durable in the WAL (the spans
   * reach the store later). Throws BackpressureError at once when the store is too far behind.
   */
  async accept(format: number, payload: Buffer, spans: SpanRow[]): Promise<void> {
    if (this.state !== 'accepting') throw new Error(`ingest pipeline is not accepting requests: it is ${this.state}`);
    if (this.pendingSpans >= this.maxPendingSpans) {
      throw new BackpressureError(this.pendingSpans, this.retryAfterSeconds());
    }
    // The WAL append and the buffer push happen in the same synchronous step, so the buffer
    // is in WAL order: when a batch is written, every record before its last one is too,
    // and checkpointing at that last record is safe.
    const rows = this.prepare(spans);
    const durable = this.wal.append(format, payload);
    this.pendingSpans += rows.spanCount;
    this.buffer.push({ rows, durable, sequence: ++this.lastAcceptedSequence });
    this.bufferSpans += rows.spanCount;
    if (this.buffer.length === 1) this.startBatchTimer();
    this.startWriter();
    await durable;
  }

  /** Resolves once everything accepted before the call is in the store and checkpointed. */
  async flush(): Promise<void> {
    const target = this.lastAcceptedSequence;
    this.flushThroughSequence = target;
    while (this.lastWrittenSequence < target) {
      // Records up to target are either in the buffer (and now due) or in the batch being written.
      this.startWriter();
      await this.writer;
    }
  }

  /** Graceful shutdown: refuses new requests, writes everything accepted to the store, closes the WAL. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.state = 'closing';
      await this.flush();
      await this.wal.close();
    })();
    return this.closing;
  }

  stats(): IngestStats {
    return { pendingSpans: this.pendingSpans, writtenSpans: this.writtenSpans, walBytes: this.wal.stats().bytes };
  }

  private startBatchTimer(): void {
    this.batchTimer = setTimeout(() => {
      this.batchTimer = undefined;
      this.batchOverdue = true;
      this.startWriter();
    }, this.maxBatchDelayMs);
  }

  private batchIsDue(): boolean {
    if (this.buffer.length === 0) return false;
    return this.bufferSpans >= this.maxBatchSpans || this.batchOverdue || this.buffer[0].sequence <= this.flushThroughSequence;
  }

  private startWriter(): void {
    if (this.writer === undefined && this.batchIsDue()) this.writer = this.writeDueBatches();
  }

  // While a batch is being written the next one accumulates in the buffer; if it is due by
  // the time the write finishes, it goes right after.
  private async writeDueBatches(): Promise<void> {
    while (this.batchIsDue()) {
      await this.writeBatch(this.takeBatch());
    }
    // Cleared in the same synchronous step that found nothing due, so no caller can see a
    // writer that is about to stop.
    this.writer = undefined;
  }

  /** Whole records from the front of the buffer, up to about maxBatchSpans. */
  private takeBatch(): AcceptedRecord<Rows>[] {
    let count = 0;
    let spans = 0;
    while (count < this.buffer.length && spans < this.maxBatchSpans) {
      spans += this.buffer[count].rows.spanCount;
      count++;
    }
    const batch = this.buffer.splice(0, count);
    this.bufferSpans -= spans;
    if (this.buffer.length === 0) {
      clearTimeout(this.batchTimer);
      this.batchTimer = undefined;
      this.batchOverdue = false;
    }
    return batch;
  }

  private async writeBatch(batch: AcceptedRecord<Rows>[]): Promise<void> {
    // By now the appends are mostly durable. One the WAL failed was failed to its client
    // too, who will send it again: its spans are left out, and so is its (missing) position.
    const appends = await Promise.allSettled(batch.map((record) => record.durable));
    const rows: Rows[] = [];
    let spanCount = 0;
    let checkpointAt: WalPosition | undefined;
    for (let i = 0; i < batch.length; i++) {
      const append = appends[i];
      if (append.status === 'rejected') continue;
      rows.push(batch[i].rows);
      spanCount += batch[i].rows.spanCount;
      checkpointAt = append.value;
    }
    await this.writeToStore(rows, spanCount, checkpointAt);
    for (const record of batch) this.pendingSpans -= record.rows.spanCount;
    this.lastWrittenSequence = batch[batch.length - 1].sequence;
  }

  /** Writes the spans (retrying until the store takes them), then checkpoints the WAL. */
  private async writeToStore(rows: Rows[], spanCount: number, checkpointAt: WalPosition | undefined): Promise<void> {
    if (spanCount > 0) {
      const started = performance.now();
      await this.writeWithRetry(rows, spanCount);
      this.writtenSpans += spanCount;
      this.storeSpansPerSecond = spanCount / Math.max((performance.now() - started) / 1000, 0.001);
    }
    if (checkpointAt === undefined) return;
    try {
      await this.wal.checkpoint(checkpointAt);
    } catch (err) {
      // Nothing is lost: the next checkpoint covers these records, and until then a restart replays them.
      this.logger.error({ err, position: checkpointAt }, 'WAL checkpoint failed');
    }
  }

  // The spans are safe in the WAL, so there is no giving up: a store that is down for a
  // while just means pending spans grow until accept() pushes back on the clients.
  private async writeWithRetry(rows: Rows[], spanCount: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.write(rows);
        return;
      } catch (err) {
        const retryInMs = Math.min(RETRY_FIRST_DELAY_MS * 2 ** (attempt - 1), RETRY_MAX_DELAY_MS);
        this.logger.warn({ err, spans: spanCount, attempt, retryInMs }, 'store write failed; retrying');
        await sleep(retryInMs);
      }
    }
  }

  // How long the store needs for what is pending, at the speed of its last write.
  private retryAfterSeconds(): number {
    const seconds = this.storeSpansPerSecond ? this.pendingSpans / this.storeSpansPerSecond : 1;
    return Math.min(Math.max(Math.ceil(seconds), 1), MAX_RETRY_AFTER_SECONDS);
  }
}
