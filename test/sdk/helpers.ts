// Helpers for the @skein/node tests: spawn a traced fixture app (test/sdk/fixtures) with
// `node --import @skein/node/register`, a header-capturing HTTP server to stand in for a
// downstream service, and readers for what reached a real `skein serve`.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { after } from 'node:test';
import { eventually } from '../support/skein-process.ts';

const FIXTURES = new URL('./fixtures/', import.meta.url);

export interface TracedApp {
  child: ChildProcess;
  /** http://127.0.0.1:port once the app printed "listening <port>"; '' for apps that do not listen. */
  url: string;
  stdout(): string;
  stderr(): string;
  /** stdout lines that parse as JSON (pino's lines, the fixtures' reports). */
  jsonLines(): any[];
  /** Resolves when the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartOptions {
  /** Add `--import @skein/node/register` (default true). */
  register?: boolean;
  /** Wait for "listening <port>" on stdout (default true). */
  listens?: boolean;
}

// Registered when this module loads (at the top level of the test file that imports it):
// kills any app a failed test left running and closes the capture servers.
const running = new Set<ChildProcess>();
const servers = new Set<Server>();
after(async () => {
  for (const child of running) child.kill('SIGKILL');
  await Promise.all([...servers].map((server) => new Promise((resolve) => server.close(resolve))));
});

/**
 * Runs fixtures/<fixture> with an environment made of PATH plus `env` only (no OTEL_* or
 * SKEIN_* leaking in from the test runner's own environment).
 */
export async function startApp(fixture: string, env: Record<string, string>, options: StartOptions = {}): Promise<TracedApp> {
  const args = [...(options.register === false ? [] : ['--import', '@skein/node/register']), new URL(fixture, FIXTURES).pathname];
  const child = spawn(process.execPath, args, {
    cwd: new URL('.', FIXTURES).pathname,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  const app: TracedApp = {
    child,
    url: '',
    stdout: () => stdout,
    stderr: () => stderr,
    jsonLines: () => stdout.split('\n').flatMap((line) => (line.startsWith('{') ? [JSON.parse(line)] : [])),
    exited,
  };
  if (options.listens === false) return app;
  const port = await Promise.race([
    eventually(async () => /^listening (\d+)$/m.exec(stdout)?.[1], `${fixture} to listen`),
    exited.then(({ code, signal }) => {
      throw new Error(`${fixture} exited (${code ?? signal}) before listening:\n${stdout}\n${stderr}`);
    }),
  ]);
  app.url = `http://127.0.0.1:${port}`;
  return app;
}

/** SIGTERM (by default) and wait for the exit. */
export async function stopApp(app: TracedApp, signal: NodeJS.Signals = 'SIGTERM') {
  if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill(signal);
  return app.exited;
}

export interface CapturedRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

/** An HTTP server that answers `{}` to everything and keeps each request's headers. */
export async function startCaptureServer(): Promise<{ url: string; requests: CapturedRequest[]; server: Server }> {
  const requests: CapturedRequest[] = [];
  const server = createServer((req, res) => {
    requests.push({ path: req.url ?? '', headers: req.headers });
    req.resume();
    res.setHeader('content-type', 'application/json');
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.add(server);
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests, server };
}

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  service: string;
  scope: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

export const KIND = { internal: 1, server: 2, client: 3 } as const;

function value(v: any): unknown {
  if (v == null) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  if ('boolValue' in v) return v.boolValue;
  if ('arrayValue' in v) return (v.arrayValue.values ?? []).map(value);
  return v;
}

function attributes(list: any[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((a) => [a.key, value(a.value)]));
}

/** The spans of one trace as stored, or [] when Skein does not know it (yet). */
export async function readTrace(httpUrl: string, traceId: string): Promise<Span[]> {
  const res = await fetch(`${httpUrl}/api/v1/traces/${traceId}`);
  if (res.status === 404) return [];
  if (!res.ok) throw new Error(`GET trace ${traceId}: ${res.status} ${await res.text()}`);
  const body = await res.json();
  return body.resourceSpans.flatMap((rs: any) => {
    const resource = attributes(rs.resource?.attributes);
    return rs.scopeSpans.flatMap((ss: any) =>
      ss.spans.map((s: any) => ({
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId || undefined,
        name: s.name,
        kind: s.kind,
        service: resource['service.name'] as string,
        scope: ss.scope?.name ?? '',
        attributes: attributes(s.attributes),
        resource,
      })),
    );
  });
}

/** Waits until the trace holds spans for which `complete` holds (e.g. a server and a client span). */
export async function waitForTrace(httpUrl: string, traceId: string, complete: (spans: Span[]) => boolean, what: string): Promise<Span[]> {
  return eventually(async () => {
    const spans = await readTrace(httpUrl, traceId);
    return complete(spans) ? spans : undefined;
  }, `trace ${traceId}: ${what}`);
}

/** Trace ids Skein's search finds for a service in the last hour. */
export async function searchTraceIds(httpUrl: string, service: string): Promise<string[]> {
  const res = await fetch(`${httpUrl}/api/v1/search?service=${encodeURIComponent(service)}&lookback=1h&limit=100`);
  if (!res.ok) throw new Error(`search: ${res.status} ${await res.text()}`);
  return (await res.json()).traces.map((t: { traceId: string }) => t.traceId);
}

export function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Environment for a fixture app that sends to `skein` quickly (100 ms batch delay). */
export function appEnv(otlpHttpUrl: string, serviceName: string, extra: Record<string, string> = {}): Record<string, string> {
  return { SKEIN_ENDPOINT: otlpHttpUrl, SKEIN_SERVICE_NAME: serviceName, OTEL_BSP_SCHEDULE_DELAY: '100', ...extra };
}
