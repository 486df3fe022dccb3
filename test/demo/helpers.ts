// Reading the demo's traces back from a real `skein serve`, flattened to one list of spans
// with their service and version.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { startDemo, type DemoOptions, type RunningDemo } from '../../demo/orchestrator.ts';
import { eventually, useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';

/**
 * A `skein serve` and the demo shop sending to it, for one test file: the demo stops
 * (flushing its spans) before Skein does, and its data directory goes afterwards. The
 * returned object's fields are set once the file's tests run.
 */
export function useDemo(options: Omit<DemoOptions, 'endpoint' | 'dataDir' | 'basePort' | 'timeouts'>): { skein: SkeinProcess; demo: RunningDemo; dataDir: string } {
  const running = { dataDir: mkdtempSync(join(tmpdir(), 'skein-demo-test-')) } as { skein: SkeinProcess; demo: RunningDemo; dataDir: string };
  // Registered before useSkeinProcess's own after(): the demo stops before Skein does.
  after(async () => {
    await running.demo?.stop();
    rmSync(running.dataDir, { recursive: true, force: true });
  });
  useSkeinProcess(async (started) => {
    running.skein = started;
    running.demo = await startDemo({
      endpoint: started.otlpHttpUrl,
      dataDir: running.dataDir,
      basePort: 0,
      // Generous, so a busy machine does not time calls out; the hang test waits for checkout's.
      timeouts: { frontend: 8000, checkout: 4000, payment: 3000, notifier: 4000 },
      ...options,
    });
  });
  return running;
}

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: { key: string; value: Record<string, unknown> }[];
  links?: { traceId: string; spanId: string }[];
  events?: { name: string }[];
  status?: { code?: number; message?: string };
  service: string;
  version: string;
}

export const Kind = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
export const ERROR = 2;

export function attr(span: Span, key: string): unknown {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  if (!value) return undefined;
  if ('intValue' in value) return Number(value.intValue);
  return Object.values(value)[0];
}

export function durationMs(span: Span): number {
  return Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6;
}

export function flatten(body: any): Span[] {
  const spans: Span[] = [];
  for (const rs of body.resourceSpans ?? []) {
    const resource = Object.fromEntries((rs.resource?.attributes ?? []).map((a: any) => [a.key, Object.values(a.value)[0]]));
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) spans.push({ ...s, service: resource['service.name'], version: resource['service.version'] });
    }
  }
  return spans;
}

export async function fetchTrace(skein: SkeinProcess, traceId: string): Promise<Span[] | undefined> {
  const res = await fetch(`${skein.httpUrl}/api/v1/traces/${traceId}`);
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`trace ${traceId}: ${res.status} ${await res.text()}`);
  return flatten(await res.json());
}

/** Waits until the trace is stored and `ready(spans)` holds. */
export function waitForTrace(skein: SkeinProcess, traceId: string, ready: (spans: Span[]) => boolean, what: string, timeoutMs = 20_000): Promise<Span[]> {
  return eventually(async () => {
    const spans = await fetchTrace(skein, traceId);
    return spans && ready(spans) ? spans : undefined;
  }, `${what} (trace ${traceId})`, timeoutMs);
}

/** A shop trace once it is whole: its frontend root has arrived and its span count held still for 0.8 s. */
export async function wholeTrace(skein: SkeinProcess, traceId: string): Promise<Span[]> {
  let last = -1;
  return eventually(async () => {
    const spans = await fetchTrace(skein, traceId);
    if (!spans?.some((s) => !s.parentSpanId && s.service === 'frontend')) return undefined;
    const settled = spans.length === last;
    last = spans.length;
    if (!settled) await new Promise((r) => setTimeout(r, 800));
    return settled ? spans : undefined;
  }, `shop trace ${traceId} whole`);
}

/** Trace ids of the search, newest first. */
export async function search(skein: SkeinProcess, params: Record<string, string>): Promise<string[]> {
  const query = new URLSearchParams({ lookback: '1h', ...params });
  const res = await fetch(`${skein.httpUrl}/api/v1/search?${query}`);
  if (!res.ok) throw new Error(`search ${query}: ${res.status} ${await res.text()}`);
  return ((await res.json()).traces as { traceId: string }[]).map((t) => t.traceId);
}

export async function shop(frontendUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; traceId: string; body: any }> {
  const res = await fetch(frontendUrl + path, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, traceId: res.headers.get('x-trace-id') ?? '', body: text ? JSON.parse(text) : undefined };
}

/** Adds a product to `user`'s cart, then checks out. */
export async function checkout(frontendUrl: string, user: string, productIds = [3, 7]) {
  for (const productId of productIds) {
    const added = await shop(frontendUrl, 'POST', '/api/cart/items', { user, productId, quantity: 1 });
    if (added.status !== 200) throw new Error(`adding to the cart failed: ${added.status} ${JSON.stringify(added.body)}`);
  }
  return shop(frontendUrl, 'POST', '/api/checkout', { user });
}

export function byService(spans: Span[], service: string, kind?: number): Span[] {
  return spans.filter((s) => s.service === service && (kind === undefined || s.kind === kind));
}

/** The nearest ancestor (or the span itself) of another kind/service, following parents. */
export function ancestors(spans: Span[], span: Span): Span[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const chain: Span[] = [];
  for (let p = span.parentSpanId && byId.get(span.parentSpanId); p; p = p.parentSpanId ? byId.get(p.parentSpanId) : undefined) chain.push(p);
  return chain;
}
