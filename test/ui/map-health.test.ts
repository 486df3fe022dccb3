// The service map and service health pages in a real browser against a running `skein
// serve` holding a small shop's traces: gateway → checkout → cart, inventory → a
// PostgreSQL database (a client span with db.system and no child), checkout → an external
// payments host (a client span with server.address), more gateway operations, and a batch
// job with internal spans only. What the pages show is checked against the API's answers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { SpanShape } from '../../src/analyze/trace-tree.ts';
import { SpanKind, StatusCode } from '../../src/model/span.ts';
import { useBrowser } from '../support/browser.ts';
import { postOtlpJson, randomHex } from '../support/otlp-payloads.ts';
import { shopTrace, shopTracesOtlpJson } from '../support/shop-traces.ts';
import { eventually, useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';

interface Graph {
  nodes: { name: string; kind: string }[];
  edges: { caller: string; callee: string; calls: number; errors: number; p50Ns: number; p95Ns: number; p99Ns: number }[];
}
interface Metrics {
  series: { service: string; operation: string; points: { count: number; errors: number; p95Nanos: number }[] }[];
}

const MINUTE_NS = 60_000_000_000n;
const SHOP_TRACES_OLD = 20; // 30 to 20 minutes ago
const SHOP_TRACES_RECENT = 20; // 10 to 2 minutes ago: the only ones in a 15-minute window

let skein: SkeinProcess;
useSkeinProcess(async (started) => {
  skein = started;
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const traces: SpanShape[][] = [];
  const startOf = (i: number) =>
    i < SHOP_TRACES_OLD ? nowNs - 30n * MINUTE_NS + BigInt(i) * 30_000_000_000n : nowNs - 10n * MINUTE_NS + BigInt(i - SHOP_TRACES_OLD) * 24_000_000_000n;
  for (let i = 0; i < SHOP_TRACES_OLD + SHOP_TRACES_RECENT; i++) {
    const spans = shopTrace(i % 5 === 0 ? { errors: 'cart' } : {}, (i % 7) / 7, startOf(i));
    // checkout also calls an external payments host, which sends no spans
    const checkout = spans.find((s) => s.serviceName === 'checkout' && s.kind === SpanKind.SERVER)!;
    spans.push(span('checkout', 'POST /charge', SpanKind.CLIENT, checkout.startNs + 500_000n, 1.5, false, checkout.spanId));
    traces.push(spans);
  }
  for (let i = 0; i < 20; i++) {
    const at = nowNs - 25n * MINUTE_NS + BigInt(i) * MINUTE_NS;
    traces.push([span('gateway', 'GET /products', SpanKind.SERVER, at, 15 + (i % 4), i % 3 === 0)]);
    traces.push([span('gateway', 'GET /healthz', SpanKind.SERVER, at + 1_000_000_000n, 1, false)]);
  }
  for (let i = 0; i < 3; i++) traces.push([span('report-job', 'build report', SpanKind.INTERNAL, nowNs - BigInt(20 - i) * MINUTE_NS, 200, false)]);
  const body = shopTracesOtlpJson(traces, {
    attributes: (s): Record<string, string> | undefined =>
      s.name === 'SELECT stock' ? { 'db.system': 'postgresql' } : s.name === 'POST /charge' ? { 'server.address': 'payments.example.net' } : undefined,
  });
  const res = await postOtlpJson(skein.otlpHttpUrl, body);
  assert.equal(res.status, 200, await res.text());
  const total = traces.reduce((sum, t) => sum + t.length, 0);
  await eventually(async () => {
    const status = (await (await fetch(`${skein.httpUrl}/api/v1/status`)).json()) as { pipeline: { pendingSpans: number; writtenSpans: number } };
    return status.pipeline.pendingSpans === 0 && status.pipeline.writtenSpans >= total ? true : undefined;
  }, 'the spans in the store');
});
const browser = useBrowser();

function span(service: string, name: string, kind: number, startNs: bigint, ms: number, error: boolean, parentSpanId = ''): SpanShape {
  return {
    spanId: randomHex(8),
    parentSpanId,
    serviceName: service,
    name,
    kind,
    startNs,
    endNs: startNs + BigInt(Math.round(ms * 1e6)),
    statusCode: error ? StatusCode.ERROR : StatusCode.UNSET,
  };
}

/** The last hour, as the pages' `lookback=1h` reads it (every span is well inside). */
function lastHour(): string {
  const end = Date.now();
  return `start=${end - 3_600_000}&end=${end}`;
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(`${skein.httpUrl}${path}`);
  assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
  return (await res.json()) as T;
}

async function withPage(fn: (page: Page) => Promise<void>, options: { colorScheme?: 'light' | 'dark' } = {}): Promise<void> {
  const page = await browser().newPage({ viewport: { width: 1300, height: 900 }, ...options });
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await fn(page);
    assert.deepEqual(errors, [], 'no uncaught errors in the page');
  } finally {
    await page.close();
  }
}

