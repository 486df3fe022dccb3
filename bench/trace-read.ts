// Reading one big trace of BENCH_SPANS spans (default 100 000): SpanStore.getTrace and
// OTLP/JSON (every trace-by-id API), and getTraceOutline and the timeline's columnar JSON
// (the trace view). Reference in the same run: the full span query's raw output from chDB
// as RowBinary (what the store reads) and as JSONEachRow (what it parsed before).
//   node --import tsx bench/trace-read.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import { traceTimelineJson } from '../src/api/trace-timeline-json.ts';
import { spansToOtlpJson } from '../src/model/otlp-json.ts';
import { SPAN_READ } from '../src/store/span-rows.ts';
import { openStore } from '../src/store/open-store.ts';
import { attributes, span } from '../test/support/span-builder.ts';

const SPANS = Number(process.env.BENCH_SPANS ?? 100_000);
const RUNS = 3;
const dir = mkdtempSync(join(tmpdir(), 'skein-trace-read-'));
const traceId = 'ab'.repeat(16);
const start = BigInt(Date.now()) * 1_000_000n;

const store = await openStore('chdb', dir);
await store.init();
const spans = [span({ traceId, service: 'root', startNs: start, durationNs: 10_000_000_000n })];
for (let i = 1; i < SPANS; i++) {
  spans.push(
    span({
      traceId,
      service: `svc-${i % 20}`,
      name: `op-${i % 50}`,
      startNs: start + BigInt(i) * 50_000n,
      durationNs: 1_000_000n,
      parentSpanId: spans[Math.floor(i / 3)].spanId,
      attributes: attributes({ str: { 'http.method': 'GET', 'http.route': `/r/${i % 100}` }, int: { 'http.status_code': 200n } }),
    }),
  );
}
await store.writeBatch(spans);
console.log(`one trace of ${SPANS} spans, chDB, ${RUNS} runs (ms):`);
for (let run = 0; run < RUNS; run++) {
  const t0 = performance.now();
  const read = await store.getTrace(traceId);
  const t1 = performance.now();
  const json = JSON.stringify(spansToOtlpJson(read));
  const t2 = performance.now();
  const outline = await store.getTraceOutline(traceId);
  const t3 = performance.now();
  const timeline = JSON.stringify(traceTimelineJson(outline));
  const t4 = performance.now();
  console.log(
    `  getTrace ${Math.round(t1 - t0)}, OTLP/JSON ${Math.round(t2 - t1)} (${(json.length / 1e6).toFixed(1)} MB) | getTraceOutline ${Math.round(t3 - t2)}, timeline JSON ${Math.round(t4 - t3)} (${(timeline.length / 1e6).toFixed(1)} MB)`,
  );
}
await store.close();

const session = new Session(join(dir, 'chdb'), { connectionArgs: ['--output_format_json_quote_64bit_integers=1'] } as never);
const sql = `SELECT ${SPAN_READ.select} FROM spans WHERE trace_id = unhex('${traceId}')`;
for (const format of ['RowBinary', 'JSONEachRow']) {
  const t0 = performance.now();
  const result = await session.queryAsync(sql, { format } as never);
  const t1 = performance.now();
  const bytes = result.bytes().length;
  console.log(`  reference: the span query as ${format}: ${Math.round(t1 - t0)} in chDB, ${(bytes / 1e6).toFixed(1)} MB`);
}
session.cleanup?.();
rmSync(dir, { recursive: true, force: true });
