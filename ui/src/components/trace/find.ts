// Find in trace: the spans whose service, name, ids, attributes (span and resource), events
// or status message contain the text, case-insensitively, in tree order. Each span's text
// is assembled the first time something is looked for, not when the trace loads.
import { anyValueText } from '../common/format.ts';
import type { TraceModel } from './model.ts';

const haystacks = new WeakMap<TraceModel, string[]>();

function spanText(model: TraceModel, i: number): string {
  const span = model.spans[i];
  const parts = [model.service[i], span.name, span.spanId, span.status?.message ?? ''];
  for (const kv of span.attributes ?? []) parts.push(`${kv.key}=${anyValueText(kv.value)}`);
  for (const kv of model.resource[i].attributes) parts.push(`${kv.key}=${anyValueText(kv.value)}`);
  for (const event of span.events ?? []) {
    parts.push(event.name);
    for (const kv of event.attributes ?? []) parts.push(`${kv.key}=${anyValueText(kv.value)}`);
  }
  return parts.join('\n').toLowerCase();
}

/** Span indexes in tree order. */
export function findSpans(model: TraceModel, text: string): Int32Array {
  const needle = text.trim().toLowerCase();
  if (needle === '') return new Int32Array(0);
  let texts = haystacks.get(model);
  if (!texts) {
    texts = Array.from({ length: model.count }, (_, i) => spanText(model, i));
    haystacks.set(model, texts);
  }
  const found: number[] = [];
  for (let p = 0; p < model.count; p++) {
    const i = model.order[p];
    if (texts[i].includes(needle)) found.push(i);
  }
  return Int32Array.from(found);
}
