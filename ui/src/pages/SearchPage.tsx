// Trace search (/search?service=&operation=&attr=...&minDuration=&maxDuration=&start=&end=
// &lookback=&limit=&sort=): the form on the left, the results on the right as a scatter
// plot of duration over time and a table, sorted newest first (the API's order), slowest
// first or most errors first. Everything the page shows follows from its URL.
import { useEffect, useMemo, useState } from 'react';
import { api, type TraceSummary } from '../api.ts';
import { ResultsTable } from '../components/search/ResultsTable.tsx';
import { ScatterPlot } from '../components/search/ScatterPlot.tsx';
import { SearchForm } from '../components/search/SearchForm.tsx';
import { apiParams, sortOf, SORTS, sortTraces, type Sort } from '../components/search/search-query.ts';
import { navigate } from '../router.tsx';

export function SearchPage({ query }: { query: URLSearchParams }) {
  const params = apiParams(query);
  const key = JSON.stringify(params);
  const [run, setRun] = useState(0);
  const [results, setResults] = useState<{ key: string; traces?: TraceSummary[]; error?: string }>();
  const [ticked, setTicked] = useState<string[]>([]);

  useEffect(() => {
    let cancelled = false;
    api.search(params).then(
      (traces) => !cancelled && setResults({ key, traces }),
      (err: Error) => !cancelled && setResults({ key, error: err.message }),
    );
    return () => void (cancelled = true);
  }, [key, run]); // `key` is `params` as text

  const sort = sortOf(query);
  const traces = useMemo(() => sortTraces(results?.traces ?? [], sort), [results, sort]);
  const setSort = (next: Sort) => {
    const q = new URLSearchParams(query);
    if (next === 'newest') q.delete('sort');
    else q.set('sort', next);
    navigate(`/search?${q}`, { replace: true });
  };
  const done = results?.key === key ? results : undefined;

  return (
    <div className="search-page">
      <aside>
        <SearchForm key={query.toString()} query={query} />
      </aside>
      <section className={done ? 'search-main' : 'search-main stale'} aria-busy={!done}>
        <div className="results-head">
          <h1>{!done ? 'Searching…' : done.error ? 'Search failed' : `${traces.length} trace${traces.length === 1 ? '' : 's'}`}</h1>
          <label>
            Sort{' '}
            <select aria-label="Sort" value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
              {Object.entries(SORTS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <button type="button" disabled={ticked.length !== 2} onClick={() => navigate(`/compare?a=${ticked[0]}&b=${ticked[1]}`)}>
            Compare {ticked.length}/2 ticked
          </button>
          <button type="button" onClick={() => setRun((n) => n + 1)} title="Run the search again (a relative time range moves to now)">
            Refresh
          </button>
        </div>
        {done?.error && <p className="error-text">{done.error}</p>}
        {done && !done.error && traces.length === 0 && <p className="muted">No traces match. Widen the time range or remove a filter.</p>}
        {traces.length > 0 && (
          <>
            <ScatterPlot traces={traces} onOpen={(traceId) => navigate(`/trace/${traceId}`)} />
            <ResultsTable traces={traces} ticked={ticked} onTick={(traceId, on) => setTicked((list) => (on ? [...list, traceId] : list.filter((t) => t !== traceId)))} />
          </>
        )}
      </section>
    </div>
  );
}
