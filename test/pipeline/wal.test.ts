import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { open, readdir, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { WriteAheadLog, type WalPosition, type WalRecord } from '../../src/pipeline/wal.ts';
import { crashTestPayload, temporaryDirectory } from './helpers.ts';

const FORMAT = 1;

function payload(text: string): Buffer {
  return Buffer.from(text);
}

async function replayAll(wal: WriteAheadLog): Promise<WalRecord[]> {
  const records: WalRecord[] = [];
  for await (const record of wal.replay()) records.push(record);
  return records;
}

async function reopenAndReplay(dir: string, options = {}): Promise<{ wal: WriteAheadLog; records: WalRecord[] }> {
  const wal = await WriteAheadLog.open(dir, options);
  return { wal, records: await replayAll(wal) };
}

function texts(records: WalRecord[]): string[] {
  return records.map((record) => record.payload.toString());
}

async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.wal')).sort();
}

test('group commit: concurrent appends share writes and fdatasyncs, and keep call order', async (t) => {
  const dir = await temporaryDirectory(t);
  const wal = await WriteAheadLog.open(dir);
  const count = 1000;
  const positions = await Promise.all(Array.from({ length: count }, (_, i) => wal.append(FORMAT, payload(`record ${i}`))));

  const stats = wal.stats();
  assert.equal(stats.appends, count);
  assert.ok(stats.syncs >= 1 && stats.syncs < count / 10, `expected far fewer fdatasyncs than appends, got ${stats.syncs}`);
  assert.equal(stats.syncs, stats.writes);
  for (let i = 1; i < count; i++) {
    assert.ok(positions[i].offset > positions[i - 1].offset, 'positions follow call order');
  }
  await wal.close();

  const { wal: reopened, records } = await reopenAndReplay(dir);
  assert.deepEqual(texts(records), Array.from({ length: count }, (_, i) => `record ${i}`));
  assert.deepEqual(records.map((record) => record.position), positions);
  await reopened.close();
});

test('replay after reopen yields exactly the records after the checkpoint, in order', async (t) => {
  const dir = await temporaryDirectory(t);
  const wal = await WriteAheadLog.open(dir);
  const positions: WalPosition[] = [];
  for (let i = 0; i < 10; i++) positions.push(await wal.append(FORMAT, payload(`record ${i}`)));
  await wal.checkpoint(positions[3]);
  await wal.append(2, payload('record 10'));
  await wal.close();

  const first = await reopenAndReplay(dir);
  assert.deepEqual(texts(first.records), ['record 4', 'record 5', 'record 6', 'record 7', 'record 8', 'record 9', 'record 10']);
  assert.deepEqual(first.records.map((record) => record.format), [1, 1, 1, 1, 1, 1, 2]);
  // Appends after a restart go to a new segment and are replayed after the old ones.
  await first.wal.append(FORMAT, payload('record 11'));
  await first.wal.checkpoint(first.records[2].position); // records 4..6 are in the store
  await first.wal.close();

  const second = await reopenAndReplay(dir);
  assert.deepEqual(texts(second.records), ['record 7', 'record 8', 'record 9', 'record 10', 'record 11']);
  await second.wal.close();
});

test('segments roll over at segmentBytes; a record bigger than a segment gets one of its own', async (t) => {
  const dir = await temporaryDirectory(t);
  const wal = await WriteAheadLog.open(dir, { segmentBytes: 1000 });
  const recordBytes = 9 + 400; // header + payload: two fit in 1000 bytes, three do not
  const positions: WalPosition[] = [];
  for (let i = 0; i < 5; i++) positions.push(await wal.append(FORMAT, Buffer.alloc(400, i)));
  positions.push(await wal.append(FORMAT, Buffer.alloc(3000, 9)));
  positions.push(await wal.append(FORMAT, Buffer.alloc(400, 10)));
  await wal.close();

  assert.deepEqual(
    positions.map(({ segment }) => segment),
    [1, 1, 2, 2, 3, 4, 5],
  );
  assert.deepEqual(await segmentFiles(dir), ['000000000001.wal', '000000000002.wal', '000000000003.wal', '000000000004.wal', '000000000005.wal']);
  const sizes = await Promise.all((await segmentFiles(dir)).map(async (name) => (await stat(join(dir, name))).size));
  assert.deepEqual(sizes, [2 * recordBytes, 2 * recordBytes, recordBytes, 9 + 3000, recordBytes]);
  assert.equal(wal.stats().bytes, sizes.reduce((a, b) => a + b));

  const { wal: reopened, records } = await reopenAndReplay(dir);
  assert.deepEqual(
    records.map((record) => [record.payload.length, record.payload[0]]),
    [[400, 0], [400, 1], [400, 2], [400, 3], [400, 4], [3000, 9], [400, 10]],
  );
  await reopened.close();
});

test('checkpoint deletes the segments before its own, and replay starts there', async (t) => {
  const dir = await temporaryDirectory(t);
  const wal = await WriteAheadLog.open(dir, { segmentBytes: 1000 });
  const positions: WalPosition[] = [];
  for (let i = 0; i < 20; i++) positions.push(await wal.append(FORMAT, payload(`record ${i}`.padEnd(300, '.'))));
  assert.equal((await segmentFiles(dir)).length, 7); // 3 records per segment

  await wal.checkpoint(positions[10]); // record 10 is the 2nd of segment 4
  assert.equal(positions[10].segment, 4);
  assert.deepEqual(await segmentFiles(dir), ['000000000004.wal', '000000000005.wal', '000000000006.wal', '000000000007.wal']);
  assert.equal(wal.stats().segments, 4);
  await wal.close();

  const { wal: reopened, records } = await reopenAndReplay(dir);
  assert.deepEqual(
    texts(records).map((text) => text.replace(/\.+$/, '')),
    Array.from({ length: 9 }, (_, i) => `record ${i + 11}`),
  );
  await reopened.close();
});

