// Jaeger's metrics query API (SPM, the Monitor tab of Jaeger UI) as jaeger-query serves
// it: /api/metrics/latencies, /calls, /errors and /minstep. Answers are what jaeger-query
// writes for its metrics.proto MetricFamily (protojson: camelCase fields, GAUGE points of
// doubleValue with RFC 3339 timestamps), errors its structuredResponse envelope.
//
// Where jaeger-query reads span metrics aggregated elsewhere (Prometheus), Skein computes
// them from the stored spans, in the store (SpanStore.redMetrics): each point holds the
// spans that started in the step ending at its timestamp. See docs/API.md.
import { Hono, type Context } from 'hono';
import type { Logger } from 'pino';
import { ParamError, parseParam, parseSpanKind } from '../query/search-params.ts';
import { SpanKind } from '../model/span.ts';
import type { DependencyReader, RedRow } from '../store/span-store.ts';
import { answer, jaegerErrorHandler, jaegerJson } from './jaeger-envelope.ts';

/** jaeger-query's defaults (cmd/query/app/default_params.go), in ms. */
const DEFAULT_LOOKBACK_MS = 3_600_000n;
const DEFAULT_STEP_MS = 5_000n;

/** Most points one series may have: Prometheus's limit, which jaeger-query usually answers with. */
const MAX_POINTS = 11_000n;

/** Skein buckets spans to the nanosecond; the API counts in milliseconds. */
const MIN_STEP_MS = 1;

const NS_PER_MS = 1_000_000n;
const LAST_STORABLE_NS = 2n ** 64n - 1n;

/** The query every metric takes, parsed and checked. */
interface MetricsQuery {
  services: string[];
  groupByOperation: boolean;
  spanKinds: number[];
  /** Start of the first step; the steps end at endNs, the last point's time. */
  startNs: bigint;
  endNs: bigint;
  stepNs: bigint;
}

/** One series as Jaeger's Metric: labels and points. */
interface Series {
  service: string;
  operation: string;
  rows: RedRow[];
}

type PointValue = (row: RedRow) => number;

export function jaegerMetricsApi(store: DependencyReader, logger?: Logger): Hono {
  const app = new Hono();

  app.get('/api/metrics/latencies', async (c) => {
    const quantile = parseParam('quantile', c.req.query('quantile') ?? '', parseQuantile);
    const query = parseMetricsQuery(c);
    const series = await readSeries(store, query, c.req.raw.signal, [quantile]);
    const msAtQuantile = (row: RedRow) => row.quantilesNs![0] / 1e6;
    return jaegerJson(c, metricFamily(query, 'latencies', `${quantile.toFixed(2)}th quantile latency`, series, msAtQuantile, false));
  });

  app.get('/api/metrics/calls', async (c) => {
    const query = parseMetricsQuery(c);
    const seconds = Number(query.stepNs) / 1e9;
    const callsPerSecond = (row: RedRow) => row.count / seconds;
    return jaegerJson(c, metricFamily(query, 'call_rate', 'calls/sec', await readSeries(store, query, c.req.raw.signal), callsPerSecond, true));
  });

  app.get('/api/metrics/errors', async (c) => {
    const query = parseMetricsQuery(c);
    const errorRatio = (row: RedRow) => row.errors / row.count;
    const help = 'error rate, computed as a fraction of errors/sec over calls/sec';
    return jaegerJson(c, metricFamily(query, 'error_rate', help, await readSeries(store, query, c.req.raw.signal), errorRatio, false));
  });

  // jaeger-query answers the min step in its structuredResponse envelope, in ms.
  app.get('/api/metrics/minstep', (c) => answer(c, MIN_STEP_MS));

  app.onError(jaegerErrorHandler('Jaeger metrics API', logger));

  return app;
}

/**
 * service (required, repeatable), groupByOperation, spanKind (repeatable, default server),
 * endTs (Unix ms, default now), lookback, step (ms). ratePer (ms) is checked as jaeger-query
 * checks it, but a point never spans more than its step (docs/API.md says why).
 */
