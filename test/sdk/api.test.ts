// The public API in-process, through its type declarations: the log-correlation helpers
// (traceFields, pinoMixin, correlateConsole) against a real context manager, and start()
// when disabled. (Tracing itself is tested end to end in the other files.)
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';
import { test } from 'node:test';
import { context, ROOT_CONTEXT, trace, TraceFlags, type Context, type ContextManager } from '@opentelemetry/api';
import { BATCH_DEFAULTS, forceFlush, shutdown, start, type SkeinOptions, type SkeinSdk } from '@skein/node';
import { correlateConsole, pinoMixin, traceFields, type ConsoleLike, type TraceFields } from '@skein/node/logs';

// A minimal AsyncLocalStorage context manager, so context.with() makes a span active.
const storage = new AsyncLocalStorage<Context>();
const manager: ContextManager = {
  active: () => storage.getStore() ?? ROOT_CONTEXT,
  with: (ctx, fn, thisArg, ...args) => storage.run(ctx, () => fn.call(thisArg, ...args)),
  bind: (_ctx, target) => target,
  enable() {
    return this;
  },
  disable() {
    return this;
  },
};
context.setGlobalContextManager(manager);

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const inSpan = <T>(fn: () => T, traceFlags = TraceFlags.SAMPLED): T =>
  context.with(trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE, spanId: SPAN, traceFlags }), fn);

/** A console that records what each call would print. */
function recordingConsole(): ConsoleLike & { lines: string[] } {
  const lines: string[] = [];
  const record = (...args: unknown[]) => void lines.push(format(...args));
  return { lines, log: record, info: record, warn: record, error: record, debug: record };
}

test('traceFields / pinoMixin: the active span ids, {} outside a span or for an invalid span', () => {
  assert.deepEqual(traceFields(), {});
  assert.deepEqual(pinoMixin(), {});
  const expected: TraceFields = { trace_id: TRACE, span_id: SPAN, trace_flags: '01' };
  assert.deepEqual(inSpan(traceFields), expected);
  assert.deepEqual(inSpan(pinoMixin), expected);
  assert.deepEqual(inSpan(traceFields, TraceFlags.NONE), { ...expected, trace_flags: '00' });
  const invalid = trace.setSpanContext(ROOT_CONTEXT, { traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 1 });
  assert.deepEqual(context.with(invalid, traceFields), {});
});

test('correlateConsole: prefixes lines inside a span, keeps printf formatting, leaves other lines alone, restores', () => {
  const out = recordingConsole();
  const restore = correlateConsole({ console: out });
  assert.equal(correlateConsole({ console: out }), restore, 'a second call changes nothing');

  out.log('plain');
  inSpan(() => {
    out.log('hello %s, %d items', 'world', 3);
    out.error({ code: 42 });
    out.warn('just text');
    out.info();
  });
  restore();
  inSpan(() => out.log('after restore'));

  const prefix = `trace_id=${TRACE} span_id=${SPAN} trace_flags=01`;
  assert.deepEqual(out.lines, ['plain', `${prefix} hello world, 3 items`, `${prefix} { code: 42 }`, `${prefix} just text`, prefix, 'after restore']);
});

test('correlateConsole: a custom format; a % in it stays literal next to a format string', () => {
  const out = recordingConsole();
  const restore = correlateConsole({ console: out, format: (f) => `[100% ${f.trace_id.slice(0, 8)}]` });
  inSpan(() => {
    out.log('%s done', 'job');
    out.log('no args 100%');
  });
  restore();
  assert.deepEqual(out.lines, ['[100% 4bf92f35] job done', '[100% 4bf92f35] no args 100%']);
});

test('start({ disabled: true }) returns a no-op handle; a second start() warns and returns it; module-level shutdown/forceFlush resolve', async () => {
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  try {
    const options: SkeinOptions = { disabled: true, serviceName: 'never' };
    const sdk: SkeinSdk = start(options);
    assert.equal(sdk.enabled, false);
    assert.equal(start({ serviceName: 'again' }), sdk);
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    assert.ok(warnings.some((w) => (w as Error & { code?: string }).code === 'SKEIN_ALREADY_STARTED'), warnings.map(String).join('\n'));
    await sdk.forceFlush();
    await forceFlush();
    await shutdown();
    await sdk.shutdown();
    assert.equal(trace.getActiveSpan(), undefined);
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual({ ...BATCH_DEFAULTS }, { maxQueueSize: 4096, maxExportBatchSize: 512, scheduledDelayMillis: 2000, exportTimeoutMillis: 10000 });
});
