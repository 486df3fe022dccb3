// One service's health over a window: request rate, error rate and latency over time for
// all its operations and for one of them (uPlot charts from /api/v1/metrics at `step`),
// and its operations table. Figures count what the service serves, its server and
// consumer spans; a service with none in the window (a batch job, a client only) is
// shown with all its spans instead, and the page says so.
import { useEffect, useMemo, useState } from 'react';
import { api, type Params, type RedSeries } from '../api.ts';
import { OperationsTable, sortOperations, type OperationSort } from './OperationsTable.tsx';
import { RedChart, type ChartLine } from './RedChart.tsx';
import { formatDuration, formatPercent, formatRate, goDuration } from './redFormat.ts';
import { LINE_COLORS, onGrid, stepGrid, summaries, totalsOnGrid, type RedSummary } from './redSeries.ts';
import { apiWindow, autoStep, linkWindow, pageUrl, type TimeWindow } from './redWindow.ts';
import type { ThemeColors } from './useThemeColors.ts';

/** Operations drawn in the charts of all operations (the busiest ones). */
const MAX_LINES = 6;
const SERVED_KINDS = ['server', 'consumer'];

interface Loaded {
  key: string;
  range: TimeWindow;
  series: RedSeries[];
  stepNanos: string;
  rows: RedSummary[];
  /** The service serves nothing in the window: every span kind is counted. */
  allKinds: boolean;
}

async function load(service: string, range: TimeWindow, step: string, key: string): Promise<Loaded> {
  const base: Params = { ...apiWindow(range), service };
  const read = (params: Params) => Promise.all([api.metrics({ ...params, step }), api.metrics(params)]);
  let allKinds = false;
  let [stepped, whole] = await read({ ...base, spanKind: SERVED_KINDS });
  if (whole.series.length === 0) {
    allKinds = true;
    [stepped, whole] = await read(base);
  }
  return { key, range, series: stepped.series, stepNanos: stepped.stepNanos, rows: summaries(whole.series, range.seconds), allKinds };
}

export interface ServiceHealthProps {
  service: string;
  range: TimeWindow;
  query: URLSearchParams;
  colors: ThemeColors;
}

export function ServiceHealth({ service, range, query, colors }: ServiceHealthProps) {
  const step = query.get('step') || autoStep(range.seconds);
  const sort: OperationSort = query.get('sort') === 'errors' ? 'errors' : 'p95';
  const key = `${service}\u0000${range.startMs}\u0000${range.endMs}\u0000${step}`;
  const [loaded, setLoaded] = useState<Loaded | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    let current = true;
    setError(undefined);
    load(service, range, step, key).then(
      (result) => current && setLoaded(result),
      (e: Error) => current && setError(e.message),
    );
    return () => void (current = false);
  }, [key]); // key names service, range and step

  const charts = useMemo(() => (loaded ? chartData(loaded, colors) : undefined), [loaded, colors]);
  const selected = loaded && pickOperation(loaded.rows, query.get('operation'));
  const detail = useMemo(() => (loaded && selected ? operationCharts(loaded, selected, colors) : undefined), [loaded, selected, colors]);

  const here = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(query);
    for (const [name, value] of Object.entries(changes)) value ? next.set(name, value) : next.delete(name);
    return `/health?${next}`;
  };
  const search = (row: RedSummary, extra: Record<string, string>) => pageUrl('/search', { service, operation: row.operation, ...extra, ...linkWindow(range) });

  if (error) return <p className="error-text">Could not load the metrics of {service}: {error}</p>;
  if (!loaded || !charts) return <p className="muted">Loading…</p>;
  if (loaded.rows.length === 0) return <p className="muted">No spans of {service} in this window.</p>;
  const total = loaded.rows.reduce((sum, r) => sum + r.count, 0);
  const errors = loaded.rows.reduce((sum, r) => sum + r.errors, 0);

  return (
    <div className="service-health" aria-busy={loaded.key !== key}>
      <p className="health-summary">
        <strong>{formatRate(total / loaded.range.seconds)}</strong> requests ({total}) · <strong className={errors > 0 ? 'error-text' : undefined}>{formatPercent(total > 0 ? errors / total : 0)}</strong> errors ({errors}) ·{' '}
        {loaded.rows.length} operations · step {step}
      </p>
      <p className="muted health-kinds">
        {loaded.allKinds
          ? `${service} served no requests in this window (no server or consumer spans), so these figures count all its spans.`
          : 'Figures count the requests the service serves: its server and consumer spans.'}
      </p>
      <h2>All operations{charts.omitted > 0 ? ` (the ${MAX_LINES} busiest of ${loaded.rows.length})` : ''}</h2>
      <div className="red-chart-grid">
        <RedChart title="Requests per second" times={charts.times} lines={charts.rate} format={formatRate} colors={colors} />
        <RedChart title="Error rate" times={charts.times} lines={charts.errorRate} format={formatPercent} colors={colors} />
        <RedChart title="p95 latency" times={charts.times} lines={charts.p95} format={formatDuration} colors={colors} />
      </div>
      <OperationsTable
        rows={loaded.rows}
        sort={sort}
        selected={selected}
        sortUrl={(s) => here({ sort: s === 'p95' ? undefined : s })}
        operationUrl={(operation) => here({ operation })}
        slowTracesUrl={(row) => search(row, { minDuration: goDuration(row.p95Nanos) })}
        errorTracesUrl={(row) => search(row, { errors: 'true' })}
      />
      {selected && detail && (
        <>
          <h2>
            Operation <span className="health-operation-name">{selected}</span>
          </h2>
          <div className="red-chart-grid">
            <RedChart title={`Requests per second: ${selected}`} times={detail.times} lines={detail.rate} format={formatRate} colors={colors} />
            <RedChart title={`Error rate: ${selected}`} times={detail.times} lines={detail.errorRate} format={formatPercent} colors={colors} />
            <RedChart title={`Latency: ${selected}`} times={detail.times} lines={detail.latency} format={formatDuration} colors={colors} />
          </div>
        </>
      )}
    </div>
  );
}

