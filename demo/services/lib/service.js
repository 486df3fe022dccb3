// What every instrumented demo service shares: settings from the environment the
// orchestrator sets, an express app whose routes apply this service's faults, calls to
// other services with a timeout, and a clean shutdown. Tracing itself comes only from
// `--import @skein/node/register`; this file uses just the OpenTelemetry API.
import express from 'express';
import { context, trace } from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';
import { pino } from 'pino';
import { applyRequestFaults } from './faults.js';

export const service = process.env.DEMO_SERVICE ?? process.env.SKEIN_SERVICE_NAME ?? 'demo';

export const settings = {
  host: process.env.DEMO_HOST ?? '127.0.0.1',
  port: Number(process.env.DEMO_PORT ?? 0),
  /** name → base URL of every demo process */
  urls: JSON.parse(process.env.DEMO_URLS ?? '{}'),
  /** timeout of this service's own outgoing calls, ms */
  timeoutMs: Number(process.env.DEMO_TIMEOUT_MS ?? 1000),
  seed: Number(process.env.DEMO_SEED ?? 1),
  dataDir: process.env.DEMO_DATA_DIR ?? '.',
};

export const logger = pino({ level: process.env.DEMO_LOG_LEVEL ?? 'info', base: { service } });

/** Tracer for the spans the services make themselves (database, messaging, business steps). */
export const tracer = trace.getTracer('skein-demo-shop', '1.0.0');

/** The HTTP server span of the request being handled (the http instrumentation keeps it in the context). */
export function serverSpan() {
  return getRPCMetadata(context.active())?.span ?? trace.getActiveSpan();
}

export function createApp() {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(express.json());
  return app;
}

/**
 * A route handler that first applies this service's faults for `operation` (the name its
 * server span gets, e.g. 'POST /reservations'), then runs `handler`; errors become JSON
 * answers: an upstream timeout 504, another upstream failure 502, an injected error its status.
 * Every answer tells the caller its trace id in `x-trace-id` (handy with curl; the tests use it).
 */
export function route(operation, handler) {
  return async function handle(req, res) {
    const span = serverSpan();
    if (span?.isRecording()) res.setHeader('x-trace-id', span.spanContext().traceId);
    try {
      if ((await applyRequestFaults(operation, res)) === 'gone') return;
      await handler(req, res, span);
    } catch (err) {
      const status = err.status ?? 500;
      span?.recordException(err);
      logger.warn({ operation, status, err: err.message }, 'request failed');
      if (!res.headersSent && !res.destroyed) res.status(status).json({ error: err.message });
    }
  };
}

export class UpstreamError extends Error {
  constructor(target, status, message) {
    super(message);
    this.name = 'UpstreamError';
    this.target = target;
    this.status = status;
  }
}

/** Calls another demo service over HTTP (fetch, so the distro's undici instrumentation traces it). */
export async function call(target, method, path, body, { timeoutMs = settings.timeoutMs } = {}) {
  const base = settings.urls[target];
  if (!base) throw new Error(`unknown service ${target}`);
  let res;
  let text;
  try {
    res = await fetch(base + path, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await res.text();
  } catch (err) {
    if (err.name === 'TimeoutError') throw new UpstreamError(target, 504, `${target} did not answer ${method} ${path} within ${timeoutMs} ms`);
    throw new UpstreamError(target, 502, `${target}: ${method} ${path}: ${err.cause?.message ?? err.message}`);
  }
  if (!res.ok) {
    let message = text;
    try {
      message = JSON.parse(text).error ?? text;
    } catch {}
    throw new UpstreamError(target, res.status >= 500 ? 502 : res.status, `${target} answered ${res.status} to ${method} ${path}: ${message}`);
  }
  return text ? JSON.parse(text) : undefined;
}

const shutdownHooks = [];
let shuttingDown = false;

/** Runs `fn` (async) when the orchestrator asks this service to stop. */
export function onShutdown(fn) {
  shutdownHooks.push(fn);
}

export function listen(app) {
  const server = app.listen(settings.port, settings.host);
  server.keepAliveTimeout = 30_000;
  server.on('listening', () => {
    logger.info({ port: server.address().port }, 'listening');
    process.send?.({ type: 'ready', port: server.address().port });
  });
  server.on('error', (err) => {
    logger.error({ err: err.message }, 'server failed');
    process.exit(1);
  });
  onShutdown(() => new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  }));
  return server;
}

/** Tells the orchestrator this service is up without an HTTP server of its own. */
export function ready() {
  process.send?.({ type: 'ready' });
}

/**
 * Stops serving (in-flight requests finish), then exits through SIGTERM, which the distro
 * handles by flushing every span it still holds before the process ends.
 */
export async function shutdown(reason) {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ reason }, 'shutting down');
  const deadline = setTimeout(() => process.kill(process.pid, 'SIGTERM'), 10_000);
  deadline.unref();
  await Promise.allSettled(shutdownHooks.map((fn) => fn()));
  if (process.connected) process.disconnect();
  process.kill(process.pid, 'SIGTERM');
}

process.on('message', (message) => {
  if (message && message.type === 'shutdown') shutdown('asked by the demo');
});
// The orchestrator is gone (it crashed or was killed): stop too.
process.on('disconnect', () => shutdown('the demo went away'));
