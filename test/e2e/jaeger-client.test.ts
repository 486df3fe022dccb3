// The real npm `jaeger-client` (Uber's Node.js Jaeger client) sends spans with its HTTP
// sender (`collectorEndpoint`) to `skein serve`'s Jaeger Thrift receiver; Jaeger's query
// API reads them back as Jaeger UI would see them.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { eventually, useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';

// jaeger-client ships no types: what this test uses of it.
interface SpanContext {
  /** 8 bytes: jaeger-client makes 64-bit trace ids unless told traceId128bit */
  traceId: Buffer;
  spanId: Buffer;
}
interface Span {
  context(): SpanContext;
  setTag(key: string, value: unknown): Span;
  log(fields: Record<string, unknown>, timestampMs?: number): Span;
  finish(finishTimeMs?: number): void;
}
interface Tracer {
  startSpan(name: string, options?: { childOf?: Span; references?: unknown[]; tags?: Record<string, unknown>; startTime?: number }): Span;
  close(callback: () => void): void;
}
interface JaegerClient {
  initTracer(config: object, options: object): Tracer;
  opentracing: { childOf(context: SpanContext): unknown; followsFrom(context: SpanContext): unknown };
}
const jaegerClient = createRequire(import.meta.url)('jaeger-client') as JaegerClient;

let skein: SkeinProcess;
useSkeinProcess((started) => {
  skein = started;
});

/** A tracer reporting every span over HTTP to Skein; `errors` collects what its sender logs. */
function httpTracer(serviceName: string, errors: string[]): Tracer {
  const config = {
    serviceName,
    sampler: { type: 'const', param: 1 },
    reporter: { collectorEndpoint: `${skein.jaegerUrl}/api/traces`, flushIntervalMs: 60_000 },
  };
  const logger = { info: () => {}, error: (message: string) => errors.push(message) };
  return jaegerClient.initTracer(config, { logger, tags: { 'deployment.environment': 'e2e', 'shard.rank': 3 } });
}

/** Flushes what the tracer holds (one Batch) and stops it. */
const closed = (tracer: Tracer) => new Promise<void>((resolve) => tracer.close(resolve));
const hex = (context: SpanContext) => ({ traceId: context.traceId.toString('hex'), spanId: context.spanId.toString('hex') });
const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

