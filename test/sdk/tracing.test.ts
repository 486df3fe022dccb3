// @skein/node end to end: real apps (ES module and CommonJS) traced with
// `node --import @skein/node/register`, sending to a real `skein serve`.
//   - HTTP server and client spans, one trace across two processes, the resource,
//     pino log correlation, SKEIN_DISABLED;
//   - propagation (W3C trace context and baggage, B3 single and multi) and sampling
//     (parent-based ratio, OTEL_TRACES_SAMPLER, OTEL_PROPAGATORS).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';
import { appEnv, KIND, randomHex, searchTraceIds, startApp, startCaptureServer, stopApp, waitForTrace, type Span, type TracedApp } from './helpers.ts';

let skein: SkeinProcess;
let capture: Awaited<ReturnType<typeof startCaptureServer>>;
// apps for the propagation and sampling tests, started together
let app: TracedApp;
let ratioZero: TracedApp;
let alwaysOff: TracedApp;
let w3cOnly: TracedApp;
useSkeinProcess(async (started) => {
  skein = started;
  capture = await startCaptureServer();
  const env = (service: string, extra: Record<string, string> = {}) => appEnv(skein.otlpHttpUrl, service, { DOWNSTREAM: capture.url, ...extra });
  [app, ratioZero, alwaysOff, w3cOnly] = await Promise.all([
    startApp('service.mjs', env('propagation-app')),
    startApp('service.mjs', env('ratio-zero', { SKEIN_SAMPLE_RATIO: '0' })),
    startApp('service.mjs', env('always-off', { OTEL_TRACES_SAMPLER: 'always_off' })),
    startApp('service.mjs', env('w3c-only', { OTEL_PROPAGATORS: 'tracecontext' })),
  ]);
});
after(async () => {
  await Promise.all([app, ratioZero, alwaysOff, w3cOnly].filter(Boolean).map((a) => stopApp(a)));
});

const serverOf = (spans: Span[], service: string) => spans.find((s) => s.service === service && s.kind === KIND.server);
const clientOf = (spans: Span[], service: string) => spans.find((s) => s.service === service && s.kind === KIND.client);

test('ESM app: one trace across two processes, fetch client span parents the downstream server span; pino lines carry the ids', async () => {
  const backend = await startApp('service.mjs', appEnv(skein.otlpHttpUrl, 'esm-backend', { SKEIN_SERVICE_VERSION: '1.4.2', SKEIN_ENVIRONMENT: 'staging' }));
  const frontend = await startApp('service.mjs', appEnv(skein.otlpHttpUrl, 'esm-frontend', { DOWNSTREAM: backend.url, NODE_ENV: 'production' }));
  try {
    const answer = await (await fetch(`${frontend.url}/work`)).json();
    assert.match(answer.trace_id, /^[0-9a-f]{32}$/, 'a span is active in the frontend handler');
    assert.equal(answer.downstream.trace_id, answer.trace_id, 'the backend continued the same trace');

    const spans = await waitForTrace(skein.httpUrl, answer.trace_id, (s) => !!serverOf(s, 'esm-frontend') && !!clientOf(s, 'esm-frontend') && !!serverOf(s, 'esm-backend'), 'both services');
    const frontServer = serverOf(spans, 'esm-frontend')!;
    const frontClient = clientOf(spans, 'esm-frontend')!;
    const backServer = serverOf(spans, 'esm-backend')!;

    assert.equal(frontServer.parentSpanId, undefined, 'the frontend server span is the root');
    assert.equal(frontServer.name, 'GET /work', 'express names the route');
    assert.equal(frontServer.attributes['http.route'], '/work');
    assert.equal(frontServer.attributes['http.response.status_code'], 200);
    assert.equal(frontClient.scope, '@opentelemetry/instrumentation-undici', 'fetch is traced by the undici instrumentation');
    assert.equal(frontClient.attributes['url.full'], `${backend.url}/work`);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    // the client span hangs (maybe through express's handler span) under the frontend server span
    let up: Span | undefined = frontClient;
    while (up && up !== frontServer) up = up.parentSpanId ? byId.get(up.parentSpanId) : undefined;
    assert.equal(up, frontServer, 'the fetch span descends from the frontend server span');
    assert.equal(backServer.parentSpanId, frontClient.spanId, 'the backend server span hangs off the frontend client span');
    assert.ok(spans.some((s) => s.scope === '@opentelemetry/instrumentation-express'), 'express middleware/handler spans are recorded');

    // the resource: explicit version and environment; NODE_ENV as the environment fallback; the distro
    assert.equal(backServer.resource['service.version'], '1.4.2');
    assert.equal(backServer.resource['deployment.environment.name'], 'staging');
    assert.equal(backServer.resource['deployment.environment'], 'staging');
    assert.equal(frontServer.resource['deployment.environment.name'], 'production');
    assert.equal(frontServer.resource['service.version'], '3.4.5', "the app's package.json version when nothing else names one");
    assert.equal(frontServer.resource['telemetry.distro.name'], '@skein/node');
    assert.equal(frontServer.resource['telemetry.distro.version'], '0.1.0');
    assert.equal(frontServer.resource['telemetry.sdk.language'], 'nodejs');
    assert.equal(typeof frontServer.resource['host.name'], 'string');
    assert.equal(frontServer.resource['process.pid'], frontend.child.pid);
    assert.equal(typeof frontServer.resource['os.type'], 'string');

    // pino: the line logged in the handler carries the ids of the span active there
    const line = frontend.jsonLines().find((l) => l.msg === 'doing work');
    assert.ok(line, `a pino line in:\n${frontend.stdout()}`);
    assert.equal(line.trace_id, answer.trace_id);
    assert.equal(line.span_id, answer.span_id);
    assert.equal(line.trace_flags, '01');
    assert.ok(spans.some((s) => s.spanId === line.span_id), "the logged span id is one of the trace's spans");
  } finally {
    await Promise.all([stopApp(frontend), stopApp(backend)]);
  }
});