/** The operation in the URL, or else the slowest. */
function pickOperation(rows: RedSummary[], wanted: string | null): string | undefined {
  if (wanted && rows.some((r) => r.operation === wanted)) return wanted;
  return sortOperations(rows, 'p95')[0]?.operation;
}

/** Colours by the operations' rank by requests, the same in every chart. */
function operationColors(rows: RedSummary[]): Map<string, string> {
  const busiest = [...rows].sort((a, b) => b.count - a.count || (a.operation < b.operation ? -1 : 1));
  return new Map(busiest.map((r, i) => [r.operation, LINE_COLORS[i % LINE_COLORS.length]]));
}

function chartData(loaded: Loaded, colors: ThemeColors) {
  const grid = stepGrid(loaded.range.startMs, loaded.range.endMs, loaded.stepNanos);
  const palette = operationColors(loaded.rows);
  const shown = [...palette.keys()].slice(0, MAX_LINES);
  const seriesOf = new Map(loaded.series.map((s) => [s.operation, s]));
  const lines = (field: 'rate' | 'errorRate' | 'p95Nanos', empty: number | null): ChartLine[] =>
    shown.map((operation) => ({ label: operation, color: palette.get(operation)!, values: onGrid(seriesOf.get(operation)?.points ?? [], grid, field, empty) }));
  const totals = totalsOnGrid(loaded.series, grid);
  const all = (values: (number | null)[]): ChartLine => ({ label: 'all operations', color: colors.fg, width: 2.25, values });
  return {
    times: grid.times,
    omitted: palette.size - shown.length,
    // with one operation, its line is the total
    rate: [...(palette.size > 1 ? [all(totals.rate)] : []), ...lines('rate', 0)],
    errorRate: [...(palette.size > 1 ? [all(totals.errorRate)] : []), ...lines('errorRate', null)],
    p95: lines('p95Nanos', null),
  };
}

function operationCharts(loaded: Loaded, operation: string, colors: ThemeColors) {
  const grid = stepGrid(loaded.range.startMs, loaded.range.endMs, loaded.stepNanos);
  const points = loaded.series.find((s) => s.operation === operation)?.points ?? [];
  const color = operationColors(loaded.rows).get(operation) ?? colors.accent;
  return {
    times: grid.times,
    rate: [{ label: 'requests/s', color, values: onGrid(points, grid, 'rate', 0) }],
    errorRate: [{ label: 'error rate', color: colors.error, values: onGrid(points, grid, 'errorRate', null) }],
    latency: [
      { label: 'p50', color: colors.accent, values: onGrid(points, grid, 'p50Nanos', null) },
      { label: 'p95', color: colors.critical, values: onGrid(points, grid, 'p95Nanos', null) },
      { label: 'p99', color: colors.error, values: onGrid(points, grid, 'p99Nanos', null), dash: [5, 4] },
    ],
  };
}
