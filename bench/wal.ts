// What does a durable acknowledgement cost? Many concurrent callers append 200 KB payloads
// to the write-ahead log for a few seconds, with fsync on and then off, and we print how
// many appends, megabytes and fdatasyncs per second that comes to, and the append latency.
//
//   node --import tsx bench/wal.ts [dir]      (dir: where to put the WAL; default: a temp dir)
//
// Use a dir on the disk Skein's data will live on: fdatasync costs what that disk makes it cost.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WriteAheadLog, type WalPosition } from '../src/pipeline/wal.ts';

const PAYLOAD_BYTES = 200 * 1024;
const CONCURRENT_CALLERS = 64;
const RUN_MS = 3000;
// The pipeline checkpoints after every store write; doing it here too keeps disk use bounded.
const CHECKPOINT_EVERY_MS = 250;

async function run(parentDir: string, fsync: boolean): Promise<void> {
  const dir = await mkdtemp(join(parentDir, 'skein-bench-wal-'));
  const wal = await WriteAheadLog.open(dir, { fsync });
  const payload = randomBytes(PAYLOAD_BYTES);
  const latenciesMs: number[] = [];
  let lastPosition: WalPosition | undefined;
  const started = performance.now();
  const deadline = started + RUN_MS;

  async function caller(): Promise<void> {
    while (performance.now() < deadline) {
      const before = performance.now();
      lastPosition = await wal.append(1, payload);
      latenciesMs.push(performance.now() - before);
    }
  }
  const checkpointer = setInterval(() => {
    if (lastPosition) void wal.checkpoint(lastPosition);
  }, CHECKPOINT_EVERY_MS);

  await Promise.all(Array.from({ length: CONCURRENT_CALLERS }, caller));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(checkpointer);
  const { appends, writes, syncs } = wal.stats();
  await wal.close();
  await rm(dir, { recursive: true, force: true });

  latenciesMs.sort((a, b) => a - b);
  const percentile = (p: number) => latenciesMs[Math.min(latenciesMs.length - 1, Math.floor((p / 100) * latenciesMs.length))];
  console.log(
    [
      `fsync ${fsync ? 'on ' : 'off'}:`,
      `${(appends / seconds).toFixed(0)} appends/s`,
      `${((appends * PAYLOAD_BYTES) / seconds / 1e6).toFixed(0)} MB/s`,
      `${(syncs / seconds).toFixed(0)} fsyncs/s`,
      `${(writes / seconds).toFixed(0)} writev/s`,
      `${(appends / writes).toFixed(1)} appends per writev`,
      `latency p50 ${percentile(50).toFixed(1)} ms, p99 ${percentile(99).toFixed(1)} ms`,
    ].join('  '),
  );
}

const parentDir = process.argv[2] ?? tmpdir();
console.log(`WAL bench: ${CONCURRENT_CALLERS} concurrent callers appending ${PAYLOAD_BYTES / 1024} KB payloads for ${RUN_MS / 1000} s, in ${parentDir}`);
await run(parentDir, true);
await run(parentDir, false);
