// A client that goes away while its query is being read: the store's read gets the
// request's aborted signal, and the API answers 499 to nobody without logging an error.
// The APIs run on @hono/node-server as `skein serve` runs them; the store is one whose
// reads wait until their signal aborts (the contract suite tests real stores' cancelling).
import { serve, type ServerType } from '@hono/node-server';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import type { Hono } from 'hono';
import { skeinApi } from '../../src/api/skein-api.ts';
import { tempoApi } from '../../src/api/tempo-api.ts';
import { zipkinApi } from '../../src/api/zipkin-api.ts';
import { abortError } from '../../src/store/abort.ts';
import type { DependencyReader, TraceReader } from '../../src/store/span-store.ts';

const READS = [
  'getTrace', 'getTraces', 'getTraceOutline', 'getSpan', 'findSpans', 'searchTraces', 'listServices', 'listOperations',
  'listAttributeNames', 'listAttributeValues', 'readSpans', 'serviceCalls', 'redMetrics', 'attributeFrequencies',
] as const;

/** Each read as it was called: its name, and the signal it was given. */
const reads: { name: string; signal: AbortSignal | undefined }[] = [];
let readStarted: () => void = () => {};

/** A store whose every read waits for its signal, then rejects as a real store does. */
const waitingStore = Object.fromEntries(
  READS.map((name) => [
    name,
    (...args: unknown[]) =>
      new Promise((_, reject) => {
        const signal = args.at(-1) instanceof AbortSignal ? (args.at(-1) as AbortSignal) : undefined;
        reads.push({ name, signal });
        signal?.addEventListener('abort', () => reject(abortError()), { once: true });
        readStarted();
      }),
  ]),
) as unknown as TraceReader & DependencyReader;

const logLines: string[] = [];
const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => (logLines.push(String(chunk)), done()) }));
/** The status each app answered with, whether or not anyone was there to read it. */
const statuses: number[] = [];
const servers: ServerType[] = [];
const urls: Record<'skein' | 'zipkin' | 'tempo', string> = { skein: '', zipkin: '', tempo: '' };

function listen(app: Hono): Promise<string> {
  return new Promise((resolve) => {
    const fetch = async (req: Request, env: unknown) => {
      const response = await app.fetch(req, env);
      statuses.push(response.status);
      return response;
    };
    servers.push(serve({ fetch, hostname: '127.0.0.1', port: 0 }, (info) => resolve(`http://127.0.0.1:${info.port}`)));
  });
}

before(async () => {
  urls.skein = await listen(skeinApi(waitingStore, { isReady: () => true, pipelineStats: () => ({}) }, logger));
  urls.zipkin = await listen(zipkinApi(waitingStore, { autocompleteKeys: [] }, logger));
  urls.tempo = await listen(tempoApi(waitingStore, () => true, logger));
});

after(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Sends GET url, and closes the connection once the store has begun the read. */
async function disconnectDuringRead(url: string): Promise<void> {
  const started = new Promise<void>((resolve) => (readStarted = resolve));
  const req = request(url);
  req.on('error', () => {}); // the socket is destroyed on purpose
  req.end();
  await started;
  req.destroy();
  // The app answers once the read has rejected; wait for that answer.
  const answered = statuses.length + 1;
  while (statuses.length < answered) await new Promise((resolve) => setTimeout(resolve, 5));
}

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const cases: [string, keyof typeof urls, string, string][] = [
  ['Skein trace', 'skein', `/api/v1/traces/${TRACE_ID}`, 'getTrace'],
  ['Skein dependencies', 'skein', '/api/v1/dependencies', 'serviceCalls'],
  ['Jaeger search', 'skein', '/api/traces?service=frontend', 'searchTraces'],
  ['Jaeger api_v3 services', 'skein', '/api/v3/services', 'listServices'],
  ['Jaeger metrics', 'skein', '/api/metrics/calls?service=frontend', 'redMetrics'],
  ['Jaeger deep dependencies', 'skein', '/analytics/v1/dependencies?service=frontend', 'readSpans'],
  ['Zipkin trace', 'zipkin', `/api/v2/trace/${TRACE_ID}`, 'getTrace'],
  ['Tempo tags', 'tempo', '/api/search/tags', 'listAttributeNames'],
];

for (const [what, server, path, read] of cases) {
  test(`${what}: a client gone mid-read cancels the read, and nothing is logged as failed`, async () => {
    reads.length = 0;
    logLines.length = 0;
    await disconnectDuringRead(`${urls[server]}${path}`);
    assert.deepStrictEqual(reads.map((r) => [r.name, r.signal?.aborted]), [[read, true]]);
    assert.equal(statuses.at(-1), 499);
    assert.deepStrictEqual(logLines, []);
  });
}
