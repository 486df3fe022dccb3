import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SpanRow } from '../../src/model/span.ts';
import { BackpressureError, IngestPipeline, type IngestPipelineOptions, type PrepareSpans, type WriteBatch } from '../../src/pipeline/ingest-pipeline.ts';
import { WriteAheadLog, type WalRecord } from '../../src/pipeline/wal.ts';
import {
  TEST_FORMAT,
  capturingLogger,
  decodeRequest,
  encodeRequest,
  silentLogger,
  temporaryDirectory,
  waitFor,
} from './helpers.ts';

/** What the test store writes per request: the span names, in order. */
interface NamedSpans {
  names: string[];
  spanCount: number;
}

const prepare: PrepareSpans<NamedSpans> = (spans: SpanRow[]) => ({ names: spans.map((span) => span.name), spanCount: spans.length });

/**
 * The store, as the pipeline sees it: a function that takes a batch. This one keeps the
 * batches in memory, and can be held shut (a slow store) or made to fail (a store outage).
 */
class MemoryStore {
  readonly batches: Array<{ names: string[]; at: number }> = [];
  writesInFlight = 0;
  maxWritesInFlight = 0;
  failuresLeft = 0;
  attempts = 0;
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;

  readonly write: WriteBatch<NamedSpans> = async (batch: NamedSpans[]) => {
    this.attempts++;
    this.writesInFlight++;
    this.maxWritesInFlight = Math.max(this.maxWritesInFlight, this.writesInFlight);
    try {
      await this.gate;
      if (this.failuresLeft > 0) {
        this.failuresLeft--;
        throw new Error('store is down');
      }
      this.batches.push({ names: batch.flatMap((rows) => rows.names), at: Date.now() });
    } finally {
      this.writesInFlight--;
    }
  };

