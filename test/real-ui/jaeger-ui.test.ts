// The real Jaeger UI (v1.74.0's production build, ../shared/real-uis) against a running
// Skein, served as jaeger-query serves it (test/support/real-ui-server.ts): the demo shop's
// traffic, two checkouts of its own, 40 minutes of a synthetic shop's history, and captures from real clients (the Go zipkin client
// with 64-bit ids, Python's aiozipkin, the OpenTelemetry Go SDK's Jaeger exporter). Each
// page must show what Skein holds, and no request may fail, no error reach the console.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Page } from 'playwright-core';
import { useBrowser } from '../support/browser.ts';
import { docsScreenshot, rebasedZipkinSpans, startJaegerUi, withWatchedPage, type RealUiServer } from '../support/real-ui-server.ts';
import { postOtlpJson } from '../support/otlp-payloads.ts';
import { shopTracesOtlpJson, slowInventoryIncident } from '../support/shop-traces.ts';
import { testdataFile } from '../support/testdata.ts';
import { checkout, fetchTrace, Kind, search, shop, useDemo, waitForTrace, wholeTrace, type Span } from '../demo/helpers.ts';
import { eventually } from '../support/skein-process.ts';

/** Half of inventory's product listings fail, so that frontend has failed traces to find (the tests' own checkouts do not list products). */
const FAILING_LISTINGS = 'error:service=inventory,operation=GET /products,rate=0.5';
const running = useDemo({ rps: 4, seed: 11, faults: [FAILING_LISTINGS], env: { OTEL_BSP_SCHEDULE_DELAY: '200' } });
const browser = useBrowser();

/** The captures' traces: the Go zipkin client's id is 64-bit. */
const GO_ZIPKIN_TRACE = '5fc9a53bb5b1ef26';
const JAEGER_THRIFT_TRACE = 'f05aad922ac89a8bd5ae3b94d3db0b5f';
/** The Jaeger Thrift capture keeps its own time (a binary body is not re-timed here): 2026-11-25. */
const JAEGER_THRIFT_START_MS = Date.UTC(2026, 10, 25, 21, 0);

let ui: RealUiServer;
/** Two checkouts by one user, their traces whole in Skein, and the cart additions' trace. */
let checkouts: { traceId: string; spans: Span[] }[] = [];
let addedProduct7 = '';

// Set up by the first test: node:test runs the file's before() hooks concurrently, so one
// here would start before useDemo's Skein is up.
let setUp: Promise<void> | undefined;
async function setUpOnce(): Promise<void> {
  setUp ??= sendTraces();
  await setUp;
}

