// Root cause (/rca?lookback=1h, or start/end in ms and optionally baselineStart/baselineEnd):
// Skein's ranked guess of the service that broke, with the evidence behind each candidate.
// Without a window, the server finds the latest anomalous stretch of the lookback itself.
import { useEffect, useState } from 'react';
import { api, type RootCauseRanking } from '../api.ts';
import { Link, navigate } from '../router.tsx';
import { serviceColor } from '../theme.ts';

const LOOKBACKS = ['15m', '1h', '6h', '24h'];

export function RootCausePage({ query }: { query: URLSearchParams }) {
  const [ranking, setRanking] = useState<RootCauseRanking>();
  const [error, setError] = useState<string>();
  const key = query.toString();
  useEffect(() => {
    let live = true;
    setRanking(undefined);
    setError(undefined);
    const params = Object.fromEntries(query);
    if (!params.start && !params.lookback) params.lookback = '1h';
    api.rootCause(params).then(
      (r) => live && setRanking(r),
      (e: Error) => live && setError(e.message),
    );
    return () => void (live = false);
  }, [key]);

  return (
    <section className="rca">
      <h1>Which service broke?</h1>
      <p className="muted">
        Traces of a bad window against a healthy baseline: critical-path growth, where errors start, and which services are abnormal in the
        anomalous traces.
      </p>
      <div className="rca-controls">
        Look back{' '}
        {LOOKBACKS.map((lookback) => (
          <button key={lookback} type="button" aria-pressed={query.get('lookback') === lookback} onClick={() => navigate(`/rca?lookback=${lookback}`)}>
            {lookback}
          </button>
        ))}
      </div>
      {error && <p className="error-text">{error}</p>}
      {!ranking && !error && <p className="muted">Ranking…</p>}
      {ranking && <Ranking ranking={ranking} />}
    </section>
  );
}

function Ranking({ ranking }: { ranking: RootCauseRanking }) {
  if (ranking.window === null) return <p>Nothing stands out in this window: no operation's latency or error rate left its usual level.</p>;
  const { window } = ranking;
  const time = (ns: string) => new Date(Number(BigInt(ns) / 1_000_000n)).toLocaleString();
  return (
    <>
      <p>
        Bad window {time(window.startTimeUnixNano)} – {time(window.endTimeUnixNano)}, baseline {time(window.baselineStartTimeUnixNano)} –{' '}
        {time(window.baselineEndTimeUnixNano)}: {ranking.anomalousTraces} of {ranking.incidentTraces} traces anomalous ({ranking.baselineTraces} in the
        baseline).
      </p>
      {window.reasons.length > 0 && (
        <ul className="muted">
          {window.reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      )}
      <table className="rca-candidates">
        <thead>
          <tr>
            <th>#</th>
            <th>service</th>
            <th>score</th>
            <th>evidence</th>
            <th>likeliest operation</th>
          </tr>
        </thead>
        <tbody>
          {ranking.candidates.slice(0, 10).map((candidate, i) => (
            <tr key={candidate.service} data-service={candidate.service}>
              <td>{i + 1}</td>
              <td>
                <span className="swatch" style={{ background: serviceColor(candidate.service) }} />
                <Link to={`/health?service=${encodeURIComponent(candidate.service)}`}>{candidate.service}</Link>
              </td>
              <td>{candidate.score.toFixed(2)}</td>
              <td>
                <ul>
                  {candidate.evidence.map((e) => (
                    <li key={e.kind}>
                      <strong>{e.kind}</strong> {e.score.toFixed(2)}: {e.detail}
                    </li>
                  ))}
                </ul>
              </td>
              <td>
                {candidate.operations[0] && (
                  <Link
                    to={`/search?service=${encodeURIComponent(candidate.service)}&operation=${encodeURIComponent(candidate.operations[0].operation)}&start=${Number(BigInt(window.startTimeUnixNano) / 1_000_000n)}&end=${Number(BigInt(window.endTimeUnixNano) / 1_000_000n)}`}
                  >
                    {candidate.operations[0].operation}
                  </Link>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
