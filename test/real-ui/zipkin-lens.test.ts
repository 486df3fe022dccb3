// The real Zipkin Lens (production build, ../shared/real-uis) against a running Skein's
// Zipkin API, served under /zipkin/ as zipkin-server serves it (test/support/real-ui-server.ts):
// the demo shop's traffic, two checkouts of its own, the Go zipkin client's 64-bit capture
// and Yelp's trace from Zipkin's own UI test data (shared spans, an annotation). Searching,
// the trace page, autocomplete and the dependency graph must show what Skein holds, with
// no failed request and no console error.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Page } from 'playwright-core';
import { useBrowser } from '../support/browser.ts';
import { docsScreenshot, rebasedZipkinSpans, startZipkinLens, withWatchedPage, type RealUiServer } from '../support/real-ui-server.ts';
import { eventually } from '../support/skein-process.ts';
import { testdataFile } from '../support/testdata.ts';
import { checkout, ERROR, fetchTrace, Kind, search, shop, useDemo, waitForTrace, wholeTrace, type Span } from '../demo/helpers.ts';

// What zipkin-server's ZIPKIN_AUTOCOMPLETE_KEYS would list; Skein lists none unless told.
// Skein is started by useDemo with this process's environment.
process.env.SKEIN_ZIPKIN_AUTOCOMPLETE_KEYS = 'app.user.id,http.method';
/** Half of inventory's product listings fail, so that frontend has failed traces to find (the tests' own checkouts do not list products). */
const FAILING_LISTINGS = 'error:service=inventory,operation=GET /products,rate=0.5';
const running = useDemo({ rps: 4, seed: 12, faults: [FAILING_LISTINGS], env: { OTEL_BSP_SCHEDULE_DELAY: '200' } });
const browser = useBrowser();

const GO_ZIPKIN_TRACE = '5fc9a53bb5b1ef26';
const YELP_TRACE = 'a03ee8fff1dcd9b9';
const USER = 'lens-bob';