test('CommonJS app via --import: express server span and http.get client span; service name and version from package.json; OTEL_EXPORTER_OTLP_ENDPOINT honoured', async () => {
  const app = await startApp('service.cjs', { OTEL_EXPORTER_OTLP_ENDPOINT: skein.otlpHttpUrl, OTEL_BSP_SCHEDULE_DELAY: '100', DOWNSTREAM: capture.url });
  try {
    const { answer, sent } = await call(app, {});
    assert.match(answer.trace_id, /^[0-9a-f]{32}$/);
    const spans = await waitForTrace(skein.httpUrl, answer.trace_id, (s) => !!serverOf(s, 'skein-sdk-fixture') && !!clientOf(s, 'skein-sdk-fixture'), 'server and client span');
    const server = serverOf(spans, 'skein-sdk-fixture')!;
    const client = clientOf(spans, 'skein-sdk-fixture')!;
    assert.equal(server.name, 'GET /work');
    assert.equal(client.scope, '@opentelemetry/instrumentation-http');
    assert.equal(server.resource['service.version'], '3.4.5');
    assert.equal(server.resource['deployment.environment.name'], undefined, 'no environment when nothing names one');
    assert.equal(sent.traceparent, `00-${answer.trace_id}-${client.spanId}-01`, 'the downstream call carries the client span as parent');
    const line = app.jsonLines().find((l) => l.msg === 'doing work');
    assert.equal(line?.trace_id, answer.trace_id, 'pino correlation in CommonJS too');
  } finally {
    await stopApp(app);
  }
});

test('CommonJS app that requires @skein/node/register itself (no flag) is traced', async () => {
  const app = await startApp('service.cjs', appEnv(skein.otlpHttpUrl, 'cjs-self-register', { SELF_REGISTER: '1' }), { register: false });
  try {
    const answer = await (await fetch(`${app.url}/work`)).json();
    const spans = await waitForTrace(skein.httpUrl, answer.trace_id, (s) => !!serverOf(s, 'cjs-self-register'), 'the server span');
    assert.equal(serverOf(spans, 'cjs-self-register')!.name, 'GET /work');
  } finally {
    await stopApp(app);
  }
});

test('SKEIN_DISABLED=true: no span, no propagation headers, nothing sent', async () => {
  const app = await startApp('service.mjs', appEnv(skein.otlpHttpUrl, 'disabled-app', { SKEIN_DISABLED: 'true', DOWNSTREAM: capture.url }));
  const { answer, sent } = await call(app, {});
  assert.equal(answer.trace_id, undefined, 'no span is active in the handler');
  assert.equal(sent.traceparent, undefined);
  assert.equal(sent['x-b3-traceid'], undefined);
  const line = app.jsonLines().find((l) => l.msg === 'doing work');
  assert.ok(line && !('trace_id' in line), 'pino lines are untouched');
  const { code } = await stopApp(app, 'SIGINT');
  // Node's default for SIGINT applies untouched
  assert.equal(app.child.signalCode, 'SIGINT', `ended by the signal (code ${code})`);

  // A traced app with the same service name, started after the disabled one had ended (and
  // would have flushed anything it had), shows up in search alone.
  const witness = await startApp('service.mjs', appEnv(skein.otlpHttpUrl, 'disabled-app'));
  let witnessTrace: string;
  try {
    witnessTrace = (await (await fetch(`${witness.url}/work`)).json()).trace_id;
    await waitForTrace(skein.httpUrl, witnessTrace, (s) => !!serverOf(s, 'disabled-app'), 'the witness span');
  } finally {
    await stopApp(witness);
  }
  assert.deepEqual(await searchTraceIds(skein.httpUrl, 'disabled-app'), [witnessTrace]);
});

/** GET /work on the app with `headers`; returns its answer and the headers of its downstream call. */
async function call(target: TracedApp, headers: Record<string, string>) {
  const before = capture.requests.length;
  const answer = await (await fetch(`${target.url}/work`, { headers })).json();
  const sent = capture.requests.slice(before).find((r) => r.path === '/work');
  assert.ok(sent, 'the app called downstream');
  return { answer, sent: sent.headers };
}

