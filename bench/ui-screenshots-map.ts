// Screenshots of the service map and service health pages for the docs, from realistic data.
//
//   npm run build && node --import tsx bench/ui-screenshots-map.ts
//
// Starts `skein serve` on free ports with a fresh data directory, sends an hour of a small
// shop's traces over OTLP/HTTP JSON (a trace every 0.5 s on average: a frontend calling cart,
// inventory and checkout, checkout calling payment and shipping; a PostgreSQL catalog and
// Redis as uninstrumented databases, a payment provider and a carrier's rate API as
// uninstrumented external peers; 20 to 10 minutes ago the payment provider slows down and
// fails more often), then writes docs/images/service-map.png (dark theme) and
// docs/images/health.png (light theme, the frontend service) with headless chromium.
import { mkdirSync } from 'node:fs';
import { launchChromium } from '../test/support/browser.ts';
import { postOtlpJson, randomHex } from '../test/support/otlp-payloads.ts';
import { startSkeinProcess } from '../test/support/skein-process.ts';

const OUT = new URL('../docs/images/', import.meta.url);
/** Mean time between traces; traffic swells and ebbs around it over the hour. */
const TRACE_EVERY_MS = 500;
const WINDOW_MS = 60 * 60 * 1000;
const INCIDENT = { fromAgoMs: 20 * 60 * 1000, toAgoMs: 10 * 60 * 1000 };

const SERVER = 2;
const CLIENT = 3;

/** A span to emit: its own time, attributes, whether it fails by itself, and its calls in order. */
interface Step {
  service: string;
  name: string;
  kind: number;
  selfMs: number;
  attributes?: Record<string, string>;
  fails?: boolean;
  children?: Step[];
}

interface OtlpSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: { stringValue: string } }[];
  status: { code: number };
}

// A seeded generator, so the screenshots are the same from run to run (but for the clock).
let seed = 42;
function random(): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x80000000;
}
/** Mostly near `ms`, with a long tail, as latencies are. */
function latency(ms: number): number {
  return ms * Math.exp((random() + random() + random() - 1.5) * 0.6) * (random() < 0.03 ? 3 : 1);
}

/** A call from one service to another: the caller's client span around the callee's server span. */
function rpc(caller: string, callee: Step, name = callee.name): Step {
  return { service: caller, name, kind: CLIENT, selfMs: latency(0.6), children: [callee] };
}
/** A call to something that sends no spans: only the caller's client span. */
function peerCall(caller: string, name: string, ms: number, attributes: Record<string, string>, fails = false): Step {
  return { service: caller, name, kind: CLIENT, selfMs: latency(ms), attributes, fails };
}

const catalog = (name: string, ms: number) => peerCall('inventory', name, ms, { 'db.system': 'postgresql', 'db.name': 'catalog' });
const redis = (service: string, name: string) => peerCall(service, name, 0.8, { 'db.system': 'redis' });

function cartGet(): Step {
  return { service: 'cart', name: 'GET /carts/:user', kind: SERVER, selfMs: latency(2), children: [redis('cart', 'HGETALL')] };
}

function shopTraceSteps(agoMs: number): Step {
  const incident = agoMs <= INCIDENT.fromAgoMs && agoMs >= INCIDENT.toAgoMs;
  const route = random();
  if (route < 0.4) {
    return {
      service: 'frontend', name: 'GET /api/products', kind: SERVER, selfMs: latency(4),
      children: [rpc('frontend', { service: 'inventory', name: 'GET /products', kind: SERVER, selfMs: latency(3), children: [catalog('SELECT products', 9)] })],
    };
  }
  if (route < 0.62) {
    return { service: 'frontend', name: 'GET /api/cart', kind: SERVER, selfMs: latency(3), children: [rpc('frontend', cartGet())] };
  }
  if (route < 0.8) {
    return {
      service: 'frontend', name: 'POST /api/cart/items', kind: SERVER, selfMs: latency(3),
      children: [rpc('frontend', { service: 'cart', name: 'POST /carts/:user/items', kind: SERVER, selfMs: latency(3), fails: random() < 0.004, children: [redis('cart', 'HSET')] })],
    };
  }
  const providerFails = random() < (incident ? 0.12 : 0.01);
  const payment: Step = {
    service: 'payment', name: 'POST /payments', kind: SERVER, selfMs: latency(6),
    children: [peerCall('payment', 'POST /v1/charges', incident ? 420 : 120, { 'peer.service': 'payment-provider', 'server.address': 'api.payments.example' }, providerFails)],
  };
  const shipping: Step = {
    service: 'shipping', name: 'POST /shipments', kind: SERVER, selfMs: latency(5),
    children: [peerCall('shipping', 'GET /rates', 60, { 'server.address': 'rates.carrier.example' }, random() < 0.02)],
  };
  return {
    service: 'frontend', name: 'POST /api/checkout', kind: SERVER, selfMs: latency(5),
    children: [
      rpc('frontend', {
        service: 'checkout', name: 'POST /orders', kind: SERVER, selfMs: latency(8),
        children: [
          rpc('checkout', cartGet()),
          rpc('checkout', { service: 'inventory', name: 'POST /reservations', kind: SERVER, selfMs: latency(4), children: [catalog('UPDATE stock', 14)] }),
          rpc('checkout', payment),
          ...(providerFails ? [] : [rpc('checkout', shipping)]),
        ],
      }),
    ],
  };
}

