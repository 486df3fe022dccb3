// Which spans show as rows: tree order, skipping the subtrees of collapsed spans. One pass
// over the precomputed order, run only when a span is collapsed or expanded.
import type { TraceModel } from './model.ts';

export function visibleRows(model: TraceModel, collapsed: Uint8Array): Int32Array {
  const rows = new Int32Array(model.count);
  let n = 0;
  for (let p = 0; p < model.count; ) {
    const i = model.order[p];
    rows[n++] = i;
    p += collapsed[i] ? model.subtreeSize[i] : 1;
  }
  return rows.subarray(0, n);
}

/** Expands every collapsed ancestor of span i, so its row shows; true if any was collapsed. */
export function revealSpan(model: TraceModel, collapsed: Uint8Array, i: number): boolean {
  let changed = false;
  for (let p = model.parent[i]; p >= 0; p = model.parent[p]) {
    if (collapsed[p]) {
      collapsed[p] = 0;
      changed = true;
    }
  }
  return changed;
}

/** Collapses every span with children below `depth` levels (0: only roots show). */
export function collapseBelow(model: TraceModel, depth: number): Uint8Array {
  const collapsed = new Uint8Array(model.count);
  for (let i = 0; i < model.count; i++) if (model.childCount[i] > 0 && model.depth[i] >= depth) collapsed[i] = 1;
  return collapsed;
}
