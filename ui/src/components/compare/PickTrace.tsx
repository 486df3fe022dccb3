// Choosing what to compare trace A with: the typical trace of its root operation (the
// server picks it; A then becomes B, the trace that differs), or one of the recent traces
// (the last 24 hours) with A's root service and operation, A's root found in A's timeline.
import { useEffect, useState } from 'react';
import { api, type TraceSummary, type TraceTimeline } from '../../api.ts';
import { formatAgo, nanosToMs } from '../common/format.ts';
import { formatDuration } from '../redFormat.ts';
import { Link, navigate } from '../../router.tsx';

/** The earliest span without a parent: the first one in the timeline, which is in start order. */
function rootOf(timeline: TraceTimeline): { service: string; operation: string } | undefined {
  const i = timeline.parentSpanId.indexOf('');
  return i < 0 ? undefined : { service: timeline.services[timeline.service[i]], operation: timeline.names[timeline.name[i]] };
}

export function PickTrace({ a }: { a: string }) {
  const [found, setFound] = useState<{ root?: string; traces?: TraceSummary[]; error?: string }>({});
  useEffect(() => {
    let cancelled = false;
    setFound({});
    api
      .timeline(a)
      .then(async (timeline) => {
        const root = rootOf(timeline);
        if (!root) throw new Error('trace A has no root span');
        const traces = await api.search({ service: root.service, operation: root.operation, lookback: '24h', limit: '50' });
        const same = traces.filter((t) => t.traceId !== a && t.rootService === root.service && t.rootOperation === root.operation);
        if (!cancelled) setFound({ root: `${root.service}: ${root.operation}`, traces: same });
      })
      .catch((err: Error) => !cancelled && setFound({ error: err.message }));
    return () => void (cancelled = true);
  }, [a]);

  const [typical, setTypical] = useState<string>();
  const compareWithTypical = () => {
    setTypical('Looking for the typical trace…');
    api.compareTypical(a).then(
      (r) => navigate(`/compare?a=${r.typicalTraceId}&b=${a}`),
      (err: Error) => setTypical(err.message),
    );
  };

  if (found.error) return <p className="error-text">{found.error}</p>;
  if (!found.traces) return <p className="muted">Looking for traces like {a}…</p>;
  return (
    <section className="pick-trace">
      <p>
        <button type="button" onClick={compareWithTypical}>
          Compare with a typical trace
        </button>{' '}
        <span className="muted">{typical ?? `the median-duration trace of ${found.root} within 30 minutes, as A; this one as B`}</span>
      </p>
      <h2>Or pick trace B: recent traces of {found.root}</h2>
      {found.traces.length === 0 ? (
        <p className="muted">No other trace of this operation in the last 24 hours; paste a trace id above.</p>
      ) : (
        <ul>
          {found.traces.map((t) => (
            <li key={t.traceId}>
              <Link to={`/compare?a=${a}&b=${t.traceId}`}>
                <span className="mono">{t.traceId}</span>
              </Link>{' '}
              {formatDuration(Number(t.durationNanos))}, {t.spanCount} spans
              {t.errorCount > 0 && <span className="error-text">, {t.errorCount} errors</span>}, {formatAgo(nanosToMs(t.startTimeUnixNano))}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
