// The search, trace and compare pages in a real browser against a running `skein serve`,
// on hand-built traces with known answers (test/ui/fixtures.ts): a trace whose critical
// path and error origin are known, with an XSS attribute value, clock skew and a link to a
// second trace; a 3000-deep chain; and two checkouts of a shop that differ in structure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { useBrowser } from '../support/browser.ts';
import { eventually, useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';
import { buildTrace, chainTrace, knownAnswerTrace, sendTraces, shopCheckout, XSS, type BuiltTrace } from './fixtures.ts';

let skein: SkeinProcess;
let known: BuiltTrace;
let linked: BuiltTrace;
let chain: BuiltTrace;
let shopOk: BuiltTrace;
let shopRetry: BuiltTrace;

useSkeinProcess(async (started) => {
  skein = started;
  // The linked trace: a consumer whose 'process' span links to its own 'receive' span, and
  // which the known trace's span b links to.
  linked = buildTrace([
    { label: 'receive', service: 'ui-consumer', name: 'orders receive', kind: 5, start: 0, end: 10 },
    { label: 'process', parent: 'receive', service: 'ui-consumer', name: 'orders process', start: 2, end: 9 },
  ]);
  const process = JSON.parse(linked.body);
  process.resourceSpans[0].scopeSpans[0].spans[1].links = [{ traceId: linked.traceId, spanId: linked.ids.receive }];
  linked.body = JSON.stringify(process);
  known = buildTrace(knownAnswerTrace('ui-gateway', { traceId: linked.traceId, spanId: linked.ids.receive }), { agoMs: 30_000 });
  chain = buildTrace(chainTrace('ui-deep', 3000), { agoMs: 40_000 });
  shopOk = buildTrace(shopCheckout('ok'), { agoMs: 120_000 });
  shopRetry = buildTrace(shopCheckout('retry', 0.1), { agoMs: 90_000 });
  const all = [linked, known, chain, shopOk, shopRetry];
  await sendTraces(skein.otlpHttpUrl, all);
  await eventually(async () => {
    const res = await fetch(`${skein.httpUrl}/api/v1/search?lookback=1h&limit=100`);
    const { traces } = (await res.json()) as { traces: { traceId: string; spanCount: number }[] };
    const complete = all.every((t) => traces.find((found) => found.traceId === t.traceId)?.spanCount === Object.keys(t.ids).length);
    return complete ? true : undefined;
  }, 'the traces in the store');
});
const browser = useBrowser();

async function withPage(run: (page: Page, dialogs: string[]) => Promise<void>): Promise<void> {
  const page = await browser().newPage({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' });
  const dialogs: string[] = [];
  const errors: Error[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (err) => errors.push(err));
  try {
    await run(page, dialogs);
  } finally {
    await page.close();
    // Uncaught errors fail the test, and explain a timeout.
    assert.deepEqual(errors, [], 'no uncaught errors in the page');
  }
}

async function openTrace(page: Page, path: string, spans: number): Promise<void> {
  await page.goto(`${skein.httpUrl}${path}`);
  await page.locator(`.timeline[data-total-spans="${spans}"]`).waitFor();
}

/** Waits until the search page shows the results of its URL. */
async function searched(page: Page): Promise<void> {
  await page.locator('.search-main[aria-busy="false"]').waitFor();
}

const visibleRows = async (page: Page) => Number(await page.locator('.timeline').getAttribute('data-visible-rows'));

/** Clicks a timeline row (0 = first) at x pixels from the canvas's left edge. */
async function clickRow(page: Page, row: number, x: number): Promise<void> {
  const timeline = page.locator('.timeline');
  const header = Number(await timeline.getAttribute('data-header-height'));
  const height = Number(await timeline.getAttribute('data-row-height'));
  const box = (await page.locator('canvas.timeline-rows').boundingBox())!;
  await page.mouse.click(box.x + x, box.y + header + (row + 0.5) * height);
}

/** Holds back the answers to requests matching `url` until the returned release is called. */
async function holdAnswers(page: Page, url: string | ((url: URL) => boolean)): Promise<() => void> {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(url, async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

const spanIds = (page: Page, list: string) => page.locator(`${list} li`).evaluateAll((items) => items.map((li) => li.getAttribute('data-span-id')));

test('search by service finds the trace; its row and its scatter point open the trace view', async () => {
  await withPage(async (page) => {
    await page.goto(`${skein.httpUrl}/search`);
    await page.getByLabel('Service').selectOption('ui-gateway');
    await page.getByRole('button', { name: 'Find traces' }).click();
    await searched(page);
    assert.equal(new URL(page.url()).searchParams.get('service'), 'ui-gateway', 'the form is in the URL');
    assert.equal(await page.locator('.search-results tbody tr').count(), 1);
    const row = page.locator('.search-results tbody tr');
    assert.match(await row.innerText(), /ui-gateway: GET \/order[\s\S]*100 ms[\s\S]*7\s+2/);

    await row.getByRole('link').click();
    await page.locator('.timeline[data-total-spans="7"]').waitFor();
    assert.equal(new URL(page.url()).pathname, `/trace/${known.traceId}`);

    await page.goBack();
    await page.locator(`.scatter-point[data-trace-id="${known.traceId}"]`).click();
    await page.locator('.timeline[data-total-spans="7"]').waitFor();
    assert.equal(new URL(page.url()).pathname, `/trace/${known.traceId}`);
  });
});

test('search results: newest first from the API, sorted client side, the form restored from a deep link', async () => {
  await withPage(async (page) => {
    await page.goto(`${skein.httpUrl}/search?lookback=1h&limit=50`);
    await searched(page);
    const order = () => page.locator('.search-results tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-trace-id')));
    const [k, c, l, r, o] = [known, chain, linked, shopRetry, shopOk].map((t) => t.traceId);
    assert.deepEqual(await order(), [k, c, l, r, o], 'newest first');
    await page.getByLabel('Sort').selectOption('slowest');
    assert.equal(new URL(page.url()).searchParams.get('sort'), 'slowest');
    assert.deepEqual(await order(), [r, o, k, c, l], 'slowest first; the two 100 ms traces keep their order');
    await page.getByLabel('Sort').selectOption('errors');
    assert.deepEqual(await order(), [k, c, l, r, o], 'most errors first, the others as they were');
    await page.reload();
    await searched(page);
    assert.deepEqual(await order(), [k, c, l, r, o], 'the sort survives a reload');
    assert.equal(await page.getByLabel('Sort').inputValue(), 'errors');

    await page.goto(`${skein.httpUrl}/search?service=web-frontend&attr=http.response.status_code>=200&minDuration=1ms&lookback=3h&limit=7`);
    await searched(page);
    assert.equal(await page.getByLabel('Service').inputValue(), 'web-frontend');
    assert.equal(await page.getByLabel('Attribute', { exact: true }).inputValue(), 'http.response.status_code');
    assert.equal(await page.getByLabel('Comparison').inputValue(), '>=');
    assert.equal(await page.getByLabel('Value').inputValue(), '200');
    assert.equal(await page.getByLabel('Minimum duration').inputValue(), '1ms');
    assert.equal(await page.getByLabel('Lookback').inputValue(), '3h');
    assert.equal(await page.locator('.search-form input[type=number]').inputValue(), '7');

    // An absolute range goes into the URL as start and end.
    await page.getByLabel('Lookback').selectOption('custom');
    await page.getByLabel('From').fill('2026-01-02T03:04:05');
    await page.getByRole('button', { name: 'Find traces' }).click();
    await searched(page);
    const params = new URL(page.url()).searchParams;
    assert.equal(params.get('lookback'), null);
    assert.equal(Date.parse(params.get('start')!), new Date('2026-01-02T03:04:05').getTime());
    assert.ok(Date.parse(params.get('end')!) > Date.now() - 60_000);

    await page.goto(`${skein.httpUrl}/search?minDuration=soon`);
    await searched(page);
    assert.match(await page.locator('.search-main .error-text').innerText(), /parameter 'minDuration'/);
  });
});

test('attribute filters autocomplete keys and values and search with them', async () => {
  await withPage(async (page) => {
    await page.goto(`${skein.httpUrl}/search?lookback=1h`);
    await page.getByRole('button', { name: '+ Attribute filter' }).click();
    const keys = page.locator('.attr-filter datalist').first().locator('option');
    await eventually(async () => ((await keys.count()) > 0 ? true : undefined), 'attribute keys');
    const offered = await keys.evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    assert.ok(offered.includes('http.response.status_code') && offered.includes('note.html') && offered.includes('resource.host.name'), offered.join());

    await page.getByLabel('Attribute', { exact: true }).fill('db.system');
    const values = page.locator('.attr-filter datalist').nth(1).locator('option');
    await eventually(async () => ((await values.count()) > 0 ? true : undefined), 'values of db.system');
    const suggested = await values.evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    assert.deepEqual(suggested.sort(), ['postgresql', 'redis']);

    await page.getByLabel('Value').fill('redis');
    await page.getByRole('button', { name: 'Find traces' }).click();
    await searched(page);
    assert.deepEqual(new URL(page.url()).searchParams.getAll('attr'), ['db.system="redis"'], 'a string attribute is quoted');
    const found = await page.locator('.search-results tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-trace-id')));
    assert.deepEqual(found.sort(), [shopOk.traceId, shopRetry.traceId].sort());
  });
});

test('rows collapse and expand, per span and all at once, on a 3000-deep chain too', async () => {
  await withPage(async (page) => {
    await openTrace(page, `/trace/${known.traceId}`, 7);
    assert.equal(await visibleRows(page), 7);
    await clickRow(page, 0, 9); // the root's triangle
    assert.equal(await visibleRows(page), 1);
    await clickRow(page, 0, 9);
    assert.equal(await visibleRows(page), 7);
    await clickRow(page, 5, 9 + 14); // span b's triangle (depth 1)
    assert.equal(await visibleRows(page), 6);
    await page.getByRole('button', { name: 'Expand all' }).click();
    assert.equal(await visibleRows(page), 7);
    await page.getByRole('button', { name: 'Only root and children' }).click();
    assert.equal(await visibleRows(page), 4);
    // The keyboard: select the root, right arrow expands nothing more, left collapses it.
    await clickRow(page, 0, 200);
    await page.keyboard.press('ArrowLeft');
    assert.equal(await visibleRows(page), 1);
    await page.keyboard.press('ArrowRight');
    assert.equal(await visibleRows(page), 4);

    await openTrace(page, `/trace/${chain.traceId}`, 3000);
    assert.equal(await visibleRows(page), 3000);
    await page.getByRole('button', { name: 'Collapse all' }).click();
    assert.equal(await visibleRows(page), 1);
    await page.getByRole('button', { name: 'Expand all' }).click();
    assert.equal(await visibleRows(page), 3000);
    await page.locator('.timeline-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await eventually(async () => (Number(await page.locator('.timeline').getAttribute('data-first-row')) > 2900 ? true : undefined), 'the last rows in view');
    assert.match((await page.locator('.timeline ol.sr-only').textContent()) ?? '', /level 2999/);
  });
});

test('the critical path and the error origin are marked on the spans the analysis names', async () => {
  await withPage(async (page) => {
    await openTrace(page, `/trace/${known.traceId}`, 7);
    await page.getByText('Spans on the critical path').click(); // the list is made when opened
    await page.locator('ol[aria-label="Critical path spans"] li').first().waitFor();
    const { ids } = known;
    assert.deepEqual(await spanIds(page, 'ol[aria-label="Critical path spans"]'), [ids.root, ids.a, ids.a1, ids.b, ids.b1]);
    await page.getByText('Spans on the critical path').click(); // closed: the popover covers the toolbar
    await page.locator('ol[aria-label="Critical path spans"]').waitFor({ state: 'detached' });
    assert.deepEqual(await spanIds(page, 'ul[aria-label="Error origins"]'), [ids.b1]);

    await page.locator('ul[aria-label="Error origins"] button').click();
    const detail = page.locator('.span-detail');
    assert.equal(await detail.getAttribute('data-span-id'), ids.b1);
    assert.equal(await detail.getAttribute('data-error-origin'), 'true');
    assert.equal(await detail.getAttribute('data-critical'), 'true');
    assert.match(await detail.locator('.badges').innerText(), /error origin[\s\S]*on critical path · 40 ms/);
    assert.equal(new URL(page.url()).searchParams.get('span'), ids.b1, 'the selection is in the URL');

    await clickRow(page, 3, 200); // c: off the path, no error
    assert.equal(await detail.getAttribute('data-span-id'), ids.c);
    assert.equal(await detail.getAttribute('data-critical'), 'false');
    assert.equal(await detail.getAttribute('data-error-origin'), 'false');

    // The path is drawn on b1's bar (row 6, 50–90 ms of 100 ms) and goes with the toggle.
    const pixel = () =>
      page.evaluate(() => {
        const timeline = document.querySelector('.timeline') as HTMLElement;
        const canvas = timeline.querySelector('canvas') as HTMLCanvasElement;
        const nameWidth = Number(timeline.dataset.nameWidth);
        const x = nameWidth + 0.7 * (canvas.clientWidth - nameWidth - 8);
        const y = Number(timeline.dataset.headerHeight) + 6.5 * Number(timeline.dataset.rowHeight);
        return Array.from(canvas.getContext('2d')!.getImageData(Math.round(x), Math.round(y), 1, 1).data.slice(0, 3));
      });
    assert.deepEqual(await pixel(), [0xe8, 0xa2, 0x00], 'the critical colour (light theme)');
    await page.getByRole('checkbox', { name: 'Critical path' }).uncheck();
    await eventually(async () => ((await pixel())[0] !== 0xe8 ? true : undefined), 'the path to be hidden');
  });
});

test('attribute values are text: markup shows literally and never runs', async () => {
  await withPage(async (page, dialogs) => {
    await openTrace(page, `/trace/${known.traceId}?span=${known.ids.c}`, 7);
    await page.locator('.span-detail[data-detail="loaded"]').waitFor();
    const value = page.locator('.span-detail table[aria-label="Span attributes"] .kv-value');
    assert.equal(await value.innerText(), XSS);
    assert.equal(await page.locator('img').count(), 0);
    await page.getByLabel('Find in trace').fill('onerror');
    await page.locator('.find-count[data-matches="1"]').waitFor();
    await page.waitForTimeout(100); // give a handler that should not exist the chance to run
    assert.deepEqual(dialogs, []);
  });
});

test('find in trace counts matches and steps through them, revealing collapsed spans', async () => {
  await withPage(async (page) => {
    await openTrace(page, `/trace/${known.traceId}`, 7);
    await page.getByRole('button', { name: 'Collapse all' }).click();
    assert.equal(await visibleRows(page), 1);
    const find = page.getByLabel('Find in trace');
    await find.fill('SVC-B');
    await page.locator('.find-count[data-matches="2"]').waitFor();
    assert.equal(await page.locator('.find-count').innerText(), '– of 2');
    await find.press('Enter');
    await page.locator(`.span-detail[data-span-id="${known.ids.b}"]`).waitFor();
    assert.equal(await page.locator('.find-count').innerText(), '1 of 2');
    assert.equal(await visibleRows(page), 4, 'the root expanded to show b');
    await find.press('Enter');
    await page.locator(`.span-detail[data-span-id="${known.ids.b1}"]`).waitFor();
    assert.equal(await visibleRows(page), 5, 'b expanded to show b1');
    await find.press('Shift+Enter');
    await page.locator(`.span-detail[data-span-id="${known.ids.b}"]`).waitFor();
    await find.fill('card declined'); // a status message and an event attribute of b1
    await page.locator('.find-count[data-matches="1"]').waitFor();
    await find.fill('nothing like this');
    await page.locator('.find-count[data-matches="0"]', { hasText: 'no match' }).waitFor();
  });
});

test('span detail: what the timeline knows shows at once; attributes, resource and events are fetched on selection and kept', async () => {
  await withPage(async (page) => {
    const fetched: string[] = [];
    page.on('request', (request) => {
      const spanId = /\/spans\/([0-9a-f]+)$/.exec(new URL(request.url()).pathname)?.[1];
      if (spanId) fetched.push(spanId);
    });
    await openTrace(page, `/trace/${known.traceId}`, 7);
    const detail = page.locator('.span-detail');
    const { ids } = known;
    await clickRow(page, 2, 200); // a1
    await page.locator(`.span-detail[data-span-id="${ids.a1}"][data-detail="loaded"]`).waitFor();
    assert.match(await detail.locator('table[aria-label="Span attributes"]').innerText(), /db\.system\s+postgresql/);
    assert.match(await detail.locator('table[aria-label="Resource attributes"]').innerText(), /service\.version\s+1\.4\.2/);
    assert.match(await detail.innerText(), /Scope\s+@opentelemetry\/instrumentation-http 0\.223\.0/);

    await clickRow(page, 6, 200); // b1, with an event
    await page.locator(`.span-detail[data-span-id="${ids.b1}"][data-detail="loaded"]`).waitFor();
    assert.match(await detail.locator('.event-list').innerText(), /\+39 ms exception[\s\S]*exception\.type\s+CardDeclined/);
    assert.match(await detail.innerText(), /Status\s+error: card declined/);

    await clickRow(page, 2, 200); // a1 again: shown from what was fetched, at once
    await page.locator(`.span-detail[data-span-id="${ids.a1}"]`).waitFor();
    assert.equal(await detail.getAttribute('data-detail'), 'loaded');
    assert.deepEqual(fetched, [ids.a1, ids.b1], 'each span fetched once');

    // A failed fetch says so; what the timeline knows stays.
    await page.route(`**/spans/${ids.c}`, (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { message: 'store unavailable' } }) }));
    await clickRow(page, 3, 200); // c
    await page.locator(`.span-detail[data-span-id="${ids.c}"][data-detail="failed"]`).waitFor();
    assert.match(await detail.innerText(), /Duration\s+20 ms[\s\S]*could not be loaded: store unavailable/);

    // An answer that arrives after the selection moved on is not shown, but kept.
    const release = await holdAnswers(page, `**/spans/${ids.a}`);
    await clickRow(page, 1, 200); // a, its answer held back
    await page.locator(`.span-detail[data-span-id="${ids.a}"][data-detail="loading"]`).waitFor();
    await clickRow(page, 4, 200); // c-retry
    await page.locator(`.span-detail[data-span-id="${ids['c-retry']}"][data-detail="loaded"]`).waitFor();
    const answered = page.waitForResponse((response) => response.url().endsWith(`/spans/${ids.a}`));
    release();
    await (await answered).finished();
    await page.waitForTimeout(100); // time for a handler that should not show it
    assert.equal(await detail.getAttribute('data-span-id'), ids['c-retry']);
    assert.match(await detail.innerText(), /No span attributes/);
    await clickRow(page, 1, 200);
    await page.locator(`.span-detail[data-span-id="${ids.a}"]`).waitFor();
    assert.equal(await detail.getAttribute('data-detail'), 'loaded');
    assert.equal(fetched.filter((id) => id === ids.a).length, 1);
  });
});

