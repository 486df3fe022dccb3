// Hand-built traces for the UI's browser tests and screenshots (bench/ui-screenshots.ts):
// spans named by label, times in ms from the trace's start, sent as OTLP/JSON.
import { postOtlpJson, randomHex } from '../support/otlp-payloads.ts';

export interface FixtureSpan {
  label: string;
  parent?: string;
  service: string;
  name: string;
  kind?: number;
  start: number;
  end: number;
  /** an ERROR status with this message */
  error?: string;
  attributes?: Record<string, string | number | boolean>;
  events?: { at: number; name: string; attributes?: Record<string, string | number | boolean> }[];
  links?: { traceId: string; spanId: string }[];
}

export interface BuiltTrace {
  traceId: string;
  /** label → span id */
  ids: Record<string, string>;
  body: string;
}

const SERVER = 2;

function keyValues(attributes: Record<string, string | number | boolean> = {}) {
  return Object.entries(attributes).map(([key, v]) => ({
    key,
    value: typeof v === 'string' ? { stringValue: v } : typeof v === 'boolean' ? { boolValue: v } : Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v },
  }));
}

/** One trace as an OTLP/JSON body; it starts `agoMs` before now. */
export function buildTrace(spans: FixtureSpan[], options: { agoMs?: number; traceId?: string; ids?: Record<string, string> } = {}): BuiltTrace {
  const traceId = options.traceId ?? randomHex(16);
  const ids: Record<string, string> = { ...options.ids };
  for (const s of spans) ids[s.label] ??= randomHex(8);
  const baseNs = BigInt(Date.now() - (options.agoMs ?? 60_000)) * 1_000_000n;
  const at = (ms: number) => String(baseNs + BigInt(Math.round(ms * 1e6)));
  const byService = new Map<string, object[]>();
  for (const s of spans) {
    const list = byService.get(s.service) ?? [];
    byService.set(s.service, list);
    list.push({
      traceId,
      spanId: ids[s.label],
      parentSpanId: s.parent ? ids[s.parent] : '',
      name: s.name,
      kind: s.kind ?? SERVER,
      startTimeUnixNano: at(s.start),
      endTimeUnixNano: at(s.end),
      attributes: keyValues(s.attributes),
      events: (s.events ?? []).map((e) => ({ timeUnixNano: at(e.at), name: e.name, attributes: keyValues(e.attributes) })),
      links: s.links ?? [],
      status: s.error ? { code: 2, message: s.error } : {},
    });
  }
  const body = JSON.stringify({
    resourceSpans: [...byService].map(([service, list]) => ({
      resource: { attributes: keyValues({ 'service.name': service, 'service.version': '1.4.2', 'host.name': `${service}-5f7c9` }) },
      scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-http', version: '0.223.0' }, spans: list }],
    })),
  });
  return { traceId, ids, body };
}

export async function sendTraces(otlpHttpUrl: string, traces: BuiltTrace[]): Promise<void> {
  for (const t of traces) {
    const res = await postOtlpJson(otlpHttpUrl, t.body);
    if (!res.ok) throw new Error(`ingest failed: ${res.status} ${await res.text()}`);
  }
}

export const XSS = '<img src=x onerror=alert(1)>';

/**
 * gateway root (0–100 ms) → a (5–40) → a1 (10–35); c (10–30, parallel with a, with a child
 * c-retry ending after it: clock skew) ; b (45–95, error) → b1 (50–90, error: the origin).
 * Critical path (CRISP): root, b, b1, a, a1; c and c-retry are off it. b links to `linkTo`.
 */
export function knownAnswerTrace(service: string, linkTo?: { traceId: string; spanId: string }): FixtureSpan[] {
  return [
    { label: 'root', service, name: 'GET /order', start: 0, end: 100, attributes: { 'http.request.method': 'GET', 'http.response.status_code': 500 } },
    { label: 'a', parent: 'root', service: 'svc-a', name: 'load order', start: 5, end: 40 },
    { label: 'a1', parent: 'a', service: 'svc-a', name: 'SELECT orders', kind: 3, start: 10, end: 35, attributes: { 'db.system': 'postgresql' } },
    { label: 'c', parent: 'root', service: 'svc-c', name: 'warm cache', start: 10, end: 30, attributes: { 'note.html': XSS } },
    { label: 'c-retry', parent: 'c', service: 'svc-c', name: 'cache retry', start: 25, end: 34 },
    {
      label: 'b',
      parent: 'root',
      service: 'svc-b',
      name: 'charge order',
      start: 45,
      end: 95,
      error: 'payment failed',
      links: linkTo ? [linkTo] : [],
    },
    {
      label: 'b1',
      parent: 'b',
      service: 'svc-b',
      name: 'POST /card',
      kind: 3,
      start: 50,
      end: 90,
      error: 'card declined',
      events: [{ at: 89, name: 'exception', attributes: { 'exception.type': 'CardDeclined', 'exception.message': 'card declined' } }],
    },
  ];
}

