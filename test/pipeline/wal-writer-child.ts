// The crash test's victim: appends records to the WAL in <dir> from many concurrent
// callers, as fast as it can, and prints "<n> <segment> <offset>" for each record once
// its append has resolved (i.e. it is acknowledged). The parent kills it with SIGKILL.
import { WriteAheadLog } from '../../src/pipeline/wal.ts';
import { crashTestPayload } from './helpers.ts';

const CONCURRENT_APPENDERS = 16;
const dir = process.argv[2];
if (!dir) throw new Error('usage: wal-writer-child.ts <dir>');

// Small segments, so the kill is likely to land on a rollover now and then too.
const wal = await WriteAheadLog.open(dir, { segmentBytes: 1024 * 1024 });
let nextRecord = 0;

async function appendForever(): Promise<never> {
  for (;;) {
    const n = nextRecord++;
    const position = await wal.append(1, crashTestPayload(n));
    // Writes to a pipe are synchronous on Linux: once this returns, the parent will see the line.
    process.stdout.write(`${n} ${position.segment} ${position.offset}\n`);
  }
}

for (let i = 0; i < CONCURRENT_APPENDERS; i++) void appendForever();
