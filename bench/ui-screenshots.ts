// node --import tsx bench/ui-screenshots.ts — regenerates docs/images/{search,trace,compare}.png:
// builds the UI, starts `skein serve`, sends the checkouts of a small shop
// (test/ui/fixtures.ts: normal, slow, failing and retried ones over the last hour), and
// photographs the search page, a failing checkout's trace view (critical path shown, the
// error origin selected) and a normal checkout compared with a retried one.
// Environment: SCREENSHOT_THEME (light or dark, default light).
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { launchChromium } from '../test/support/browser.ts';
import { eventually, startSkeinProcess } from '../test/support/skein-process.ts';
import { buildTrace, sendTraces, shopCheckout, type BuiltTrace } from '../test/ui/fixtures.ts';

const THEME = process.env.SCREENSHOT_THEME === 'dark' ? 'dark' : 'light';

execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
mkdirSync('docs/images', { recursive: true });

const skein = await startSkeinProcess();
const browser = await launchChromium();
try {
  const variants = ['ok', 'ok', 'slow', 'ok', 'fail', 'ok', 'retry', 'ok', 'ok', 'slow', 'ok', 'fail'] as const;
  const traces: BuiltTrace[] = [];
  for (let n = 0; n < 36; n++) {
    const variant = variants[n % variants.length];
    traces.push(buildTrace(shopCheckout(variant, ((n * 37) % 10) / 40), { agoMs: 50 * 60_000 - n * 80_000 - (n % 5) * 9_000 }));
  }
  await sendTraces(skein.otlpHttpUrl, traces);
  await eventually(async () => {
    const res = await fetch(`${skein.httpUrl}/api/v1/search?service=web-frontend&limit=100`);
    const body = (await res.json()) as { traces: unknown[] };
    return body.traces.length === traces.length ? true : undefined;
  }, 'the traces to be searchable');

  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: THEME, deviceScaleFactor: 1 });
  const failing = traces[variants.lastIndexOf('fail') + 24];
  const [normal, retried] = [traces[variants.indexOf('ok')], traces[variants.indexOf('retry')]];

  await page.goto(`${skein.httpUrl}/search?service=web-frontend&lookback=1h&limit=50`);
  await page.locator('.search-results tbody tr').first().waitFor();
  await page.screenshot({ path: 'docs/images/search.png' });

  await page.goto(`${skein.httpUrl}/trace/${failing.traceId}?span=${failing.ids.psp}`);
  await page.locator('.analysis-summary .critical-summary').waitFor();
  await page.locator('.span-detail[data-detail="loaded"]').waitFor();
  await page.screenshot({ path: 'docs/images/trace.png' });

  await page.goto(`${skein.httpUrl}/compare?a=${normal.traceId}&b=${retried.traceId}`);
  await page.locator('.compare-table tbody tr, .compare-page .error-text').first().waitFor();
  await page.screenshot({ path: 'docs/images/compare.png' });
  console.log('wrote docs/images/search.png, trace.png, compare.png');
} finally {
  await browser.close();
  await skein.stop();
  skein.removeData();
}
