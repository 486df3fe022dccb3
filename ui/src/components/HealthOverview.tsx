// Every service at a glance (/health without a service): requests, error rate and the
// slowest operation's p95 over the window, from one /api/v1/metrics call for all
// services (server and consumer spans: what each service serves). Services known to
// /api/v1/services that served nothing in the window are listed too, without figures.
import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import { Link } from '../router.tsx';
import { RedCells } from './RedCells.tsx';
import { formatDuration } from './redFormat.ts';
import { serviceSummaries, summaries, type ServiceSummary } from './redSeries.ts';
import { apiWindow, linkWindow, pageUrl, type TimeWindow } from './redWindow.ts';

interface Loaded {
  rows: ServiceSummary[];
  idle: string[];
}

export function HealthOverview({ range }: { range: TimeWindow }) {
  const [loaded, setLoaded] = useState<Loaded | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    let current = true;
    setError(undefined);
    Promise.all([api.metrics({ ...apiWindow(range), spanKind: ['server', 'consumer'] }), api.services()]).then(
      ([metrics, services]) => {
        if (!current) return;
        const rows = serviceSummaries(summaries(metrics.series, range.seconds)).sort((a, b) => (a.service < b.service ? -1 : 1));
        const busy = new Set(rows.map((r) => r.service));
        setLoaded({ rows, idle: services.filter((s) => !busy.has(s)) });
      },
      (e: Error) => current && setError(e.message),
    );
    return () => void (current = false);
  }, [range]);

  if (error) return <p className="error-text">Could not load the services' metrics: {error}</p>;
  if (!loaded) return <p className="muted">Loading…</p>;
  if (loaded.rows.length === 0 && loaded.idle.length === 0) return <p className="muted">No services have sent spans yet.</p>;
  const health = (service: string) => pageUrl('/health', { service, ...linkWindow(range) });

  return (
    <>
      <table className="red-table overview-table" aria-label="Services">
        <caption>Services: the requests they served (server and consumer spans)</caption>
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col" className="num">Requests</th>
            <th scope="col" className="num">Rate</th>
            <th scope="col" className="num">Errors</th>
            <th scope="col" className="num">Error rate</th>
            <th scope="col" className="num" title="Percentiles do not add up across operations: the p95 of the service's slowest operation">
              p95 (slowest operation)
            </th>
            <th scope="col" className="num">Operations</th>
          </tr>
        </thead>
        <tbody>
          {loaded.rows.map((row) => (
            <tr key={row.service} data-service={row.service}>
              <th scope="row">
                <Link to={health(row.service)}>{row.service}</Link>
              </th>
              <RedCells {...row} />
              <td className="num" title={row.slowest.operation}>
                <data value={row.slowest.p95Nanos}>{formatDuration(row.slowest.p95Nanos)}</data> <span className="muted">{row.slowest.operation}</span>
              </td>
              <td className="num">{row.operations}</td>
            </tr>
          ))}
          {loaded.idle.map((service) => (
            <tr key={service} data-service={service} className="idle">
              <th scope="row">
                <Link to={health(service)}>{service}</Link>
              </th>
              <td className="muted" colSpan={6}>
                served no requests in this window
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