test('find in trace asks the server: it finds text only attributes, resources and events hold, and drops stale answers', async () => {
  await withPage(async (page) => {
    await openTrace(page, `/trace/${known.traceId}`, 7);
    const find = page.getByLabel('Find in trace');
    const count = page.locator('.find-count');
    // The first answer is held back, so "searching…" is seen whatever the machine's speed.
    const releaseFirst = await holdAnswers(page, (url) => url.pathname.endsWith('/find') && url.searchParams.get('text') === 'postgresql');
    await find.fill('postgresql'); // only in a1's attribute db.system
    await page.locator('.find-count', { hasText: 'searching…' }).waitFor();
    releaseFirst();
    await page.locator('.find-count[data-matches="1"]').waitFor();
    await find.press('Enter');
    await page.locator(`.span-detail[data-span-id="${known.ids.a1}"]`).waitFor();
    await find.fill('DB.SYSTEM=POSTGRESQL');
    await page.locator('.find-count[data-matches="1"]').waitFor();
    await find.fill('svc-c-5f7c9'); // the resource attribute host.name of c and c-retry
    await page.locator('.find-count[data-matches="2"]').waitFor();
    await find.press('Enter');
    await page.locator(`.span-detail[data-span-id="${known.ids.c}"]`).waitFor();

    // The answer for 'svc' (6 spans) comes after the one for the text typed since.
    const release = await holdAnswers(page, (url) => url.pathname.endsWith('/find') && url.searchParams.get('text') === 'svc');
    const asked = page.waitForRequest((request) => new URL(request.url()).searchParams.get('text') === 'svc');
    await find.fill('svc');
    await asked;
    await find.fill('CardDeclined'); // an event attribute of b1
    await page.locator('.find-count[data-matches="1"]').waitFor();
    const answered = page.waitForResponse((response) => new URL(response.url()).searchParams.get('text') === 'svc');
    release();
    await (await answered).finished();
    await page.waitForTimeout(100);
    assert.equal(await count.getAttribute('data-matches'), '1');
    await find.press('Enter');
    await page.locator(`.span-detail[data-span-id="${known.ids.b1}"]`).waitFor();
    await find.fill('  ');
    assert.equal(await count.getAttribute('data-matches'), '0');
  });
});

