// Serves the production builds of Jaeger UI and Zipkin Lens (../shared/real-uis) the way
// their own servers do, with their API calls forwarded to a running Skein: the static
// files, index.html for the client-side routes, and a reverse proxy of the API prefixes.
// One node:http server per UI on 127.0.0.1, port 0. Also what the real-UI tests share:
// watching a page for failed requests and errors, docs screenshots, re-timed captures.
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';

export const realUisDir = resolve(process.cwd(), '../shared/real-uis');
export const JAEGER_UI_FOLDER = 'jaeger-ui-v1.74.0';
export const ZIPKIN_LENS_FOLDER = 'zipkin-lens';

/**
 * The folder of one build. Missing builds fail the test rather than skip it: a skipped
 * real-UI test reads as passed, and these are the only tests of the UIs themselves.
 */
export function realUiBuild(folder: string): string {
  const dir = join(realUisDir, folder);
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error(`the ${folder} build is missing: expected ${dir}/index.html (see ${realUisDir}/README.md for how it is built)`);
  }
  return dir;
}

/**
 * The ui-config jaeger-query injects (its --query.ui-config file): the Monitor tab on, as
 * jaegertracing.io's "Frontend/UI Configuration" shows it.
 */
export const JAEGER_UI_CONFIG = { monitor: { menuEnabled: true } };
/**
 * What jaeger-query injects as JAEGER_STORAGE_CAPABILITIES (querysvc.StorageCapabilities):
 * only `archiveStorage`, false as Skein has no archive store. Jaeger UI 1.74 reads no other
 * key; metrics support shows by /api/metrics/* answering (a 501 means "not set up").
 */
export const JAEGER_STORAGE_CAPABILITIES = { archiveStorage: false };

/**
 * Zipkin server's /zipkin/config.json with its defaults (ZipkinUiConfiguration.writeConfig,
 * zipkin.ui.* properties; ZIPKIN_UI_DEFAULT_LOOKBACK is 15 minutes). Served rather than left
 * to 404: Lens parses the answer as JSON whatever its status, and a plain-text 404 leaves it
 * a blank page ("not valid JSON"); only a JSON 404 body falls back to its defaults.
 */
export const ZIPKIN_LENS_CONFIG = {
  environment: '',
  queryLimit: 10,
  defaultLookback: 15 * 60 * 1000,
  searchEnabled: true,
  logsUrl: null,
  supportUrl: null,
  archivePostUrl: null,
  archiveUrl: null,
  dependency: { enabled: true, lowErrorRate: 0.5, highErrorRate: 0.75 },
};

export interface RealUiServer {
  /** Base URL of the UI: http://127.0.0.1:port for Jaeger UI, …/zipkin/ for Lens. */
  url: string;
  close(): Promise<void>;
}

/** Jaeger UI at /, its API prefixes forwarded to Skein's HTTP port, as jaeger-query serves it. */
export function startJaegerUi(skeinHttpUrl: string, uiConfig: object = JAEGER_UI_CONFIG): Promise<RealUiServer> {
  const root = realUiBuild(JAEGER_UI_FOLDER);
  const index = jaegerIndexHtml(readFileSync(join(root, 'index.html'), 'utf8'), uiConfig, JAEGER_STORAGE_CAPABILITIES);
  const apiPaths = (path: string) => path.startsWith('/api/') || path.startsWith('/analytics/') || path === '/serviceedges' || path === '/qualitymetrics-v2';
  return listen('/', (req, res, path) => {
    if (apiPaths(path)) return forward(req, res, skeinHttpUrl, req.url!);
    serveBuild(res, root, path, index);
  });
}

/** Zipkin Lens under /zipkin/, `/zipkin/api/v2/*` forwarded (without /zipkin) to Skein's Zipkin port. */
export function startZipkinLens(skeinZipkinUrl: string): Promise<RealUiServer> {
  const root = realUiBuild(ZIPKIN_LENS_FOLDER);
  const index = readFileSync(join(root, 'index.html'), 'utf8');
  const config = JSON.stringify(ZIPKIN_LENS_CONFIG);
  return listen('/zipkin/', (req, res, path) => {
    if (path === '/' || path === '/zipkin') return redirect(res, '/zipkin/');
    if (!path.startsWith('/zipkin/')) return notFound(res);
    const inner = path.slice('/zipkin'.length);
    if (inner.startsWith('/api/')) return forward(req, res, skeinZipkinUrl, req.url!.slice('/zipkin'.length));
    if (inner === '/config.json') return send(res, 200, 'application/json', config);
    serveBuild(res, root, inner, index);
  });
}

/**
 * jaeger-query's index.html substitutions (cmd/query/app/static_handler.go): the UI config
 * and the storage capabilities replace the defaults the build ships with.
 */
