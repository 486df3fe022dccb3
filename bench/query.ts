// npm run bench:query [-- --spans 1000000] [--batch 50000] [--storage chdb|<url>] [--dir <chdb dir to keep>]
// Writes synthetic spans into a fresh store in batches, then reports ingest spans/s (and
// how much of it is RowBinary encoding), bytes per span on disk, trace-by-id p50/p99 over
// 200 random ids, getTraces of 20 random ids, search p50/p95, Jaeger's
// /api/traces?service=X&limit=20 end to end (the search and its 20 whole traces) against
// one getTrace per hit, and the worst event-loop stall during store calls.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { jaegerApi, searchJaeger } from '../src/api/jaeger-api.ts';
import { ok } from '../src/api/jaeger-envelope.ts';
import { jaegerTrace } from '../src/api/jaeger-model.ts';
import { SpanKind, StatusCode, type SpanRow } from '../src/model/span.ts';
import { ClickHouseStore } from '../src/store/clickhouse-store.ts';
import type { TraceQuery } from '../src/store/span-store.ts';
import { ChdbTransport } from '../src/store/transport-chdb.ts';
import { ClickHouseHttpTransport } from '../src/store/transport-clickhouse.ts';
import type { ClickHouseTransport } from '../src/store/transport.ts';
import { attributes, resource, span } from '../test/support/span-builder.ts';

const { values: options } = parseArgs({
  options: {
    spans: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '50000' },
    storage: { type: 'string', default: 'chdb' },
    dir: { type: 'string' },
  },
});
const TOTAL_SPANS = Number(options.spans);
const BATCH_SPANS = Number(options.batch);
const SPANS_PER_TRACE = 10;
const MS = 1_000_000n;