test('span detail: ids copy, clock skew is flagged, links open the linked trace which says where it came from', async () => {
  await withPage(async (page) => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: skein.httpUrl });
    await openTrace(page, `/trace/${known.traceId}?span=${known.ids['c-retry']}`, 7);
    const detail = page.locator('.span-detail');
    assert.match(await detail.innerText(), /clock skew[\s\S]*Clock skew: ends after its parent \(by up to 4 ms\), drawn as sent/);
    await detail.getByRole('button', { name: 'Copy span ID' }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), known.ids['c-retry']);

    await page.goto(`${skein.httpUrl}/trace/${known.traceId}?span=${known.ids.b}`);
    await detail.getByRole('link', { name: /Open linked trace/ }).click();
    await page.locator('.timeline[data-total-spans="2"]').waitFor();
    assert.equal(new URL(page.url()).pathname, `/trace/${linked.traceId}`);
    assert.equal(await detail.getAttribute('data-span-id'), linked.ids.receive);
    const from = page.locator('.linked-from');
    assert.equal(await from.getAttribute('data-from-trace-id'), known.traceId);
    assert.equal(await from.getAttribute('data-from-span-id'), known.ids.b);
    assert.match(await detail.locator('ul[aria-label="Linked from spans of this trace"]').innerText(), /ui-consumer: orders process/);
    await from.getByRole('link').click();
    await page.locator(`.span-detail[data-span-id="${known.ids.b}"]`).waitFor();
  });
});

