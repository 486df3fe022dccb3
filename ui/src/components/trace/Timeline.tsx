// The trace's timeline (Gantt) as one canvas the size of the view inside a scroller as tall
// as all rows: scrolling redraws only the rows in view, once per animation frame, so a
// 100 000-span trace scrolls as smoothly as a small one. The tree column and the time
// axis share the canvas; the column divider drags. Clicks select a span or, on its
// triangle, collapse and expand it; the keyboard moves the selection (arrows), collapses
// and expands (left, right, Enter). The data attributes say what is drawn, for tests and
// tools; the rows in view are also listed as text for screen readers.
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useThemeColors } from '../useThemeColors.ts';
import type { AnalysisMarks } from './marks.ts';
import type { TraceModel } from './model.ts';
import { drawTimeline, firstRowOf, HEADER_HEIGHT, INDENT, indentOf, ROW_HEIGHT, TOGGLE_WIDTH, type Palette, type Scene } from './timeline-draw.ts';
import { spanSummary } from './span-summary.ts';
import type { Viewport } from './viewport.ts';

export interface TimelineProps {
  model: TraceModel;
  rows: Int32Array;
  /** row of each span, -1 when hidden under a collapsed parent */
  rowOf: Int32Array;
  collapsed: Uint8Array;
  viewport: Viewport;
  selected: number;
  marks: AnalysisMarks | undefined;
  showCritical: boolean;
  matched: Uint8Array | undefined;
  currentMatch: number;
  onSelect: (span: number) => void;
  onToggle: (span: number) => void;
}

function readPalette(): Palette {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string) => style.getPropertyValue(name).trim();
  return {
    bg: v('--bg'),
    bgAlt: v('--bg-alt'),
    fg: v('--fg'),
    fgMuted: v('--fg-muted'),
    border: v('--border'),
    error: v('--error'),
    critical: v('--critical'),
    selection: v('--selection'),
    match: v('--trace-match'),
    matchCurrent: v('--trace-match-current'),
    errorRow: v('--trace-error-row'),
    skew: v('--trace-skew'),
  };
}

