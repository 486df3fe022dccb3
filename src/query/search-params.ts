// Turns the query string of Skein's search API into the store's TraceQuery, and says
// which parameter is wrong when one is.
import type { AttributeFilter, AttributeScope, CompareOp, TraceQuery } from '../store/span-store.ts';
import { parseDurationNs } from './duration.ts';

export class ParamError extends Error {
  constructor(
    readonly param: string,
    problem: string,
  ) {
    super(`parameter '${param}': ${problem}`);
  }
}

export const DEFAULT_LOOKBACK_NS = 3_600_000_000_000n; // 1h, as Jaeger UI's default
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 1000;

const kinds: Record<string, number> = {
  unspecified: 0,
  internal: 1,
  server: 2,
  client: 3,
  producer: 4,
  consumer: 5,
};

/** 'server', 'CLIENT'... → the OTLP SpanKind number. */
export function parseSpanKind(text: string): number {
  const kind = kinds[text.toLowerCase()];
  if (kind === undefined) throw new Error(`must be one of ${Object.keys(kinds).join(', ')}`);
  return kind;
}

/** OTLP SpanKind number → the lower-case name the APIs use. */
export function spanKindName(kind: number): string {
  return Object.keys(kinds).find((name) => kinds[name] === kind) ?? 'unspecified';
}

/**
 * Reads service, operation, spanKind, attr (repeatable), errors, minDuration,
 * maxDuration, start, end, lookback and limit. See docs/API.md.
 */
export function parseSearchParams(params: URLSearchParams, nowNs: bigint): TraceQuery {
  const endNs = optional(params, 'end', parseTime) ?? nowNs;
  const lookbackNs = optional(params, 'lookback', parseDurationNs) ?? DEFAULT_LOOKBACK_NS;
  const startNs = optional(params, 'start', parseTime) ?? endNs - lookbackNs;
  if (startNs > endNs) throw new ParamError('start', 'is after end');

  const minDurationNs = optional(params, 'minDuration', parseDurationNs);
  const maxDurationNs = optional(params, 'maxDuration', parseDurationNs);
  if (minDurationNs !== undefined && maxDurationNs !== undefined && minDurationNs > maxDurationNs) {
    throw new ParamError('minDuration', 'is greater than maxDuration');
  }

  const spanKind = optional(params, 'spanKind', parseSpanKind);

  return {
    service: optional(params, 'service', String),
    operation: optional(params, 'operation', String),
    spanKind,
    attributes: params.getAll('attr').map((text) => parseParam('attr', text, parseAttributeFilter)),
    errorsOnly: optional(params, 'errors', parseBoolean) ?? false,
    minDurationNs,
    maxDurationNs,
    startNs,
    endNs,
    limit: optional(params, 'limit', parseLimit) ?? DEFAULT_LIMIT,
  };
}

function optional<T>(params: URLSearchParams, name: string, parse: (text: string) => T): T | undefined {
  const text = params.get(name);
  if (text === null || text === '') return undefined;
  return parseParam(name, text, parse);
}

/** Runs a parser on one parameter's text, naming the parameter in any error. */
export function parseParam<T>(name: string, text: string, parse: (text: string) => T): T {
  try {
    return parse(text);
  } catch (err) {
    throw new ParamError(name, (err as Error).message);
  }
}

function parseBoolean(text: string): boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new Error(`'${text}' is not true or false`);
}

/** A result limit: an integer from 1 to MAX_LIMIT. */
export function parseLimit(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw new Error(`must be an integer from 1 to ${MAX_LIMIT}`);
  return n;
}

/** Span times are stored as unsigned 64-bit nanoseconds since the Unix epoch. */
const LAST_STORABLE_NS = 2n ** 64n - 1n;

/**
 * An RFC 3339 date-time, or an integer count of Unix epoch milliseconds, from 1970 to
 * 2554 (what 64-bit nanoseconds hold: no span lies outside).
 */
export function parseTime(text: string): bigint {
  const ns = parseAnyTime(text);
  if (ns < 0n || ns > LAST_STORABLE_NS) throw new Error(`'${text}' is outside the times spans can have (1970 to 2554)`);
  return ns;
}

