// The write-ahead log: every request payload the receivers accept is appended here, and
// the request is acknowledged only once its record is on disk. The store is written later,
// in big batches; a crash in between loses nothing, because start-up replays every record
// the store is not known to have (everything after the checkpoint).
//
// On disk, in one directory:
//   000000000001.wal, 000000000002.wal, ...   segments, rolled at ~64 MiB
//   checkpoint.json                            {"segment":N,"offset":M}: records up to there are in the store
//
// A segment is a sequence of records, each
//   [u32 LE payload length][u32 LE crc32 of format byte + payload][u8 format][payload]
// so a record torn by a crash mid-write (short, or failing its crc) is recognised and cut off.
//
// Appends are group-committed: while one writev + fdatasync is in flight, new appends
// queue up and all go out together in the next writev + fdatasync. One disk flush then
// acknowledges many requests, which is what makes durable acknowledgement affordable.
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/**
 * Where a record ends: its segment and the byte offset just past it. Checkpointing a
 * record's position therefore means "resume reading right here".
 */
export interface WalPosition {
  segment: number;
  offset: number;
}

export interface WalRecord {
  /** The number the appender chose for how the payload is encoded (1 = OTLP protobuf, ...). */
  format: number;
  payload: Buffer;
  position: WalPosition;
}

export interface WalOptions {
  /** fdatasync before an append resolves (default true). Off, a crash of the machine (not just the process) can lose acknowledged records. */
  fsync?: boolean;
  /** A segment is closed and the next one started once a record would take it past this size. */
  segmentBytes?: number;
}

export interface WalStats {
  /** Records appended since open. */
  appends: number;
  /** writev calls since open; each carries one group of appends. */
  writes: number;
  /** fdatasync calls since open (0 with fsync off). */
  syncs: number;
  /** Bytes in the segment files on disk. */
  bytes: number;
  segments: number;
  /** Bytes cut off torn or corrupt segment tails during replay. */
  truncatedBytes: number;
}

const HEADER_BYTES = 9; // u32 length + u32 crc + u8 format
const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
const CHECKPOINT_FILE = 'checkpoint.json';
const SEGMENT_NAME = /^(\d{12})\.wal$/;
const BEFORE_EVERYTHING: WalPosition = { segment: 0, offset: 0 };

interface QueuedAppend {
  header: Buffer;
  payload: Uint8Array;
  resolve: (position: WalPosition) => void;
  reject: (err: Error) => void;
}

interface ActiveSegment {
  segment: number;
  file: FileHandle;
  size: number;
}

export class WriteAheadLog {
  /** Opens (creating if needed) the log in `dir`; appends go to a new segment after every existing one. */
  static async open(dir: string, options: WalOptions = {}): Promise<WriteAheadLog> {
    await mkdir(dir, { recursive: true });
    const checkpoint = await readCheckpoint(dir);
    const segmentSizes = new Map<number, number>();
    for (const name of (await readdir(dir)).sort()) {
      const match = SEGMENT_NAME.exec(name);
      if (!match) continue;
      const segment = Number(match[1]);
      // Left over when a crash hit between persisting a checkpoint and deleting what it covers.
      if (segment < checkpoint.segment) {
        await unlink(join(dir, name));
        continue;
      }
      segmentSizes.set(segment, (await stat(join(dir, name))).size);
    }
    return new WriteAheadLog(dir, options, checkpoint, segmentSizes);
  }

  private readonly fsync: boolean;
  private readonly segmentBytes: number;
  /** Segment number → size on disk, in ascending segment order. */
  private readonly segmentSizes: Map<number, number>;
  /** What replay() reads: the segments that existed at open, from the checkpoint on. */
  private readonly segmentsToReplay: number[];
  private readonly checkpointAtOpen: WalPosition;
  private nextSegment: number;
  /** The segment appends go to; created by the first append, so idle restarts leave no empty files. */
  private active: ActiveSegment | undefined;
  private queue: QueuedAppend[] = [];
  /** The loop writing queued appends, while there are any. */
  private writing: Promise<void> | undefined;
  private checkpoints: Promise<void> = Promise.resolve();
  /** Set by the first failed write or sync; from then on every append fails with it. */
  private failure: Error | undefined;
  private closed = false;
  private readonly counts = { appends: 0, writes: 0, syncs: 0, truncatedBytes: 0 };

  private constructor(
    private readonly dir: string,
    options: WalOptions,
    checkpoint: WalPosition,
    segmentSizes: Map<number, number>,
  ) {
    this.fsync = options.fsync ?? true;
    this.segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.segmentSizes = segmentSizes;
    this.segmentsToReplay = [...segmentSizes.keys()];
    this.checkpointAtOpen = checkpoint;
    // Never reuse a number at or below the checkpoint's, even if its file is gone: a new
    // record must always sort after the checkpoint, or a later replay would skip it.
    this.nextSegment = Math.max(checkpoint.segment, ...segmentSizes.keys()) + 1;
  }

