// Synthetic traces of a small shop, gateway → checkout → (cart, inventory → db peer),
// with a fault of known kind and place, for root-cause tests.
import { SpanKind, StatusCode } from '../../src/model/span.ts';
import type { SpanShape } from '../../src/analyze/trace-tree.ts';
import { randomHex } from './otlp-payloads.ts';

export interface Fault {
  latencyMs?: Partial<Record<'gateway' | 'checkout' | 'cart' | 'inventory', number>>;
  errors?: 'cart' | 'inventory';
  /** inventory hangs past checkout's 300 ms timeout */
  hang?: boolean;
}

// Span ids are unique within a process run (trace ids come later, in shopTracesOtlpJson).
let nextId = 1;
const id = () => `c${(nextId++).toString(16).padStart(15, '0')}`;

/** One trace starting at offsetNs; `jitter` (0..1) varies the times a little. */
export function shopTrace(fault: Fault, jitter: number, offsetNs = 0n): SpanShape[] {
  const spans: SpanShape[] = [];
  const ms = (x: number) => offsetNs + BigInt(Math.round(x * 1e6));
  const add = (service: string, name: string, kind: number, parent: SpanShape | undefined, start: number, end: number, error = false): SpanShape => {
    const span = { spanId: id(), parentSpanId: parent?.spanId ?? '', serviceName: service, name, kind, startNs: ms(start), endNs: ms(end), statusCode: error ? StatusCode.ERROR : StatusCode.UNSET };
    spans.push(span);
    return span;
  };
  const extra = (s: keyof NonNullable<Fault['latencyMs']>) => fault.latencyMs?.[s] ?? 0;
  const j = 1 + jitter * 0.2;
  // inventory: its own work, then a db call (uninstrumented peer: a client span only)
  const invSelf = 5 * j + extra('inventory');
  const invDuration = fault.hang ? 600 : invSelf + 10 * j;
  const cartDuration = 8 * j + extra('cart');
  const checkoutSelf = 4 * j + extra('checkout');
  const invCall = Math.min(invDuration + 1, fault.hang ? 300 : Infinity);
  const checkoutDuration = checkoutSelf + cartDuration + 1 + invCall;
  const gatewayDuration = 3 * j + extra('gateway') + checkoutDuration + 1;

  const failing = fault.errors;
  const timeout = fault.hang === true;
  const gw = add('gateway', 'GET /checkout', SpanKind.SERVER, undefined, 0, gatewayDuration, failing !== undefined || timeout);
  const gwCall = add('gateway', 'POST checkout', SpanKind.CLIENT, gw, 1, 1 + checkoutDuration + 0.5, failing !== undefined || timeout);
  const co = add('checkout', 'POST /checkout', SpanKind.SERVER, gwCall, 1.2, 1.2 + checkoutDuration, failing !== undefined || timeout);
  let t = 1.2 + checkoutSelf;
  const cartCall = add('checkout', 'GET cart', SpanKind.CLIENT, co, t, t + cartDuration + 0.5, failing === 'cart');
  add('cart', 'GET /cart', SpanKind.SERVER, cartCall, t + 0.2, t + 0.2 + cartDuration, failing === 'cart');
  t += cartDuration + 1;
  const invCallSpan = add('checkout', 'GET inventory', SpanKind.CLIENT, co, t, t + invCall, failing === 'inventory' || timeout);
  const inv = add('inventory', 'GET /stock', SpanKind.SERVER, invCallSpan, t + 0.2, t + 0.2 + invDuration, failing === 'inventory');
  add('inventory', 'SELECT stock', SpanKind.CLIENT, inv, t + 0.2 + invSelf, t + 0.2 + invSelf + 10 * j);
  return spans;
}


export interface ShopOtlpOptions {
  /** Span attributes of a span (e.g. `db.system` on inventory's database call, which names
   * an uninstrumented peer); spans get none when this is absent or returns undefined. */
  attributes?: (span: SpanShape) => Record<string, string | number | boolean> | undefined;
}

/** Traces as one OTLP/JSON request, each under a fresh random trace id. */
export function shopTracesOtlpJson(traces: SpanShape[][], options: ShopOtlpOptions = {}): string {
  const byService = new Map<string, object[]>();
  for (const spans of traces) {
    const traceId = randomHex(16);
    for (const s of spans) {
      const list = byService.get(s.serviceName) ?? [];
      byService.set(s.serviceName, list);
      list.push({
        traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId,
        name: s.name,
        kind: s.kind,
        startTimeUnixNano: String(s.startNs),
        endTimeUnixNano: String(s.endNs),
        status: { code: s.statusCode },
        ...attributesOf(options.attributes?.(s)),
      });
    }
  }
  return JSON.stringify({
    resourceSpans: [...byService].map(([service, spans]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [{ scope: { name: 'shop' }, spans }],
    })),
  });
}

function attributesOf(attributes: Record<string, string | number | boolean> | undefined): { attributes?: object[] } {
  if (attributes === undefined) return {};
  return {
    attributes: Object.entries(attributes).map(([key, value]) => ({
      key,
      value:
        typeof value === 'string'
          ? { stringValue: value }
          : typeof value === 'boolean'
            ? { boolValue: value }
            : Number.isInteger(value)
              ? { intValue: String(value) }
              : { doubleValue: value },
    })),
  };
}

/**
 * A healthy shop every 15 s from 40 to 10 minutes before `nowMs`, then a trace every 10 s
 * with inventory 80 ms slower: 120 + 59 traces whose root cause is inventory.
 */
export function slowInventoryIncident(nowMs: number): SpanShape[][] {
  const minute = 60_000;
  const window = (fault: Fault, fromMs: number, count: number, everyMs: number) =>
    Array.from({ length: count }, (_, i) => shopTrace(fault, ((i * 37) % 100) / 100, BigInt(fromMs + i * everyMs) * 1_000_000n));
  return [...window({}, nowMs - 40 * minute, 120, 15_000), ...window({ latencyMs: { inventory: 80 } }, nowMs - 10 * minute + 1000, 59, 10_000)];
}