function parseAnyTime(text: string): bigint {
  if (/^\d+$/.test(text)) return BigInt(text) * 1_000_000n;
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i.exec(text);
  const ms = match ? Date.parse(`${match[1]}${match[3]}`) : NaN;
  if (!match || Number.isNaN(ms)) {
    throw new Error(`'${text}' is not a time (expected RFC 3339, e.g. 2026-11-25T10:00:00Z, or Unix milliseconds)`);
  }
  const fractionNs = BigInt((match[2] ?? '').padEnd(9, '0'));
  return BigInt(ms) * 1_000_000n + fractionNs;
}

const comparison = /^(!=|>=|<=|=|>|<)/;

/**
 * `scope.key op value`, e.g. `span.http.status_code>=500`, `resource.service.version="1.2"`,
 * `event.exception.type=TypeError`, or just `span.db.system` (the key exists).
 * The value's type follows its spelling: "quoted" is a string, 500 an int, 0.5 a double,
 * true/false a bool, anything else a string. Without a scope prefix, `span` is meant.
 */
export function parseAttributeFilter(text: string): AttributeFilter {
  const opAt = text.search(/!=|>=|<=|=|>|</);
  const target = (opAt < 0 ? text : text.slice(0, opAt)).trim();
  const [scope, key] = splitScope(target);
  if (key === '') throw new Error(`'${text}' names no attribute`);
  if (opAt < 0) return { scope, key, type: 'exists' };

  const op = comparison.exec(text.slice(opAt))![1] as CompareOp;
  const literal = text.slice(opAt + op.length).trim();
  const equality = op === '=' || op === '!=';
  const quoted = /^"(.*)"$/s.exec(literal);
  if (quoted) {
    if (!equality) throw new Error(`'${op}' compares numbers; "${quoted[1]}" is a string`);
    return { scope, key, type: 'string', op, value: quoted[1] };
  }
  if (/^-?\d+$/.test(literal)) {
    const value = BigInt(literal);
    if (value > 0x7fffffffffffffffn || value < -0x8000000000000000n) throw new Error(`${literal} is out of the int64 range`);
    return { scope, key, type: 'int', op, value };
  }
  if (/^-?(\d+\.\d*|\.\d+|\d+(\.\d*)?e[+-]?\d+)$/i.test(literal)) {
    return { scope, key, type: 'double', op, value: Number(literal) };
  }
  if (!equality) throw new Error(`'${op}' needs a number, got '${literal}'`);
  if (literal === 'true' || literal === 'false') return { scope, key, type: 'bool', op, value: literal === 'true' };
  return { scope, key, type: 'string', op, value: literal };
}

function splitScope(target: string): [AttributeScope, string] {
  for (const scope of ['span', 'resource', 'event'] as const) {
    if (target.startsWith(`${scope}.`)) return [scope, target.slice(scope.length + 1)];
  }
  return ['span', target];
}

/**
 * The window of Zipkin's and Jaeger's dependency and Zipkin's trace queries: `endTs`
 * (epoch ms, default now, inclusive to the millisecond) and `lookback` (ms before endTs),
 * as [startNs, endNs].
 */
export function parseEndTsLookback(params: URLSearchParams, nowMs: bigint, defaultLookbackMs: bigint): [bigint, bigint] {
  const endTs = params.get('endTs') || undefined;
  const endMs = endTs === undefined ? nowMs : parseParam('endTs', endTs, parseMillis);
  const lookback = params.get('lookback') || undefined;
  const lookbackMs = lookback === undefined ? defaultLookbackMs : parseParam('lookback', lookback, parseMillis);
  const startMs = endMs > lookbackMs ? endMs - lookbackMs : 0n;
  // Zipkin takes any long as endTs; no span lies after the last storable nanosecond.
  const storable = (ns: bigint) => (ns > LAST_STORABLE_NS ? LAST_STORABLE_NS : ns);
  return [storable(startMs * 1_000_000n), storable(endMs * 1_000_000n + 999_999n)];
}

function parseMillis(text: string): bigint {
  if (!/^\d{1,18}$/.test(text)) throw new Error(`'${text}' is not a non-negative integer of milliseconds`);
  return BigInt(text);
}