export function Timeline(props: TimelineProps) {
  const { model, rows, viewport } = props;
  const theme = useThemeColors().theme;
  const scroller = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const tooltip = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [nameWidth, setNameWidth] = useState<number>();
  const [firstRow, setFirstRow] = useState(0);
  const hover = useRef(-1);
  const painted = useRef<TraceModel>(undefined);
  const frame = useRef(0);
  const palette = useRef<Palette>(undefined);
  // The tree column: a third of the width, more for deep trees (up to half), until dragged.
  const columnWidth = nameWidth ?? Math.round(Math.min(520, Math.max(240, size.width * 0.32, Math.min(size.width * 0.5, 230 + model.maxDepth * INDENT))));

  // The latest scene, read by the drawing frame.
  const scene = useRef<Omit<Scene, 'scrollTop' | 'hover' | 'palette' | 't0' | 't1'>>(undefined);
  scene.current = { ...props, width: size.width, height: size.height, nameWidth: columnWidth };

  const draw = () => {
    frame.current = 0;
    const el = scroller.current;
    const ctx = canvas.current?.getContext('2d');
    if (!el || !ctx || !scene.current || scene.current.width === 0) return;
    palette.current ??= readPalette();
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawTimeline(ctx, { ...scene.current, scrollTop: el.scrollTop, hover: hover.current, palette: palette.current, t0: viewport.t0, t1: viewport.t1 });
    if (painted.current !== model) {
      painted.current = model;
      performance.mark('skein:timeline-first-paint', { detail: { spans: model.count } });
    }
  };
  const schedule = () => {
    if (frame.current === 0) frame.current = requestAnimationFrame(draw);
  };
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  useLayoutEffect(() => {
    const el = scroller.current!;
    const observer = new ResizeObserver(() => setSize({ width: el.clientWidth, height: el.clientHeight }));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const c = canvas.current!;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(size.width * dpr);
    c.height = Math.round(size.height * dpr);
    c.style.width = `${size.width}px`;
    c.style.height = `${size.height}px`;
  }, [size]);

  useEffect(() => {
    palette.current = undefined;
  }, [theme]);

  // Scroll position → rows in view (for the minimap and the screen-reader list).
  const syncRows = () => {
    const el = scroller.current!;
    const first = firstRowOf(el.scrollTop);
    const visible = Math.max(1, Math.floor((el.clientHeight - HEADER_HEIGHT) / ROW_HEIGHT));
    viewport.setRows(first, visible, rows.length);
    setFirstRow(first);
  };
  useEffect(() => {
    viewport.scrollHandler = (row) => {
      scroller.current!.scrollTop = row * ROW_HEIGHT;
    };
    syncRows();
    return viewport.subscribe(schedule);
  });
  useEffect(schedule);

  const hit = (event: PointerEvent) => {
    const rect = canvas.current!.getBoundingClientRect();
    const x = event.clientX - rect.left;
    const y = event.clientY - rect.top;
    const row = y < HEADER_HEIGHT ? -1 : firstRowOf(scroller.current!.scrollTop + y - HEADER_HEIGHT);
    const span = row >= 0 && row < rows.length ? rows[row] : -1;
    const toggleX = span >= 0 ? indentOf({ nameWidth: columnWidth }, model.depth[span]) : 0;
    return { x, y, span, onToggle: span >= 0 && model.childCount[span] > 0 && x >= toggleX && x < toggleX + TOGGLE_WIDTH, onDivider: Math.abs(x - columnWidth) < 5 };
  };

  const dragging = useRef(false);
  const onPointerDown = (event: PointerEvent<HTMLCanvasElement>) => {
    const target = hit(event);
    if (target.onDivider) {
      dragging.current = true;
      canvas.current!.setPointerCapture(event.pointerId);
    } else if (target.onToggle) props.onToggle(target.span);
    else if (target.span >= 0) props.onSelect(target.span);
    scroller.current!.focus({ preventScroll: true });
  };
  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    const target = hit(event);
    if (dragging.current) {
      setNameWidth(Math.round(Math.min(Math.max(target.x, 160), size.width - 200)));
      return;
    }
    canvas.current!.style.cursor = target.onDivider ? 'col-resize' : target.span >= 0 ? 'pointer' : 'default';
    if (target.span !== hover.current) {
      hover.current = target.span;
      schedule();
    }
    const tip = tooltip.current!;
    if (target.span < 0 || target.onDivider) {
      tip.hidden = true;
      return;
    }
    tip.hidden = false;
    tip.textContent = spanSummary(model, target.span, props.marks, props.collapsed);
    const left = Math.min(target.x + 14, size.width - tip.offsetWidth - 4);
    tip.style.transform = `translate(${Math.max(0, left)}px, ${target.y + 16}px)`;
  };
  const onPointerUp = () => {
    dragging.current = false;
  };
  // Leaving, or scrolling other rows under the pointer, ends the hover.
  const onPointerLeave = () => {
    hover.current = -1;
    tooltip.current!.hidden = true;
    schedule();
  };
  const onScroll = () => {
    onPointerLeave();
    syncRows();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const { selected, rowOf, collapsed } = props;
    const row = selected >= 0 ? rowOf[selected] : -1;
    const move = (to: number) => {
      if (to < 0 || to >= rows.length) return;
      props.onSelect(rows[to]);
      viewport.revealRow(to);
    };
    const parentOf = selected >= 0 ? model.parent[selected] : -1;
    const hasChildren = selected >= 0 && model.childCount[selected] > 0;
    const actions: Record<string, () => void> = {
      ArrowDown: () => move(row + 1),
      ArrowUp: () => move(Math.max(row - 1, 0)),
      ArrowLeft: () => (hasChildren && !collapsed[selected] ? props.onToggle(selected) : parentOf >= 0 && move(rowOf[parentOf])),
      ArrowRight: () => collapsed[selected] && props.onToggle(selected),
      Enter: () => hasChildren && props.onToggle(selected),
    };
    const action = actions[event.key];
    if (!action || (selected < 0 && event.key !== 'ArrowDown' && event.key !== 'ArrowUp')) return;
    event.preventDefault();
    action();
  };

  const inView = rows.subarray(firstRow, firstRow + Math.ceil(size.height / ROW_HEIGHT));
  return (
    <div className="timeline" data-visible-rows={rows.length} data-total-spans={model.count} data-first-row={firstRow} data-row-height={ROW_HEIGHT} data-header-height={HEADER_HEIGHT} data-name-width={columnWidth}>
      <div className="timeline-scroll" ref={scroller} tabIndex={0} onScroll={onScroll} onKeyDown={onKeyDown} aria-label="Trace timeline: arrows move, left and right collapse and expand">
        <canvas className="timeline-rows" ref={canvas} onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={onPointerUp} onPointerLeave={onPointerLeave} />
        <div style={{ height: Math.max(0, HEADER_HEIGHT + rows.length * ROW_HEIGHT - size.height) }} />
      </div>
      <div className="timeline-tooltip" ref={tooltip} role="tooltip" hidden />
      <ol className="sr-only" aria-label="Spans in view">
        {Array.from(inView, (i) => (
          <li key={i} data-span-id={model.spanId[i]}>
            {spanSummary(model, i, props.marks, props.collapsed)}
          </li>
        ))}
      </ol>
    </div>
  );
}