test('a torn tail (file cut mid-record) ends replay cleanly, is truncated, and earlier records survive', async (t) => {
  const dir = await temporaryDirectory(t);
  const wal = await WriteAheadLog.open(dir);
  await wal.append(FORMAT, payload('record 0'));
  const second = await wal.append(FORMAT, payload('record 1'));
  await wal.append(FORMAT, payload('record 2 is long enough to cut in half'));
  await wal.close();
  const segment = join(dir, '000000000001.wal');
  await truncate(segment, (await stat(segment)).size - 10);

  const first = await reopenAndReplay(dir);
  assert.deepEqual(texts(first.records), ['record 0', 'record 1']);
  assert.equal((await stat(segment)).size, second.offset, 'the torn record is cut off');
  assert.equal(first.wal.stats().truncatedBytes, 9 + 38 - 10);
  await first.wal.append(FORMAT, payload('record 3'));
  await first.wal.close();

  const again = await reopenAndReplay(dir);
  assert.deepEqual(texts(again.records), ['record 0', 'record 1', 'record 3']);
  assert.equal(again.wal.stats().truncatedBytes, 0);
  await again.wal.close();
});

test('a tail cut inside the record header is tolerated too', async (t) => {
  const dir = await temporaryDirectory(t);
  const wal = await WriteAheadLog.open(dir);
  const first = await wal.append(FORMAT, payload('record 0'));
  await wal.append(FORMAT, payload('record 1'));
  await wal.close();
  await truncate(join(dir, '000000000001.wal'), first.offset + 5);

  const { wal: reopened, records } = await reopenAndReplay(dir);
  assert.deepEqual(texts(records), ['record 0']);
  await reopened.close();
});

test('a flipped byte fails the crc: replay of that segment stops there, later segments still replay', async (t) => {
  const dir = await temporaryDirectory(t);
  const wal = await WriteAheadLog.open(dir, { segmentBytes: 100 });
  const positions: WalPosition[] = [];
  for (let i = 0; i < 6; i++) positions.push(await wal.append(FORMAT, payload(`record ${i}`.padEnd(40, '.'))));
  await wal.close();
  assert.deepEqual(positions.map(({ segment }) => segment), [1, 1, 2, 2, 3, 3]);

  // Flip a payload byte of record 3, the last record of segment 2.
  const file = await open(join(dir, '000000000002.wal'), 'r+');
  const at = positions[3].offset - 5;
  const byte = Buffer.alloc(1);
  await file.read(byte, 0, 1, at);
  byte[0] ^= 0x01;
  await file.write(byte, 0, 1, at);
  await file.close();

  const { wal: reopened, records } = await reopenAndReplay(dir, { segmentBytes: 100 });
  assert.deepEqual(
    texts(records).map((text) => text.replace(/\.+$/, '')),
    ['record 0', 'record 1', 'record 2', 'record 4', 'record 5'],
  );
  assert.equal((await stat(join(dir, '000000000002.wal'))).size, positions[2].offset);
  await reopened.close();
});

test('appends after close are refused', async (t) => {
  const dir = await temporaryDirectory(t);
  const wal = await WriteAheadLog.open(dir);
  await wal.close();
  await assert.rejects(wal.append(FORMAT, payload('late')), /closed/);
});

test('crash: after SIGKILL mid-append, replay yields every acknowledged record', async (t) => {
  const dir = await temporaryDirectory(t);
  const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
  const childScript = fileURLToPath(new URL('./wal-writer-child.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, dir], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('close', (_code, signal) => resolve(signal)));

  // Give it ~1 s of appending from its first acknowledgement (tsx start-up takes a while).
  const started = Date.now();
  while (stdout === '') {
    assert.equal(child.exitCode, null, `child exited early: ${stderr}`);
    assert.ok(Date.now() - started < 20_000, 'child never acknowledged a record');
    await sleep(10);
  }
  await sleep(1000);
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL', `child died on its own: ${stderr}`);

  const acknowledged = stdout
    .split('\n')
    .slice(0, -1) // whatever follows the last newline is not a whole line
    .map((line) => line.split(' ').map(Number));
  assert.ok(acknowledged.length > 100, `only ${acknowledged.length} records were acknowledged`);

  const { wal, records } = await reopenAndReplay(dir);
  const replayed = new Map(records.map((record) => [record.payload.readUInt32LE(0), record]));
  for (const [n, segment, offset] of acknowledged) {
    const record = replayed.get(n);
    assert.ok(record, `acknowledged record ${n} is missing after the crash`);
    assert.deepEqual(record.position, { segment, offset });
    assert.ok(record.payload.equals(crashTestPayload(n)), `record ${n} came back different`);
  }
  // Records written but not yet acknowledged may survive too; whatever replays must be intact.
  for (const [n, record] of replayed) assert.ok(record.payload.equals(crashTestPayload(n)));
  t.diagnostic(`${acknowledged.length} acknowledged, ${records.length} replayed, ${wal.stats().truncatedBytes} torn bytes cut`);
  await wal.close();
});
