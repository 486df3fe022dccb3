// npm run bench:sdk — what the distro costs an app: the demo's inventory service (express +
// SQLite) under a closed-loop load of fixed concurrency, run twice side by side in the same
// run: once plain (`node demo/services/inventory.js`), once traced
// (`node --import @skein/node/register ...`). Phases alternate between the two (several
// rounds, after a warm-up of each) so drift hits both alike. Reports requests/s and p50/p99
// latency of each, and the throughput loss.
//
// The traced service exports to a minimal OTLP/HTTP sink in this process (it answers 200 at
// once and decodes a sample of the requests to count spans), so the figures are the
// SDK's cost inside the app (spans, batching, protobuf encoding, export), not Skein's
// ingest competing for the same two cores.
//
// Environment: BENCH_SECONDS (measured seconds per side, default 15), BENCH_ROUNDS (3),
// BENCH_CONCURRENCY (connections, default 8), BENCH_WARMUP_SECONDS (3), BENCH_TRACED_ENV
// (extra environment for the traced side, e.g. SKEIN_DISABLED_INSTRUMENTATIONS=express).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../demo/random.ts';
import { decodeOtlpProto } from '../src/receive/otlp-proto.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const PRODUCTS = 40;
const TRACED_ENV = Object.fromEntries(
  (process.env.BENCH_TRACED_ENV ?? '').split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);

// The OTLP sink: answers every export with an empty ExportTraceServiceResponse.
const exported = { requests: 0, bytes: 0, sampledBytes: 0, sampledSpans: 0 };
const sink = createServer((req, res) => {
  const sample = exported.requests % 10 === 0;
  exported.requests++;
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => {
    exported.bytes += chunk.length;
    if (sample) chunks.push(chunk);
  });
  req.on('end', () => {
    if (sample) {
      const body = Buffer.concat(chunks);
      exported.sampledBytes += body.length;
      exported.sampledSpans += decodeOtlpProto(body).spans.length;
    }
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
});
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', () => resolve()));
const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;

interface Side {
  name: string;
  port: number;
  child: ChildProcess;
  dataDir: string;
  latencies: number[];
  requests: number;
  seconds: number;
  errors: number;
}

async function startInventory(name: string, traced: boolean): Promise<Side> {
  const dataDir = mkdtempSync(join(tmpdir(), 'skein-bench-sdk-'));
  const child = fork('demo/services/inventory.js', [], {
    execArgv: traced ? ['--import', import.meta.resolve('@skein/node/register')] : [],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DEMO_SERVICE: 'inventory',
      DEMO_PORT: '0',
      DEMO_DATA_DIR: dataDir,
      DEMO_URLS: '{}',
      DEMO_SEED: '1',
      DEMO_LOG_LEVEL: 'warn',
      SKEIN_SERVICE_NAME: 'inventory',
      SKEIN_SERVICE_VERSION: '1.2.0',
      SKEIN_ENDPOINT: sinkUrl,
      OTEL_LOG_LEVEL: 'warn',
      ...(traced ? TRACED_ENV : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (m: any) => m?.type === 'ready' && resolve(m.port));
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
  return { name, port, child, dataDir, latencies: [], requests: 0, seconds: 0, errors: 0 };
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, hostname: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end();
  });
}

/** CONCURRENCY loops, each sending its next request when the last is answered. */
async function load(side: Side, seconds: number, record: boolean): Promise<void> {
  const random = seededRandom(side.requests + 1);
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const path = random() < 0.8 ? `/products/${1 + Math.floor(random() * PRODUCTS)}` : `/products?page=${Math.floor(random() * 4)}`;
        const t0 = performance.now();
        const status = await get(side.port, path);
        const ms = performance.now() - t0;
        if (!record) continue;
        side.requests++;
        side.latencies.push(ms);
        if (status !== 200) side.errors++;
      }
    }),
  );
  if (record) side.seconds += (performance.now() - started) / 1000;
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

console.log(
  `bench:sdk — demo inventory service (express + SQLite): GET /products/:id (80%) and /products?page (20%), ` +
    `${CONCURRENCY} connections closed-loop, ${ROUNDS} rounds × ${(SECONDS / ROUNDS).toFixed(1)} s per side after ${WARMUP} s warm-up each; Node ${process.version}` +
    (Object.keys(TRACED_ENV).length ? `; traced side with ${process.env.BENCH_TRACED_ENV}` : ''),
);
const plain = await startInventory('without distro', false);
const traced = await startInventory('with distro', true);
try {
  await load(plain, WARMUP, false);
  await load(traced, WARMUP, false);
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? [plain, traced] : [traced, plain];
    for (const side of order) await load(side, SECONDS / ROUNDS, true);
  }
  // Let the last batch of spans leave before counting.
  await new Promise((r) => setTimeout(r, 2500));

  const rows = [plain, traced].map((side) => {
    const sorted = side.latencies.sort((a, b) => a - b);
    return { side, rps: side.requests / side.seconds, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
  });
  console.log(`${''.padEnd(16)}${'requests/s'.padStart(12)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}${'errors'.padStart(8)}`);
  for (const r of rows) {
    console.log(`${r.side.name.padEnd(16)}${r.rps.toFixed(0).padStart(12)}${r.p50.toFixed(2).padStart(10)}${r.p99.toFixed(2).padStart(10)}${String(r.side.errors).padStart(8)}`);
  }
  const [a, b] = rows;
  const loss = (1 - b.rps / a.rps) * 100;
  console.log(
    `throughput loss with the distro: ${loss.toFixed(1)}% (target ≤ 5%); p50 ${pct(b.p50 / a.p50)}, p99 ${pct(b.p99 / a.p99)}`,
  );
  const spans = exported.sampledBytes > 0 ? (exported.bytes * exported.sampledSpans) / exported.sampledBytes : 0;
  console.log(
    `exported by the traced side: ${exported.requests} OTLP requests, ${(exported.bytes / 1e6).toFixed(1)} MB, ≈ ${Math.round(spans)} spans ` +
      `(≈ ${(spans / (traced.requests + 0.0001)).toFixed(1)} per measured request, warm-up included)`,
  );
} finally {
  for (const side of [plain, traced]) {
    side.child.kill('SIGTERM');
    await new Promise((r) => side.child.once('exit', r));
    rmSync(side.dataDir, { recursive: true, force: true });
  }
  agent.destroy();
  sink.close();
}

function pct(ratio: number): string {
  const p = (ratio - 1) * 100;
  return `${p >= 0 ? '+' : ''}${p.toFixed(1)}%`;
}
