// The structural difference of two traces: their merged span tree (by service and
// operation along the path from the root), indented, with each node's count and mean
// duration in A and in B, the difference, and whether it was added, went missing, got
// slower or faster. "Only differences" keeps changed nodes and the nodes above them.
import { useState } from 'react';
import type { CompareRow } from '../../api.ts';
import { ServiceName } from '../common/ServiceName.tsx';
import { formatDuration, formatPercent } from '../redFormat.ts';

const STATUS_LABELS: Record<CompareRow['status'], string> = {
  added: 'added in B',
  missing: 'missing in B',
  slower: 'slower in B',
  faster: 'faster in B',
  same: 'same',
};

const nanos = (value: CompareRow['meanNanosA'], count: number) => (count > 0 && value != null ? Number(value) : undefined);

/** Changed rows and their ancestors, in tree order. */
function differences(rows: CompareRow[]): CompareRow[] {
  const keep = new Array<boolean>(rows.length).fill(false);
  let want = -1; // the depth of the next ancestor to keep, walking back
  for (let r = rows.length - 1; r >= 0; r--) {
    if (rows[r].status !== 'same') {
      keep[r] = true;
      want = Math.max(want, rows[r].depth - 1);
    } else if (rows[r].depth <= want) {
      keep[r] = true;
      want = rows[r].depth - 1;
    }
  }
  return rows.filter((_, r) => keep[r]);
}

function Difference({ a, b }: { a?: number; b?: number }) {
  if (a === undefined || b === undefined) return null;
  const delta = b - a;
  if (delta === 0) return <span className="muted">0</span>;
  return (
    <>
      {delta > 0 ? '+' : '−'}
      {formatDuration(Math.abs(delta))}
      {a > 0 && <span className="muted"> ({delta > 0 ? '+' : '−'}{formatPercent(Math.abs(delta) / a)})</span>}
    </>
  );
}

export function CompareTable({ rows }: { rows: CompareRow[] }) {
  const [onlyChanged, setOnlyChanged] = useState(false);
  const shown = onlyChanged ? differences(rows) : rows;
  const longest = Math.max(1, ...rows.map((r) => Math.max(nanos(r.meanNanosA, r.countA) ?? 0, nanos(r.meanNanosB, r.countB) ?? 0)));
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
  const bar = (value: number | undefined, className: string) =>
    value === undefined ? null : <span className={`compare-bar ${className}`} style={{ width: `${(value / longest) * 100}%` }} />;

  return (
    <>
      <div className="compare-summary">
        {(Object.keys(STATUS_LABELS) as CompareRow['status'][]).map((status) => (
          <span key={status} className={`status-chip status-${status}`} data-status={status} data-count={counts.get(status) ?? 0}>
            {counts.get(status) ?? 0} {STATUS_LABELS[status]}
          </span>
        ))}
        <span className="muted">
          spans: A {rows.reduce((sum, r) => sum + r.countA, 0)}, B {rows.reduce((sum, r) => sum + r.countB, 0)}
        </span>
        <label className="toggle">
          <input type="checkbox" checked={onlyChanged} onChange={(e) => setOnlyChanged(e.target.checked)} /> Only differences
        </label>
      </div>
      <table className="data-table compare-table">
        <thead>
          <tr>
            <th>Span (service and operation)</th>
            <th>Status</th>
            <th className="num">Count A</th>
            <th className="num">Count B</th>
            <th>Mean A</th>
            <th>Mean B</th>
            <th className="num">B − A</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => {
            const [a, b] = [nanos(row.meanNanosA, row.countA), nanos(row.meanNanosB, row.countB)];
            return (
              <tr key={row.path.join('\u0000')} className={`status-row-${row.status}`} data-status={row.status} data-path={row.path.join(' > ')}>
                <td style={{ paddingLeft: 8 + row.depth * 18 }}>
                  <ServiceName service={row.service} /> <span className="muted">{row.operation}</span>
                </td>
                <td>
                  <span className={`status-chip status-${row.status}`}>{STATUS_LABELS[row.status]}</span>
                </td>
                <td className="num">{row.countA}</td>
                <td className={row.countA !== row.countB ? 'num changed' : 'num'}>{row.countB}</td>
                <td className="mean-cell">
                  {bar(a, 'bar-a')}
                  {a === undefined ? '—' : formatDuration(a)}
                </td>
                <td className="mean-cell">
                  {bar(b, `bar-b status-${row.status}`)}
                  {b === undefined ? '—' : formatDuration(b)}
                </td>
                <td className="num">
                  <Difference a={a} b={b} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