// ---- synthetic spans: 20 services, 5 operations each, 10-span traces over 2 hours ----
let seed = 42;
function random(): number {
  // mulberry32: a small seeded generator, so every run writes the same spans.
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const randomHex = (digits: number) => {
  let hex = '';
  while (hex.length < digits) hex += Math.floor(random() * 0x100000000).toString(16).padStart(8, '0');
  return hex.slice(0, digits);
};

const services = Array.from({ length: 20 }, (_, i) => `service-${i}`);
const resources = new Map(
  services.map((service) => [
    service,
    resource(service, {
      str: { 'host.name': `${service}-host-1`, 'telemetry.sdk.language': 'nodejs', 'telemetry.sdk.version': '2.12.0' },
      int: { 'process.pid': BigInt(1000 + services.indexOf(service)) },
    }),
  ]),
);
const operations = ['GET /api/items', 'POST /api/orders', 'SELECT items', 'publish order', 'render'];
const startOfRun = BigInt(Date.now()) * MS - 2n * 3600n * 1000n * MS;
const traceGapNs = (2n * 3600n * 1000n * MS) / BigInt(TOTAL_SPANS / SPANS_PER_TRACE);
const writtenTraceIds: string[] = [];

function syntheticTrace(index: number): SpanRow[] {
  const traceId = randomHex(32);
  writtenTraceIds.push(traceId);
  const traceStart = startOfRun + BigInt(index) * traceGapNs;
  const spans: SpanRow[] = [];
  let parent = '';
  for (let i = 0; i < SPANS_PER_TRACE; i++) {
    const service = i === 0 ? 'service-0' : pick(services);
    const failed = random() < 0.02;
    const row = span({
      traceId,
      service,
      startNs: traceStart + BigInt(i) * 2n * MS,
      durationNs: BigInt(Math.floor(random() * 200)) * MS + 100_000n,
      parentSpanId: parent,
      name: pick(operations),
      kind: i === 0 ? SpanKind.SERVER : pick([SpanKind.CLIENT, SpanKind.INTERNAL, SpanKind.SERVER]),
      statusCode: failed ? StatusCode.ERROR : StatusCode.UNSET,
      statusMessage: failed ? 'upstream timed out' : '',
      resource: resources.get(service)!,
      attributes: attributes({
        str: { 'http.method': pick(['GET', 'POST']), 'http.url': `https://shop.example.com/api/items/${Math.floor(random() * 10000)}` },
        int: { 'http.status_code': failed ? 500n : 200n },
        dbl: { 'queue.ms': Math.round(random() * 1000) / 10 },
      }),
      events: failed
        ? [{ timeNs: traceStart, name: 'exception', attributes: attributes({ str: { 'exception.type': 'TimeoutError' } }), droppedAttributesCount: 0 }]
        : [],
    });
    parent = row.spanId;
    spans.push(row);
  }
  return spans;
}

function syntheticBatch(firstTrace: number): SpanRow[] {
  const spans: SpanRow[] = [];
  for (let trace = firstTrace; spans.length < BATCH_SPANS; trace++) spans.push(...syntheticTrace(trace));
  return spans;
}

// ---- measurement helpers ----
function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const ms = (value: number) => `${value.toFixed(1)} ms`;

async function openTransport(): Promise<{ transport: ClickHouseTransport; cleanup: () => void }> {
  if (options.storage !== 'chdb') return { transport: new ClickHouseHttpTransport(options.storage!), cleanup: () => {} };
  if (options.dir !== undefined) return { transport: await ChdbTransport.open(options.dir), cleanup: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'skein-bench-store-'));
  return { transport: await ChdbTransport.open(dir), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// The worst event-loop stall while a store call is in flight (the span generator's own
// stalls between calls do not count).
const stalls = { measuring: false, worstMs: 0 };
let lastTick = performance.now();
const ticker = setInterval(() => {
  const now = performance.now();
  if (stalls.measuring) stalls.worstMs = Math.max(stalls.worstMs, now - lastTick - 5);
  lastTick = now;
}, 5);
async function measured<T>(call: () => Promise<T>): Promise<T> {
  lastTick = performance.now();
  stalls.measuring = true;
  try {
    return await call();
  } finally {
    stalls.measuring = false;
  }
}

// ---- run ----
const { transport, cleanup } = await openTransport();
const store = new ClickHouseStore(transport);
await store.init();

console.log(`bench:query — ${TOTAL_SPANS} spans in ${BATCH_SPANS}-span batches into ${options.storage}`);
// Encoding is timed apart from the insert: in `skein serve` it happens per request as
// requests are accepted, and only the insert waits for ClickHouse.
let encodeMs = 0;
let insertMs = 0;
for (let written = 0; written < TOTAL_SPANS; written += BATCH_SPANS) {
  const batch = syntheticBatch(written / SPANS_PER_TRACE);
  const encodeStart = performance.now();
  const encoded = store.encode(batch);
  encodeMs += performance.now() - encodeStart;
  const insertStart = performance.now();
  await measured(() => store.writeEncoded([encoded]));
  insertMs += performance.now() - insertStart;
}
const rate = (totalMs: number) => Math.round(TOTAL_SPANS / (totalMs / 1000));
console.log(`write: ${rate(encodeMs + insertMs)} spans/s end to end (RowBinary encoding alone ${rate(encodeMs)} spans/s, ClickHouse insert alone ${rate(insertMs)} spans/s)`);

const [disk] = await transport.query(`
SELECT sumIf(bytes_on_disk, table = 'spans') AS span_bytes, sumIf(rows, table = 'spans') AS span_rows,
  sum(bytes_on_disk) AS all_bytes, countIf(table = 'spans') AS span_parts
FROM system.parts WHERE database = currentDatabase() AND active`);
const spanRows = Number(disk!.span_rows);
console.log(`disk: ${(Number(disk!.span_bytes) / spanRows).toFixed(1)} B/span in spans (${disk!.span_parts} parts), ${(Number(disk!.all_bytes) / spanRows).toFixed(1)} B/span with trace_index and operations`);

const lookups: number[] = [];
for (let i = 0; i < 200; i++) {
  const traceId = writtenTraceIds[Math.floor(random() * writtenTraceIds.length)]!;
  const start = performance.now();
  const spans = await measured(() => store.getTrace(traceId));
  lookups.push(performance.now() - start);
  if (spans.length !== SPANS_PER_TRACE) throw new Error(`trace ${traceId}: ${spans.length} spans`);
}
console.log(`getTrace: p50 ${ms(percentile(lookups, 50))}, p99 ${ms(percentile(lookups, 99))} (200 random ids)`);

// Traces scattered over the whole 2 h: the trace index's bounds span every bucket.
const batchReads: number[] = [];
for (let i = 0; i < 20; i++) {
  const traceIds = Array.from({ length: 20 }, () => writtenTraceIds[Math.floor(random() * writtenTraceIds.length)]!);
  const start = performance.now();
  const traces = await measured(() => store.getTraces(traceIds));
  batchReads.push(performance.now() - start);
  if (traces.some((spans) => spans.length !== SPANS_PER_TRACE)) throw new Error('getTraces missed spans');
}
console.log(`getTraces: p50 ${ms(percentile(batchReads, 50))}, p95 ${ms(percentile(batchReads, 95))} (20 random ids a call, 20 calls)`);

const endOfRun = startOfRun + 2n * 3600n * 1000n * MS;
const lastHour = { startNs: endOfRun - 3600n * 1000n * MS, endNs: endOfRun, limit: 20, attributes: [] };
const searches: Record<string, TraceQuery> = {
  'service, last hour': { ...lastHour, service: 'service-3' },
  'service + operation': { ...lastHour, service: 'service-3', operation: 'SELECT items' },
  'int attribute': { ...lastHour, attributes: [{ scope: 'span', key: 'http.status_code', type: 'int', op: '>=', value: 500n }] },
  'errors, 2 h': { ...lastHour, startNs: startOfRun, errorsOnly: true },
  'min duration 190 ms': { ...lastHour, service: 'service-7', minDurationNs: 190n * MS },
  'event attribute': { ...lastHour, attributes: [{ scope: 'event', key: 'exception.type', type: 'string', op: '=', value: 'TimeoutError' }] },
};
const allSearches: number[] = [];
for (const [name, query] of Object.entries(searches)) {
  const times: number[] = [];
  let hits = 0;
  for (let i = 0; i < 20; i++) {
    const start = performance.now();
    hits = (await measured(() => store.searchTraces(query))).length;
    times.push(performance.now() - start);
  }
  allSearches.push(...times);
  console.log(`search ${name.padEnd(22)} p50 ${ms(percentile(times, 50))}, p95 ${ms(percentile(times, 95))} (${hits} hits)`);
}
console.log(`search overall: p50 ${ms(percentile(allSearches, 50))}, p95 ${ms(percentile(allSearches, 95))}`);

// Jaeger UI's search, end to end through the API app in process (Hono's request: routing,
// search, getTraces, Jaeger's model, JSON; no socket). Reference, alternated with it so
// both share the machine's noise: the same search with one getTrace per hit, as the API
// loaded traces before getTraces.
const jaegerSearch = 'service=service-3&limit=20';
const jaeger = jaegerApi(store);
async function jaegerSearchPerHit(): Promise<string> {
  const summaries = await searchJaeger(store, new URLSearchParams(jaegerSearch), new AbortController().signal);
  const traces = await Promise.all(summaries.map(async ({ traceId }) => jaegerTrace(traceId, await store.getTrace(traceId))));
  return JSON.stringify(ok(traces));
}
const jaegerPaths = [
  { label: 'one getTraces', run: async () => (await jaeger.request(`/api/traces?${jaegerSearch}`)).text(), times: [] as number[], answer: '' },
  { label: 'getTrace per hit (reference)', run: jaegerSearchPerHit, times: [] as number[], answer: '' },
];
for (let i = 0; i < 40; i++) {
  for (const path of jaegerPaths) {
    const start = performance.now();
    // Not measured(): the API's own JavaScript (Jaeger's model, JSON) is no store stall.
    path.answer = await path.run();
    path.times.push(performance.now() - start);
  }
}
if (jaegerPaths[0]!.answer !== jaegerPaths[1]!.answer) throw new Error('the Jaeger search answered differently through getTraces');
const traceCount = (JSON.parse(jaegerPaths[0]!.answer) as { data: unknown[] }).data.length;
for (const { label, times } of jaegerPaths) {
  console.log(`jaeger /api/traces?${jaegerSearch}, ${label.padEnd(29)} p50 ${ms(percentile(times, 50))}, p95 ${ms(percentile(times, 95))} (${traceCount} traces, 40 runs)`);
}
clearInterval(ticker);
console.log(`event loop: worst stall during store calls ${ms(stalls.worstMs)}`);

await store.close();
cleanup();
