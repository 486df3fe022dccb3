// The shoppers: an open-loop load generator against the frontend. Requests arrive as a
// Poisson process at `rps`; each is one action of one user, drawn with a realistic mix
// (browsing most, checkout least) and a few popular products. The sequence of requests
// (user, action, product, quantity, and the gaps in units of 1/rps) is a pure function of
// the seed; only the timing of the answers varies. One user's requests go one after the
// other, as a person clicks: a request waits for the same user's previous one.
import { exponential, seededRandom, weighted } from './random.ts';

export const ACTIONS = ['browse', 'product', 'add', 'cart', 'checkout'] as const;
export type Action = (typeof ACTIONS)[number];

/** Share of each action: 34% browse a page, 26% view a product, 18% add to cart, 12% view the cart, 10% check out. */
export const MIX: Record<Action, number> = { browse: 34, product: 26, add: 18, cart: 12, checkout: 10 };

/** Products in the demo catalog (inventory seeds ids 1..CATALOG_SIZE). */
export const CATALOG_SIZE = 40;

export interface PlannedRequest {
  /** Index in the plan, from 0. */
  seq: number;
  /** Gap since the previous request, in units of 1/rps seconds (exponential with mean 1). */
  gap: number;
  user: string;
  action: Action;
  page?: number;
  productId?: number;
  quantity?: number;
}

/** The endless, deterministic sequence of requests for `seed`. */
export function* plan(seed: number, users = 25): Generator<PlannedRequest> {
  const random = seededRandom(seed);
  const actionWeights = ACTIONS.map((a) => MIX[a]);
  // Popularity falls with rank, as in real shops (Zipf-like).
  const productWeights = Array.from({ length: CATALOG_SIZE }, (_, i) => 1 / Math.pow(i + 1, 0.9));
  const cartSizes = new Map<string, number>();
  for (let seq = 0; ; seq++) {
    const gap = exponential(random);
    const user = `user-${1 + Math.floor(random() * users)}`;
    let action = ACTIONS[weighted(random, actionWeights)];
    if (action === 'checkout' && !cartSizes.get(user)) action = 'add';
    const request: PlannedRequest = { seq, gap, user, action };
    if (action === 'browse') request.page = Math.floor(random() * 4);
    if (action === 'product' || action === 'add') request.productId = 1 + weighted(random, productWeights);
    if (action === 'add') {
      request.quantity = 1 + weighted(random, [70, 20, 10]);
      cartSizes.set(user, (cartSizes.get(user) ?? 0) + 1);
    }
    if (action === 'checkout') cartSizes.set(user, 0);
    yield request;
  }
}

/** The frontend call that carries out a planned request. */
export function httpRequestFor(p: PlannedRequest): { method: string; path: string; body?: unknown } {
  switch (p.action) {
    case 'browse': return { method: 'GET', path: `/api/products?page=${p.page}` };
    case 'product': return { method: 'GET', path: `/api/products/${p.productId}` };
    case 'add': return { method: 'POST', path: '/api/cart/items', body: { user: p.user, productId: p.productId, quantity: p.quantity } };
    case 'cart': return { method: 'GET', path: `/api/cart?user=${encodeURIComponent(p.user)}` };
    case 'checkout': return { method: 'POST', path: '/api/checkout', body: { user: p.user } };
  }
}

export interface RequestResult {
  request: PlannedRequest;
  /** HTTP status; 0 when there was no answer (refused, timed out). */
  status: number;
  ms: number;
  /** From the frontend's x-trace-id header. */
  traceId?: string;
  error?: string;
}

export interface LoadOptions {
  frontendUrl: string;
  rps: number;
  seed: number;
  users?: number;
  /** Client-side timeout per request, ms. */
  timeoutMs?: number;
  /** A user with this many requests waiting drops new ones. */
  maxQueuedPerUser?: number;
  onResult?: (result: RequestResult) => void;
}

export interface LoadStats {
  rps: number;
  sent: number;
  completed: number;
  ok: number;
  failed: number;
  dropped: number;
  inFlight: number;
  byAction: Record<Action, { ok: number; failed: number }>;
  /** Over the last 1000 answers. */
  p50Ms: number;
  p99Ms: number;
}

