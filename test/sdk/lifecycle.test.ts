// Getting the last spans out: an app that ends on its own (beforeExit), SIGTERM with and
// without the app's own handler, and the programmatic start()/shutdown() API. Every app
// here runs with a batch delay of 10 minutes, so only the distro's exit-time flushes (or
// shutdown()) can deliver what they traced.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';
import { appEnv, KIND, startApp, startCaptureServer, stopApp, waitForTrace } from './helpers.ts';

let skein: SkeinProcess;
useSkeinProcess((started) => (skein = started));

const SLOW_BATCH = { OTEL_BSP_SCHEDULE_DELAY: '600000' };

test('an app that ends on its own loses no spans (flushed on beforeExit) and keeps its exit code', async () => {
  const capture = await startCaptureServer();
  const app = await startApp('oneshot.mjs', appEnv(skein.otlpHttpUrl, 'oneshot', { ...SLOW_BATCH, TARGET: `${capture.url}/ping` }), { listens: false });
  const { code, signal } = await app.exited;
  assert.equal(signal, null);
  assert.equal(code, 7, `its own exit code; stderr:\n${app.stderr()}`);
  const { traceId } = app.jsonLines()[0];
  const spans = await waitForTrace(skein.httpUrl, traceId, (s) => s.length >= 2, 'the job span and its fetch span');
  const job = spans.find((s) => s.name === 'oneshot-job')!;
  const client = spans.find((s) => s.kind === KIND.client)!;
  assert.ok(job && client, spans.map((s) => s.name).join(', '));
  assert.equal(client.parentSpanId, job.spanId);
});

test('SIGTERM with no handler of its own: spans flushed, then the process dies by SIGTERM as it would have', async () => {
  const app = await startApp('service.mjs', appEnv(skein.otlpHttpUrl, 'sigterm-default', SLOW_BATCH));
  const answer = await (await fetch(`${app.url}/work`)).json();
  const { code, signal } = await stopApp(app, 'SIGTERM');
  assert.equal(signal, 'SIGTERM', `ended by the signal, not an exit code (${code})`);
  const spans = await waitForTrace(skein.httpUrl, answer.trace_id, (s) => s.some((x) => x.kind === KIND.server), 'the server span');
  assert.equal(spans.find((s) => s.kind === KIND.server)!.service, 'sigterm-default');
});

test("SIGTERM with the app's own handler: the app decides (it closes its server), spans still flushed, exit code 0", async () => {
  const app = await startApp('service.mjs', appEnv(skein.otlpHttpUrl, 'sigterm-own', { ...SLOW_BATCH, OWN_SIGTERM: '1' }));
  const answer = await (await fetch(`${app.url}/work`)).json();
  const { code, signal } = await stopApp(app, 'SIGTERM');
  assert.equal(signal, null);
  assert.equal(code, 0, `ended normally once its server closed; stderr:\n${app.stderr()}`);
  assert.ok(app.jsonLines().some((l) => l.msg === 'SIGTERM: closing'), "the app's handler ran");
  await waitForTrace(skein.httpUrl, answer.trace_id, (s) => s.some((x) => x.kind === KIND.server), 'the server span');
});

test('programmatic start(): options become the resource, a second start() warns and returns the same handle, shutdown() delivers the last span; console and pino-mixin correlation', async () => {
  const app = await startApp('programmatic.mjs', { APP_ENDPOINT: skein.otlpHttpUrl, NODE_ENV: 'production', SKEIN_SERVICE_NAME: 'overridden-by-option' }, { register: false, listens: false });
  const { code } = await app.exited;
  assert.equal(code, 0, app.stderr());
  const reports = app.jsonLines();
  assert.deepEqual(reports[0], { same: true, enabled: true });
  assert.match(app.stderr(), /SkeinWarning: @skein\/node: start\(\) was already called/);
  assert.deepEqual(reports.at(-1), { done: true });
  const job = reports.find((r) => r.job).job;

  // console: prefixed inside a span (format string kept), untouched outside or after restore()
  const lines = app.stdout().split('\n');
  assert.ok(lines.includes('outside any span'));
  assert.ok(lines.includes(`trace_id=${job.traceId} span_id=${job.spanId} trace_flags=01 in job formatted`), app.stdout());
  assert.ok(lines.includes('console restored'));
  assert.match(app.stderr(), new RegExp(`^trace_id=${job.traceId} span_id=${job.spanId} trace_flags=01 \\{ inside: 'job' \\}$`, 'm'));

  const spans = await waitForTrace(skein.httpUrl, job.traceId, (s) => s.length >= 2, 'job and step');
  const step = spans.find((s) => s.name === 'step')!;
  assert.equal(step.parentSpanId, job.spanId);
  // pino with the mixin (instrumentation off): the step's ids
  const pinoLine = reports.find((r) => r.msg === 'in step');
  assert.equal(pinoLine.trace_id, job.traceId);
  assert.equal(pinoLine.span_id, step.spanId);

  const resource = spans[0].resource;
  assert.equal(resource['service.name'], 'programmatic-app', 'the option wins over SKEIN_SERVICE_NAME');
  assert.equal(resource['service.version'], '2.0.0');
  assert.equal(resource['deployment.environment.name'], 'qa', 'the option wins over NODE_ENV');
  assert.equal(resource['team.name'], 'checkout');

  // 'last' ended after forceFlush(); only shutdown() could have sent it
  const { traces } = await (await fetch(`${skein.httpUrl}/api/v1/search?service=programmatic-app&operation=last&lookback=1h`)).json();
  assert.equal(traces.length, 1, 'the span ended just before shutdown() arrived');
});
