// npm run bench:ui — how fast the trace view shows a big trace in headless chromium.
// Builds the UI if ui/dist is older than ui/src, starts `skein serve`, ingests a 10k-span
// and a 100k-span trace (OTLP/JSON in requests under the 20 MiB cap), then opens
// /trace/{id} several times per trace and reports medians of:
//   - response: the trace's timeline (/api/v1/traces/{id}/timeline, every span in columns
//     without attributes or events) has arrived (resource timing: the server's share),
//   - parsed: the timeline parsed (the page's `skein:trace-loaded` mark),
//   - first paint: the timeline's first canvas draw (`skein:timeline-first-paint`), all
//     from navigation start, and first paint − response, the page's own work,
//   - interactive: from navigation start until the page answered a click on a row, issued
//     as soon as the timeline was painted, in full: the span detail panel shows that span
//     with its attributes, which it fetches on selection (/api/v1/traces/{id}/spans/{spanId}),
//   - scroll frame: median and worst time between frames while the timeline scrolls
//     (60 scroll steps, one per animation frame).
// Environment: BENCH_RUNS (default 5), BENCH_SIZES (default 10000,100000), BENCH_PROFILE
// (a path prefix: saves the page's CPU profile of each size's last run, for DevTools).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/support/browser.ts';
import { randomHex } from '../test/support/otlp-payloads.ts';
import { eventually, startSkeinProcess } from '../test/support/skein-process.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** A path prefix: the page's CPU profile of each size's last run goes to <prefix>-<spans>.cpuprofile. */
const PROFILE = process.env.BENCH_PROFILE;
const SIZES = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const MAX_BODY = 15 * 1024 * 1024;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildIfNeeded(): void {
  const index = 'ui/dist/index.html';
  if (existsSync(index) && statSync(index).mtimeMs > newestMtime('ui/src')) return;
  console.log('building the UI…');
  execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
}

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A trace of `count` spans over 24 services, up to 14 levels deep, each span with a few
 * attributes and some with events, as OTLP/JSON request bodies of at most MAX_BODY bytes.
 */
function bigTrace(count: number, seed = 1): { traceId: string; bodies: string[] } {
  const rand = random(seed);
  const traceId = randomHex(16);
  const services = Array.from({ length: 24 }, (_, i) => `service-${String.fromCharCode(97 + i)}`);
  const baseNs = BigInt(Date.now() - 60_000) * 1_000_000n;
  const ids: string[] = [];
  const depth = new Int32Array(count);
  const startNs = new Float64Array(count);
  const endNs = new Float64Array(count);
  const parents = new Int32Array(count).fill(-1);
  startNs[0] = 0;
  endNs[0] = 30e9;
  for (let i = 0; i < count; i++) {
    ids.push(randomHex(8));
    if (i === 0) continue;
    // Parents among recent spans make bushy, deep subtrees.
    let parent = Math.max(0, i - 1 - Math.floor(rand() * Math.min(i, 40)));
    while (depth[parent] >= 14) parent = parents[parent];
    parents[i] = parent;
    depth[i] = depth[parent] + 1;
    const span = endNs[parent] - startNs[parent];
    startNs[i] = startNs[parent] + rand() * span * 0.6;
    endNs[i] = startNs[i] + rand() * (endNs[parent] - startNs[i]);
  }
  const bySpanService = (i: number) => services[(depth[i] * 7 + (i % 3)) % services.length];
  const bodies: string[] = [];
  let batch: Map<string, object[]> = new Map();
  let batchBytes = 0;
  const flush = () => {
    bodies.push(
      JSON.stringify({
        resourceSpans: [...batch].map(([service, spans]) => ({
          resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }, { key: 'host.name', value: { stringValue: `${service}-7d9f` } }] },
          scopeSpans: [{ scope: { name: 'bench' }, spans }],
        })),
      }),
    );
    batch = new Map();
    batchBytes = 0;
  };
  for (let i = 0; i < count; i++) {
    const service = bySpanService(i);
    const error = rand() < 0.01;
    const span = {
      traceId,
      spanId: ids[i],
      parentSpanId: i === 0 ? '' : ids[parents[i]],
      name: `${['GET', 'POST', 'SELECT', 'publish'][i % 4]} /${service}/op-${i % 37}`,
      kind: 1 + (i % 5),
      startTimeUnixNano: String(baseNs + BigInt(Math.round(startNs[i]))),
      endTimeUnixNano: String(baseNs + BigInt(Math.round(endNs[i]))),
      attributes: [
        { key: 'http.request.method', value: { stringValue: 'GET' } },
        { key: 'url.path', value: { stringValue: `/items/${i}` } },
        { key: 'http.response.status_code', value: { intValue: String(error ? 500 : 200) } },
        { key: 'item.index', value: { intValue: String(i) } },
      ],
      events: i % 10 === 0 ? [{ timeUnixNano: String(baseNs + BigInt(Math.round(startNs[i]))), name: 'cache miss', attributes: [] }] : [],
      status: { code: error ? 2 : 0, message: error ? 'failed' : '' },
    };
    const list = batch.get(service) ?? [];
    batch.set(service, list);
    list.push(span);
    batchBytes += 700;
    if (batchBytes > MAX_BODY) flush();
  }
  flush();
  return { traceId, bodies };
}

