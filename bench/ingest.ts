// npm run bench:ingest — OTLP/HTTP protobuf ingest at full speed from a second process.
// Starts `skein serve` (embedded chDB, WAL with fsync: acknowledged = durable), sends
// distinct 512-span requests from this process for a fixed time, and reports acknowledged
// spans/s, how long the store took to catch up, request latency, the server's peak RSS,
// and, measured in the same run, the decoder's decode-only ceiling as the reference.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeOtlpProto } from '../src/receive/otlp-proto.ts';
import { startSkeinProcess } from '../test/support/skein-process.ts';
import { measureDecodeCeiling } from './decode-ceiling.ts';
import { variantsOf } from './support/vary-ids.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const GZIP = process.env.BENCH_GZIP === '1';
const FSYNC = process.env.BENCH_FSYNC !== '0';

const captured = gunzipSync(readFileSync(new URL('../../shared/testdata/captured/bench-512.pb.gz', import.meta.url)));
const spansPerRequest = decodeOtlpProto(captured).spans.length;
const bodies = variantsOf(captured, 400).map((b) => (GZIP ? gzipSync(b) : b));

console.log(`bench:ingest — ${spansPerRequest}-span requests (${(captured.length / spansPerRequest).toFixed(0)} B/span protobuf${GZIP ? ', gzip' : ''}), ${CONCURRENCY} in flight, ${SECONDS} s, WAL fsync ${FSYNC ? 'on' : 'off'}`);

const ceiling = measureDecodeCeiling(captured, 3);
const skein = await startSkeinProcess({ args: ['--wal-fsync', String(FSYNC)] });
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const url = new URL(`${skein.otlpHttpUrl}/v1/traces`);

function post(body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, method: 'POST', hostname: url.hostname, port: url.port, path: url.pathname, headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length, ...(GZIP ? { 'Content-Encoding': 'gzip' } : {}) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let next = 0;
let acknowledged = 0;
const refused: Record<number, number> = {};
const latenciesMs: number[] = [];
const started = performance.now();
const stopAt = started + SECONDS * 1000;
async function worker() {
  while (performance.now() < stopAt) {
    const body = bodies[next++ % bodies.length];
    const t0 = performance.now();
    const status = await post(body);
    latenciesMs.push(performance.now() - t0);
    if (status === 200) acknowledged += spansPerRequest;
    else refused[status] = (refused[status] ?? 0) + 1;
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
const elapsedS = (performance.now() - started) / 1000;

// How long until the store holds everything acknowledged (the pipeline's pending count reaches 0).
const drainStart = performance.now();
for (;;) {
  const status = await (await fetch(`${skein.httpUrl}/api/v1/status`)).json();
  if (status.pipeline.pendingSpans === 0) break;
  await new Promise((r) => setTimeout(r, 100));
}
const drainS = (performance.now() - drainStart) / 1000;
const peakRssMb = peakRss(skein.child.pid!);
await skein.stop();
skein.removeData();
agent.destroy();

latenciesMs.sort((a, b) => a - b);
const rate = acknowledged / elapsedS;
const stored = acknowledged / (elapsedS + drainS);
console.log(`acknowledged:        ${fmt(rate)} spans/s (${acknowledged} spans in ${elapsedS.toFixed(1)} s)`);
console.log(`in the store:        ${fmt(stored)} spans/s (store caught up ${drainS.toFixed(1)} s after the load stopped)`);
console.log(`refused:             ${JSON.stringify(refused)}`);
console.log(`request latency:     p50 ${pct(latenciesMs, 0.5).toFixed(1)} ms, p99 ${pct(latenciesMs, 0.99).toFixed(1)} ms`);
console.log(`server peak RSS:     ${peakRssMb.toFixed(0)} MB`);
console.log(`decode-only ceiling: ${fmt(ceiling)} spans/s (hand-written decoder, one core, same body)`);
console.log(`ratio acknowledged / decode ceiling: ${(rate / ceiling).toFixed(2)}; stored / ceiling: ${(stored / ceiling).toFixed(2)}`);

function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

function pct(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