  /**
   * Resolves with the record's position once it is written (and fdatasync'd, with fsync
   * on). Appends resolve in the order they were called, which is also position order.
   */
  append(format: number, payload: Uint8Array): Promise<WalPosition> {
    if (this.closed) return Promise.reject(new Error('write-ahead log is closed'));
    if (this.failure) return Promise.reject(this.failure);
    if (!Number.isInteger(format) || format < 0 || format > 255) {
      return Promise.reject(new RangeError(`WAL record format must be 0..255, got ${format}`));
    }
    const header = Buffer.allocUnsafe(HEADER_BYTES);
    header.writeUInt32LE(payload.length, 0);
    header.writeUInt32LE(recordCrc(format, payload), 4);
    header.writeUInt8(format, 8);
    return new Promise((resolve, reject) => {
      this.queue.push({ header, payload, resolve, reject });
      if (this.writing === undefined) this.writing = this.writeQueued();
    });
  }

  /**
   * Records up to and including `position` are in the store: persist that, then delete the
   * segments before the checkpoint's segment. Calls run one after another, in call order.
   */
  checkpoint(position: WalPosition): Promise<void> {
    const done = this.checkpoints.then(() => this.writeCheckpoint(position));
    this.checkpoints = done.catch(() => {}); // a failed checkpoint must not block later ones
    return done;
  }

  /**
   * Yields, in order, the records after the checkpoint in the segments that existed at
   * open. A torn or corrupt record ends its segment and is truncated away, with anything
   * after it. A crash mid-write leaves such a record only at the end of what was written,
   * and its sync never finished, so it was never acknowledged.
   * Meant to be run once, at start-up; appends may run meanwhile (they go to a new segment).
   */
  async *replay(): AsyncGenerator<WalRecord> {
    for (const segment of this.segmentsToReplay) {
      if (!this.segmentSizes.has(segment)) continue; // a checkpoint has deleted it meanwhile
      const from = segment === this.checkpointAtOpen.segment ? this.checkpointAtOpen.offset : 0;
      yield* this.replaySegment(segment, from);
    }
  }

  stats(): WalStats {
    let bytes = 0;
    for (const size of this.segmentSizes.values()) bytes += size;
    return { ...this.counts, bytes, segments: this.segmentSizes.size };
  }

  /** Waits for queued appends and checkpoints, then closes the files. Later appends fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writing;
    await this.checkpoints;
    await this.active?.file.close();
    this.active = undefined;
  }

  // Writes whatever is queued, then whatever queued up meanwhile, until the queue is empty.
  private async writeQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue;
      this.queue = [];
      try {
        await this.writeGroup(group);
      } catch (err) {
        this.fail(err as Error, group);
      }
    }
    // Cleared in the same synchronous step that found the queue empty, so no append can
    // see a writer that is about to stop and leave its record unwritten.
    this.writing = undefined;
  }

  private async writeGroup(group: QueuedAppend[]): Promise<void> {
    let chunk: QueuedAppend[] = [];
    let chunkBytes = 0;
    for (const record of group) {
      const recordBytes = HEADER_BYTES + record.payload.length;
      if (this.active === undefined) {
        await this.startSegment();
      } else {
        const segmentSize = this.active.size + chunkBytes;
        // A record bigger than a whole segment still goes in: alone, in a fresh one.
        if (segmentSize > 0 && segmentSize + recordBytes > this.segmentBytes) {
          await this.writeChunk(chunk);
          chunk = [];
          chunkBytes = 0;
          await this.startSegment();
        }
      }
      chunk.push(record);
      chunkBytes += recordBytes;
    }
    await this.writeChunk(chunk);
  }

  /** Writes records to the active segment with one writev (+ fdatasync), then resolves them. */
  private async writeChunk(chunk: QueuedAppend[]): Promise<void> {
    if (chunk.length === 0) return;
    const active = this.active!;
    const buffers = chunk.flatMap((record) => [record.header, record.payload]);
    const bytes = buffers.reduce((sum, buffer) => sum + buffer.length, 0);
    const { bytesWritten } = await active.file.writev(buffers, active.size);
    if (bytesWritten !== bytes) throw new Error(`short WAL write: ${bytesWritten} of ${bytes} bytes`);
    this.counts.writes++;
    if (this.fsync) {
      await active.file.datasync();
      this.counts.syncs++;
    }
    let offset = active.size;
    active.size += bytes;
    this.segmentSizes.set(active.segment, active.size);
    for (const record of chunk) {
      offset += HEADER_BYTES + record.payload.length;
      this.counts.appends++;
      record.resolve({ segment: active.segment, offset });
    }
  }