  hold(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  spanNames(): string[] {
    return this.batches.flatMap((batch) => batch.names);
  }
}

async function startPipeline(
  t: TestContext,
  options: Partial<IngestPipelineOptions<NamedSpans>> = {},
): Promise<{ pipeline: IngestPipeline<NamedSpans>; store: MemoryStore; dir: string }> {
  const dir = await temporaryDirectory(t);
  const store = new MemoryStore();
  const pipeline = new IngestPipeline({
    wal: await WriteAheadLog.open(dir),
    decode: decodeRequest,
    prepare,
    write: store.write,
    logger: silentLogger,
    ...options,
  });
  await pipeline.start();
  t.after(() => {
    store.release();
    return pipeline.close();
  });
  return { pipeline, store, dir };
}

function accept(pipeline: IngestPipeline<NamedSpans>, request: string, count: number): Promise<void> {
  return pipeline.accept(TEST_FORMAT, encodeRequest(request, count), decodeRequest(TEST_FORMAT, encodeRequest(request, count)));
}

function names(request: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${request}/${i}`);
}

async function replayAll(dir: string): Promise<WalRecord[]> {
  const wal = await WriteAheadLog.open(dir);
  const records: WalRecord[] = [];
  for await (const record of wal.replay()) records.push(record);
  await wal.close();
  return records;
}

test('a batch is written as soon as it reaches maxBatchSpans', async (t) => {
  const { pipeline, store } = await startPipeline(t, { maxBatchSpans: 10, maxBatchDelayMs: 60_000 });
  await accept(pipeline, 'a', 4);
  await accept(pipeline, 'b', 4);
  await sleep(50);
  assert.equal(store.batches.length, 0, '8 spans are not a batch yet');
  await accept(pipeline, 'c', 4);
  await waitFor(() => store.batches.length === 1, 'the batch');
  assert.deepEqual(store.batches[0].names, [...names('a', 4), ...names('b', 4), ...names('c', 4)]);
  await pipeline.flush(); // the batch is in the store; let the pipeline finish its bookkeeping
  assert.equal(pipeline.stats().pendingSpans, 0);
  assert.equal(pipeline.stats().writtenSpans, 12);
});

test('a small batch is written once maxBatchDelayMs has passed', async (t) => {
  // The delay is long against this test's own steps, so a loaded machine (CI runs it
  // beside other work) cannot make "not yet" late: only the lower bound is a timing claim.
  const { pipeline, store } = await startPipeline(t, { maxBatchSpans: 1000, maxBatchDelayMs: 1500 });
  const acceptedAt = Date.now();
  await accept(pipeline, 'a', 3);
  await sleep(100);
  assert.equal(store.batches.length, 0, 'too early');
  await waitFor(() => store.batches.length === 1, 'the batch', 15_000);
  const waited = store.batches[0].at - acceptedAt;
  assert.ok(waited >= 1450, `written after ${waited} ms`);
  assert.deepEqual(store.batches[0].names, names('a', 3));
});

test('one store write at a time: the next batch accumulates meanwhile', async (t) => {
  const { pipeline, store } = await startPipeline(t, { maxBatchSpans: 5, maxBatchDelayMs: 60_000 });
  store.hold();
  await accept(pipeline, 'a', 5);
  await waitFor(() => store.writesInFlight === 1, 'the first write');
  await accept(pipeline, 'b', 5);
  await accept(pipeline, 'c', 2);
  await sleep(50);
  assert.equal(store.attempts, 1);
  store.release();
  await pipeline.flush();
  assert.equal(store.maxWritesInFlight, 1);
  assert.deepEqual(
    store.batches.map((batch) => batch.names),
    [names('a', 5), names('b', 5), names('c', 2)],
  );
});

test('accept refuses with BackpressureError while too many spans are pending, and recovers', async (t) => {
  const { pipeline, store } = await startPipeline(t, { maxBatchSpans: 5, maxBatchDelayMs: 60_000, maxPendingSpans: 10 });
  store.hold();
  await accept(pipeline, 'a', 5);
  await accept(pipeline, 'b', 5);
  assert.equal(pipeline.stats().pendingSpans, 10);
  assert.ok(pipeline.stats().walBytes > 0);

  const refused = await accept(pipeline, 'c', 1).then(
    () => assert.fail('accepted past maxPendingSpans'),
    (err: unknown) => err,
  );
  assert.ok(refused instanceof BackpressureError);
  assert.ok(refused.retryAfterSeconds >= 1 && refused.retryAfterSeconds <= 60);
  assert.equal(refused.pendingSpans, 10);

  store.release();
  await pipeline.flush();
  assert.equal(pipeline.stats().pendingSpans, 0);
  await accept(pipeline, 'c', 1);
  await pipeline.flush();
  assert.deepEqual(store.spanNames(), [...names('a', 5), ...names('b', 5), ...names('c', 1)]);
  assert.equal(pipeline.stats().writtenSpans, 11);
});

test('a failed store write is retried with backoff and logged; nothing is lost', async (t) => {
  const { logger, lines } = capturingLogger();
  // Both requests in one batch, written when flush() asks: with a short batch delay a busy
  // machine wrote 'a' alone first, and the attempts counted two batches.
  const { pipeline, store } = await startPipeline(t, { maxBatchSpans: 100, maxBatchDelayMs: 60_000, logger });
  store.failuresLeft = 2;
  await accept(pipeline, 'a', 3);
  await accept(pipeline, 'b', 2);
  await pipeline.flush();
  assert.equal(store.attempts, 3);
  assert.deepEqual(store.spanNames(), [...names('a', 3), ...names('b', 2)]);
  const retries = lines.filter((line) => line.msg === 'store write failed; retrying');
  assert.deepEqual(retries.map((line) => [line.attempt, line.retryInMs]), [[1, 100], [2, 200]]);
});

test('close() writes everything accepted to the store, checkpoints it, and refuses more', async (t) => {
  const { pipeline, store, dir } = await startPipeline(t, { maxBatchSpans: 1000, maxBatchDelayMs: 60_000 });
  await accept(pipeline, 'a', 3);
  await accept(pipeline, 'b', 4);
  assert.equal(store.batches.length, 0);
  await pipeline.close();
  assert.deepEqual(store.spanNames(), [...names('a', 3), ...names('b', 4)]);
  await assert.rejects(accept(pipeline, 'c', 1), /not accepting/);
  assert.deepEqual(await replayAll(dir), [], 'everything written is checkpointed');
});

test('start() replays the records after the checkpoint into the store, then checkpoints them', async (t) => {
  const dir = await temporaryDirectory(t);
  const before = await WriteAheadLog.open(dir);
  const a = await before.append(TEST_FORMAT, encodeRequest('a', 2));
  await before.append(TEST_FORMAT, encodeRequest('b', 3));
  await before.append(TEST_FORMAT, encodeRequest('c', 1));
  await before.checkpoint(a); // 'a' reached the store before the "crash"
  await before.close();

  const store = new MemoryStore();
  const { logger, lines } = capturingLogger();
  const pipeline = new IngestPipeline({ wal: await WriteAheadLog.open(dir), decode: decodeRequest, prepare, write: store.write, logger, maxBatchSpans: 3 });
  await pipeline.start();
  assert.deepEqual(
    store.batches.map((batch) => batch.names),
    [names('b', 3), names('c', 1)],
  );
  assert.equal(pipeline.stats().writtenSpans, 4);
  assert.ok(lines.some((line) => line.msg === 'WAL replayed into the store' && line.records === 2 && line.spans === 4));

  await accept(pipeline, 'd', 1);
  await pipeline.close();
  assert.deepEqual(await replayAll(dir), []);
});

test('accept() before start() is refused: the WAL must be replayed first', async (t) => {
  const dir = await temporaryDirectory(t);
  const pipeline = new IngestPipeline({ wal: await WriteAheadLog.open(dir), decode: decodeRequest, prepare, write: new MemoryStore().write, logger: silentLogger });
  await assert.rejects(accept(pipeline, 'a', 1), /not accepting/);
  await pipeline.close();
});
