// The selected span's full data (attributes, events, links, resource, scope), fetched when
// it is selected (/api/v1/traces/{id}/spans/{spanId}): the timeline the view is built from
// carries none of it. Fetched spans are kept per trace, so selecting one again shows it at
// once; an answer that arrives after the selection moved on is kept but not shown. Failures
// are not kept: selecting the span again asks again.
import { useEffect, useState } from 'react';
import { api, type OtlpKeyValue, type OtlpScope, type OtlpSpan, type OtlpTrace } from '../../api.ts';
import type { TraceModel } from './model.ts';

export interface FullSpan {
  span: OtlpSpan;
  resource: OtlpKeyValue[];
  scope: OtlpScope;
}

export type FullSpanState = { state: 'loading' } | { state: 'loaded'; full: FullSpan } | { state: 'failed'; error: string };

const fetched = new WeakMap<TraceModel, Map<number, FullSpan>>();

function fetchedSpans(model: TraceModel): Map<number, FullSpan> {
  let spans = fetched.get(model);
  if (!spans) fetched.set(model, (spans = new Map()));
  return spans;
}

/**
 * The span of that kind among those answered: a Zipkin shared span's id names two, its
 * client and its server half. One span answered is the one.
 */
function pickSpan(answer: OtlpTrace, kind: number): FullSpan | undefined {
  let first: FullSpan | undefined;
  for (const rs of answer.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        const full = { span, resource: rs.resource?.attributes ?? [], scope: ss.scope ?? {} };
        if ((span.kind ?? 0) === kind) return full;
        first ??= full;
      }
    }
  }
  return first;
}

const stateOf = (full: FullSpan | undefined): FullSpanState => (full ? { state: 'loaded', full } : { state: 'loading' });

export function useFullSpan(model: TraceModel, i: number): FullSpanState {
  const spans = fetchedSpans(model);
  const [shown, setShown] = useState({ model, span: i, state: stateOf(spans.get(i)) });
  // A new selection starts from what is known of it, never from the last one's failure.
  if (shown.model !== model || shown.span !== i) setShown({ model, span: i, state: stateOf(spans.get(i)) });

  useEffect(() => {
    if (spans.has(i)) return;
    let selected = true;
    const spanId = model.spanId[i];
    api
      .span(model.traceId, spanId)
      .then((answer) => {
        const full = pickSpan(answer, model.kind[i]);
        if (!full) throw new Error(`span ${spanId} is not in the answer`);
        spans.set(i, full);
        if (selected) setShown({ model, span: i, state: stateOf(full) });
      })
      .catch((err: Error) => selected && setShown({ model, span: i, state: { state: 'failed', error: err.message } }));
    return () => void (selected = false);
  }, [spans, model, i]);

  return shown.model === model && shown.span === i ? shown.state : stateOf(spans.get(i));
}
