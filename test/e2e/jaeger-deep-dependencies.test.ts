// Jaeger UI's Deep Dependency Graph over a running `skein serve`: the paths of known
// traces with their exemplar ids, the focal operation, the window, 400s, and the real
// Jaeger UI build drawing the graph from them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SpanShape } from '../../src/analyze/trace-tree.ts';
import { SpanKind, StatusCode } from '../../src/model/span.ts';
import { useBrowser } from '../support/browser.ts';
import { postOtlpJson, randomHex } from '../support/otlp-payloads.ts';
import { startJaegerUi, type RealUiServer } from '../support/real-ui-server.ts';
import { shopTrace, shopTracesOtlpJson } from '../support/shop-traces.ts';
import { eventually, useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';

let skein: SkeinProcess;
const NOW_MS = Date.now();
const msAgo = (ms: number) => BigInt(NOW_MS - ms) * 1_000_000n;

/** gateway GET /status → its client span → checkout GET /health. */
function statusTrace(startNs: bigint): SpanShape[] {
  const span = (service: string, name: string, kind: number, parent?: SpanShape): SpanShape => ({
    spanId: randomHex(8),
    parentSpanId: parent?.spanId ?? '',
    serviceName: service,
    name,
    kind,
    startNs,
    endNs: startNs + 2_000_000n,
    statusCode: StatusCode.UNSET,
  });
  const root = span('gateway', 'GET /status', SpanKind.SERVER);
  const call = span('gateway', 'GET checkout', SpanKind.CLIENT, root);
  return [root, call, span('checkout', 'GET /health', SpanKind.SERVER, call)];
}

// Four shop traces (gateway → checkout → cart and inventory, 40 to 10 s ago) and a status check.
const shopTraces = [40_000, 30_000, 20_000, 10_000].map((ago, i) => shopTrace({}, i / 4, msAgo(ago)));
const status = statusTrace(msAgo(15_000));
const body = shopTracesOtlpJson([...shopTraces, status]);
/** The trace id shopTracesOtlpJson gave the trace whose root is `root`. */
function traceIdOf(root: SpanShape): string {
  const spans = (JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: { traceId: string; spanId: string }[] }[] }[] }).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  return spans.find((s) => s.spanId === root.spanId)!.traceId;
}
const shopIdsLatestFirst = shopTraces.map((t) => traceIdOf(t[0]!)).reverse();

const hop = (service: string, operation: string) => ({ service, operation });
const exemplars = (ids: string[]) => ids.map((value) => ({ key: 'exemplar_trace_id', value }));
const toCart = { path: [hop('gateway', 'GET /checkout'), hop('checkout', 'POST /checkout'), hop('cart', 'GET /cart')], attributes: exemplars(shopIdsLatestFirst.slice(0, 3)) };
const toInventory = { path: [hop('gateway', 'GET /checkout'), hop('checkout', 'POST /checkout'), hop('inventory', 'GET /stock')], attributes: exemplars(shopIdsLatestFirst.slice(0, 3)) };
const toHealth = { path: [hop('gateway', 'GET /status'), hop('checkout', 'GET /health')], attributes: exemplars([traceIdOf(status[0]!)]) };

useSkeinProcess(async (started) => {
  skein = started;
  assert.equal((await postOtlpJson(skein.otlpHttpUrl, body)).status, 200);
  await eventually(async () => {
    const answer = (await (await fetch(`${skein.httpUrl}/api/deep-dependencies?service=checkout`)).json()) as { dependencies: unknown[] };
    return answer.dependencies.length === 3 ? true : undefined;
  }, 'the traces to be searchable');
});

