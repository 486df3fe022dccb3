// Two traces compared (/compare?a={traceId}&b={traceId}): their merged span tree from
// /api/v1/compare/traces with what was added, went missing, got slower or faster in B.
// With only A given, recent traces of A's root operation are offered as B.
import { useEffect, useState, type FormEvent } from 'react';
import { api, type CompareRow } from '../api.ts';
import { CompareTable } from '../components/compare/CompareTable.tsx';
import { PickTrace } from '../components/compare/PickTrace.tsx';
import { Link, navigate } from '../router.tsx';

export function ComparePage({ query }: { query: URLSearchParams }) {
  const a = query.get('a')?.trim() ?? '';
  const b = query.get('b')?.trim() ?? '';
  const [ids, setIds] = useState({ a, b });
  useEffect(() => setIds({ a, b }), [a, b]);
  const [result, setResult] = useState<{ key: string; rows?: CompareRow[]; error?: string }>();
  const key = `${a} ${b}`;

  useEffect(() => {
    if (!a || !b) return;
    let cancelled = false;
    api.compareTraces(a, b).then(
      (rows) => !cancelled && setResult({ key, rows }),
      (err: Error) => !cancelled && setResult({ key, error: err.message }),
    );
    return () => void (cancelled = true);
  }, [a, b, key]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const params = new URLSearchParams();
    if (ids.a.trim()) params.set('a', ids.a.trim());
    if (ids.b.trim()) params.set('b', ids.b.trim());
    navigate(`/compare?${params}`);
  };
  const done = result?.key === key ? result : undefined;

  return (
    <div className="compare-page">
      <form className="compare-form" onSubmit={submit} aria-label="Traces to compare">
        <label>
          Trace A <input className="mono" value={ids.a} onChange={(e) => setIds({ ...ids, a: e.target.value })} placeholder="trace id" size={34} />
        </label>
        <button type="button" onClick={() => setIds({ a: ids.b, b: ids.a })} title="Swap A and B" aria-label="Swap A and B">
          ⇄
        </button>
        <label>
          Trace B <input className="mono" value={ids.b} onChange={(e) => setIds({ ...ids, b: e.target.value })} placeholder="trace id" size={34} />
        </label>
        <button type="submit" className="primary">
          Compare
        </button>
        {a && <Link to={`/trace/${a}`}>open A</Link>}
        {b && <Link to={`/trace/${b}`}>open B</Link>}
      </form>
      {!a && <p className="muted">Enter two trace ids, tick two traces in the search results, or use “Compare with…” on a trace.</p>}
      {a && !b && <PickTrace a={a} />}
      {a && b && !done && <p className="muted">Comparing…</p>}
      {done?.error && <p className="error-text">{done.error}</p>}
      {done?.rows && <CompareTable rows={done.rows} />}
    </div>
  );
}
