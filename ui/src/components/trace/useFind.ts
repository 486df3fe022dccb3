// Find in trace as state: the text, its matches (in tree order, found as the text settles)
// and which match is current; `step` moves to the next or previous one and selects it.
import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import { findSpans } from './find.ts';
import type { TraceModel } from './model.ts';

export function useFind(model: TraceModel, select: (span: number) => void) {
  const [text, setText] = useState('');
  const needle = useDeferredValue(text);
  const matches = useMemo(() => findSpans(model, needle), [model, needle]);
  const matched = useMemo(() => {
    if (matches.length === 0) return undefined;
    const flags = new Uint8Array(model.count);
    matches.forEach((i) => (flags[i] = 1));
    return flags;
  }, [model, matches]);
  const [current, setCurrent] = useState(-1);
  useEffect(() => setCurrent(-1), [matches]);
  const step = (delta: 1 | -1) => {
    if (matches.length === 0) return;
    const next = current < 0 ? (delta > 0 ? 0 : matches.length - 1) : (current + delta + matches.length) % matches.length;
    setCurrent(next);
    select(matches[next]);
  };
  return { text, setText, matches, matched, current, currentSpan: current >= 0 ? matches[current] : -1, step };
}
