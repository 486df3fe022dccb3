// The README's quick start on what a fresh clone holds: `npm start` must serve the web UI
// and the demo shop's traces, though nothing has built the UI yet (ui/dist is not in git).
// The clone is the checkout's tracked files copied to a temporary folder, with the
// checkout's node_modules linked in place of `npm install` (a real install takes minutes).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { eventually } from '../support/skein-process.ts';

const clone = mkdtempSync(join(tmpdir(), 'skein-clone-'));
after(() => rmSync(clone, { recursive: true, force: true }));

function copyTrackedFiles(to: string): void {
  const files = execFileSync('git', ['ls-files', '-z'], { encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    if (!existsSync(file)) continue; // deleted in the work tree, not yet committed
    mkdirSync(dirname(join(to, file)), { recursive: true });
    cpSync(file, join(to, file));
  }
  symlinkSync(resolve('node_modules'), join(to, 'node_modules'));
}

test('npm start on a fresh clone serves the web UI with the demo shop traces', { timeout: 180_000 }, async () => {
  copyTrackedFiles(clone);
  assert.ok(!existsSync(join(clone, 'ui/dist')), 'a fresh clone has no built UI');

  const ports = ['--http-port', '--otlp-http-port', '--otlp-grpc-port', '--zipkin-port', '--jaeger-port', '--tempo-port'].flatMap((flag) => [flag, '0']);
  // Its own process group, so one signal stops npm, the shell it starts and the demo.
  const child = spawn('npm', ['start', '--', '--base-port', '0', '--rps', '20', '--data-dir', join(clone, 'data'), ...ports], {
    cwd: clone,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const uiUrl = await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
        return /Skein UI: +(http:\/\/\S+)\/search/.exec(output)?.[1];
      },
      `the demo's "Skein UI" line`,
      120_000,
    );

    const page = await fetch(`${uiUrl}/search`);
    assert.equal(page.status, 200);
    const html = await page.text();
    const script = /<script[^>]+src="([^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, `the page loads the UI's script:\n${html}`);
    const asset = await fetch(new URL(script, uiUrl));
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('content-type') ?? '', /javascript/);

    const services = await eventually(
      async () => {
        const { services } = (await (await fetch(`${uiUrl}/api/v1/services`)).json()) as { services: string[] };
        return services.includes('frontend') && services.includes('checkout') ? services : undefined;
      },
      'the demo services in /api/v1/services',
      60_000,
    );
    assert.ok(services.length >= 6, services.join());
  } finally {
    process.kill(-child.pid!, 'SIGINT');
    await exited;
  }
});
