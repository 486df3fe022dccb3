// Synthetic but shaped-like-production traces for storage benchmarks: 8 services, a
// root HTTP span fanning out to RPC and DB children, realistic attributes (low- and
// high-cardinality), some errors with exception events. Deterministic for a seed.
import { emptyAttributes, type Attributes, type Resource, type Scope, type SpanRow } from '../../src/model/span.ts';

const services = ['frontend', 'checkout', 'cart', 'payment', 'inventory', 'shipping', 'currency', 'email'];
const routes = ['/cart', '/checkout', '/product/{id}', '/orders', '/login', '/search'];

function rng(seed: number) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

function hex(random: () => number, bytes: number): string {
  let out = '';
  for (let i = 0; i < bytes; i++) out += Math.floor(random() * 256).toString(16).padStart(2, '0');
  return out;
}

function attrs(strings: [string, string][], ints: [string, bigint][] = []): Attributes {
  const a = emptyAttributes();
  for (const [k, v] of strings) {
    a.strKeys.push(k);
    a.strValues.push(v);
  }
  for (const [k, v] of ints) {
    a.intKeys.push(k);
    a.intValues.push(v);
  }
  return a;
}

const resources = new Map<string, Resource>(
  services.map((service, i) => [
    service,
    {
      attributes: attrs([
        ['service.name', service],
        ['service.version', `1.${i}.0`],
        ['deployment.environment', 'production'],
        ['host.name', `${service}-7d9f8b-${i}x2k`],
        ['telemetry.sdk.language', 'nodejs'],
        ['telemetry.sdk.name', 'opentelemetry'],
        ['telemetry.sdk.version', '2.12.0'],
      ]),
      droppedAttributesCount: 0,
      schemaUrl: '',
    },
  ]),
);
const scope: Scope = { name: '@opentelemetry/instrumentation-http', version: '0.223.0', attributes: emptyAttributes(), droppedAttributesCount: 0, schemaUrl: '' };

/** Yields batches of about `batchSize` spans, `totalSpans` in all, starts spread over [fromNs, toNs). */
export function* syntheticBatches(totalSpans: number, batchSize: number, fromNs: bigint, toNs: bigint, seed = 1): Generator<{ spans: SpanRow[]; traceIds: string[] }> {
  const random = rng(seed);
  const span = Number(toNs - fromNs);
  let made = 0;
  while (made < totalSpans) {
    const spans: SpanRow[] = [];
    const traceIds: string[] = [];
    while (spans.length < batchSize && made + spans.length < totalSpans) {
      const traceId = hex(random, 16);
      traceIds.push(traceId);
      const start = fromNs + BigInt(Math.floor(random() * span));
      const fanout = 4 + Math.floor(random() * 12);
      const failing = random() < 0.05;
      const rootId = hex(random, 8);
      const route = routes[Math.floor(random() * routes.length)];
      const rootDuration = BigInt(5_000_000 + Math.floor(random() * 200_000_000));
      spans.push(makeSpan(traceId, rootId, '', 'frontend', `GET ${route}`, 2, start, rootDuration, failing, random, route));
      for (let i = 1; i < fanout; i++) {
        const service = services[1 + Math.floor(random() * (services.length - 1))];
        const offset = BigInt(Math.floor(random() * Number(rootDuration) * 0.5));
        const duration = BigInt(Math.floor(random() * Number(rootDuration - offset)));
        spans.push(makeSpan(traceId, hex(random, 8), rootId, service, i % 3 === 0 ? 'SELECT orders' : `${service}.Handle`, i % 3 === 0 ? 3 : 2, start + offset, duration, failing && i === fanout - 1, random, route));
      }
    }
    made += spans.length;
    yield { spans, traceIds };
  }
}

function makeSpan(traceId: string, spanId: string, parentSpanId: string, service: string, name: string, kind: number, startNs: bigint, durationNs: bigint, error: boolean, random: () => number, route: string): SpanRow {
  const status = error ? 500n : 200n;
  const attributes = attrs(
    [
      ['http.request.method', 'GET'],
      ['http.route', route],
      ['url.path', route.replace('{id}', String(Math.floor(random() * 10_000)))],
      ['user.id', `user-${Math.floor(random() * 100_000)}`],
      ['net.peer.name', `${service}.svc.cluster.local`],
    ],
    [
      ['http.response.status_code', status],
      ['http.response.body.size', BigInt(Math.floor(random() * 50_000))],
    ],
  );
  return {
    traceId,
    spanId,
    parentSpanId,
    traceState: '',
    flags: 1,
    name,
    kind,
    startNs,
    endNs: startNs + durationNs,
    statusCode: error ? 2 : 0,
    statusMessage: error ? 'upstream failed' : '',
    attributes,
    droppedAttributesCount: 0,
    events: error
      ? [{ timeNs: startNs + durationNs / 2n, name: 'exception', attributes: attrs([['exception.type', 'Error'], ['exception.message', 'connection reset by peer']]), droppedAttributesCount: 0 }]
      : [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    serviceName: service,
    resource: resources.get(service)!,
    scope,
  };
}
