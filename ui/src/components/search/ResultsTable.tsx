// Search results: one row per trace with its root service and operation, start, duration
// (with a bar relative to the slowest), span and error counts and the services involved.
// A row opens its trace; two ticked rows can be compared.
import type { MouseEvent } from 'react';
import type { TraceSummary } from '../../api.ts';
import { formatAgo, formatTimestamp, nanosToMs } from '../common/format.ts';
import { ServiceName } from '../common/ServiceName.tsx';
import { formatDuration } from '../redFormat.ts';
import { Link, navigate } from '../../router.tsx';

export interface ResultsTableProps {
  traces: TraceSummary[];
  ticked: string[];
  onTick: (traceId: string, ticked: boolean) => void;
}

export function ResultsTable({ traces, ticked, onTick }: ResultsTableProps) {
  const slowest = Math.max(...traces.map((t) => Number(t.durationNanos)), 1);
  const open = (event: MouseEvent, traceId: string) => {
    if ((event.target as HTMLElement).closest('a, input, button, label')) return;
    navigate(`/trace/${traceId}`);
  };
  return (
    <table className="data-table search-results">
      <thead>
        <tr>
          <th aria-label="Compare" />
          <th>Trace</th>
          <th>Started</th>
          <th>Duration</th>
          <th className="num">Spans</th>
          <th className="num">Errors</th>
          <th>Services</th>
        </tr>
      </thead>
      <tbody>
        {traces.map((t) => {
          const duration = Number(t.durationNanos);
          const startMs = nanosToMs(t.startTimeUnixNano);
          return (
            <tr key={t.traceId} data-trace-id={t.traceId} onClick={(e) => open(e, t.traceId)} className={t.errorCount > 0 ? 'has-errors' : undefined}>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Compare trace ${t.traceId}`}
                  checked={ticked.includes(t.traceId)}
                  disabled={!ticked.includes(t.traceId) && ticked.length >= 2}
                  onChange={(e) => onTick(t.traceId, e.target.checked)}
                />
              </td>
              <td>
                <Link to={`/trace/${t.traceId}`} className="trace-link">
                  {t.rootService ? `${t.rootService}: ${t.rootOperation}` : 'root span not yet received'}
                </Link>
                <div className="mono muted">{t.traceId}</div>
              </td>
              <td title={formatTimestamp(startMs)}>
                {formatAgo(startMs)}
                <div className="muted small">{formatTimestamp(startMs).slice(11)}</div>
              </td>
              <td className="duration-cell">
                <span className="duration-bar" style={{ width: `${(duration / slowest) * 100}%` }} />
                {formatDuration(duration)}
              </td>
              <td className="num">{t.spanCount}</td>
              <td className={t.errorCount > 0 ? 'num error-text' : 'num'}>{t.errorCount}</td>
              <td className="service-list">
                {t.services.map((s) => (
                  <ServiceName key={s} service={s} />
                ))}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