/** The map's container, where cytoscape registers its instance. */
type CyContainer = HTMLElement & { _cyreg: { cy: import('cytoscape').Core } };

/** Cytoscape's view of the map, read through the instance it registers on its container. */
function graphState(page: Page) {
  return page.evaluate(() => {
    const container = document.querySelector('.map-graph') as CyContainer;
    const cy = container._cyreg.cy;
    const box = container.getBoundingClientRect();
    return {
      box: { x: box.x, y: box.y, width: box.width, height: box.height },
      nodes: cy.nodes().map((n) => ({ id: n.id(), kind: n.data('kind'), shape: n.style('shape'), position: n.renderedPosition() })),
      edges: cy.edges().map((e) => ({
        caller: e.source().id(),
        callee: e.target().id(),
        label: e.data('label') as string,
        color: e.style('line-color'),
        midpoint: e.renderedMidpoint(),
      })),
    };
  });
}

test('the service map draws services and uninstrumented peers, left to right', async () => {
  const graph = await getJson<Graph>(`/api/v1/dependencies?${lastHour()}`);
  const kinds = Object.fromEntries(graph.nodes.map((n) => [n.name, n.kind]));
  assert.deepEqual(kinds, {
    cart: 'service',
    checkout: 'service',
    gateway: 'service',
    inventory: 'service',
    'payments.example.net': 'peer',
    postgresql: 'database',
  });
  await withPage(async (page) => {
    await page.goto(`${skein.httpUrl}/map?lookback=1h`);
    const canvas = page.locator('.map-graph[data-node-count]');
    await canvas.waitFor();
    assert.equal(Number(await canvas.getAttribute('data-node-count')), graph.nodes.length);
    assert.equal(Number(await canvas.getAttribute('data-edge-count')), graph.edges.length);

    // the accessible table lists every node with its kind; services link to their health
    const rows = page.locator('table[aria-label="Services and peers"] tbody tr');
    assert.equal(await rows.count(), graph.nodes.length);
    for (const node of graph.nodes) {
      const row = page.locator(`tr[data-node="${node.name}"]`);
      assert.equal(await row.getAttribute('data-kind'), node.kind);
      assert.equal(await row.getByRole('link').count(), node.kind === 'service' ? 1 : 0, node.name);
    }
    assert.match((await page.locator('tr[data-node="postgresql"] td').first().textContent()) ?? '', /database/);
    assert.match((await page.locator('tr[data-node="payments.example.net"] td').first().textContent()) ?? '', /external peer/);
    const legend = (await page.getByRole('list', { name: 'Legend' }).textContent()) ?? '';
    assert.match(legend, /database/);
    assert.match(legend, /external peer/);

    // the canvas has drawn something (its layers start transparent)
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLCanvasElement>('.map-graph canvas')].some((c) => {
        const context = c.getContext('2d');
        if (!context || c.width === 0 || c.height === 0) return false;
        const pixels = context.getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) return true;
        return false;
      }),
    );

    const state = await graphState(page);
    const shapes = Object.fromEntries(state.nodes.map((n) => [n.id, n.shape]));
    assert.equal(shapes.postgresql, 'barrel');
    assert.equal(shapes['payments.example.net'], 'diamond');
    for (const service of ['cart', 'checkout', 'gateway', 'inventory']) assert.equal(shapes[service], 'ellipse', service);
    const x = Object.fromEntries(state.nodes.map((n) => [n.id, n.position.x]));
    for (const edge of graph.edges) assert.ok(x[edge.caller] < x[edge.callee], `${edge.caller} is left of ${edge.callee}`);
    for (const node of state.nodes) {
      assert.ok(node.position.x > 0 && node.position.x < state.box.width && node.position.y > 0 && node.position.y < state.box.height, `${node.id} is in view`);
    }

    // the canvas follows the theme: labels take the other theme's text colour
    const light = await page.evaluate(() => (document.querySelector('.map-graph') as CyContainer)._cyreg.cy.$id('gateway').style('color'));
    await page.getByRole('button', { name: 'Dark theme' }).click();
    await page.waitForFunction((color) => (document.querySelector('.map-graph') as CyContainer)._cyreg.cy.$id('gateway').style('color') !== color, light);
  }, { colorScheme: 'light' });
});

