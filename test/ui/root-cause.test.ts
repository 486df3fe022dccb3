// The Root cause page in a real browser: over a healthy shop and then a slow inventory,
// it finds the bad window itself and puts inventory first, with its evidence.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useBrowser } from '../support/browser.ts';
import { postOtlpJson } from '../support/otlp-payloads.ts';
import { shopTracesOtlpJson, slowInventoryIncident } from '../support/shop-traces.ts';
import { eventually, useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';

let skein: SkeinProcess;
useSkeinProcess(async (started) => {
  skein = started;
  assert.equal((await postOtlpJson(skein.otlpHttpUrl, shopTracesOtlpJson(slowInventoryIncident(Date.now())))).status, 200);
  await eventually(async () => {
    const { traces } = await (await fetch(`${skein.httpUrl}/api/v1/search?service=gateway&lookback=45m&limit=1000`)).json();
    return traces.length === 179 ? true : undefined;
  }, '179 shop traces');
});
const browser = useBrowser();

test('the root-cause page ranks the slow service first and explains why', async () => {
  const page = await browser().newPage();
  try {
    await page.goto(`${skein.httpUrl}/rca?lookback=1h`);
    const rows = page.locator('table.rca-candidates tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.first().getAttribute('data-service'), 'inventory');
    const text = await rows.first().innerText();
    assert.match(text, /critical-path/);
    assert.match(text, /GET \/stock/);
    assert.match(await page.locator('section.rca').innerText(), /p95/, 'says why the window is bad');
    await rows.first().getByRole('link', { name: 'inventory' }).click();
    assert.equal(new URL(page.url()).pathname, '/health');
  } finally {
    await page.close();
  }
});