test('a B3 multi-header caller (no traceparent): the server span continues its trace under its span; the outgoing call carries W3C and B3 multi headers', async () => {
  const traceId = randomHex(16);
  const callerSpan = randomHex(8);
  const { answer, sent } = await call(app, { 'X-B3-TraceId': traceId, 'X-B3-SpanId': callerSpan, 'X-B3-Sampled': '1', baggage: 'tenant=acme' });
  assert.equal(answer.trace_id, traceId);

  const spans = await waitForTrace(skein.httpUrl, traceId, (s) => s.some((x) => x.kind === KIND.server) && s.some((x) => x.kind === KIND.client), 'server and client span');
  const server = spans.find((s) => s.kind === KIND.server)!;
  const client = spans.find((s) => s.kind === KIND.client)!;
  assert.equal(server.parentSpanId, callerSpan, "the server span's parent is the B3 caller's span");
  assert.equal(server.service, 'propagation-app');

  assert.equal(sent.traceparent, `00-${traceId}-${client.spanId}-01`);
  assert.equal(sent['x-b3-traceid'], traceId);
  assert.equal(sent['x-b3-spanid'], client.spanId);
  assert.equal(sent['x-b3-sampled'], '1');
  assert.equal(sent.b3, undefined, 'B3 is injected as multi-header only');
  assert.equal(sent.baggage, 'tenant=acme', 'W3C baggage passes through');
});

test('a B3 single-header caller with a 64-bit trace id is continued (id zero-padded to 128 bits)', async () => {
  const traceId64 = randomHex(8);
  const callerSpan = randomHex(8);
  const { answer, sent } = await call(app, { b3: `${traceId64}-${callerSpan}-1` });
  const traceId = traceId64.padStart(32, '0');
  assert.equal(answer.trace_id, traceId);
  assert.equal(sent['x-b3-traceid'], traceId);
  const spans = await waitForTrace(skein.httpUrl, traceId, (s) => s.some((x) => x.kind === KIND.server), 'the server span');
  assert.equal(spans.find((s) => s.kind === KIND.server)!.parentSpanId, callerSpan);
});

test('when a request carries both traceparent and B3 headers, W3C trace context wins', async () => {
  const w3cTrace = randomHex(16);
  const w3cSpan = randomHex(8);
  const { answer } = await call(app, {
    traceparent: `00-${w3cTrace}-${w3cSpan}-01`,
    'X-B3-TraceId': randomHex(16),
    'X-B3-SpanId': randomHex(8),
    'X-B3-Sampled': '1',
  });
  assert.equal(answer.trace_id, w3cTrace);
  const spans = await waitForTrace(skein.httpUrl, w3cTrace, (s) => s.some((x) => x.kind === KIND.server), 'the server span');
  assert.equal(spans.find((s) => s.kind === KIND.server)!.parentSpanId, w3cSpan);
});

test('parent-based: an unsampled W3C parent is not sampled even at ratio 1, and says so downstream', async () => {
  const { answer, sent } = await call(app, { traceparent: `00-${randomHex(16)}-${randomHex(8)}-00` });
  assert.equal(answer.trace_flags, '00');
  assert.match(String(sent.traceparent), /-00$/);
  assert.equal(sent['x-b3-sampled'], '0');
});

test('SKEIN_SAMPLE_RATIO=0: a request without a parent records nothing; a sampled parent is still followed', async () => {
  const zero = ratioZero;
  try {
    const root = await call(zero, {});
    assert.equal(root.answer.trace_flags, '00', 'the root is not sampled');
    assert.match(String(root.sent.traceparent), /-00$/, 'and downstream is told so');

    const traceId = randomHex(16);
    const parent = randomHex(8);
    const child = await call(zero, { traceparent: `00-${traceId}-${parent}-01` });
    assert.equal(child.answer.trace_flags, '01');
    const spans = await waitForTrace(skein.httpUrl, traceId, (s) => s.some((x) => x.kind === KIND.server), 'the server span');
    assert.equal(spans.find((s) => s.kind === KIND.server)!.parentSpanId, parent);
  } finally {
    await stopApp(zero); // flushes whatever it still holds
  }
  const found = await searchTraceIds(skein.httpUrl, 'ratio-zero');
  assert.equal(found.length, 1, `only the sampled-parent trace is stored: ${found.join(', ')}`);
});

test('OTEL_TRACES_SAMPLER is honoured when SKEIN_SAMPLE_RATIO is not set (always_off ignores a sampled parent)', async () => {
  const { answer } = await call(alwaysOff, { traceparent: `00-${randomHex(16)}-${randomHex(8)}-01` });
  assert.equal(answer.trace_flags, '00');
});

test('OTEL_PROPAGATORS replaces the default set (tracecontext only: no B3 out, B3 in ignored)', async () => {
  const b3Trace = randomHex(16);
  const { answer, sent } = await call(w3cOnly, { 'X-B3-TraceId': b3Trace, 'X-B3-SpanId': randomHex(8), 'X-B3-Sampled': '1' });
  assert.notEqual(answer.trace_id, b3Trace, 'B3 is not extracted');
  assert.equal(sent['x-b3-traceid'], undefined, 'B3 is not injected');
  assert.equal(sent.traceparent?.slice(3, 35), answer.trace_id);
});
