// The trace view (/trace/{id}?span={spanId}&from={traceId}:{spanId}): loads the trace's
// timeline (every span's ids, names, kinds, status and times in columns; a span's
// attributes, events and resource are fetched when it is selected), then its analysis
// (asked for once the timeline is here, so the two do not compete on the server and the
// timeline comes first), and shows them (components/trace/TraceView.tsx).
import { useEffect, useState } from 'react';
import { api, type TraceAnalysis } from '../api.ts';
import { buildTraceModel, type TraceModel } from '../components/trace/model.ts';
import { TraceView } from '../components/trace/TraceView.tsx';

export function TracePage({ traceId, query }: { traceId: string; query: URLSearchParams }) {
  const [loaded, setLoaded] = useState<{ traceId: string; model?: TraceModel; error?: string }>();
  const [analysis, setAnalysis] = useState<{ data?: TraceAnalysis; error?: string }>({});

  useEffect(() => {
    let cancelled = false;
    setLoaded(undefined);
    setAnalysis({});
    api.timeline(traceId).then(
      (timeline) => {
        if (cancelled) return;
        performance.mark('skein:trace-loaded');
        api.analysis(traceId).then(
          (data) => !cancelled && setAnalysis({ data }),
          (err: Error) => !cancelled && setAnalysis({ error: err.message }),
        );
        setLoaded({ traceId, model: buildTraceModel(timeline) });
      },
      (err: Error) => !cancelled && setLoaded({ traceId, error: err.message }),
    );
    return () => void (cancelled = true);
  }, [traceId]);

  if (!loaded || loaded.traceId !== traceId) return <p className="muted">Loading trace {traceId}…</p>;
  if (!loaded.model) return <p className="error-text">Trace {traceId}: {loaded.error}</p>;
  if (loaded.model.count === 0) return <p className="muted">Trace {traceId} has no spans.</p>;
  return <TraceView key={traceId} model={loaded.model} query={query} analysis={analysis.data} analysisError={analysis.error} />;
}
