// One uPlot line chart over time (request rate, error rate or latency): lines of the
// same length as `times` (Unix seconds), null where a step has no value. Drawn in the
// theme's colours and drawn again when they change; as wide as its box.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ThemeColors } from './useThemeColors.ts';

export interface ChartLine {
  label: string;
  values: (number | null)[];
  color: string;
  width?: number;
  dash?: number[];
}

export interface RedChartProps {
  title: string;
  times: number[];
  lines: ChartLine[];
  /** Writes a value of the y axis and the legend. */
  format: (value: number) => string;
  colors: ThemeColors;
  height?: number;
}

export function RedChart({ title, times, lines, format, colors, height = 190 }: RedChartProps) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = box.current!;
    const axis = {
      stroke: colors.fgMuted,
      grid: { stroke: colors.border, width: 1 },
      ticks: { stroke: colors.border, width: 1 },
      font: '11px system-ui, sans-serif',
    };
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 200),
      height,
      scales: {
        x: { time: true },
        y: { range: (_u, _min, max) => [0, max != null && max > 0 ? max * 1.1 : 1] },
      },
      axes: [axis, { ...axis, size: 62, values: (_u, splits) => splits.map((v) => (v == null ? '' : format(v))) }],
      series: [
        {},
        ...lines.map((line) => ({
          label: line.label,
          stroke: line.color,
          width: line.width ?? 1.5,
          dash: line.dash,
          spanGaps: false,
          points: { size: 4, fill: line.color },
          value: (_u: uPlot, v: number | null) => (v == null ? '—' : format(v)),
        })),
      ],
      legend: { live: true },
      cursor: { points: { size: 6 } },
    };
    const chart = new uPlot(options, [times, ...lines.map((line) => line.values)] as uPlot.AlignedData, element);
    const resize = new ResizeObserver(() => {
      const width = Math.max(element.clientWidth, 200);
      if (width !== chart.width) chart.setSize({ width, height });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [times, lines, format, colors, height]);

  return (
    <figure className="red-chart" data-chart-theme={colors.theme}>
      <figcaption>{title}</figcaption>
      <div ref={box} className="red-chart-plot" role="img" aria-label={`${title}: ${lines.map((l) => l.label).join(', ')}; ${times.length} steps`} />
    </figure>
  );
}
