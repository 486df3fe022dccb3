/** The active span's ids as log fields. */
export interface TraceFields {
  /** 32 lowercase hex digits. */
  trace_id: string;
  /** 16 lowercase hex digits. */
  span_id: string;
  /** Two hex digits: "01" when the trace is sampled, "00" when not. */
  trace_flags: string;
}

/** `{ trace_id, span_id, trace_flags }` of the active span, or `{}` when no valid span is active. */
export declare function traceFields(): TraceFields | Record<string, never>;

/**
 * A pino `mixin`: `pino({ mixin: pinoMixin })` adds trace_id/span_id/trace_flags to each
 * line logged while a span is active (nothing otherwise).
 */
export declare function pinoMixin(): TraceFields | Record<string, never>;

/** The default console prefix: `trace_id=… span_id=… trace_flags=…`. */
export declare function defaultConsolePrefix(fields: TraceFields): string;

/** The console methods correlateConsole() wraps. */
export interface ConsoleLike {
  log(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
}

export interface CorrelateConsoleOptions {
  /** The prefix written before each line logged inside a span; default {@link defaultConsolePrefix}. */
  format?: (fields: TraceFields) => string;
  /** The console to patch; default the global `console`. */
  console?: ConsoleLike;
}

/**
 * Opt-in: console.log/info/warn/error/debug start every line written while a span is active
 * with the span's ids. Calling it again while active changes nothing and returns the same
 * function. Returns a function that restores the original methods.
 */
export declare function correlateConsole(options?: CorrelateConsoleOptions): () => void;