let lens: RealUiServer;
let checkouts: { traceId: string; spans: Span[] }[] = [];
/** The traces of adding product 3 to the cart before each checkout. */
const additions: string[] = [];

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
  lens = await startZipkinLens(skein.zipkinUrl);
  for (const [folder, file] of [['captured', 'nonjs-zipkin-1.json'], ['zipkin', 'yelp.json']]) {
    const body = JSON.stringify(rebasedZipkinSpans(testdataFile(folder, file), 5 * 60_000));
    const res = await fetch(`${skein.zipkinUrl}/api/v2/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(res.status, 202, `${file}: ${await res.text()}`);
  }
  for (let i = 0; i < 2; i++) {
    const added = await shop(demo.urls.frontend, 'POST', '/api/cart/items', { user: USER, productId: 3, quantity: 1 });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    additions.push(added.traceId);
    const placed = await checkout(demo.urls.frontend, USER, []);
    assert.equal(placed.status, 200, JSON.stringify(placed.body));
    checkouts.push({ traceId: placed.traceId, spans: [] });
  }
  for (const c of checkouts) c.spans = await wholeTrace(skein, c.traceId);
  await eventually(async () => ((await search(skein, { service: 'frontend', errors: 'true' })).length > 0 ? true : undefined), 'a failed product listing');
  await waitForTrace(skein, GO_ZIPKIN_TRACE, (spans) => spans.length === 2, 'the Go zipkin capture');
  await waitForTrace(skein, YELP_TRACE, (spans) => spans.length === 16, "Yelp's trace");
}
after(async () => lens?.close());

async function onPage(run: (page: Page) => Promise<void>, options?: Parameters<typeof withWatchedPage>[2]) {
  await setUpOnce();
  return withWatchedPage(browser(), run, options);
}

interface ResultRow {
  traceId: string;
  root: string;
  spans: number;
}

/** The result rows on the page (each links to its trace). */
function resultRows(page: Page): Promise<ResultRow[]> {
  return page.locator('tbody tr:has(a[href*="/zipkin/traces/"])').evaluateAll((rows) =>
    rows.map((row) => {
      const cells = [...row.querySelectorAll('td')].map((td) => td.textContent!.trim());
      return { traceId: row.querySelector('a[href*="/zipkin/traces/"]')!.getAttribute('href')!.split('/').pop()!, root: cells[1], spans: Number(cells[3]) };
    }),
  );
}

/**
 * Opens the search page with the query in its URL (as Lens writes it after a search) and
 * returns Lens's request to /api/v2/traces and the rows it shows.
 */
async function searchPage(page: Page, query: Record<string, string>): Promise<{ request: string; found: number; rows: ResultRow[] }> {
  const answer = page.waitForResponse((r) => r.url().includes('/zipkin/api/v2/traces?'));
  await page.goto(`${lens.url}?${new URLSearchParams({ lookback: '1h', endTs: String(Date.now()), limit: '10', ...query })}`);
  const response = await answer;
  const found = ((await response.json()) as unknown[]).length;
  if (found > 0) await page.locator('tbody tr a[href*="/zipkin/traces/"]').first().waitFor();
  return { request: decodeURIComponent(response.url()), found, rows: await resultRows(page) };
}

const ids = (rows: ResultRow[]) => rows.map((r) => r.traceId);

test('search by service lists its traces with their span counts', async () => {
  await onPage(async (page) => {
    const { rows } = await searchPage(page, { serviceName: 'frontend' });
    assert.equal(rows.length, 10, 'the default limit of 10 traces');
    for (const row of rows) assert.match(row.root, /^frontend: /);
    for (const c of checkouts) {
      const row = rows.find((r) => r.traceId === c.traceId);
      if (row) assert.equal(row.spans, c.spans.length, `span count of ${c.traceId}`);
    }
  });
});

test('search by service, span name and tags (annotationQuery, a string and an int attribute) lists what the tests sent', async () => {
  await onPage(async (page) => {
    const { rows, request } = await searchPage(page, { serviceName: 'frontend', spanName: 'POST /api/checkout', annotationQuery: `app.user.id=${USER}` });
    assert.deepEqual(ids(rows).sort(), checkouts.map((c) => c.traceId).sort(), `rows of ${request}`);
    for (const row of rows) assert.equal(row.root, 'frontend: POST /api/checkout');
    // app.product.id is an int attribute: Zipkin shows it as the tag "3", and finds it so.
    const byProduct = await searchPage(page, { serviceName: 'frontend', spanName: 'POST /api/cart/items', annotationQuery: 'app.product.id=3' });
    for (const id of additions) assert.ok(ids(byProduct.rows).includes(id), `cart addition ${id} found by ${byProduct.request}: ${ids(byProduct.rows)}`);
  });
});

test('search by annotationQuery=error lists failed traces only', async () => {
  await onPage(async (page) => {
    const { rows, request } = await searchPage(page, { serviceName: 'frontend', annotationQuery: 'error' });
    assert.ok(rows.length > 0, `failed product listings found by ${request}`);
    for (const row of rows) {
      const spans = (await fetchTrace(running.skein, row.traceId)) ?? [];
      assert.ok(spans.some((s) => s.status?.code === ERROR), `${row.traceId} (${row.root}) has a failed span`);
    }
  });
});

test('search by min and max duration finds the 64-bit capture (root 5.27 ms) and shows its 16-digit id', async () => {
  await onPage(async (page) => {
    const inside = await searchPage(page, { serviceName: 'go-zipkin-demo', minDuration: '5ms', maxDuration: '6ms' });
    assert.deepEqual(ids(inside.rows), [GO_ZIPKIN_TRACE], inside.request);
    assert.equal(inside.rows[0].root, 'go-zipkin-demo: GET /checkout');
    const tooLong = await searchPage(page, { serviceName: 'go-zipkin-demo', minDuration: '6ms' });
    assert.equal(tooLong.found, 0, tooLong.request);
  });
});

test('autocomplete: the configured keys and their values, then a search with the picked tag', async () => {
  await onPage(async (page) => {
    await page.goto(lens.url);
    await page.locator('[data-testid=add-button]').click();
    const input = page.locator('[data-testid=criterion-input]');
    const suggestions = input.locator('xpath=following-sibling::div//li');
    await page.keyboard.type('app.');
    await suggestions.first().waitFor();
    assert.deepEqual(await suggestions.allInnerTexts(), ['app.user.id'], 'keys offered for "app."');
    const values = page.waitForResponse((r) => r.url().includes('/zipkin/api/v2/autocompleteValues?key=app.user.id'));
    await page.keyboard.type('user.id');
    await page.keyboard.press('Enter');
    await values;
    await page.keyboard.type(USER.slice(0, 4));
    await suggestions.first().waitFor();
    assert.ok((await suggestions.allInnerTexts()).includes(USER), `${USER} among the values offered`);
    await page.keyboard.type(USER.slice(4));
    await page.keyboard.press('Enter');

    const searched = page.waitForResponse((r) => r.url().includes('/zipkin/api/v2/traces?'));
    await page.getByRole('button', { name: 'Run Query' }).click();
    const request = decodeURIComponent((await searched).url());
    await page.locator('tbody tr a[href*="/zipkin/traces/"]').first().waitFor();
    const rows = await resultRows(page);
    for (const c of checkouts) assert.ok(ids(rows).includes(c.traceId), `checkout ${c.traceId} found by ${request}`);
  });
});

/** The numbers on the trace page's collapse buttons: each parent's count of descendants. */
async function descendantBadges(page: Page): Promise<number[]> {
  const labels = await page.locator('main button .MuiButton-label').allInnerTexts();
  return labels.map((l) => l.trim()).filter((l) => /^\d+$/.test(l)).map(Number);
}

test('trace page: every span, nested under the root, and a span\'s tags and annotations', async () => {
  await onPage(
    async (page) => {
      const { traceId, spans } = checkouts[0];
      await page.goto(`${lens.url}traces/${traceId}`);
      await page.getByText('Total Spans').waitFor();
      const header = await page.locator('main').innerText();
      assert.match(header, new RegExp(`Total Spans\\s*${spans.length}\\b`), 'span count in the header');
      assert.match(header, new RegExp(`Trace ID\\s*${traceId}`), 'trace id in the header');
      assert.equal(Math.max(...(await descendantBadges(page))), spans.length - 1, 'the root holds every other span');

      // A span near the top: the timeline renders only the rows in view.
      const orders = spans.find((s) => s.service === 'checkout' && s.kind === Kind.SERVER)!;
      await page.getByText(`checkout: ${orders.name}`, { exact: true }).click();
      const detail = page.locator('main');
      await page.getByText(orders.spanId, { exact: true }).waitFor();
      const text = await detail.innerText();
      for (const annotation of ['Server Start', 'Server Finish']) assert.ok(text.includes(annotation), `annotation ${annotation}`);
      for (const key of ['http.request.method', 'service.version']) assert.ok(text.includes(key), `tag ${key}`);
      // The docs' picture: the checkout trace, checkout's span's annotations and tags beside it.
      await docsScreenshot(page, 'zipkin-lens-trace');
    },
    { viewport: { width: 1400, height: 900 } },
  );
});

test('trace page of a 64-bit trace with shared spans: its id, the spans and a logged annotation', async () => {
  await onPage(async (page) => {
    await page.goto(`${lens.url}traces/${YELP_TRACE}`);
    await page.getByText('Total Spans').waitFor();
    const header = await page.locator('main').innerText();
    assert.match(header, new RegExp(`Trace ID\\s*${YELP_TRACE}`), 'the 16-digit id');
    // 16 spans, three of them shared (client and server halves under one id): Lens merges each pair.
    assert.match(header, /Total Spans\s*13\b/, 'the spans, shared ones merged');
    await page.getByText('yelp_main/api_proxy: post api proxy proxy', { exact: true }).click();
    await page.getByText('py_zipkin.logging_end').waitFor();
  });
});

test('dependencies page draws the graph of the shop', async () => {
  await onPage(async (page) => {
    const now = Date.now();
    const answer = page.waitForResponse((r) => r.url().includes('/zipkin/api/v2/dependencies?'));
    await page.goto(`${lens.url}dependency?${new URLSearchParams({ startTime: String(now - 3600_000), endTime: String(now) })}`);
    const links = (await (await answer).json()) as { parent: string; child: string }[];
    for (const [parent, child] of [['frontend', 'checkout'], ['checkout', 'payment'], ['payment', 'payment-provider']]) {
      assert.ok(links.some((l) => l.parent === parent && l.child === child), `${parent} → ${child} in ${JSON.stringify(links)}`);
    }
    // Lens draws the graph with vizceral on a WebGL canvas.
    await page.locator('main canvas').first().waitFor();
    const drawn = await page.locator('main canvas').first().evaluate((c: HTMLCanvasElement) => c.width > 0 && c.height > 0);
    assert.ok(drawn, 'a sized canvas');
  });
});