test('the minimap drags the time window and double-click shows the whole trace again', async () => {
  await withPage(async (page) => {
    await openTrace(page, `/trace/${known.traceId}`, 7);
    const minimap = page.locator('.minimap canvas');
    const box = (await minimap.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height - 5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height - 5, { steps: 3 });
    await page.mouse.move(box.x + box.width * 0.75, box.y + box.height - 5, { steps: 3 });
    await page.mouse.up();
    const window = async () => [Number(await minimap.getAttribute('data-window-start')), Number(await minimap.getAttribute('data-window-end'))];
    const [start, end] = await window();
    assert.ok(Math.abs(start - 50e6) < 2e6 && Math.abs(end - 75e6) < 2e6, `window ${start}–${end}`);
    await page.getByRole('button', { name: 'Reset zoom' }).waitFor();
    await minimap.dblclick({ position: { x: 5, y: 5 } });
    assert.deepEqual(await window(), [0, 100e6]);
  });
});

test('compare shows added and missing spans; "Compare with…" offers traces of the same operation and a typical one', async () => {
  await withPage(async (page) => {
    await openTrace(page, `/trace/${shopOk.traceId}`, 12);
    await page.getByRole('link', { name: 'Compare with…' }).click();
    assert.equal(new URL(page.url()).searchParams.get('a'), shopOk.traceId);
    await page.locator('.pick-trace').getByRole('link', { name: shopRetry.traceId }).click();
    await page.locator('.compare-table tbody tr').first().waitFor();
    assert.equal(new URL(page.url()).searchParams.get('b'), shopRetry.traceId);

    const rows = () => page.locator('.compare-table tbody tr').evaluateAll((trs) => trs.map((tr) => `${tr.getAttribute('data-status')} ${tr.getAttribute('data-path')}`));
    const all = await rows();
    assert.ok(all.includes('added web-frontend:POST /checkout > api-gateway:POST /api/checkout > checkout:POST /checkout > promotions:GET /promotions'), all.join('\n'));
    assert.ok(all.includes('missing web-frontend:POST /checkout > api-gateway:POST /api/checkout > checkout:POST /checkout > payment:POST /charge > fraud-check:score'), all.join('\n'));
    assert.equal(await page.locator('.compare-summary [data-status="added"]').getAttribute('data-count'), '1');
    assert.equal(await page.locator('.compare-summary [data-status="missing"]').getAttribute('data-count'), '1');

    await page.getByLabel('Only differences').check();
    const changed = await rows();
    assert.ok(changed.length < all.length);
    // An unchanged row stays only as an ancestor of a changed one: the row after it is below it.
    changed.forEach((row, n) => {
      if (row.startsWith('same ')) assert.ok(changed[n + 1]?.split(' ').slice(1).join(' ').startsWith(`${row.slice(5)} > `), `${row} is kept for nothing`);
    });

    // From the retried checkout, "typical" finds the other one (the only peer) as A.
    await page.goto(`${skein.httpUrl}/compare?a=${shopRetry.traceId}`);
    await page.getByRole('button', { name: 'Compare with a typical trace' }).click();
    await page.locator('.compare-summary [data-status="added"][data-count="1"]').waitFor();
    const url = new URL(page.url());
    assert.deepEqual([url.searchParams.get('a'), url.searchParams.get('b')], [shopOk.traceId, shopRetry.traceId]);
  });
});