test("the map's call figures are those of /api/v1/dependencies; failing calls are red", async () => {
  const graph = await getJson<Graph>(`/api/v1/dependencies?${lastHour()}`);
  assert.equal(graph.edges.length, 5);
  await withPage(async (page) => {
    await page.goto(`${skein.httpUrl}/map?lookback=1h`);
    await page.locator('.map-graph[data-node-count]').waitFor();
    assert.equal(await page.locator('table[aria-label="Calls"] tbody tr').count(), graph.edges.length);
    for (const edge of graph.edges) {
      const row = page.locator(`tr[data-caller="${edge.caller}"][data-callee="${edge.callee}"]`);
      const cell = (field: string) => row.locator(`td[data-field="${field}"]`);
      const value = async (field: string) => Number(await cell(field).locator('data').getAttribute('value'));
      assert.equal(await cell('calls').textContent(), String(edge.calls));
      assert.equal(await cell('errors').textContent(), String(edge.errors));
      assert.equal(await value('p50'), edge.p50Ns);
      assert.equal(await value('p95'), edge.p95Ns);
      assert.equal(await value('p99'), edge.p99Ns);
      assert.ok(Math.abs((await value('rate')) - edge.calls / 3600) < 1e-9, 'rate is calls per second of the window');
      assert.equal(await value('errorRate'), edge.errors / edge.calls);
      assert.match((await cell('p95').textContent()) ?? '', /^\d+(\.\d+)? (ns|µs|ms|s)$/);
    }
    const failing = graph.edges.filter((e) => e.errors > 0).map((e) => `${e.caller}→${e.callee}`).sort();
    assert.deepEqual(failing, ['checkout→cart', 'gateway→checkout']);

    const state = await graphState(page);
    const errorColor = state.edges.find((e) => e.caller === 'checkout' && e.callee === 'cart')!.color;
    for (const edge of graph.edges) {
      const drawn = state.edges.find((e) => e.caller === edge.caller && e.callee === edge.callee)!;
      const p95 = (await page.locator(`tr[data-caller="${edge.caller}"][data-callee="${edge.callee}"] td[data-field="p95"]`).textContent())!;
      assert.ok(drawn.label.includes(`p95 ${p95}`), `${drawn.label} shows p95 ${p95}`);
      assert.equal(drawn.label.includes('errors'), edge.errors > 0, drawn.label);
      assert.equal(drawn.color === errorColor, edge.errors > 0, `${edge.caller}→${edge.callee} is red only with errors`);
    }
  });
});

