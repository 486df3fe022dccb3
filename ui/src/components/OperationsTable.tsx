// A service's operations over the window, slowest p95 first (or highest error rate
// first): each row selects the operation's charts and links to example traces, the
// slowest (a search from its p95 up) and the failed ones.
import { Link } from '../router.tsx';
import { RedCells } from './RedCells.tsx';
import { formatDuration } from './redFormat.ts';
import type { RedSummary } from './redSeries.ts';

export type OperationSort = 'p95' | 'errors';

export function sortOperations(rows: RedSummary[], sort: OperationSort): RedSummary[] {
  const byName = (a: RedSummary, b: RedSummary) => (a.operation < b.operation ? -1 : a.operation > b.operation ? 1 : 0);
  return [...rows].sort((a, b) =>
    sort === 'errors'
      ? b.errorRate - a.errorRate || b.errors - a.errors || b.p95Nanos - a.p95Nanos || byName(a, b)
      : b.p95Nanos - a.p95Nanos || b.errorRate - a.errorRate || byName(a, b),
  );
}

export interface OperationsTableProps {
  rows: RedSummary[];
  sort: OperationSort;
  selected: string | undefined;
  sortUrl: (sort: OperationSort) => string;
  operationUrl: (operation: string) => string;
  slowTracesUrl: (row: RedSummary) => string;
  errorTracesUrl: (row: RedSummary) => string;
}

export function OperationsTable({ rows, sort, selected, sortUrl, operationUrl, slowTracesUrl, errorTracesUrl }: OperationsTableProps) {
  const sorted = sortOperations(rows, sort);
  const header = (key: OperationSort, label: string) => (
    <th scope="col" className="num" aria-sort={sort === key ? 'descending' : undefined}>
      <Link to={sortUrl(key)} title={`Sort by ${label}, highest first`} className={sort === key ? 'sorted' : undefined}>
        {label}
        {sort === key ? ' ▼' : ''}
      </Link>
    </th>
  );
  return (
    <table className="red-table operations-table" aria-label="Operations">
      <caption>Operations, {sort === 'errors' ? 'highest error rate' : 'slowest p95'} first</caption>
      <thead>
        <tr>
          <th scope="col">Operation</th>
          <th scope="col" className="num">Requests</th>
          <th scope="col" className="num">Rate</th>
          <th scope="col" className="num">Errors</th>
          {header('errors', 'Error rate')}
          <th scope="col" className="num">p50</th>
          {header('p95', 'p95')}
          <th scope="col" className="num">p99</th>
          <th scope="col">Example traces</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((row) => (
          <tr key={row.operation} data-operation={row.operation} className={row.operation === selected ? 'selected' : undefined} aria-selected={row.operation === selected}>
            <th scope="row">
              <Link to={operationUrl(row.operation)} title="Show this operation's charts">
                {row.operation}
              </Link>
            </th>
            <RedCells {...row} />
            <td className="num">
              <data value={row.p50Nanos}>{formatDuration(row.p50Nanos)}</data>
            </td>
            <td className="num">
              <data value={row.p95Nanos}>{formatDuration(row.p95Nanos)}</data>
            </td>
            <td className="num">
              <data value={row.p99Nanos}>{formatDuration(row.p99Nanos)}</data>
            </td>
            <td className="trace-links">
              <Link to={slowTracesUrl(row)} title={`Traces where ${row.operation} took at least its p95, ${formatDuration(row.p95Nanos)}`}>
                slowest (≥ p95)
              </Link>
              {row.errors > 0 && (
                <Link to={errorTracesUrl(row)} title={`Traces where ${row.operation} failed`}>
                  failed
                </Link>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
