// Draws the rows of the timeline that are in view on a canvas: the span tree on the left
// (indent, collapse toggle, service colour, name), bars on the time axis on the right, and
// the marks (selection, find matches, critical path, error origins, errors, clock skew).
// Work per frame is proportional to the rows in view, not to the trace.
import { formatDuration } from '../redFormat.ts';
import { serviceColor } from '../../theme.ts';
import type { AnalysisMarks } from './marks.ts';
import { SKEW_AFTER, SKEW_BEFORE, STATUS_ERROR, type TraceModel } from './model.ts';

export const ROW_HEIGHT = 22;
export const HEADER_HEIGHT = 26;
export const INDENT = 14;
/** The toggle of a span at depth d spans x = indentOf(d) .. indentOf(d) + TOGGLE_WIDTH. */
export const TOGGLE_WIDTH = 16;
const FONT = '12px system-ui, -apple-system, "Segoe UI", sans-serif';
const BOLD = `600 ${FONT}`;

export interface Palette {
  bg: string;
  bgAlt: string;
  fg: string;
  fgMuted: string;
  border: string;
  error: string;
  critical: string;
  selection: string;
  match: string;
  matchCurrent: string;
  errorRow: string;
  skew: string;
}

export interface Scene {
  model: TraceModel;
  rows: Int32Array;
  scrollTop: number;
  width: number;
  height: number;
  nameWidth: number;
  t0: number;
  t1: number;
  selected: number;
  hover: number;
  collapsed: Uint8Array;
  marks: AnalysisMarks | undefined;
  showCritical: boolean;
  matched: Uint8Array | undefined;
  currentMatch: number;
  palette: Palette;
}

export function indentOf(scene: Pick<Scene, 'nameWidth'>, depth: number): number {
  return 4 + Math.min(depth * INDENT, scene.nameWidth * 0.6);
}

function timeToX(scene: Scene, t: number): number {
  return scene.nameWidth + ((t - scene.t0) / (scene.t1 - scene.t0)) * (scene.width - scene.nameWidth - 8);
}

export function firstRowOf(scrollTop: number): number {
  return Math.floor(scrollTop / ROW_HEIGHT);
}

const colors = new Map<string, string>();
function colorOf(service: string): string {
  let color = colors.get(service);
  if (!color) colors.set(service, (color = serviceColor(service)));
  return color;
}

export function drawTimeline(ctx: CanvasRenderingContext2D, scene: Scene): void {
  const { width, height, palette } = scene;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = palette.bg;
  ctx.fillRect(0, 0, width, height);
  ctx.textBaseline = 'middle';
  const ticks = timeTicks(scene);
  ctx.fillStyle = palette.border;
  for (const t of ticks) ctx.fillRect(Math.round(timeToX(scene, t)), HEADER_HEIGHT, 1, height - HEADER_HEIGHT);

  const first = firstRowOf(scene.scrollTop);
  for (let r = first, y = HEADER_HEIGHT + r * ROW_HEIGHT - scene.scrollTop; r < scene.rows.length && y < height; r++, y += ROW_HEIGHT) {
    drawRow(ctx, scene, scene.rows[r], y);
  }
  drawHeader(ctx, scene, ticks);
  ctx.fillStyle = palette.border;
  ctx.fillRect(scene.nameWidth - 1, 0, 1, height);
}