/** Random arrivals (exponential gaps), at a rate that swells and ebbs over the hour. */
function nextGapMs(agoMs: number): number {
  const load = 1 + 0.35 * Math.sin((2 * Math.PI * agoMs) / (45 * 60 * 1000));
  return (-Math.log(1 - random()) * TRACE_EVERY_MS) / load;
}

/** Emits a step and its calls from startMs (children one after another); returns its end and whether it failed. */
function emit(step: Step, traceId: string, parentSpanId: string, startMs: number, out: OtlpSpan[]): { endMs: number; failed: boolean } {
  const spanId = randomHex(8);
  let t = startMs + step.selfMs / 2;
  let failed = step.fails === true;
  for (const child of step.children ?? []) {
    const result = emit(child, traceId, spanId, t + 0.1, out);
    t = result.endMs + 0.1;
    failed ||= result.failed;
  }
  const endMs = t + step.selfMs / 2;
  const ns = (ms: number) => String(BigInt(Math.round(ms * 1e6)));
  out.push({
    service: step.service,
    traceId,
    spanId,
    parentSpanId,
    name: step.name,
    kind: step.kind,
    startTimeUnixNano: ns(startMs),
    endTimeUnixNano: ns(endMs),
    attributes: Object.entries(step.attributes ?? {}).map(([key, value]) => ({ key, value: { stringValue: value } })),
    status: { code: failed ? 2 : 0 },
  });
  return { endMs, failed };
}

function request(spans: OtlpSpan[]): string {
  const byService = new Map<string, Omit<OtlpSpan, 'service'>[]>();
  for (const { service, ...span } of spans) {
    if (!byService.has(service)) byService.set(service, []);
    byService.get(service)!.push(span);
  }
  return JSON.stringify({
    resourceSpans: [...byService].map(([service, list]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [{ scope: { name: 'shop' }, spans: list }],
    })),
  });
}

const skein = await startSkeinProcess();
try {
  const now = Date.now();
  let batch: OtlpSpan[] = [];
  let total = 0;
  for (let at = now - WINDOW_MS + 1000; at < now - 5000; at += nextGapMs(now - at)) {
    emit(shopTraceSteps(now - at), randomHex(16), '', at, batch);
    if (batch.length >= 4000) {
      total += await send(batch);
      batch = [];
    }
  }
  total += await send(batch);
  await waitUntilStored(total);
  console.log(`${total} spans in the store`);

  mkdirSync(OUT, { recursive: true });
  const browser = await launchChromium();
  try {
    const map = await browser.newPage({ viewport: { width: 1400, height: 900 }, colorScheme: 'dark', deviceScaleFactor: 1 });
    await map.goto(`${skein.httpUrl}/map?lookback=1h`);
    await map.locator('.map-graph[data-node-count]').waitFor();
    await map.waitForTimeout(500); // cytoscape draws on the next animation frames
    await map.screenshot({ path: new URL('service-map.png', OUT).pathname, fullPage: true });

    const health = await browser.newPage({ viewport: { width: 1400, height: 900 }, colorScheme: 'light', deviceScaleFactor: 1 });
    await health.goto(`${skein.httpUrl}/health?service=frontend&lookback=1h`);
    await health.locator('.red-chart canvas').first().waitFor();
    await health.locator('table[aria-label="Operations"]').waitFor();
    await health.waitForTimeout(300);
    await health.screenshot({ path: new URL('health.png', OUT).pathname, fullPage: true });
    console.log(`wrote ${new URL('service-map.png', OUT).pathname} and health.png`);
  } finally {
    await browser.close();
  }
} finally {
  await skein.stop();
  skein.removeData();
}

async function send(spans: OtlpSpan[]): Promise<number> {
  if (spans.length === 0) return 0;
  const res = await postOtlpJson(skein.otlpHttpUrl, request(spans));
  if (!res.ok) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  return spans.length;
}

async function waitUntilStored(spans: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const status = (await (await fetch(`${skein.httpUrl}/api/v1/status`)).json()) as { pipeline: { pendingSpans: number; writtenSpans: number } };
    if (status.pipeline.pendingSpans === 0 && status.pipeline.writtenSpans >= spans) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the store did not catch up in 60 s');
}
