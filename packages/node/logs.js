// Log correlation: the active span's ids in log lines, so a log line leads to its trace.
// Depends only on @opentelemetry/api: importing it does not start anything.
import { context, isSpanContextValid, trace } from '@opentelemetry/api';

/**
 * `{ trace_id, span_id, trace_flags }` of the active span (trace_flags as two hex digits,
 * "01" when sampled), or `{}` when no valid span is active.
 * @returns {import('./logs.js').TraceFields | {}}
 */
export function traceFields() {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return {};
  return {
    trace_id: spanContext.traceId,
    span_id: spanContext.spanId,
    trace_flags: `0${(spanContext.traceFlags & 0xff).toString(16)}`.slice(-2),
  };
}

/**
 * A pino `mixin`: `pino({ mixin: pinoMixin })` adds trace_id/span_id/trace_flags to every
 * line logged while a span is active. The pino instrumentation (on by default) does the
 * same for loggers created after start(); this is for loggers it cannot reach (created
 * before tracing started, or with the instrumentation disabled). Both together write the
 * same values once.
 */
export function pinoMixin() {
  return traceFields();
}

const METHODS = ['log', 'info', 'warn', 'error', 'debug'];
const PATCHED = Symbol.for('@skein/node.console');

/** `trace_id=… span_id=… trace_flags=…` */
export function defaultConsolePrefix(fields) {
  return `trace_id=${fields.trace_id} span_id=${fields.span_id} trace_flags=${fields.trace_flags}`;
}

/**
 * Opt-in: makes console.log/info/warn/error/debug start each line written while a span is
 * active with `trace_id=… span_id=… trace_flags=…` (or `options.format(fields)`). A string
 * first argument keeps its printf-style placeholders (the prefix is joined to it). Lines
 * written outside a span are unchanged. Calling it again changes nothing; returns a
 * function that restores the original console methods.
 * @param {import('./logs.js').CorrelateConsoleOptions} [options]
 * @returns {() => void}
 */
export function correlateConsole(options = {}) {
  const target = options.console ?? console;
  if (target[PATCHED]) return target[PATCHED];
  const format = options.format ?? defaultConsolePrefix;
  const originals = {};
  for (const method of METHODS) {
    const original = target[method];
    if (typeof original !== 'function') continue;
    originals[method] = original;
    target[method] = function correlated(...args) {
      const fields = traceFields();
      if (fields.trace_id !== undefined) {
        const prefix = format(fields);
        // with more arguments, the first is a format string: keep '%' in the prefix literal
        if (typeof args[0] === 'string') args[0] = `${args.length > 1 ? prefix.replaceAll('%', '%%') : prefix} ${args[0]}`;
        else args.unshift(prefix);
      }
      return original.apply(this, args);
    };
  }
  const restore = () => {
    if (target[PATCHED] !== restore) return;
    for (const [method, original] of Object.entries(originals)) target[method] = original;
    delete target[PATCHED];
  };
  Object.defineProperty(target, PATCHED, { value: restore, configurable: true, enumerable: false });
  return restore;
}