export class LoadGenerator {
  private readonly source: Generator<PlannedRequest>;
  private rps: number;
  private timer: NodeJS.Timeout | undefined;
  private nextAt = 0;
  private running = false;
  private readonly users = new Map<string, { busy: boolean; queue: PlannedRequest[] }>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly recent: number[] = [];
  private counts = { sent: 0, completed: 0, ok: 0, failed: 0, dropped: 0 };
  private readonly byAction = Object.fromEntries(ACTIONS.map((a) => [a, { ok: 0, failed: 0 }])) as LoadStats['byAction'];

  constructor(private readonly options: LoadOptions) {
    this.source = plan(options.seed, options.users);
    this.rps = options.rps;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.nextAt = performance.now();
    this.schedule();
  }

  setRate(rps: number): void {
    if (!(rps >= 0)) throw new Error('rps must be a number >= 0');
    this.rps = rps;
    if (this.running) {
      clearTimeout(this.timer);
      this.nextAt = performance.now();
      this.schedule();
    }
  }

  /** Stops sending and waits for every request already sent (or queued behind a user's). */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    for (const state of this.users.values()) {
      this.counts.dropped += state.queue.length;
      state.queue = [];
    }
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  stats(): LoadStats {
    const sorted = [...this.recent].sort((a, b) => a - b);
    const pick = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0);
    return {
      rps: this.rps,
      ...this.counts,
      inFlight: this.inFlight.size,
      byAction: structuredClone(this.byAction),
      p50Ms: Math.round(pick(0.5) * 10) / 10,
      p99Ms: Math.round(pick(0.99) * 10) / 10,
    };
  }

  private schedule(): void {
    if (!this.running || this.rps <= 0) return;
    const now = performance.now();
    // Behind by more than a second (a stalled event loop): start again from now rather than burst.
    if (now - this.nextAt > 1000) this.nextAt = now;
    let dispatched = 0;
    while (this.nextAt <= now && dispatched < 100) {
      const request = this.source.next().value as PlannedRequest;
      this.enqueue(request);
      this.nextAt += (request.gap * 1000) / this.rps;
      dispatched++;
    }
    this.timer = setTimeout(() => this.schedule(), Math.max(0, this.nextAt - performance.now()));
  }

  private enqueue(request: PlannedRequest): void {
    let state = this.users.get(request.user);
    if (!state) this.users.set(request.user, (state = { busy: false, queue: [] }));
    if (!state.busy) return this.send(request, state);
    if (state.queue.length >= (this.options.maxQueuedPerUser ?? 5)) this.counts.dropped++;
    else state.queue.push(request);
  }

  private send(request: PlannedRequest, state: { busy: boolean; queue: PlannedRequest[] }): void {
    state.busy = true;
    this.counts.sent++;
    const done = this.perform(request).then((result) => {
      this.inFlight.delete(done);
      this.record(result);
      state.busy = false;
      const next = state.queue.shift();
      if (next) this.send(next, state);
    });
    this.inFlight.add(done);
  }

  private async perform(request: PlannedRequest): Promise<RequestResult> {
    const { method, path, body } = httpRequestFor(request);
    const started = performance.now();
    try {
      const res = await fetch(this.options.frontendUrl + path, {
        method,
        headers: body === undefined ? undefined : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
      await res.arrayBuffer();
      return { request, status: res.status, ms: performance.now() - started, traceId: res.headers.get('x-trace-id') ?? undefined };
    } catch (err) {
      return { request, status: 0, ms: performance.now() - started, error: (err as Error).message };
    }
  }

  private record(result: RequestResult): void {
    this.counts.completed++;
    const ok = result.status >= 200 && result.status < 400;
    if (ok) this.counts.ok++;
    else this.counts.failed++;
    this.byAction[result.request.action][ok ? 'ok' : 'failed']++;
    this.recent.push(result.ms);
    if (this.recent.length > 1000) this.recent.shift();
    try {
      this.options.onResult?.(result);
    } catch (err) {
      console.error('demo: onResult failed', err);
    }
  }
}