test('jaeger-client spans (tags, logs, a child, a FOLLOWS_FROM reference) read back through the Jaeger API', async () => {
  const errors: string[] = [];
  const tracer = httpTracer('jc-shop', errors);
  const startMs = Date.now() - 5_000;
  const root = tracer.startSpan('GET /checkout', { startTime: startMs, tags: { 'span.kind': 'server', 'http.status_code': 200, 'cart.value': 12.5 } });
  const query = tracer.startSpan('SELECT cart', { childOf: root, startTime: startMs + 2, tags: { 'db.system': 'sqlite', 'span.kind': 'client' } });
  query.log({ event: 'retry', attempt: 2 }, startMs + 3);
  query.setTag('error', true);
  query.finish(startMs + 7);
  // Child of the root, and following from the query: two references, as an OpenTracing
  // producer-consumer hand-off within one trace has them.
  const receipt = tracer.startSpan('send receipt', {
    startTime: startMs + 8,
    references: [jaegerClient.opentracing.followsFrom(query.context()), jaegerClient.opentracing.childOf(root.context())],
  });
  receipt.finish(startMs + 9);
  root.log({ message: 'paid', 'order.id': 'o-17' }, startMs + 10);
  root.finish(startMs + 20);
  await closed(tracer);
  assert.deepEqual(errors, []);

  const ids = { root: hex(root.context()), query: hex(query.context()), receipt: hex(receipt.context()) };
  const traceId = ids.root.traceId;
  assert.match(traceId, /^[0-9a-f]{16}$/);
  const trace = await eventually(async () => {
    const res = await fetch(`${skein.httpUrl}/api/traces/${traceId}`);
    if (!res.ok) return undefined;
    const [found] = (await res.json()).data;
    return found.spans.length === 3 ? found : undefined;
  }, 'the jaeger-client trace');

  // 64-bit ids read back as 16 digits, as Jaeger prints them (and as the client sent them).
  assert.equal(trace.traceID, traceId);
  const spans = Object.fromEntries(trace.spans.map((span: any) => [span.operationName, span]));
  for (const span of trace.spans) assert.equal(span.traceID, traceId);
  assert.equal(spans['GET /checkout'].spanID, ids.root.spanId);
  assert.equal(spans['SELECT cart'].spanID, ids.query.spanId);

  // The process: the service and the client's tracer tags (its version, hostname, ip, and ours).
  const processes = Object.values(trace.processes) as { serviceName: string; tags: { key: string; type: string; value: unknown }[] }[];
  assert.equal(processes.length, 1);
  assert.equal(processes[0].serviceName, 'jc-shop');
  const processTags = Object.fromEntries(processes[0].tags.map((t) => [t.key, [t.type, t.value]]));
  assert.deepEqual(processTags['deployment.environment'], ['string', 'e2e']);
  assert.deepEqual(processTags['shard.rank'], ['float64', 3]); // the client sends JS numbers as doubles
  assert.deepEqual(processTags['jaeger.version'], ['string', 'Node-3.19.0']);
  assert.equal(processTags.hostname?.[0], 'string');

  const rootSpan = spans['GET /checkout'];
  assert.deepEqual(rootSpan.references, []);
  assert.equal(rootSpan.startTime, startMs * 1000);
  assert.equal(rootSpan.duration, 20_000);
  const rootTags = [...rootSpan.tags].sort(byKey).filter((t: { key: string }) => !t.key.startsWith('sampler.'));
  assert.deepEqual(rootTags, [
    { key: 'cart.value', type: 'float64', value: 12.5 },
    { key: 'http.status_code', type: 'float64', value: 200 },
    { key: 'span.kind', type: 'string', value: 'server' },
  ]);
  assert.deepEqual(rootSpan.logs, [
    {
      timestamp: (startMs + 10) * 1000,
      fields: [
        { key: 'message', type: 'string', value: 'paid' },
        { key: 'order.id', type: 'string', value: 'o-17' },
      ],
    },
  ]);

  const querySpan = spans['SELECT cart'];
  assert.deepEqual(querySpan.references, [{ refType: 'CHILD_OF', traceID: traceId, spanID: ids.root.spanId }]);
  assert.equal(querySpan.startTime, (startMs + 2) * 1000);
  assert.equal(querySpan.duration, 5_000);
  assert.deepEqual([...querySpan.tags].sort(byKey), [
    { key: 'db.system', type: 'string', value: 'sqlite' },
    { key: 'error', type: 'bool', value: true },
    { key: 'otel.status_code', type: 'string', value: 'ERROR' },
    { key: 'span.kind', type: 'string', value: 'client' },
  ]);
  assert.deepEqual(querySpan.logs, [
    {
      timestamp: (startMs + 3) * 1000,
      fields: [
        { key: 'event', type: 'string', value: 'retry' },
        { key: 'attempt', type: 'float64', value: 2 },
      ],
    },
  ]);

  // The parent first (the client makes the CHILD_OF reference the parent), then FOLLOWS_FROM.
  assert.deepEqual(spans['send receipt'].references, [
    { refType: 'CHILD_OF', traceID: traceId, spanID: ids.root.spanId },
    { refType: 'FOLLOWS_FROM', traceID: traceId, spanID: ids.query.spanId },
  ]);

  // Jaeger UI's search finds it under the same 16-digit id.
  const search = await (await fetch(`${skein.httpUrl}/api/traces?service=jc-shop&lookback=1h`)).json();
  assert.deepEqual(search.data.map((t: { traceID: string }) => t.traceID), [traceId]);
});

test('a span past the year 2554 (a broken clock) is refused with a 400, not a 500', async () => {
  const errors: string[] = [];
  const tracer = httpTracer('jc-clock', errors);
  tracer.startSpan('from the future', { startTime: Date.UTC(2600, 0, 1) }).finish(Date.UTC(2600, 0, 1) + 1);
  await closed(tracer);
  assert.ok(errors.length > 0, 'the client saw the refusal');
  for (const error of errors) assert.match(error, /server responded with HTTP 400$/);
});
