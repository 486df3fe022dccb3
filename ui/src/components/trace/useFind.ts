// Find in trace as state: the text, its matches (asked of the server once typing pauses for
// DEBOUNCE_MS, in tree order) and which match is current; `step` moves to the next or
// previous one and selects it. While an answer is awaited (`searching`) the previous
// matches stay marked, so the rows do not flicker as one types; an answer to text that has
// since changed is dropped.
import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api.ts';
import { matchesInTreeOrder } from './find.ts';
import type { TraceModel } from './model.ts';

const DEBOUNCE_MS = 200;
const NONE = new Int32Array(0);

interface Answer {
  needle: string;
  matches: Int32Array;
  error?: string;
}

export function useFind(model: TraceModel, select: (span: number) => void) {
  const [text, setText] = useState('');
  const needle = text.trim();
  const [answer, setAnswer] = useState<Answer>({ needle: '', matches: NONE });
  useEffect(() => {
    if (needle === '') return;
    let wanted = true;
    const timer = setTimeout(() => {
      api.findInTrace(model.traceId, needle).then(
        (spanIds) => wanted && setAnswer({ needle, matches: matchesInTreeOrder(model, spanIds) }),
        (err: Error) => wanted && setAnswer({ needle, matches: NONE, error: err.message }),
      );
    }, DEBOUNCE_MS);
    return () => {
      wanted = false;
      clearTimeout(timer);
    };
  }, [model, needle]);

  const answered = answer.needle === needle;
  const searching = needle !== '' && !answered;
  const matches = needle === '' ? NONE : answer.matches;
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
  return {
    text,
    setText,
    matches,
    matched,
    searching,
    error: answered ? answer.error : undefined,
    current,
    currentSpan: current >= 0 ? matches[current] : -1,
    step,
  };
}
