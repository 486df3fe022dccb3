// @skein/node: Skein's OpenTelemetry distro for Node.js. One call (or one --import) sets up
// the OpenTelemetry JS SDK to trace an app and send its spans to Skein over OTLP/HTTP.
import { createRequire, register as registerLoaderHook } from 'node:module';
import { nonEmpty, readBoolean, readNumber, warn } from './lib/env.js';
import { createInstrumentations, selectInstrumentations } from './lib/instrumentations.js';
import { EndedSpanTracker, installExitHooks } from './lib/lifecycle.js';
import { buildResource } from './lib/resource.js';

export { correlateConsole, defaultConsolePrefix, pinoMixin, traceFields } from './logs.js';

// The OpenTelemetry packages are CommonJS; they are required inside start() so that a
// disabled distro costs nothing but this file.
const require = createRequire(import.meta.url);

/** Skein-tuned batch span processor settings; each can be overridden by option or OTEL_BSP_*. */
export const BATCH_DEFAULTS = Object.freeze({
  maxQueueSize: 4096,
  maxExportBatchSize: 512,
  scheduledDelayMillis: 2000,
  exportTimeoutMillis: 10000,
});

const DEFAULT_ENDPOINT = 'http://localhost:4318';
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5000;

// One SDK per process, even if two copies of this package are loaded (e.g. `--import` plus
// a CommonJS require of another copy): the state lives on globalThis.
const STATE = Symbol.for('@skein/node');
const state = (globalThis[STATE] ??= { sdk: undefined, loaderHook: false });

const NOOP = Object.freeze({
  enabled: false,
  shutdown: () => Promise.resolve(),
  forceFlush: () => Promise.resolve(),
});

/**
 * Starts tracing. Call it before the app loads the modules it wants traced (that is what
 * `--import @skein/node/register` does). Idempotent: a second call warns and returns the
 * first SDK handle, ignoring its options.
 * @param {import('./index.js').SkeinOptions} [options]
 * @returns {import('./index.js').SkeinSdk}
 */
export function start(options = {}) {
  if (state.sdk) {
    warn('start() was already called in this process; returning the running SDK (these options are ignored)', 'SKEIN_ALREADY_STARTED');
    return state.sdk;
  }
  const env = process.env;
  if (isDisabled(options, env)) {
    state.sdk = NOOP;
    return NOOP;
  }
  try {
    state.sdk = startSdk(options, env);
  } catch (error) {
    // Tracing must never take the app down with it.
    warn(`could not start tracing, continuing without it: ${error?.stack ?? error}`, 'SKEIN_START_FAILED');
    state.sdk = NOOP;
  }
  return state.sdk;
}

/** Flushes and stops the SDK started by start() (or by the register module); no-op if none. */
export function shutdown() {
  return state.sdk ? state.sdk.shutdown() : Promise.resolve();
}

/** Sends every ended span now; no-op if the SDK is not running. */
export function forceFlush() {
  return state.sdk ? state.sdk.forceFlush() : Promise.resolve();
}

function isDisabled(options, env) {
  if (options.disabled !== undefined) return Boolean(options.disabled);
  return readBoolean(env, 'SKEIN_DISABLED') === true || readBoolean(env, 'OTEL_SDK_DISABLED') === true;
}