async function sendTraces(): Promise<void> {
  const { skein, demo } = running;
  // First, so a missing build fails the file at once, naming where it should be.
  ui = await startJaegerUi(skein.httpUrl);
  for (const file of ['nonjs-zipkin-1.json', 'nonjs-zipkin-3.json']) {
    const body = JSON.stringify(rebasedZipkinSpans(testdataFile('captured', file), 5 * 60_000));
    const res = await fetch(`${skein.zipkinUrl}/api/v2/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(res.status, 202, file);
  }
  const thrift = testdataFile('captured', 'nonjs-jaeger-2.thrift');
  const res = await fetch(`${skein.jaegerUrl}/api/traces`, { method: 'POST', headers: { 'content-type': 'application/x-thrift' }, body: new Uint8Array(thrift) });
  assert.equal(res.status, 202, 'nonjs-jaeger-2.thrift');

  // History the demo cannot have yet: 40 minutes of a small synthetic shop (its services
  // named shop-*, apart from the demo's), inventory 80 ms slower in the last 10.
  const history = slowInventoryIncident(Date.now()).map((trace) => trace.map((span) => ({ ...span, serviceName: `shop-${span.serviceName}` })));
  const sent = await postOtlpJson(skein.otlpHttpUrl, shopTracesOtlpJson(history));
  assert.equal(sent.status, 200, 'the synthetic shop');

  for (let i = 0; i < 2; i++) {
    const added = await shop(demo.urls.frontend, 'POST', '/api/cart/items', { user: 'ui-alice', productId: 7, quantity: 1 });
    addedProduct7 = added.traceId;
    const placed = await checkout(demo.urls.frontend, 'ui-alice', []);
    assert.equal(placed.status, 200, JSON.stringify(placed.body));
    checkouts.push({ traceId: placed.traceId, spans: [] });
  }
  for (const c of checkouts) c.spans = await wholeTrace(skein, c.traceId);
  await eventually(async () => ((await search(skein, { service: 'frontend', errors: 'true' })).length > 0 ? true : undefined), 'a failed product listing');
  await waitForTrace(skein, GO_ZIPKIN_TRACE, (spans) => spans.length === 2, 'the Go zipkin capture');
  await waitForTrace(skein, JAEGER_THRIFT_TRACE, (spans) => spans.length === 2, 'the Jaeger Thrift capture');
}
after(async () => ui?.close());

async function onPage(run: (page: Page) => Promise<void>, options?: Parameters<typeof withWatchedPage>[2]) {
  await setUpOnce();
  return withWatchedPage(browser(), run, options);
}

interface ResultItem {
  traceId: string;
  title: string;
  idExcerpt: string;
  spans: number;
  /** The "N Errors" tag, 0 when absent. */
  errors: number;
}

/** Opens the search page with the query in its URL, as a link or the form leaves it, and reads the result list. */
async function searchPage(page: Page, query: Record<string, string>): Promise<ResultItem[]> {
  await page.goto(`${ui.url}/search?${new URLSearchParams({ lookback: '1h', limit: '20', ...query })}`);
  await page.locator('.ResultItem, [data-test="no-results"], .u-simple-card').first().waitFor();
  return page.locator('.ResultItem').evaluateAll((items) =>
    items.map((item) => ({
      traceId: item.querySelector('a[href^="/trace/"]')!.getAttribute('href')!.slice('/trace/'.length),
      title: item.querySelector('.ResultItemTitle--title .TraceName')!.textContent!.trim(),
      idExcerpt: item.querySelector('.ResultItemTitle--idExcerpt')?.textContent?.trim() ?? '',
      spans: Number([...item.querySelectorAll('.ant-tag')].map((tag) => /^(\d+) Spans?$/.exec(tag.textContent!.trim())?.[1]).find(Boolean)),
      errors: Number([...item.querySelectorAll('.ant-tag')].map((tag) => /^(\d+) Errors?$/.exec(tag.textContent!.trim())?.[1]).find(Boolean) ?? 0),
    })),
  );
}

const ids = (items: ResultItem[]) => items.map((i) => i.traceId);

test('search by service lists that service\'s traces, span counts as Skein has them', async () => {
  await onPage(async (page) => {
    const items = await searchPage(page, { service: 'frontend' });
    assert.ok(items.length >= 3, `frontend traces listed: ${items.length}`);
    for (const item of items) assert.match(item.title, /^frontend: /, 'each result is rooted in frontend');
    // The shop goes on sending: Skein's newest 200 include whatever the page listed moments ago.
    const expected = await search(running.skein, { service: 'frontend', limit: '200' });
    assert.deepEqual(ids(items).filter((id) => !expected.includes(id)), [], 'only traces Skein finds');
    for (const c of checkouts) {
      const listed = items.find((i) => i.traceId === c.traceId);
      if (listed) assert.equal(listed.spans, c.spans.length, `span count of ${c.traceId}`);
    }
  });
});

test('search by service and operation lists both checkouts', async () => {
  await onPage(async (page) => {
    const items = await searchPage(page, { service: 'frontend', operation: 'POST /api/checkout' });
    for (const c of checkouts) assert.ok(ids(items).includes(c.traceId), `checkout ${c.traceId} listed among ${ids(items)}`);
    for (const item of items) assert.equal(item.title, 'frontend: POST /api/checkout');
  });
});

test('search by tags: a string tag and a numeric (int attribute) tag', async () => {
  await onPage(async (page) => {
    const byUser = await searchPage(page, { service: 'frontend', operation: 'POST /api/checkout', tags: JSON.stringify({ 'app.user.id': 'ui-alice' }) });
    assert.deepEqual(ids(byUser).sort(), checkouts.map((c) => c.traceId).sort(), 'app.user.id=ui-alice: the two checkouts');
    // app.product.id is an int attribute; Jaeger tags are untyped text.
    const byProduct = await searchPage(page, { service: 'frontend', operation: 'POST /api/cart/items', tags: JSON.stringify({ 'app.product.id': '7' }) });
    assert.ok(ids(byProduct).includes(addedProduct7), `app.product.id=7 lists ${addedProduct7}: got ${ids(byProduct)}`);
  });
});

test('search by error=true lists failed traces, each marked with its errors', async () => {
  await onPage(async (page) => {
    const items = await searchPage(page, { service: 'frontend', tags: JSON.stringify({ error: 'true' }) });
    assert.ok(items.length > 0, 'failed product listings found');
    for (const item of items) assert.ok(item.errors > 0, `${item.traceId} (${item.title}) shows its errors`);
  });
});

test('search by min and max duration, on the 64-bit Go zipkin capture (root 5.27 ms, child 5.21 ms)', async () => {
  await onPage(async (page) => {
    const inside = await searchPage(page, { service: 'go-zipkin-demo', minDuration: '5ms', maxDuration: '6ms' });
    assert.deepEqual(ids(inside), [GO_ZIPKIN_TRACE], 'a 5-6 ms span');
    assert.equal(inside[0].idExcerpt, GO_ZIPKIN_TRACE.slice(0, 7), 'the 64-bit id as Jaeger shows it (its first 7 digits)');
    assert.equal(inside[0].title, 'go-zipkin-demo: GET /checkout');
    assert.deepEqual(ids(await searchPage(page, { service: 'go-zipkin-demo', minDuration: '6ms' })), [], 'no span of 6 ms or more');
    assert.deepEqual(ids(await searchPage(page, { service: 'go-zipkin-demo', maxDuration: '5ms' })), [], 'no span under 5 ms');
  });
});

test('search in a custom time range finds the Jaeger Thrift capture where it was recorded', async () => {
  await onPage(async (page) => {
    const items = await searchPage(page, {
      service: 'go-otel-demo',
      lookback: 'custom',
      start: String(JAEGER_THRIFT_START_MS * 1000),
      end: String((JAEGER_THRIFT_START_MS + 3600_000) * 1000),
    });
    assert.deepEqual(ids(items), [JAEGER_THRIFT_TRACE]);
    assert.equal(items[0].spans, 2);
  });
});

interface TraceRow {
  spanId: string;
  /** data-ancestor-id of each indent guide: "root", then each ancestor down to the parent. */
  ancestors: string[];
  service: string;
  operation: string;
}

async function traceRows(page: Page): Promise<TraceRow[]> {
  return page.locator('.VirtualizedTraceView--row[data-item-key$="--bar"]').evaluateAll((rows) =>
    rows.map((row) => ({
      spanId: row.getAttribute('data-item-key')!.replace(/--bar$/, ''),
      ancestors: [...row.querySelectorAll('.SpanTreeOffset--indentGuide')].map((g) => g.getAttribute('data-ancestor-id')!),
      // The first text only: a client span's peer service follows in the same element.
      service: row.querySelector('.span-svc-name')!.firstChild!.textContent!.trim(),
      operation: row.querySelector('.endpoint-name')!.textContent!.trim(),
    })),
  );
}

/** The chain of ancestors Jaeger UI should indent a span under: "root", then from the top down. */
function expectedAncestors(spans: Span[], span: Span): string[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const chain: string[] = [];
  for (let p = byId.get(span.parentSpanId ?? ''); p; p = byId.get(p.parentSpanId ?? '')) chain.unshift(p.spanId);
  return ['root', ...chain];
}

test('trace page: one row per span, each indented under its parent', async () => {
  // Tall enough that the virtualized list renders every row of a ~35-span checkout.
  await onPage(
    async (page) => {
      const { traceId, spans } = checkouts[0];
      await page.goto(`${ui.url}/trace/${traceId}`);
      await page.locator('.VirtualizedTraceView--row').first().waitFor();
      const header = await page.locator('.TracePageHeader').innerText();
      assert.match(header, new RegExp(`Total Spans\\s*${spans.length}\\b`), `header: ${header}`);
      assert.ok(header.includes(traceId.slice(0, 7)), `trace id excerpt in the header: ${header}`);
      const rows = await traceRows(page);
      assert.equal(rows.length, spans.length, 'rows');
      for (const row of rows) {
        const span = spans.find((s) => s.spanId === row.spanId);
        assert.ok(span, `row ${row.spanId} is a span of the trace`);
        assert.equal(row.service, span.service);
        assert.equal(row.operation, span.name);
        assert.deepEqual(row.ancestors, expectedAncestors(spans, span), `nesting of ${span.service} ${span.name}`);
      }
    },
    { viewport: { width: 1400, height: 1600 } },
  );
});

test('trace page of the 64-bit capture shows its 16-digit id and both spans nested', async () => {
  await onPage(async (page) => {
    await page.goto(`${ui.url}/trace/${GO_ZIPKIN_TRACE}`);
    await page.locator('.VirtualizedTraceView--row').first().waitFor();
    const header = await page.locator('.TracePageHeader').innerText();
    assert.ok(header.includes(GO_ZIPKIN_TRACE.slice(0, 7)), `header shows ${GO_ZIPKIN_TRACE.slice(0, 7)}: ${header.split('\n')[0]}`);
    const rows = await traceRows(page);
    assert.deepEqual(
      rows.map((r) => [r.operation, r.ancestors]),
      [
        ['GET /checkout', ['root']],
        ['db.query', ['root', GO_ZIPKIN_TRACE]],
      ],
    );
  });
});

test('span detail opens with the span\'s tags', async () => {
  await onPage(async (page) => {
    const { traceId, spans } = checkouts[0];
    const payment = spans.find((s) => s.service === 'payment' && s.kind === Kind.SERVER)!;
    await page.goto(`${ui.url}/trace/${traceId}`);
    const row = page.locator(`.VirtualizedTraceView--row[data-item-key="${payment.spanId}--bar"]`);
    await row.locator('.span-name').click();
    const detail = page.locator(`.VirtualizedTraceView--row[data-item-key="${payment.spanId}--detail"]`);
    await detail.waitFor();
    assert.ok((await detail.innerText()).includes(payment.name), 'the detail names the span');
    // The tags start collapsed to one line of key=value; opening them shows the table.
    await detail.locator('.AccordianKeyValues--header', { hasText: 'Tags' }).click();
    const table = await detail.locator('.KeyValueTable').first().innerText();
    for (const a of payment.attributes ?? []) assert.ok(table.includes(a.key), `tag ${a.key} in ${table}`);
    assert.ok(table.includes('span.kind'), 'span.kind tag');
  });
});

test('compare: two checkouts side by side, their operations in the diff graph', async () => {
  await onPage(async (page) => {
    const [a, b] = checkouts;
    await page.goto(`${ui.url}/trace/${a.traceId}...${b.traceId}`);
    await page.locator('.DiffNode').first().waitFor();
    const headers = await page.locator('.TraceDiffHeader').innerText();
    assert.ok(headers.includes(a.traceId.slice(0, 7)) && headers.includes(b.traceId.slice(0, 7)), `both ids: ${headers}`);
    const labels = await page.locator('.DiffNode--labelCell').allInnerTexts();
    for (const name of ['POST /api/checkout', 'POST /orders', 'POST /payments']) assert.ok(labels.includes(name), `${name} in the diff graph`);
  });
});

test('dependencies page draws the services and the uninstrumented payment provider', async () => {
  await onPage(async (page) => {
    await page.goto(`${ui.url}/dependencies`);
    await page.locator('.DAG--nodeLabel').first().waitFor();
    const nodes = await page.locator('.DAG--nodeLabel').allInnerTexts();
    for (const service of ['frontend', 'checkout', 'cart', 'inventory', 'payment', 'shipping', 'payment-provider']) {
      assert.ok(nodes.includes(service), `${service} among ${nodes}`);
    }
  });
});

/** Opens the Monitor tab on `service` (the tab keeps its last service in localStorage) and checks its charts and operations. */
async function monitorShows(page: Page, service: string, operation: string): Promise<void> {
  await page.evaluate((name) => localStorage.setItem('lastAtmSearchService', JSON.stringify(name)), service);
  await page.goto(`${ui.url}/monitor`);
  await page.locator('.service-view-container').waitFor();
  // The charts are drawn once the five /api/metrics/* answers are in.
  await page.locator('.recharts-area-area, .graph-container:has-text("Could not fetch data"), .ops-table-error-placeholder').first().waitFor();
  await page.waitForLoadState('networkidle');
  const text = await page.locator('.service-view-container').innerText();
  assert.ok(text.includes(`Aggregation of all "${service}" metrics`), `the tab shows ${service}`);
  assert.ok(!/No data yet/.test(await page.locator('body').innerText()), `${service}: the "No data yet!" banner is gone`);
  assert.ok(!/Could not fetch data|Couldn.t fetch data/.test(text), `${service}: every chart fetched: ${text.slice(0, 400)}`);
  assert.ok((await page.locator('.recharts-area-area').count()) >= 3, `${service}: an area in each of the three charts`);
  await page.locator('.service-view-container tr.table-row').first().waitFor();
  const operations = await page.locator('.service-view-container tr.table-row').allInnerTexts();
  assert.ok(operations.some((row) => row.includes(operation)), `${service}'s operations: ${operations}`);
}

test('Monitor tab: latency, error rate and request rate charts and the operations table, for the demo and for 40 minutes of history', async () => {
  await onPage(
    async (page) => {
      await page.goto(ui.url);
      await monitorShows(page, 'frontend', 'POST /api/checkout');
      // The docs' picture: the synthetic shop's last 40 minutes, inventory slower in the last 10.
      await monitorShows(page, 'shop-gateway', 'GET /checkout');
      await docsScreenshot(page, 'jaeger-ui-monitor');
    },
    { viewport: { width: 1400, height: 1000 } },
  );
});

test('Deep Dependency Graph page for frontend shows a graph, no error', async () => {
  await onPage(async (page) => {
    const answer = page.waitForResponse((r) => r.url().includes('/analytics/v1/dependencies'));
    await page.goto(`${ui.url}/deep-dependencies?service=frontend`);
    const ddg = await answer;
    const body = `${ddg.status()} ${(await ddg.text()).slice(0, 300)}`;
    // The graph's layout is worked out in a web worker: its nodes come a moment after the answer.
    await page.locator('.DdgNodeContent--label, .Ddg--graphWrapper :is(h1, .ErrorMessage)').first().waitFor();
    const shown = await page.locator('.Ddg--graphWrapper').innerText();
    assert.ok(!/HTTP Error|adblocker|nothing visible|no dependencies/i.test(shown), `the DDG shows: ${shown.slice(0, 400)} (answer: ${body})`);
    const nodes = await page.locator('.DdgNodeContent--label').allInnerTexts();
    for (const service of ['frontend', 'checkout', 'payment']) assert.ok(nodes.includes(service), `${service} among the graph's nodes ${nodes} (answer: ${body})`);
  });
});