  private async startSegment(): Promise<void> {
    await this.active?.file.close(); // its records are already written and synced
    this.active = undefined;
    const segment = this.nextSegment++;
    const file = await open(join(this.dir, segmentName(segment)), 'wx');
    this.active = { segment, file, size: 0 };
    this.segmentSizes.set(segment, 0);
    // The new file's directory entry must survive a crash before any record in it is acknowledged.
    if (this.fsync) await syncDirectory(this.dir);
  }

  // After a failed write or fdatasync the file's contents are unknown, and Linux may even
  // report a retried fdatasync as successful after dropping the data. Appending more would
  // risk acknowledging records that replay cannot reach, so the log refuses every append
  // from now on; a restart replays what is intact and cuts the rest.
  private fail(cause: Error, group: QueuedAppend[]): void {
    this.failure = new Error(`write-ahead log write failed; restart to recover: ${cause.message}`, { cause });
    for (const record of [...group, ...this.queue]) record.reject(this.failure); // no-op for any already resolved
    this.queue = [];
  }

  private async writeCheckpoint(position: WalPosition): Promise<void> {
    const temporary = join(this.dir, `${CHECKPOINT_FILE}.tmp`);
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(JSON.stringify(position));
      if (this.fsync) await file.sync();
    } finally {
      await file.close();
    }
    // rename is atomic: after a crash the checkpoint is the old one or the new one, never half of either.
    await rename(temporary, join(this.dir, CHECKPOINT_FILE));
    if (this.fsync) await syncDirectory(this.dir);
    for (const segment of [...this.segmentSizes.keys()]) {
      if (segment >= position.segment) break;
      await unlink(join(this.dir, segmentName(segment)));
      this.segmentSizes.delete(segment);
    }
  }

  private async *replaySegment(segment: number, from: number): AsyncGenerator<WalRecord> {
    const file = await open(join(this.dir, segmentName(segment)), 'r+');
    try {
      const size = (await file.stat()).size;
      let offset = from;
      while (offset < size) {
        const record = await readRecord(file, offset, size);
        if (record === undefined) {
          await file.truncate(offset);
          if (this.fsync) await file.datasync();
          this.segmentSizes.set(segment, offset);
          this.counts.truncatedBytes += size - offset;
          break;
        }
        offset += HEADER_BYTES + record.payload.length;
        yield { format: record.format, payload: record.payload, position: { segment, offset } };
      }
    } finally {
      await file.close();
    }
  }
}

/** The record at `offset`, or undefined when it is cut short or fails its crc. */
async function readRecord(file: FileHandle, offset: number, fileSize: number): Promise<{ format: number; payload: Buffer } | undefined> {
  if (fileSize - offset < HEADER_BYTES) return undefined;
  const header = Buffer.alloc(HEADER_BYTES);
  await file.read(header, 0, HEADER_BYTES, offset);
  const length = header.readUInt32LE(0);
  const crc = header.readUInt32LE(4);
  const format = header.readUInt8(8);
  if (fileSize - offset - HEADER_BYTES < length) return undefined;
  const payload = Buffer.alloc(length);
  const { bytesRead } = await file.read(payload, 0, length, offset + HEADER_BYTES);
  if (bytesRead !== length || recordCrc(format, payload) !== crc) return undefined;
  return { format, payload };
}

// The crc covers the format byte too, so a flipped format cannot replay as another encoding.
function recordCrc(format: number, payload: Uint8Array): number {
  return crc32(payload, crc32(Buffer.of(format)));
}

async function readCheckpoint(dir: string): Promise<WalPosition> {
  let text: string;
  try {
    text = await readFile(join(dir, CHECKPOINT_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return BEFORE_EVERYTHING;
    throw err;
  }
  // Written by atomic rename, so this only fails if something else damaged the file.
  // Guessing could skip records; deleting it is safe (replay everything, duplicates and all).
  const { segment, offset } = (parseJson(text) ?? {}) as Record<string, unknown>;
  if (typeof segment !== 'number' || typeof offset !== 'number' || !Number.isSafeInteger(segment) || !Number.isSafeInteger(offset)) {
    throw new Error(`${join(dir, CHECKPOINT_FILE)} is not a WAL checkpoint (${JSON.stringify(text)}); delete it to replay every segment`);
  }
  return { segment, offset };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function segmentName(segment: number): string {
  return `${String(segment).padStart(12, '0')}.wal`;
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