function drawRow(ctx: CanvasRenderingContext2D, scene: Scene, i: number, y: number): void {
  const { model, palette, marks } = scene;
  const background =
    i === scene.selected
      ? palette.selection
      : i === scene.currentMatch
        ? palette.matchCurrent
        : scene.matched?.[i]
          ? palette.match
          : marks?.errorOrigin[i]
            ? palette.errorRow
            : i === scene.hover
              ? palette.bgAlt
              : undefined;
  if (background) {
    ctx.fillStyle = background;
    ctx.fillRect(0, y, scene.width, ROW_HEIGHT);
  }
  if (marks?.errorOrigin[i]) {
    ctx.fillStyle = palette.error;
    ctx.fillRect(0, y, 3, ROW_HEIGHT);
  }
  const mid = y + ROW_HEIGHT / 2;
  const service = model.service[i];
  const color = colorOf(service);
  const failed = model.statusCode[i] === STATUS_ERROR;

  // The tree column, clipped to its width.
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, y, scene.nameWidth - 4, ROW_HEIGHT);
  ctx.clip();
  const x = indentOf(scene, model.depth[i]);
  if (model.childCount[i] > 0) {
    ctx.fillStyle = palette.fgMuted;
    ctx.beginPath();
    if (scene.collapsed[i]) {
      ctx.moveTo(x + 5, mid - 5);
      ctx.lineTo(x + 11, mid);
      ctx.lineTo(x + 5, mid + 5);
    } else {
      ctx.moveTo(x + 3, mid - 3);
      ctx.lineTo(x + 13, mid - 3);
      ctx.lineTo(x + 8, mid + 3);
    }
    ctx.fill();
  }
  let tx = x + TOGGLE_WIDTH;
  ctx.fillStyle = color;
  ctx.fillRect(tx, y + 4, 4, ROW_HEIGHT - 8);
  tx += 8;
  if (failed) {
    ctx.fillStyle = palette.error;
    ctx.beginPath();
    ctx.arc(tx + 5, mid, 5, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = '#fff';
    ctx.font = `bold 9px ${FONT}`;
    ctx.fillText('!', tx + 3.5, mid + 0.5);
    tx += 14;
  }
  ctx.font = BOLD;
  ctx.fillStyle = palette.fg;
  ctx.fillText(service, tx, mid);
  tx += ctx.measureText(service).width + 6;
  ctx.font = FONT;
  ctx.fillStyle = palette.fgMuted;
  const name = model.name[i];
  ctx.fillText(name, tx, mid);
  if (scene.collapsed[i]) {
    const hidden = `+${model.subtreeSize[i] - 1}`;
    tx += ctx.measureText(name).width + 6;
    ctx.fillStyle = palette.bgAlt;
    const w = ctx.measureText(hidden).width + 8;
    ctx.fillRect(tx, y + 4, w, ROW_HEIGHT - 8);
    ctx.fillStyle = palette.fg;
    ctx.fillText(hidden, tx + 4, mid);
  }
  ctx.restore();

  // The bar on the time axis, clipped to its column.
  const left = scene.nameWidth;
  const right = scene.width - 8;
  const x0 = timeToX(scene, model.start[i]);
  const x1 = Math.max(timeToX(scene, model.end[i]), x0 + 1);
  const bx0 = Math.max(x0, left);
  const bx1 = Math.min(x1, right);
  if (bx1 >= left && bx0 <= right) {
    ctx.fillStyle = color;
    ctx.fillRect(bx0, y + 5, Math.max(bx1 - bx0, 1), ROW_HEIGHT - 10);
    if (failed) {
      ctx.strokeStyle = palette.error;
      ctx.lineWidth = 2;
      ctx.strokeRect(bx0, y + 5, Math.max(bx1 - bx0, 1), ROW_HEIGHT - 10);
    }
  }
  const segments = scene.showCritical ? marks?.criticalSegments.get(i) : undefined;
  if (segments) {
    for (let s = 0; s < segments.length; s += 2) {
      const sx0 = Math.max(timeToX(scene, segments[s]), left);
      const sx1 = Math.min(timeToX(scene, segments[s + 1]), right);
      if (sx1 < left || sx0 > right) continue;
      ctx.fillStyle = palette.critical;
      ctx.fillRect(sx0, mid - 2, Math.max(sx1 - sx0, 2), 4);
      ctx.strokeStyle = 'rgba(0, 0, 0, 0.5)';
      ctx.lineWidth = 1;
      ctx.strokeRect(sx0, mid - 2.5, Math.max(sx1 - sx0, 2), 5);
    }
  }
  ctx.font = FONT;
  const label = formatDuration(model.end[i] - model.start[i]);
  const labelWidth = ctx.measureText(label).width;
  let lx = x1 + 4;
  if (model.skew[i] & SKEW_AFTER) lx += 14;
  if (lx + labelWidth > right) lx = x0 - 4 - labelWidth - (model.skew[i] & SKEW_BEFORE ? 14 : 0);
  if (lx >= left && lx + labelWidth <= right + 8) {
    ctx.fillStyle = palette.fgMuted;
    ctx.fillText(label, lx, mid);
  }
  if (model.skew[i]) {
    ctx.fillStyle = palette.skew;
    ctx.font = BOLD;
    if (model.skew[i] & SKEW_BEFORE && x0 - 13 >= left) ctx.fillText('⚠', x0 - 13, mid);
    if (model.skew[i] & SKEW_AFTER && x1 + 2 <= right) ctx.fillText('⚠', x1 + 2, mid);
  }
}

function drawHeader(ctx: CanvasRenderingContext2D, scene: Scene, ticks: number[]): void {
  const { palette } = scene;
  ctx.fillStyle = palette.bgAlt;
  ctx.fillRect(0, 0, scene.width, HEADER_HEIGHT);
  ctx.fillStyle = palette.border;
  ctx.fillRect(0, HEADER_HEIGHT - 1, scene.width, 1);
  ctx.font = BOLD;
  ctx.fillStyle = palette.fg;
  const mid = HEADER_HEIGHT / 2;
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, 0, scene.nameWidth - 4, HEADER_HEIGHT);
  ctx.clip();
  ctx.fillText(`Service & operation (${scene.rows.length} of ${scene.model.count} rows)`, 8, mid);
  ctx.restore();
  ctx.font = FONT;
  ctx.fillStyle = palette.fgMuted;
  for (const t of ticks) {
    const x = timeToX(scene, t);
    ctx.fillRect(Math.round(x), HEADER_HEIGHT - 6, 1, 6);
    const label = formatDuration(t);
    const w = ctx.measureText(label).width;
    if (x + 3 + w <= scene.width) ctx.fillText(label, x + 3, mid);
  }
}

/** Round times across the window, about one per 110 px. */
function timeTicks(scene: Scene): number[] {
  const span = scene.t1 - scene.t0;
  const target = span / Math.max(1, (scene.width - scene.nameWidth) / 110);
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(target, 1)));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= target) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let t = Math.ceil(scene.t0 / step) * step; t <= scene.t1; t += step) ticks.push(t);
  return ticks;
}
