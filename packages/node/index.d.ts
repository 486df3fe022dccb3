import type { Attributes } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { AmqplibInstrumentationConfig } from '@opentelemetry/instrumentation-amqplib';
import type { ExpressInstrumentationConfig } from '@opentelemetry/instrumentation-express';
import type { HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http';
import type { IORedisInstrumentationConfig } from '@opentelemetry/instrumentation-ioredis';
import type { KafkaJsInstrumentationConfig } from '@opentelemetry/instrumentation-kafkajs';
import type { MySQL2InstrumentationConfig } from '@opentelemetry/instrumentation-mysql2';
import type { PgInstrumentationConfig } from '@opentelemetry/instrumentation-pg';
import type { PinoInstrumentationConfig } from '@opentelemetry/instrumentation-pino';
import type { RedisInstrumentationConfig } from '@opentelemetry/instrumentation-redis';
import type { UndiciInstrumentationConfig } from '@opentelemetry/instrumentation-undici';

export { correlateConsole, defaultConsolePrefix, pinoMixin, traceFields } from './logs.js';
export type { ConsoleLike, CorrelateConsoleOptions, TraceFields } from './logs.js';

/**
 * Per instrumentation: `false` turns it off, `true` or absent keeps it on with the
 * distro's defaults, an object is that instrumentation's own config (merged over the
 * defaults). Environment lists can still turn one off (see the README).
 */
export interface InstrumentationOptions {
  /** node:http and node:https, client and server. Alias: `https`. */
  http?: boolean | HttpInstrumentationConfig;
  /** fetch() (Node's built-in undici) and the undici package. Alias: `fetch`. */
  undici?: boolean | UndiciInstrumentationConfig;
  fetch?: boolean | UndiciInstrumentationConfig;
  https?: boolean | HttpInstrumentationConfig;
  express?: boolean | ExpressInstrumentationConfig;
  pg?: boolean | PgInstrumentationConfig;
  mysql2?: boolean | MySQL2InstrumentationConfig;
  /** The `redis` package (node-redis v2 to v5). */
  redis?: boolean | RedisInstrumentationConfig;
  ioredis?: boolean | IORedisInstrumentationConfig;
  amqplib?: boolean | AmqplibInstrumentationConfig;
  kafkajs?: boolean | KafkaJsInstrumentationConfig;
  /** Log correlation (trace_id/span_id/trace_flags in each line); log sending is off by default. */
  pino?: boolean | PinoInstrumentationConfig;
}

/** Batch span processor settings; each defaults to OTEL_BSP_* when set, else {@link BATCH_DEFAULTS}. */
export interface BatchOptions {
  /** Spans held waiting for export; more are dropped. */
  maxQueueSize?: number;
  /** Spans per OTLP request. */
  maxExportBatchSize?: number;
  /** How long a span may wait before its batch is sent. */
  scheduledDelayMillis?: number;
  /** How long one export may take. */
  exportTimeoutMillis?: number;
}

export interface SkeinOptions {
  /** `service.name`; default SKEIN_SERVICE_NAME, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, then the app's package.json name. */
  serviceName?: string;
  /** `service.version`; default SKEIN_SERVICE_VERSION, OTEL_RESOURCE_ATTRIBUTES, then the app's package.json version. */
  serviceVersion?: string;
  /** `deployment.environment.name` (and `deployment.environment`); default SKEIN_ENVIRONMENT, OTEL_RESOURCE_ATTRIBUTES, then NODE_ENV. */
  environment?: string;
  /** Skein's OTLP/HTTP base URL, `/v1/traces` appended; default SKEIN_ENDPOINT, the OTEL_EXPORTER_OTLP_* endpoints, then http://localhost:4318. */
  endpoint?: string;
  /** Extra HTTP headers on every export (merged with OTEL_EXPORTER_OTLP_HEADERS). */
  headers?: Record<string, string>;
  /** Sampling ratio for traces this service starts (0 to 1); parents' decisions are followed. Default SKEIN_SAMPLE_RATIO, OTEL_TRACES_SAMPLER, then 1. */
  sampleRatio?: number;
  /** Turn instrumentations off or configure them. */
  instrumentations?: InstrumentationOptions;
  /** More instrumentations to register along with the built-in ones. */
  additionalInstrumentations?: Instrumentation[];
  /** More resource attributes. */
  resourceAttributes?: Attributes;
  /** Batch span processor settings. */
  batch?: BatchOptions;
  /** Flush on SIGTERM/SIGINT (see the README for exactly what happens); default true. */
  handleSignals?: boolean;
  /** Longest wait for a flush at exit (beforeExit, signals); default 5000. */
  shutdownTimeoutMillis?: number;
  /** Register import-in-the-middle's ESM loader hook so ES module imports are instrumented; default true. */
  esmHook?: boolean;
  /** Turn everything off (start() returns a no-op handle); default SKEIN_DISABLED or OTEL_SDK_DISABLED. */
  disabled?: boolean;
}

export interface SkeinSdk {
  /** false when disabled (or when starting failed): every method is then a no-op. */
  readonly enabled: boolean;
  /** Sends every ended span now. Never rejects (a failed export is reported as a warning). */
  forceFlush(): Promise<void>;
  /** Flushes, then stops tracing and removes the exit hooks. Idempotent; never rejects. */
  shutdown(): Promise<void>;
}

/** The Skein-tuned batch span processor defaults. */
export declare const BATCH_DEFAULTS: Readonly<Required<BatchOptions>>;

/**
 * Starts tracing; call it before the app loads what it wants traced. A second call warns
 * (SkeinWarning, code SKEIN_ALREADY_STARTED) and returns the first handle.
 */
export declare function start(options?: SkeinOptions): SkeinSdk;

/** shutdown() of the running SDK; resolves at once if none. */
export declare function shutdown(): Promise<void>;

/** forceFlush() of the running SDK; resolves at once if none. */
export declare function forceFlush(): Promise<void>;
