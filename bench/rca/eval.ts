// `npm run eval:rca`: runs the root-cause suite (scenarios.ts) against the demo shop and
// scores Skein's ranking (/api/v1/root-cause) against the fault log, beside a baseline
// method ("the service whose p95 grew most"), in the same run. Prints markdown for
// docs/RCA.md.
//
// One Skein (in this process, embedded store) and one demo run the whole suite. Each
// scenario: BASELINE_S healthy, then its faults for FAULT_S, then GAP_S to recover. The
// windows come from the fault log (when the faults really started and ended).
// Options: --seed N (scenarios and load, default 1), --rps N (default 20), --only NAME,
// --baseline S, --fault S, --gap S.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { parseFaultSpec, type FaultRecord } from '../../demo/faults.ts';
import { startDemo } from '../../demo/orchestrator.ts';
import { loadConfig } from '../../src/cli/config.ts';
import { startSkein } from '../../src/cli/serve.ts';
import { scoreRanking, summarize, type Scored } from './score.ts';
import { scenarios, type Scenario } from './scenarios.ts';

const { values: args } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    rps: { type: 'string', default: '20' },
    only: { type: 'string' },
    baseline: { type: 'string', default: '15' },
    fault: { type: 'string', default: '15' },
    gap: { type: 'string', default: '5' },
  },
});
const seed = Number(args.seed);
const [BASELINE_S, FAULT_S, GAP_S] = [Number(args.baseline), Number(args.fault), Number(args.gap)];
const suite = scenarios(seed).filter((s) => !args.only || s.name.includes(args.only));

const dataDir = mkdtempSync(join(tmpdir(), 'skein-rca-'));
const config = loadConfig(['--data-dir', dataDir, '--retention', '0', ...['http', 'otlp-http', 'otlp-grpc', 'zipkin', 'jaeger', 'tempo'].flatMap((p) => [`--${p}-port`, '0'])]);
const skein = await startSkein(config, pino({ level: 'warn' }));
const api = `http://127.0.0.1:${skein.ports.http}`;
const demo = await startDemo({
  endpoint: `http://127.0.0.1:${skein.ports.otlpHttp}`,
  dataDir: join(dataDir, 'demo'),
  basePort: 0,
  rps: Number(args.rps),
  seed,
  logLevel: 'warn',
  // Spans reach Skein within a second, so windows are complete soon after they end.
  env: { OTEL_BSP_SCHEDULE_DELAY: '500' },
});
const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

const started = Date.now();
console.error(`RCA suite: ${suite.length} scenarios, ${BASELINE_S}+${FAULT_S}+${GAP_S} s each, ${args.rps} rps, seed ${seed}`);
const runs: { scenario: Scenario; records: FaultRecord[] }[] = [];
await sleep(10); // warm-up: caches, connections, JIT
for (const scenario of suite) {
  await sleep(BASELINE_S);
  const records = await Promise.all(scenario.faults.map((spec) => demo.faults.add({ ...parseFaultSpec(spec), forMs: FAULT_S * 1000 })));
  await sleep(FAULT_S + GAP_S);
  runs.push({ scenario, records: records.map((r) => demo.faults.get(r.id)!) });
  console.error(`  ran ${scenario.name} (${Math.round((Date.now() - started) / 1000)} s)`);
}
await sleep(3);

const scored: Scored[] = [];
for (const { scenario, records } of runs) {
  const startNs = minNs(records.map((r) => BigInt(r.start!.unixNano)));
  const endNs = maxNs(records.map((r) => BigInt(r.end!.unixNano)));
  const baselineStartNs = startNs - BigInt(BASELINE_S) * 1_000_000_000n;
  const window = { start: ms(startNs), end: ms(endNs), baselineStart: ms(baselineStartNs), baselineEnd: ms(startNs) - 1 };
  const skeinRanking = await rootCause(window);
  const baselineRanking = await largestP95Increase(window);
  scored.push(scoreRanking(scenario, 'Skein', skeinRanking), scoreRanking(scenario, 'largest p95 increase', baselineRanking));
  console.error(`  ${scenario.name}: truth ${scenario.truth.join('+')}; Skein ${skeinRanking.slice(0, 3).join(', ')}; baseline ${baselineRanking.slice(0, 3).join(', ')}`);
}

await demo.stop();
await skein.stop();
rmSync(dataDir, { recursive: true, force: true });
console.log(summarize(scored, { seed, rps: Number(args.rps), baselineS: BASELINE_S, faultS: FAULT_S, minutes: Math.round((Date.now() - started) / 60000) }));

interface Window {
  start: number;
  end: number;
  baselineStart: number;
  baselineEnd: number;
}

async function rootCause(w: Window): Promise<string[]> {
  const res = await fetch(`${api}/api/v1/root-cause?start=${w.start}&end=${w.end}&baselineStart=${w.baselineStart}&baselineEnd=${w.baselineEnd}`);
  const body = (await res.json()) as { candidates: { service: string }[] };
  return body.candidates.map((c) => c.service);
}

/** The baseline method: services by the largest growth of an operation's p95 (what they serve). */
async function largestP95Increase(w: Window): Promise<string[]> {
  const p95ByService = async (start: number, end: number) => {
    const res = await fetch(`${api}/api/v1/metrics?start=${start}&end=${end}&spanKind=server&spanKind=consumer`);
    const { series } = (await res.json()) as { series: { service: string; operation: string; points: { p95Nanos: number }[] }[] };
    return new Map(series.map((s) => [`${s.service}\u0000${s.operation}`, { service: s.service, p95: s.points[0]?.p95Nanos ?? 0 }]));
  };
  const [before, during] = await Promise.all([p95ByService(w.baselineStart, w.baselineEnd), p95ByService(w.start, w.end)]);
  const growth = new Map<string, number>();
  for (const [key, { service, p95 }] of during) growth.set(service, Math.max(growth.get(service) ?? -Infinity, p95 - (before.get(key)?.p95 ?? p95)));
  return [...growth].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([service]) => service);
}

function ms(ns: bigint): number {
  return Number(ns / 1_000_000n);
}
function minNs(values: bigint[]): bigint {
  return values.reduce((a, b) => (b < a ? b : a));
}
function maxNs(values: bigint[]): bigint {
  return values.reduce((a, b) => (b > a ? b : a));
}