export function jaegerIndexHtml(html: string, uiConfig: object, capabilities: object): string {
  const replaced = html
    .replace(/JAEGER_CONFIG *= *DEFAULT_CONFIG;/, `JAEGER_CONFIG = ${JSON.stringify(uiConfig)};`)
    .replace(/JAEGER_STORAGE_CAPABILITIES *= *DEFAULT_STORAGE_CAPABILITIES;/, `JAEGER_STORAGE_CAPABILITIES = ${JSON.stringify(capabilities)};`);
  // A build whose index.html lost the pattern would silently run unconfigured.
  if (!replaced.includes(`JAEGER_CONFIG = ${JSON.stringify(uiConfig)};`)) throw new Error("Jaeger UI's index.html has no 'JAEGER_CONFIG = DEFAULT_CONFIG;' to replace");
  return replaced;
}

type Handler = (req: IncomingMessage, res: ServerResponse, path: string) => void;

function listen(base: string, handle: Handler): Promise<RealUiServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    try {
      handle(req, res, path);
    } catch (err) {
      send(res, 500, 'text/plain', String(err));
    }
  });
  return new Promise((resolveServer, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolveServer({
        url: `http://127.0.0.1:${port}${base === '/' ? '' : base}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

/**
 * A file of the build, else index.html for a client-side route. A missing asset (a path
 * with an asset's extension) is a 404 rather than index.html, so a broken asset link shows
 * as a failed request instead of a script that does not parse. Routes may hold dots
 * (Jaeger UI's compare page is /trace/a...b).
 */
function serveBuild(res: ServerResponse, root: string, path: string, index: string): void {
  const file = normalize(join(root, decodeURIComponent(path)));
  if (!file.startsWith(root)) return notFound(res);
  if (path !== '/' && path !== '/index.html' && existsSync(file) && statSync(file).isFile()) {
    return send(res, 200, CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', readFileSync(file));
  }
  if (CONTENT_TYPES[extname(path)] && path !== '/index.html') return notFound(res);
  send(res, 200, CONTENT_TYPES['.html'], index);
}

/** Reverse proxy of one request to Skein, status, headers and body passed through. */
function forward(req: IncomingMessage, res: ServerResponse, targetBase: string, pathAndQuery: string): void {
  const target = new URL(pathAndQuery, targetBase);
  const upstream = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', (err) => {
    if (!res.headersSent) send(res, 502, 'text/plain', `proxy to ${target}: ${err.message}`);
    else res.destroy(err);
  });
  req.pipe(upstream);
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function notFound(res: ServerResponse): void {
  send(res, 404, 'text/plain', 'not found');
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location });
  res.end();
}

/**
 * Watches a page for what a UI swallows: every answer with status ≥ 400 (with the start of
 * its body), every uncaught page error and every console error. The returned function
 * gives the list once the bodies are read.
 */
export function watchPage(page: Page): () => Promise<string[]> {
  const problems: Promise<string>[] = [];
  page.on('response', (response) => {
    if (response.status() < 400) return;
    const what = `${response.request().method()} ${response.url()} → ${response.status()}`;
    problems.push(response.text().then((body) => `${what}: ${body.slice(0, 300)}`, () => what));
  });
  page.on('pageerror', (err) => problems.push(Promise.resolve(`page error: ${err.message}`)));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(Promise.resolve(`console error: ${message.text().slice(0, 300)}`));
  });
  return () => Promise.all(problems);
}

/**
 * A fresh page for one test: whatever `watchPage` records fails the test, listed in the
 * message, after `run` (so a timeout in `run` still says which request failed).
 */
export async function withWatchedPage(browser: Browser, run: (page: Page) => Promise<void>, options: { viewport?: { width: number; height: number }; init?: () => void } = {}): Promise<void> {
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1400, height: 900 }, colorScheme: 'light' });
  if (options.init) await page.addInitScript(options.init);
  const problems = watchPage(page);
  let failure: unknown;
  try {
    await run(page);
  } catch (err) {
    failure = err;
  }
  const found = await problems();
  await page.close();
  if (found.length > 0) {
    const message = `${found.length} failed request(s) or page error(s) on ${page.url()}:\n  ${found.join('\n  ')}`;
    throw new Error(failure ? `${message}\nand the test itself failed: ${(failure as Error).message}` : message);
  }
  if (failure) throw failure;
}

/** Saves a screenshot for the docs when SKEIN_SCREENSHOTS=1 (docs/images/<name>.png). */
export async function docsScreenshot(page: Page, name: string): Promise<void> {
  if (process.env.SKEIN_SCREENSHOTS !== '1') return;
  mkdirSync(resolve(process.cwd(), 'docs/images'), { recursive: true });
  await page.screenshot({ path: resolve(process.cwd(), 'docs/images', `${name}.png`) });
}

/**
 * A Zipkin v2 JSON capture moved in time so that it starts `agoMs` before now, ids and
 * structure unchanged: the captures are days or years old, and Lens and Jaeger UI search
 * the recent past.
 */
export function rebasedZipkinSpans(body: Buffer | string, agoMs: number): object[] {
  const spans = JSON.parse(body.toString()) as { timestamp?: number; annotations?: { timestamp: number }[] | null }[];
  const earliest = Math.min(...spans.map((s) => s.timestamp ?? Infinity));
  const shift = (Date.now() - agoMs) * 1000 - earliest;
  for (const span of spans) {
    if (span.timestamp !== undefined) span.timestamp += shift;
    for (const annotation of span.annotations ?? []) annotation.timestamp += shift;
  }
  return spans;
}