test('clicking a service opens its health page, clicking a call searches the caller; the window is in the URL', async () => {
  await withPage(async (page) => {
    await page.goto(`${skein.httpUrl}/map?lookback=1h`);
    await page.locator('.map-graph[data-node-count]').waitFor();
    let state = await graphState(page);
    const checkout = state.nodes.find((n) => n.id === 'checkout')!;
    await page.mouse.click(state.box.x + checkout.position.x, state.box.y + checkout.position.y);
    await page.waitForURL((url) => url.pathname === '/health');
    assert.equal(new URL(page.url()).searchParams.get('service'), 'checkout');
    assert.equal(new URL(page.url()).searchParams.get('lookback'), '1h');
    await page.getByRole('heading', { name: 'Service health: checkout' }).waitFor();

    await page.goBack();
    await page.locator('.map-graph[data-node-count]').waitFor();
    state = await graphState(page);
    const call = state.edges.find((e) => e.caller === 'inventory' && e.callee === 'postgresql')!;
    await page.mouse.click(state.box.x + call.midpoint.x, state.box.y + call.midpoint.y);
    await page.waitForURL((url) => url.pathname === '/search');
    assert.equal(new URL(page.url()).searchParams.get('service'), 'inventory');

    // the window picker: only the recent traces are in the last 15 minutes
    await page.goto(`${skein.httpUrl}/map?lookback=1h`);
    const gatewayCalls = page.locator('tr[data-caller="gateway"][data-callee="checkout"] td[data-field="calls"]');
    assert.equal(await gatewayCalls.textContent(), String(SHOP_TRACES_OLD + SHOP_TRACES_RECENT));
    await page.getByRole('group', { name: 'Time window' }).getByRole('link', { name: '15m' }).click();
    assert.equal(new URL(page.url()).searchParams.get('lookback'), '15m');
    await page.waitForFunction((expected) => document.querySelector('tr[data-caller="gateway"][data-callee="checkout"] td[data-field="calls"]')?.textContent === expected, String(SHOP_TRACES_RECENT));
    const rate = Number(await page.locator('tr[data-caller="gateway"][data-callee="checkout"] td[data-field="rate"] data').getAttribute('value'));
    assert.ok(Math.abs(rate - SHOP_TRACES_RECENT / 900) < 1e-9, `rate over 15 minutes: ${rate}`);
  });
});

test('service health: uPlot charts and the operations by slowest p95, linking to example traces', async () => {
  const metrics = await getJson<Metrics>(`/api/v1/metrics?service=gateway&spanKind=server&spanKind=consumer&${lastHour()}`);
  const rows = metrics.series.map((s) => ({ operation: s.operation, count: s.points[0].count, errors: s.points[0].errors, p95: s.points[0].p95Nanos }));
  assert.deepEqual(rows.map((r) => r.operation).sort(), ['GET /checkout', 'GET /healthz', 'GET /products']);
  const byP95 = [...rows].sort((a, b) => b.p95 - a.p95).map((r) => r.operation);
  const byErrors = [...rows].sort((a, b) => b.errors / b.count - a.errors / a.count).map((r) => r.operation);
  assert.deepEqual(byP95, ['GET /checkout', 'GET /products', 'GET /healthz']);
  assert.deepEqual(byErrors, ['GET /products', 'GET /checkout', 'GET /healthz']);

  await withPage(
    async (page) => {
      await page.goto(`${skein.httpUrl}/health?service=gateway&lookback=1h`);
      const table = page.locator('table[aria-label="Operations"]');
      await table.waitFor();
      // three charts for all operations, three for the selected (slowest) one
      await page.locator('.red-chart .uplot canvas').nth(5).waitFor();
      assert.equal(await page.locator('.red-chart .uplot canvas').count(), 6);
      await page.getByRole('heading', { name: 'Operation GET /checkout' }).waitFor();

      const operations = () => table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-operation')));
      assert.deepEqual(await operations(), byP95);
      for (const row of rows) {
        const tr = table.locator(`tr[data-operation="${row.operation}"]`);
        assert.equal(await tr.locator('td').nth(0).textContent(), String(row.count));
        assert.equal(await tr.locator('td').nth(2).textContent(), String(row.errors));
        const href = await tr.getByRole('link', { name: 'slowest (≥ p95)' }).getAttribute('href');
        const url = new URL(href!, skein.httpUrl);
        assert.equal(url.pathname, '/search');
        assert.equal(url.searchParams.get('service'), 'gateway');
        assert.equal(url.searchParams.get('operation'), row.operation);
        assert.equal(url.searchParams.get('lookback'), '1h');
        const minDuration = /^(\d+(?:\.\d+)?)ms$/.exec(url.searchParams.get('minDuration') ?? '');
        assert.ok(minDuration, `minDuration ${url.searchParams.get('minDuration')}`);
        const minNs = Number(minDuration[1]) * 1e6;
        assert.ok(minNs <= row.p95 && row.p95 - minNs < 1000 + 1e-3, `minDuration ${minNs} is p95 ${row.p95} to the µs`);
        assert.equal(await tr.getByRole('link', { name: 'failed' }).count(), row.errors > 0 ? 1 : 0);
      }

      // by error rate
      await table.getByRole('link', { name: /Error rate/ }).click();
      assert.equal(new URL(page.url()).searchParams.get('sort'), 'errors');
      await page.waitForFunction((first) => document.querySelector('table[aria-label="Operations"] tbody tr')?.getAttribute('data-operation') === first, byErrors[0]);
      assert.deepEqual(await operations(), byErrors);

      // an operation's charts
      await table.getByRole('link', { name: 'GET /healthz' }).click();
      await page.getByRole('heading', { name: 'Operation GET /healthz' }).waitFor();
      assert.equal(new URL(page.url()).searchParams.get('operation'), 'GET /healthz');

      // charts follow the theme
      await page.getByRole('button', { name: 'Dark theme' }).click();
      await page.waitForFunction(() => [...document.querySelectorAll('.red-chart')].every((c) => c.getAttribute('data-chart-theme') === 'dark'));
      assert.equal(await page.locator('.red-chart .uplot canvas').count(), 6);

      // the example traces link opens a search
      const failed = table.locator('tr[data-operation="GET /products"]').getByRole('link', { name: 'failed' });
      const search = new URL((await failed.getAttribute('href'))!, skein.httpUrl);
      assert.equal(search.pathname, '/search');
      assert.equal(search.searchParams.get('service'), 'gateway');
      assert.equal(search.searchParams.get('operation'), 'GET /products');
      assert.equal(search.searchParams.get('errors'), 'true');
      await failed.click();
      await page.waitForURL((url) => url.pathname === '/search');
    },
    { colorScheme: 'light' },
  );
});

