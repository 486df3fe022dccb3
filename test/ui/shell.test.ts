// The UI shell in a real browser against a running `skein serve`: pages load from their
// deep links, navigation works, the theme switch flips and is remembered.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useBrowser } from '../support/browser.ts';
import { useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';

let skein: SkeinProcess;
useSkeinProcess((started) => (skein = started));
const browser = useBrowser();

test('every page has a deep link that loads the app; unknown API paths stay JSON 404s', async () => {
  const page = await browser().newPage();
  try {
    for (const path of ['/', '/search?service=x', '/trace/0123456789abcdef0123456789abcdef', '/compare', '/map', '/health']) {
      const res = await page.goto(`${skein.httpUrl}${path}`);
      assert.equal(res?.status(), 200, path);
      await page.locator('header >> text=Skein').waitFor();
    }
    const api = await fetch(`${skein.httpUrl}/api/nothing`);
    assert.equal(api.status, 404);
    assert.match(api.headers.get('content-type') ?? '', /json/);
  } finally {
    await page.close();
  }
});

test('the theme switch flips dark and light and is remembered', async () => {
  const page = await browser().newPage({ colorScheme: 'light' });
  try {
    await page.goto(`${skein.httpUrl}/search`);
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    assert.equal(await theme(), 'light');
    await page.getByRole('button', { name: 'Dark theme' }).click();
    assert.equal(await theme(), 'dark');
    await page.reload();
    assert.equal(await theme(), 'dark');
    await page.getByRole('button', { name: 'Light theme' }).click();
    assert.equal(await theme(), 'light');
  } finally {
    await page.close();
  }
});

test('header links navigate without reloading the page', async () => {
  const page = await browser().newPage();
  try {
    await page.goto(`${skein.httpUrl}/search`);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    await page.getByRole('link', { name: 'Service map' }).click();
    assert.equal(new URL(page.url()).pathname, '/map');
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 1, 'same document');
    await page.goBack();
    assert.equal(new URL(page.url()).pathname, '/search');
  } finally {
    await page.close();
  }
});
