// The whole trace in a strip: every row (after collapsing) as a line in its service's
// colour, and the part the timeline shows as a window. Drag the window to pan (across: the
// time window; up and down: the rows), drag elsewhere (or anywhere, while the window is the
// whole strip) to choose a new time window, click to jump there, double-click to see the
// whole trace again. The strip is drawn once per row set, size and theme into an offscreen
// canvas (minimap-strip.ts); moving the window only copies it.
import { useEffect, useLayoutEffect, useRef, useState, type PointerEvent } from 'react';
import { useThemeColors } from '../useThemeColors.ts';
import { drawStrip } from './minimap-strip.ts';
import type { TraceModel } from './model.ts';
import type { Viewport } from './viewport.ts';

const HEIGHT = 56;

export function Minimap({ model, rows, viewport }: { model: TraceModel; rows: Int32Array; viewport: Viewport }) {
  const colors = useThemeColors();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const strip = useRef<HTMLCanvasElement>(undefined);
  const duration = Math.max(model.durationNs, 1);

  useLayoutEffect(() => {
    const el = canvas.current!.parentElement!;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (width === 0) return;
    const dpr = window.devicePixelRatio || 1;
    const off = Object.assign(document.createElement('canvas'), { width: Math.round(width * dpr), height: Math.round(HEIGHT * dpr) });
    off.getContext('2d')!.putImageData(drawStrip(model, rows, off.width, off.height, colors.bgAlt), 0, 0);
    strip.current = off;
  }, [model, rows, width, colors]);

  const windowRect = () => {
    const y0 = rows.length > 0 ? (viewport.firstRow / rows.length) * HEIGHT : 0;
    const y1 = rows.length > 0 ? (Math.min(viewport.firstRow + viewport.visibleRows, rows.length) / rows.length) * HEIGHT : HEIGHT;
    const x0 = (viewport.t0 / duration) * width;
    const x1 = (viewport.t1 / duration) * width;
    return { x0, x1: Math.max(x1, x0 + 2), y0, y1: Math.max(y1, y0 + 3) };
  };

  useEffect(() => {
    const draw = () => {
      const c = canvas.current!;
      const dpr = window.devicePixelRatio || 1;
      const [w0, h0] = [Math.max(1, Math.round(width * dpr)), Math.round(HEIGHT * dpr)];
      if (c.width !== w0 || c.height !== h0) [c.width, c.height] = [w0, h0];
      const ctx = c.getContext('2d')!;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      if (strip.current) ctx.drawImage(strip.current, 0, 0, width, HEIGHT);
      const w = windowRect();
      ctx.fillStyle = colors.theme === 'dark' ? 'rgba(0,0,0,0.55)' : 'rgba(255,255,255,0.6)';
      ctx.fillRect(0, 0, w.x0, HEIGHT);
      ctx.fillRect(w.x1, 0, width - w.x1, HEIGHT);
      ctx.strokeStyle = colors.accent;
      ctx.lineWidth = 1;
      ctx.strokeRect(w.x0 + 0.5, 0.5, w.x1 - w.x0 - 1, HEIGHT - 1);
      ctx.lineWidth = 2;
      ctx.strokeRect(w.x0 + 1, w.y0 + 1, w.x1 - w.x0 - 2, Math.max(w.y1 - w.y0 - 2, 1));
      c.dataset.windowStart = String(viewport.t0);
      c.dataset.windowEnd = String(viewport.t1);
    };
    draw();
    return viewport.subscribe(draw);
  });

  const drag = useRef<{ mode: 'move' | 'select'; x: number; y: number; t0: number; t1: number; firstRow: number; moved: boolean }>(undefined);
  const at = (event: PointerEvent) => {
    const rect = canvas.current!.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  };
  const timeAt = (x: number) => (Math.min(Math.max(x, 0), width) / width) * duration;
  const rowAt = (y: number) => Math.floor((Math.min(Math.max(y, 0), HEIGHT) / HEIGHT) * rows.length);

  // The window moves when it is smaller than the strip; otherwise a drag chooses a time range.
  const movable = (x: number, y: number) => {
    const w = windowRect();
    const smaller = viewport.zoomed || viewport.visibleRows < rows.length;
    return smaller && x >= w.x0 && x <= w.x1 && y >= w.y0 - 2 && y <= w.y1 + 2;
  };
  const onPointerDown = (event: PointerEvent<HTMLCanvasElement>) => {
    const { x, y } = at(event);
    drag.current = { mode: movable(x, y) ? 'move' : 'select', x, y, t0: viewport.t0, t1: viewport.t1, firstRow: viewport.firstRow, moved: false };
    canvas.current!.setPointerCapture(event.pointerId);
  };
  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    const { x, y } = at(event);
    if (!d) {
      canvas.current!.style.cursor = movable(x, y) ? 'grab' : 'crosshair';
      return;
    }
    if (Math.abs(x - d.x) + Math.abs(y - d.y) > 2) d.moved = true;
    if (!d.moved) return;
    if (d.mode === 'move') {
      const dt = ((x - d.x) / width) * duration;
      viewport.setWindow(d.t0 + dt, d.t1 + dt);
      viewport.scrollToRow(d.firstRow + Math.round(((y - d.y) / HEIGHT) * rows.length));
    } else {
      viewport.setWindow(timeAt(Math.min(d.x, x)), timeAt(Math.max(d.x, x)));
    }
  };
  const onPointerUp = (event: PointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    drag.current = undefined;
    if (!d || d.moved) return;
    const { x, y } = at(event);
    if (d.mode === 'select') {
      const half = (d.t1 - d.t0) / 2;
      viewport.setWindow(timeAt(x) - half, timeAt(x) + half);
    }
    viewport.scrollToRow(rowAt(y) - Math.floor(viewport.visibleRows / 2));
  };

  return (
    <div className="minimap">
      <canvas
        ref={canvas}
        style={{ width, height: HEIGHT }}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onDoubleClick={() => viewport.resetWindow()}
        aria-label="Minimap of the whole trace: drag the window to pan, drag elsewhere to zoom to a time range, double-click to see it all"
        role="img"
      />
    </div>
  );
}
