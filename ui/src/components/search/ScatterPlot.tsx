// Search results as points of duration over start time (uPlot), red for traces with
// errors. Each point is also a transparent button over the plot, so a click (or the
// keyboard) opens the trace and hovering names it.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { TraceSummary } from '../../api.ts';
import { formatTimestamp, nanosToMs } from '../common/format.ts';
import { formatDuration } from '../redFormat.ts';
import { useThemeColors } from '../useThemeColors.ts';

const HEIGHT = 170;

interface Point {
  trace: TraceSummary;
  left: number;
  top: number;
}

export function ScatterPlot({ traces, onOpen }: { traces: TraceSummary[]; onOpen: (traceId: string) => void }) {
  const colors = useThemeColors();
  const container = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [plot, setPlot] = useState<uPlot>();
  const [points, setPoints] = useState<Point[]>([]);

  useLayoutEffect(() => {
    const el = container.current!;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (width === 0) return;
    const sorted = [...traces].sort((a, b) => nanosToMs(a.startTimeUnixNano) - nanosToMs(b.startTimeUnixNano));
    const xs = sorted.map((t) => nanosToMs(t.startTimeUnixNano) / 1000);
    const ms = (t: TraceSummary) => Number(t.durationNanos) / 1e6;
    const ok = sorted.map((t) => (t.errorCount === 0 ? ms(t) : null));
    const failed = sorted.map((t) => (t.errorCount > 0 ? ms(t) : null));
    const pointSeries = (color: string, label: string): uPlot.Series => ({ label, stroke: color, paths: () => null, points: { show: true, size: 8, fill: color, stroke: color } });
    const axis = { stroke: colors.fgMuted, grid: { stroke: colors.border, width: 1 }, ticks: { stroke: colors.border, width: 1 } };
    const u = new uPlot(
      {
        width,
        height: HEIGHT,
        legend: { show: false },
        cursor: { show: false },
        scales: {
          x: { time: true, range: (_u, min, max) => (max - min < 1 ? [min - 60, max + 60] : [min - (max - min) * 0.03, max + (max - min) * 0.03]) },
          y: { range: (_u, _min, max) => [0, (max || 1) * 1.15] },
        },
        axes: [axis, { ...axis, size: 64, values: (_u, splits) => splits.map((v) => formatDuration(v * 1e6)) }],
        series: [{}, pointSeries(colors.accent, 'ok'), pointSeries(colors.error, 'with errors')],
        hooks: {
          draw: [
            (plot) =>
              setPoints(
                sorted.map((trace, n) => ({ trace, left: plot.valToPos(xs[n], 'x'), top: plot.valToPos(ms(trace), 'y') })),
              ),
          ],
        },
      },
      [xs, ok, failed],
      container.current!,
    );
    setPlot(u);
    return () => u.destroy();
  }, [traces, width, colors]);

  return (
    <div className="scatter-plot" data-points={traces.length}>
      <p className="scatter-legend muted">
        Trace duration by start time: <span className="scatter-dot" /> without errors <span className="scatter-dot error" /> with errors; click a point to open its trace
      </p>
      <div ref={container} />
      {plot &&
        createPortal(
          points.map(({ trace, left, top }) => (
            <button
              key={trace.traceId}
              type="button"
              className={trace.errorCount > 0 ? 'scatter-point error' : 'scatter-point'}
              style={{ left, top }}
              data-trace-id={trace.traceId}
              title={`${trace.rootService}: ${trace.rootOperation}\n${formatDuration(Number(trace.durationNanos))} at ${formatTimestamp(nanosToMs(trace.startTimeUnixNano))}\n${trace.spanCount} spans, ${trace.errorCount} errors`}
              aria-label={`Open trace ${trace.traceId}`}
              onClick={() => onOpen(trace.traceId)}
            />
          )),
          plot.over,
        )}
    </div>
  );
}