function parseMetricsQuery(c: Context): MetricsQuery {
  const services = c.req.queries('service')?.filter((s) => s !== '') ?? [];
  if (services.length === 0) throw new ParamError('service', 'please provide at least one service name');
  const groupByOperation = optional(c, 'groupByOperation', parseGoBool) ?? false;
  const spanKinds = c.req.queries('spanKind')?.map((kind) => parseParam('spanKind', kind, parseJaegerSpanKind)) ?? [SpanKind.SERVER];
  const endNs = (optional(c, 'endTs', parseMillis) ?? BigInt(Date.now())) * NS_PER_MS;
  const lookbackNs = (optional(c, 'lookback', parsePositiveMillis) ?? DEFAULT_LOOKBACK_MS) * NS_PER_MS;
  const stepNs = (optional(c, 'step', parsePositiveMillis) ?? DEFAULT_STEP_MS) * NS_PER_MS;
  optional(c, 'ratePer', parsePositiveMillis);
  if (endNs > LAST_STORABLE_NS) throw new ParamError('endTs', 'is after the last time spans can have (2554)');
  // Whole steps back from endTs, so the last point is at endTs as in Jaeger's answers.
  const steps = (lookbackNs + stepNs - 1n) / stepNs;
  if (steps > MAX_POINTS) throw new ParamError('step', `makes more than ${MAX_POINTS} points in the lookback`);
  const startNs = endNs - steps * stepNs;
  if (startNs < 0n) throw new ParamError('lookback', 'reaches back before 1970');
  return { services, groupByOperation, spanKinds, startNs, endNs, stepNs };
}

function optional<T>(c: Context, name: string, parse: (text: string) => T): T | undefined {
  const text = c.req.query(name);
  return text === undefined || text === '' ? undefined : parseParam(name, text, parse);
}

function parseQuantile(text: string): number {
  const quantile = text.trim() === '' ? NaN : Number(text);
  if (!(quantile >= 0 && quantile <= 1)) throw new Error(`'${text}' is not a quantile from 0 to 1 (e.g. 0.95)`);
  return quantile;
}

/** Go's strconv.ParseBool, which jaeger-query uses. */
function parseGoBool(text: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  throw new Error(`'${text}' is not a boolean`);
}

/** Jaeger UI's 'server', 'client'...; older jaeger-query took OpenTelemetry's 'SPAN_KIND_SERVER'. */
function parseJaegerSpanKind(text: string): number {
  return parseSpanKind(text.replace(/^span_kind_/i, ''));
}

function parseMillis(text: string): bigint {
  if (!/^\d{1,18}$/.test(text)) throw new Error(`'${text}' is not a non-negative integer of milliseconds`);
  return BigInt(text);
}

function parsePositiveMillis(text: string): bigint {
  const ms = parseMillis(text);
  if (ms === 0n) throw new Error('must be at least 1 ms');
  return ms;
}

/** The store's RED rows of every service asked for, one series per service (and operation). */
async function readSeries(store: DependencyReader, query: MetricsQuery, signal: AbortSignal, quantiles?: number[]): Promise<Series[]> {
  const perService = await Promise.all(
    query.services.map((service) =>
      store.redMetrics({
        service,
        // The store's window includes its end; the last step ends just before endNs.
        startNs: query.startNs,
        endNs: query.endNs - 1n,
        stepNs: query.stepNs,
        spanKinds: query.spanKinds,
        perOperation: query.groupByOperation,
        quantiles,
      }, signal),
    ),
  );
  const series = new Map<string, Series>();
  for (const row of perService.flat()) {
    const key = `${row.service}\u0000${row.operation}`;
    if (!series.has(key)) series.set(key, { service: row.service, operation: row.operation, rows: [] });
    series.get(key)!.rows.push(row);
  }
  return [...series.values()];
}

/**
 * Jaeger's MetricFamily: named as jaeger-query names it (service_operation_... when grouped
 * by operation). A point per step that has spans; with `zeroFilled`, also 0 for the steps
 * that had none (no calls is a call rate of 0; it has no latency or error ratio).
 */
function metricFamily(query: MetricsQuery, metric: string, help: string, series: Series[], value: PointValue, zeroFilled: boolean) {
  const grouping = query.groupByOperation ? 'service_operation' : 'service';
  return {
    name: `${grouping}_${metric}`,
    type: 'GAUGE',
    help: `${help}, grouped by service${query.groupByOperation ? ' & operation' : ''}`,
    metrics: series.map((s) => ({
      labels: [{ name: 'service_name', value: s.service }, ...(query.groupByOperation ? [{ name: 'operation', value: s.operation }] : [])],
      metricPoints: zeroFilled ? zeroFilledPoints(query, s.rows, value) : s.rows.map((row) => point(row.stepStartNs + query.stepNs, value(row))),
    })),
  };
}

function zeroFilledPoints(query: MetricsQuery, rows: RedRow[], value: PointValue) {
  const byStart = new Map(rows.map((row) => [row.stepStartNs, row]));
  const points = [];
  for (let start = query.startNs; start < query.endNs; start += query.stepNs) {
    const row = byStart.get(start);
    points.push(point(start + query.stepNs, row ? value(row) : 0));
  }
  return points;
}

/** A gauge point at a whole millisecond, with its timestamp as protojson writes it ('.000' left out). */
function point(timeNs: bigint, doubleValue: number) {
  return { gaugeValue: { doubleValue }, timestamp: new Date(Number(timeNs / NS_PER_MS)).toISOString().replace('.000Z', 'Z') };
}
