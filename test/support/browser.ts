// Headless Debian chromium driven by playwright-core, for the UI tests and bench:ui.
// The flags keep chromium off the network (this machine has none but loopback) and
// working as root in a container.
import { chromium, type Browser } from 'playwright-core';
import { after, before } from 'node:test';

export const CHROMIUM_PATH = process.env.SKEIN_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** One browser for the whole test file. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
  return () => browser!;
}
