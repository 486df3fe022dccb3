// Key-value attributes (OTLP/JSON) as a table of text, each value with a copy button.
import type { OtlpKeyValue } from '../../api.ts';
import { anyValueText } from './format.ts';
import { CopyButton } from './CopyButton.tsx';

export function AttributeTable({ attributes, label }: { attributes: OtlpKeyValue[]; label: string }) {
  if (attributes.length === 0) return <p className="muted">No {label.toLowerCase()}.</p>;
  return (
    <table className="kv-table" aria-label={label}>
      <tbody>
        {attributes.map((kv, n) => {
          const value = anyValueText(kv.value);
          return (
            <tr key={`${kv.key}#${n}`}>
              <th scope="row">{kv.key}</th>
              <td className="kv-value">{value}</td>
              <td className="kv-copy">
                <CopyButton text={value} label={`Copy ${kv.key}`} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
