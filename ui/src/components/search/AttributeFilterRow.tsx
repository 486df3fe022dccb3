// One attribute filter: the attribute (autocompleted from /api/v1/attributes), the
// comparison, and the value (autocompleted from the attribute's common values).
import { useEffect, useId, useState } from 'react';
import { api } from '../../api.ts';
import { OPERATORS, splitTarget, targetOf, type AttrFilter, type KnownAttribute, type Operator } from './attr-filter.ts';

export interface AttributeFilterRowProps {
  filter: AttrFilter;
  known: KnownAttribute[];
  onChange: (filter: AttrFilter) => void;
  onRemove: () => void;
}

export function AttributeFilterRow({ filter, known, onChange, onRemove }: AttributeFilterRowProps) {
  const id = useId();
  const [values, setValues] = useState<string[]>([]);
  const [scope, key] = splitTarget(filter.target.trim());
  const isKnown = known.some((a) => a.scope === scope && a.key === key);
  useEffect(() => {
    if (!isKnown) return setValues([]);
    let cancelled = false;
    api.attributeValues(scope, key).then(
      (list) => !cancelled && setValues(list),
      () => !cancelled && setValues([]),
    );
    return () => void (cancelled = true);
  }, [scope, key, isKnown]);
  const targets = [...new Set(known.map(targetOf))];
  return (
    <div className="attr-filter">
      <input
        aria-label="Attribute"
        placeholder="attribute, e.g. http.response.status_code"
        list={`${id}-keys`}
        value={filter.target}
        onChange={(e) => onChange({ ...filter, target: e.target.value })}
      />
      <datalist id={`${id}-keys`}>
        {targets.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      <select aria-label="Comparison" value={filter.op} onChange={(e) => onChange({ ...filter, op: e.target.value as Operator })}>
        {OPERATORS.map((op) => (
          <option key={op} value={op}>
            {op}
          </option>
        ))}
      </select>
      {filter.op !== 'exists' && (
        <input aria-label="Value" placeholder="value" list={`${id}-values`} value={filter.value} onChange={(e) => onChange({ ...filter, value: e.target.value })} />
      )}
      <datalist id={`${id}-values`}>
        {values.map((v) => (
          <option key={v} value={v} />
        ))}
      </datalist>
      <button type="button" onClick={onRemove} aria-label="Remove filter" title="Remove filter">
        ×
      </button>
    </div>
  );
}