async function ingest(otlpHttpUrl: string, httpUrl: string, count: number): Promise<string> {
  const { traceId, bodies } = bigTrace(count, count);
  for (const body of bodies) {
    if (Buffer.byteLength(body) > 20 * 1024 * 1024) throw new Error('request over 20 MiB');
    for (;;) {
      const res = await fetch(`${otlpHttpUrl}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      if (res.status === 429) {
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      if (!res.ok) throw new Error(`ingest: ${res.status} ${await res.text()}`);
      break;
    }
  }
  await eventually(
    async () => {
      const status = (await (await fetch(`${httpUrl}/api/v1/status`)).json()) as { pipeline: { pendingSpans: number } };
      return status.pipeline.pendingSpans === 0 ? true : undefined;
    },
    'the store to catch up',
    120_000,
  );
  return traceId;
}

interface Run {
  /** the timeline's last byte arrived */
  responseMs: number;
  fetchMs: number;
  firstPaintMs: number;
  interactiveMs: number;
  frameMedianMs: number;
  frameMaxMs: number;
  /** first paint − response: the page's own work */
  pageMs: number;
  /** the analysis's answer arrived */
  analysisMs: number;
  /** the clicked span's detail: asked for, answered */
  detailAskedMs: number;
  detailAnsweredMs: number;
}

async function measure(page: Page, url: string, profileTo?: string): Promise<Run> {
  await page.goto('about:blank');
  const cdp = profileTo === undefined ? undefined : await page.context().newCDPSession(page);
  await cdp?.send('Profiler.enable');
  await cdp?.send('Profiler.start');
  await page.goto(url);
  const canvas = page.locator('.timeline canvas.timeline-rows');
  await page.waitForFunction(() => performance.getEntriesByName('skein:timeline-first-paint').length > 0, undefined, { timeout: 60_000 });
  // Click the third row as soon as the timeline is painted; the page is interactive once the
  // span detail panel shows that span's full data, fetched on the click.
  await page.evaluate(() => {
    const observer = new MutationObserver(() => {
      if (!document.querySelector('.span-detail[data-detail="loaded"]')) return;
      (window as unknown as { detailShownAt: number }).detailShownAt = performance.now();
      observer.disconnect();
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-detail'] });
  });
  const box = (await canvas.boundingBox())!;
  await page.mouse.click(box.x + 60, box.y + Number(await page.locator('.timeline').getAttribute('data-header-height')) + 2.5 * Number(await page.locator('.timeline').getAttribute('data-row-height')));
  await page.locator('.span-detail[data-detail="loaded"]').waitFor({ timeout: 60_000 });
  // When the page showed it, from the observer set before the click: Playwright notices
  // only at its next poll, up to a few hundred ms later.
  const interactiveMs = await page.evaluate(() => (window as unknown as { detailShownAt: number }).detailShownAt);
  if (cdp !== undefined) {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(profileTo!, JSON.stringify(profile));
    await cdp.detach();
  }
  const marks = await page.evaluate(() => {
    const timeline = performance.getEntriesByType('resource').find((e) => /\/api\/v1\/traces\/[0-9a-f]+\/timeline$/.test(e.name)) as PerformanceResourceTiming;
    // No named functions in here: tsx would wrap them in a helper the page does not have.
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const analysis = resources.find((e) => /\/analysis$/.test(e.name))!;
    const detail = resources.find((e) => /\/spans\/[0-9a-f]+$/.test(e.name))!;
    return {
      response: timeline.responseEnd,
      fetch: performance.getEntriesByName('skein:trace-loaded')[0].startTime,
      paint: performance.getEntriesByName('skein:timeline-first-paint')[0].startTime,
      analysis: analysis.responseEnd,
      detailAsked: detail.startTime,
      detailAnswered: detail.responseEnd,
    };
  });
  const frames = await page.evaluate(async () => {
    const scroller = document.querySelector('.timeline-scroll') as HTMLElement;
    const gaps: number[] = [];
    let last = await new Promise<number>((r) => requestAnimationFrame(r));
    for (let i = 0; i < 60; i++) {
      scroller.scrollTop += 400;
      const now = await new Promise<number>((r) => requestAnimationFrame(r));
      gaps.push(now - last);
      last = now;
    }
    return gaps.sort((a, b) => a - b);
  });
  return {
    responseMs: marks.response,
    fetchMs: marks.fetch,
    firstPaintMs: marks.paint,
    interactiveMs,
    frameMedianMs: frames[frames.length >> 1],
    frameMaxMs: frames[frames.length - 1],
    pageMs: marks.paint - marks.response,
    analysisMs: marks.analysis,
    detailAskedMs: marks.detailAsked,
    detailAnsweredMs: marks.detailAnswered,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

async function main() {
  buildIfNeeded();
  const skein = await startSkeinProcess();
  const browser = await launchChromium();
  try {
    for (const size of SIZES) {
      const t0 = Date.now();
      const traceId = await ingest(skein.otlpHttpUrl, skein.httpUrl, size);
      console.log(`${size} spans ingested in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      const runs: Run[] = [];
      for (let i = 0; i < RUNS + 1; i++) {
        const profileTo = PROFILE !== undefined && i === RUNS ? `${PROFILE}-${size}.cpuprofile` : undefined;
        const run = await measure(page, `${skein.httpUrl}/trace/${traceId}`, profileTo);
        if (profileTo) console.log(`page profile of the last run: ${profileTo}`);
        if (i > 0) runs.push(run); // the first run warms the server's caches and the browser's
      }
      await page.close();
      const f = (key: keyof Run) => median(runs.map((r) => r[key])).toFixed(0).padStart(6);
      console.log(
        `${String(size).padStart(6)} spans, median of ${RUNS} (ms from navigation): response ${f('responseMs')} | parsed ${f('fetchMs')} | first paint ${f('firstPaintMs')} | interactive ${f('interactiveMs')} | in the page (first paint − response) ${f('pageMs')} | scroll frame ${f('frameMedianMs')} (worst ${f('frameMaxMs')}) | analysis answered ${f('analysisMs')} | detail asked ${f('detailAskedMs')}, answered ${f('detailAnsweredMs')}`,
      );
    }
  } finally {
    await browser.close();
    await skein.stop();
    skein.removeData();
  }
}

await main();