async function get(path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${skein.httpUrl}${path}`);
  return { status: response.status, body: await response.json() };
}

describe('Jaeger deep dependencies', () => {
  it("answers Jaeger UI's request with every path through the focal service, most common first, latest exemplars first", async () => {
    // What Jaeger UI 1.74 sends (query-string sorts the keys; start and end are always 0).
    const answer = await get('/analytics/v1/dependencies?end=0&service=checkout&start=0');
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { dependencies: [toCart, toInventory, toHealth] });
  });

  it("answers jaeger-query's /api/deep-dependencies the same", async () => {
    assert.deepEqual(await get('/api/deep-dependencies?service=checkout'), { status: 200, body: { dependencies: [toCart, toInventory, toHealth] } });
  });

  it('?prettyPrint indents the answer with 4 spaces, as jaeger-query writes its answers', async () => {
    const pretty = await (await fetch(`${skein.httpUrl}/api/deep-dependencies?service=checkout&prettyPrint=true`)).text();
    assert.equal(pretty, JSON.stringify({ dependencies: [toCart, toInventory, toHealth] }, null, 4));
  });

  it('a focal operation or a downstream service keeps only the paths through it', async () => {
    assert.deepEqual((await get(`/api/deep-dependencies?service=checkout&operation=${encodeURIComponent('GET /health')}`)).body, { dependencies: [toHealth] });
    assert.deepEqual((await get('/api/deep-dependencies?service=inventory')).body, { dependencies: [toInventory] });
    assert.deepEqual((await get('/api/deep-dependencies?service=nobody')).body, { dependencies: [] });
  });

  it('start and end (Unix ms) choose the window', async () => {
    const hourAgo = NOW_MS - 3_600_000;
    assert.deepEqual((await get(`/api/deep-dependencies?service=checkout&start=${hourAgo - 3_600_000}&end=${hourAgo}`)).body, { dependencies: [] });
    // 25 to 12 s ago: the shop trace of 20 s ago and the status check of 15 s ago.
    const answer = await get(`/api/deep-dependencies?service=checkout&start=${NOW_MS - 25_000}&end=${NOW_MS - 12_000}`);
    const inWindow = exemplars([shopIdsLatestFirst[1]!]);
    assert.deepEqual(answer.body, { dependencies: [{ ...toCart, attributes: inWindow }, { ...toInventory, attributes: inWindow }, toHealth] });
  });

  it("bad or missing parameters are a 400 in Jaeger's envelope", async () => {
    const error = (msg: string) => ({ status: 400, body: { data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 400, msg }] } });
    assert.deepEqual(await get('/analytics/v1/dependencies?start=0&end=0'), error("parameter 'service': is required"));
    assert.deepEqual(await get('/api/deep-dependencies?service='), error("parameter 'service': is required"));
    const bad = await get('/api/deep-dependencies?service=checkout&start=yesterday');
    assert.equal(bad.status, 400);
    assert.match((bad.body as { errors: { msg: string }[] }).errors[0]!.msg, /^parameter 'start': 'yesterday' is not a time/);
    assert.deepEqual(await get(`/api/deep-dependencies?service=checkout&start=${NOW_MS}&end=${NOW_MS - 1000}`), error("parameter 'start': is after end"));
  });
});

describe('Jaeger UI draws the Deep Dependency Graph', () => {
  const browser = useBrowser();
  let ui: RealUiServer;
  before(async () => {
    ui = await startJaegerUi(skein.httpUrl);
  });
  after(async () => {
    await ui?.close();
  });

  it('the graph of a service has a node for each service on its paths, and no error', async () => {
    const page = await browser().newPage();
    try {
      const answered = page.waitForResponse((r) => r.url().includes('/analytics/v1/dependencies'));
      await page.goto(`${ui.url}/deep-dependencies?service=checkout`);
      assert.equal((await answered).status(), 200);
      // The graph, or the error Jaeger UI shows when it cannot read the answer.
      await page.locator('.DdgNodeContent--label, .ErrorMessage').first().waitFor({ timeout: 20_000 });
      assert.deepEqual(await page.locator('.ErrorMessage').allTextContents(), []);
      const services = new Set((await page.locator('.DdgNodeContent--label').allTextContents()).map((text) => text.trim()));
      assert.deepEqual([...services].sort(), ['cart', 'checkout', 'gateway', 'inventory']);
    } finally {
      await page.close();
    }
  });
});