test('a service that serves nothing is shown with all its span kinds, and says so', async () => {
  await withPage(async (page) => {
    await page.goto(`${skein.httpUrl}/health?service=report-job&lookback=1h`);
    await page.getByText('no server or consumer spans').waitFor();
    assert.deepEqual(await page.locator('table[aria-label="Operations"] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-operation'))), ['build report']);
  });
});

test('the health overview lists every service with its figures, linking to its health page', async () => {
  const services = (await getJson<{ services: string[] }>('/api/v1/services')).services;
  const metrics = await getJson<Metrics>(`/api/v1/metrics?spanKind=server&spanKind=consumer&${lastHour()}`);
  await withPage(async (page) => {
    await page.goto(`${skein.httpUrl}/health?lookback=1h`);
    const table = page.locator('table[aria-label="Services"]');
    await table.waitFor();
    const listed = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-service')));
    assert.deepEqual([...listed].sort(), [...services].sort());
    for (const service of ['cart', 'checkout', 'gateway', 'inventory']) {
      const series = metrics.series.filter((s) => s.service === service);
      const count = series.reduce((sum, s) => sum + s.points[0].count, 0);
      const slowest = Math.max(...series.map((s) => s.points[0].p95Nanos));
      const row = table.locator(`tr[data-service="${service}"]`);
      assert.equal(await row.locator('td').first().textContent(), String(count), service);
      assert.equal(Number(await row.locator('td').nth(4).locator('data').getAttribute('value')), slowest, service);
    }
    assert.match((await table.locator('tr[data-service="report-job"]').textContent()) ?? '', /served no requests/);

    await table.getByRole('link', { name: 'inventory' }).click();
    await page.getByRole('heading', { name: 'Service health: inventory' }).waitFor();
    assert.equal(new URL(page.url()).searchParams.get('lookback'), '1h');
    await page.locator('table[aria-label="Operations"] tr[data-operation="GET /stock"]').waitFor();

    // the picker goes back to the overview
    await page.getByRole('combobox', { name: /Service/ }).selectOption('');
    await table.waitFor();
    assert.equal(new URL(page.url()).searchParams.get('service'), null);
  });
});
