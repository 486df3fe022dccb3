// The count, rate, errors and error-rate cells of a RED table row (service health's
// overview and its operations table), machine-readable values in <data>.
import { formatPercent, formatRate } from './redFormat.ts';

export function RedCells({ count, rate, errors, errorRate }: { count: number; rate: number; errors: number; errorRate: number }) {
  return (
    <>
      <td className="num">{count}</td>
      <td className="num">
        <data value={rate}>{formatRate(rate)}</data>
      </td>
      <td className="num">{errors}</td>
      <td className={errors > 0 ? 'num error-text' : 'num'}>
        <data value={errorRate}>{formatPercent(errorRate)}</data>
      </td>
    </>
  );
}
