// Jaeger UI's Deep Dependency Graph, from Skein's traces (src/analyze/dependency-paths.ts).
// Jaeger UI 1.74 asks GET /analytics/v1/dependencies?service=&operation=&start=0&end=0 (the
// analytics service Uber never released); jaeger-query serves placeholder data at
// GET /api/deep-dependencies since jaegertracing/jaeger#7399, where newer UIs ask. Both
// answer the same TDdgPayload, bare (not in Jaeger's envelope), as jaeger-query writes it
// and the UI reads it:
//   {"dependencies": [{"path": [{"service", "operation"}, ...], "attributes": [{"key": "exemplar_trace_id", "value"}]}]}
// Errors are in Jaeger's envelope, as the UI shows their messages from it.
import { Hono, type Context } from 'hono';
import type { Logger } from 'pino';
import { dependencyPaths, type DependencyPath } from '../analyze/dependency-paths.ts';
import { DEFAULT_LOOKBACK_NS, ParamError, parseParam, parseTime } from '../query/search-params.ts';
import type { TraceReader } from '../store/span-store.ts';
import { jaegerErrorHandler, jaegerJson } from './jaeger-envelope.ts';

/** Traces read per graph (a stable sample of the window's when it has more): enough for the paths a window shows. */
const DDG_TRACES = 1000;

export function jaegerDeepDependencies(store: TraceReader, logger?: Logger): Hono {
  const app = new Hono();

  const answer = async (c: Context) => {
    const service = c.req.query('service');
    if (!service) throw new ParamError('service', 'is required');
    const [startNs, endNs] = window(c);
    const spans = await store.readSpans({ startNs, endNs, maxTraces: DDG_TRACES }, c.req.raw.signal);
    const paths = dependencyPaths(spans, { service, operation: c.req.query('operation') || undefined });
    return jaegerJson(c, { dependencies: paths.map(ddgPath) });
  };
  app.get('/analytics/v1/dependencies', answer);
  app.get('/api/deep-dependencies', answer);

  app.onError(jaegerErrorHandler('Jaeger deep dependencies', logger));
  return app;
}

/**
 * `start`/`end` as Skein's API reads times (Unix ms or RFC 3339); absent or 0, which Jaeger
 * UI always sends, they are now and an hour before the end.
 */
function window(c: Context): [bigint, bigint] {
  const time = (name: string) => {
    const text = c.req.query(name);
    return text && text !== '0' ? parseParam(name, text, parseTime) : undefined;
  };
  const endNs = time('end') ?? BigInt(Date.now()) * 1_000_000n;
  const startNs = time('start') ?? (endNs > DEFAULT_LOOKBACK_NS ? endNs - DEFAULT_LOOKBACK_NS : 0n);
  if (startNs > endNs) throw new ParamError('start', 'is after end');
  return [startNs, endNs];
}

function ddgPath({ path, exemplarTraceIds }: DependencyPath) {
  return { path, attributes: exemplarTraceIds.map((value) => ({ key: 'exemplar_trace_id', value })) };
}

