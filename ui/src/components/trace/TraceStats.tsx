// The trace's statistics per service and operation (analysis.stats): count, errors, total
// and self time (time not covered by children), min, max and mean; sortable by column.
import { useState } from 'react';
import type { TraceAnalysis } from '../../api.ts';
import { ServiceName } from '../common/ServiceName.tsx';
import { formatDuration, formatPercent } from '../redFormat.ts';

type Row = TraceAnalysis['stats'][number];
type Column = { key: string; label: string; value: (row: Row) => number | string; text?: (row: Row) => string };

const ns = (text: string) => Number(text);
const COLUMNS: Column[] = [
  { key: 'service', label: 'Service', value: (r) => r.service },
  { key: 'operation', label: 'Operation', value: (r) => r.operation },
  { key: 'count', label: 'Spans', value: (r) => r.count },
  { key: 'errors', label: 'Errors', value: (r) => r.errors },
  { key: 'self', label: 'Self time', value: (r) => ns(r.selfNanos), text: (r) => formatDuration(ns(r.selfNanos)) },
  { key: 'total', label: 'Total time', value: (r) => ns(r.totalNanos), text: (r) => formatDuration(ns(r.totalNanos)) },
  { key: 'mean', label: 'Mean', value: (r) => ns(r.totalNanos) / r.count, text: (r) => formatDuration(ns(r.totalNanos) / r.count) },
  { key: 'min', label: 'Min', value: (r) => ns(r.minNanos), text: (r) => formatDuration(ns(r.minNanos)) },
  { key: 'max', label: 'Max', value: (r) => ns(r.maxNanos), text: (r) => formatDuration(ns(r.maxNanos)) },
];

export function TraceStats({ stats }: { stats: Row[] }) {
  const [sort, setSort] = useState({ key: 'self', descending: true });
  const column = COLUMNS.find((c) => c.key === sort.key)!;
  const totalSelf = stats.reduce((sum, r) => sum + ns(r.selfNanos), 0);
  const rows = [...stats].sort((a, b) => {
    const [x, y] = [column.value(a), column.value(b)];
    const order = typeof x === 'string' ? x.localeCompare(y as string) : x - (y as number);
    return sort.descending ? -order : order;
  });
  return (
    <table className="data-table trace-stats" aria-label="Trace statistics">
      <thead>
        <tr>
          {COLUMNS.map((c) => (
            <th key={c.key} aria-sort={c.key === sort.key ? (sort.descending ? 'descending' : 'ascending') : undefined}>
              <button type="button" className="sort-button" onClick={() => setSort({ key: c.key, descending: c.key === sort.key ? !sort.descending : c.key !== 'service' && c.key !== 'operation' })}>
                {c.label}
                {c.key === sort.key ? (sort.descending ? ' ▾' : ' ▴') : ''}
              </button>
            </th>
          ))}
          <th>Self %</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.service}\u0000${r.operation}`}>
            <td>
              <ServiceName service={r.service} />
            </td>
            <td>{r.operation}</td>
            <td className="num">{r.count}</td>
            <td className={r.errors > 0 ? 'num error-text' : 'num'}>{r.errors}</td>
            {COLUMNS.slice(4).map((c) => (
              <td key={c.key} className="num">
                {c.text!(r)}
              </td>
            ))}
            <td className="num">{formatPercent(totalSelf > 0 ? ns(r.selfNanos) / totalSelf : 0)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