/** A chain of `depth` spans, each the child of the one before. */
export function chainTrace(service: string, depth: number): FixtureSpan[] {
  return Array.from({ length: depth }, (_, i) => ({
    label: `s${i}`,
    parent: i > 0 ? `s${i - 1}` : undefined,
    service,
    name: `level ${i}`,
    start: i * 0.01,
    end: 100 - i * 0.01,
  }));
}

/**
 * A checkout in a small shop (web → gateway → checkout → cart, inventory, payment → fraud,
 * and an order event to email through Kafka), with `variant` faults: 'slow' makes inventory
 * slow, 'fail' makes the payment provider decline, 'retry' (a new release) retries the cart
 * call, asks a new promotions service and drops the fraud check. `stretch` lengthens every
 * span by that fraction.
 */
export function shopCheckout(variant: 'ok' | 'slow' | 'fail' | 'retry' = 'ok', stretch = 0): FixtureSpan[] {
  return checkoutSpans(variant).map((s) => ({ ...s, start: s.start * (1 + stretch), end: s.end * (1 + stretch) }));
}

function checkoutSpans(variant: 'ok' | 'slow' | 'fail' | 'retry'): FixtureSpan[] {
  const slow = variant === 'slow' ? 180 : 0;
  const fail = variant === 'fail';
  const http = (method: string, route: string, status: number) => ({ 'http.request.method': method, 'http.route': route, 'http.response.status_code': status });
  const spans: FixtureSpan[] = [
    { label: 'web', service: 'web-frontend', name: 'POST /checkout', start: 0, end: 262 + slow, attributes: { ...http('POST', '/checkout', fail ? 502 : 200), 'user_agent.original': 'Mozilla/5.0' }, error: fail ? 'upstream failed' : undefined },
    { label: 'gw', parent: 'web', service: 'api-gateway', name: 'POST /api/checkout', start: 4, end: 256 + slow, attributes: http('POST', '/api/checkout', fail ? 502 : 200), error: fail ? '502 from checkout' : undefined },
    { label: 'co', parent: 'gw', service: 'checkout', name: 'POST /checkout', start: 8, end: 250 + slow, attributes: { ...http('POST', '/checkout', fail ? 500 : 200), 'app.order.items': 3 }, error: fail ? 'payment declined' : undefined },
    { label: 'cart', parent: 'co', service: 'cart', name: 'GET /cart/{id}', start: 12, end: 40, attributes: http('GET', '/cart/{id}', 200) },
    { label: 'redis', parent: 'cart', service: 'cart', name: 'HGETALL', kind: 3, start: 15, end: 22, attributes: { 'db.system': 'redis', 'db.operation.name': 'HGETALL' } },
    { label: 'inv', parent: 'co', service: 'inventory', name: 'POST /reserve', start: 44, end: 110 + slow, attributes: http('POST', '/reserve', 200) },
    { label: 'pg', parent: 'inv', service: 'inventory', name: 'UPDATE stock', kind: 3, start: 50, end: 100 + slow, attributes: { 'db.system': 'postgresql', 'db.query.text': 'UPDATE stock SET reserved = reserved + $1 WHERE sku = $2' } },
    { label: 'pay', parent: 'co', service: 'payment', name: 'POST /charge', start: 114 + slow, end: 230 + slow, attributes: http('POST', '/charge', fail ? 402 : 200), error: fail ? 'card declined' : undefined },
    { label: 'fraud', parent: 'pay', service: 'fraud-check', name: 'score', kind: 1, start: 118 + slow, end: 150 + slow, attributes: { 'fraud.score': 0.12 } },
    {
      label: 'psp',
      parent: 'pay',
      service: 'payment',
      name: 'POST api.stripe.com/v1/charges',
      kind: 3,
      start: 154 + slow,
      end: 226 + slow,
      attributes: { ...http('POST', '/v1/charges', fail ? 402 : 200), 'server.address': 'api.stripe.com', 'peer.service': 'stripe' },
      error: fail ? 'card declined' : undefined,
      events: fail ? [{ at: 225 + slow, name: 'exception', attributes: { 'exception.type': 'CardError', 'exception.message': 'Your card was declined.' } }] : [],
    },
    { label: 'pub', parent: 'co', service: 'checkout', name: 'orders publish', kind: 4, start: 234 + slow, end: 242 + slow, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' } },
    { label: 'email', parent: 'pub', service: 'email', name: 'orders process', kind: 5, start: 244 + slow, end: 258 + slow, attributes: { 'messaging.system': 'kafka' } },
  ];
  if (variant === 'retry') {
    spans.push({ label: 'cart-retry', parent: 'co', service: 'cart', name: 'GET /cart/{id}', start: 41, end: 43, attributes: http('GET', '/cart/{id}', 200) });
    spans.push({ label: 'promo', parent: 'co', service: 'promotions', name: 'GET /promotions', start: 20, end: 38, attributes: http('GET', '/promotions', 200) });
    return spans.filter((s) => s.label !== 'fraud');
  }
  return spans;
}
