// Find in trace, the answer's side: the server says which spans match (their service, name,
// ids, status message, attributes, resource or events contain the text; the timeline holds
// too little to look here), as ids in no order; next and previous step through them in
// tree order. A shared span's id finds its server half, as everywhere in the view.
import type { TraceModel } from './model.ts';

/** Span indexes of the found ids, each once, in tree order. */
export function matchesInTreeOrder(model: TraceModel, spanIds: string[]): Int32Array {
  const found = new Uint8Array(model.count);
  let count = 0;
  for (const id of spanIds) {
    const i = model.indexById.get(id);
    if (i === undefined || found[i]) continue;
    found[i] = 1;
    count++;
  }
  const matches = new Int32Array(count);
  for (let p = 0, n = 0; n < count; p++) if (found[model.order[p]]) matches[n++] = model.order[p];
  return matches;
}