function startSdk(options, env) {
  const { NodeSDK } = require('@opentelemetry/sdk-node');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');

  const instrumentations = createInstrumentations(selectInstrumentations(options.instrumentations, env));
  instrumentations.push(...(options.additionalInstrumentations ?? []));

  // ESM apps: import-in-the-middle's loader hook must be in place before the app's modules
  // load, or ESM imports are never patched (CommonJS require() is hooked without it).
  if (instrumentations.length > 0 && options.esmHook !== false) registerEsmHook();

  const exporter = new OTLPTraceExporter({
    url: tracesUrl(options, env),
    ...(options.headers ? { headers: { ...options.headers } } : {}),
  });
  const batch = batchConfig(options.batch ?? {}, env);
  const batchProcessor = new BatchSpanProcessor(exporter, batch);
  const tracker = new EndedSpanTracker();

  const sdk = new NodeSDK({
    resource: buildResource(options, env),
    autoDetectResources: false,
    spanProcessors: [tracker, batchProcessor],
    sampler: sampler(options, env),
    textMapPropagator: propagator(env),
    instrumentations,
    // Traces only: without these, sdk-node would also push metrics to /v1/metrics and
    // logs to /v1/logs by default.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();

  const timeoutMs = options.shutdownTimeoutMillis ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  let shutdownPromise;
  const handle = {
    enabled: true,
    forceFlush: () =>
      shutdownPromise
        ? shutdownPromise
        : batchProcessor.forceFlush().catch((error) => warn(`flush failed: ${error?.message ?? error}`, 'SKEIN_FLUSH_FAILED')),
    shutdown: () => {
      if (!shutdownPromise) {
        removeExitHooks();
        shutdownPromise = sdk.shutdown().catch((error) => warn(`shutdown failed: ${error?.message ?? error}`, 'SKEIN_SHUTDOWN_FAILED'));
      }
      return shutdownPromise;
    },
  };
  const removeExitHooks = installExitHooks({
    tracker,
    flush: () => batchProcessor.forceFlush(),
    shutdown: () => handle.shutdown(),
    timeoutMs,
    signals: options.handleSignals === false ? [] : ['SIGTERM', 'SIGINT'],
  });
  return Object.freeze(handle);
}

function registerEsmHook() {
  if (state.loaderHook || typeof registerLoaderHook !== 'function') return;
  registerLoaderHook('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  state.loaderHook = true;
}

/**
 * endpoint option / SKEIN_ENDPOINT: a base URL, `/v1/traces` appended (unless already
 * there). Otherwise undefined, and the exporter reads OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
 * (used as is) or OTEL_EXPORTER_OTLP_ENDPOINT (+ /v1/traces) itself, else localhost:4318.
 */
function tracesUrl(options, env) {
  const base = nonEmpty(options.endpoint) ?? nonEmpty(env.SKEIN_ENDPOINT);
  if (base === undefined) {
    if (nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) || nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT)) return undefined;
    return `${DEFAULT_ENDPOINT}/v1/traces`;
  }
  const trimmed = base.replace(/\/+$/, '');
  return trimmed.endsWith('/v1/traces') ? trimmed : `${trimmed}/v1/traces`;
}

function batchConfig(given, env) {
  const pick = (key, envName) => given[key] ?? readNumber(env, envName) ?? BATCH_DEFAULTS[key];
  return {
    maxQueueSize: pick('maxQueueSize', 'OTEL_BSP_MAX_QUEUE_SIZE'),
    maxExportBatchSize: pick('maxExportBatchSize', 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
    scheduledDelayMillis: pick('scheduledDelayMillis', 'OTEL_BSP_SCHEDULE_DELAY'),
    exportTimeoutMillis: pick('exportTimeoutMillis', 'OTEL_BSP_EXPORT_TIMEOUT'),
  };
}

/**
 * Parent-based ratio sampling: the sampleRatio option, else SKEIN_SAMPLE_RATIO; if neither
 * is set and OTEL_TRACES_SAMPLER is, undefined lets sdk-node build that sampler (with
 * OTEL_TRACES_SAMPLER_ARG); else ratio 1 (every root traced).
 */
function sampler(options, env) {
  const { ParentBasedSampler, TraceIdRatioBasedSampler } = require('@opentelemetry/sdk-trace-base');
  let ratio = validRatio(options.sampleRatio, 'the sampleRatio option');
  if (ratio === undefined) {
    const raw = nonEmpty(env.SKEIN_SAMPLE_RATIO);
    ratio = raw === undefined ? undefined : validRatio(Number(raw), `SKEIN_SAMPLE_RATIO=${raw}`);
  }
  if (ratio === undefined && nonEmpty(env.OTEL_TRACES_SAMPLER)) return undefined;
  return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio ?? 1) });
}

function validRatio(value, what) {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && value >= 0 && value <= 1) return value;
  warn(`${what} is not a number from 0 to 1; ignored`, 'SKEIN_BAD_SAMPLE_RATIO');
  return undefined;
}

/**
 * Extract W3C trace context, W3C baggage, B3 single and B3 multi; inject W3C trace context,
 * baggage and B3 multi-header. B3 is listed first so that when a request carries both, the
 * W3C traceparent (extracted last) wins. OTEL_PROPAGATORS, when set, replaces all of this
 * (undefined lets sdk-node read it).
 */
function propagator(env) {
  if (nonEmpty(env.OTEL_PROPAGATORS)) return undefined;
  const { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } = require('@opentelemetry/core');
  const { B3InjectEncoding, B3Propagator } = require('@opentelemetry/propagator-b3');
  return new CompositePropagator({
    propagators: [
      new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }),
      new W3CTraceContextPropagator(),
      new W3CBaggagePropagator(),
    ],
  });
}
