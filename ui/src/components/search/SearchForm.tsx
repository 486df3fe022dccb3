// The search form: service and operation (from the API), attribute filters, errors only,
// span duration bounds, time range and limit. It starts from the URL and writes the URL
// when submitted, so every search is a link.
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { navigate } from '../../router.tsx';
import { AttributeFilterRow } from './AttributeFilterRow.tsx';
import { formatAttrFilter, parseAttrFilter, type AttrFilter, type KnownAttribute } from './attr-filter.ts';
import { TimeRange, type Range } from './TimeRange.tsx';

interface Form {
  service: string;
  operation: string;
  filters: AttrFilter[];
  errors: boolean;
  minDuration: string;
  maxDuration: string;
  range: Range;
  limit: string;
}

function formOf(query: URLSearchParams): Form {
  const custom = query.has('start') || query.has('end');
  return {
    service: query.get('service') ?? '',
    operation: query.get('operation') ?? '',
    filters: query.getAll('attr').map(parseAttrFilter),
    errors: query.get('errors') === 'true',
    minDuration: query.get('minDuration') ?? '',
    maxDuration: query.get('maxDuration') ?? '',
    range: { lookback: custom ? 'custom' : (query.get('lookback') ?? '1h'), start: query.get('start') ?? '', end: query.get('end') ?? '' },
    limit: query.get('limit') ?? '20',
  };
}

function urlOf(form: Form, known: KnownAttribute[], sort: string | null): string {
  const params = new URLSearchParams();
  const set = (name: string, value: string) => value.trim() !== '' && params.append(name, value.trim());
  set('service', form.service);
  set('operation', form.operation);
  for (const filter of form.filters) if (filter.target.trim() !== '') set('attr', formatAttrFilter(filter, known));
  if (form.errors) params.set('errors', 'true');
  set('minDuration', form.minDuration);
  set('maxDuration', form.maxDuration);
  if (form.range.lookback === 'custom') {
    set('start', form.range.start);
    set('end', form.range.end);
  } else set('lookback', form.range.lookback);
  set('limit', form.limit);
  if (sort) params.set('sort', sort);
  return `/search?${params}`;
}

export function SearchForm({ query }: { query: URLSearchParams }) {
  const [form, setForm] = useState(() => formOf(query));
  const [services, setServices] = useState<string[]>([]);
  const [operations, setOperations] = useState<string[]>([]);
  const [known, setKnown] = useState<KnownAttribute[]>([]);
  const update = (change: Partial<Form>) => setForm((f) => ({ ...f, ...change }));

  useEffect(() => {
    api.services().then(setServices, () => setServices([]));
    api.attributes().then(setKnown, () => setKnown([]));
  }, []);
  useEffect(() => {
    if (!form.service) return setOperations([]);
    let cancelled = false;
    api.operations(form.service).then(
      (ops) => !cancelled && setOperations([...new Set(ops.map((op) => op.name))].sort()),
      () => !cancelled && setOperations([]),
    );
    return () => void (cancelled = true);
  }, [form.service]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(urlOf(form, known, query.get('sort')));
  };
  // A service or operation named in the URL is offered even before the lists arrive.
  const serviceOptions = form.service && !services.includes(form.service) ? [form.service, ...services] : services;
  const operationOptions = form.operation && !operations.includes(form.operation) ? [form.operation, ...operations] : operations;

  return (
    <form className="search-form" onSubmit={submit} aria-label="Search traces">
      <label>
        Service
        <select value={form.service} onChange={(e) => update({ service: e.target.value, operation: '' })}>
          <option value="">All services</option>
          {serviceOptions.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Operation
        <select value={form.operation} onChange={(e) => update({ operation: e.target.value })} disabled={!form.service}>
          <option value="">All operations</option>
          {operationOptions.map((op) => (
            <option key={op} value={op}>
              {op}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="attr-filters">
        <legend>Attributes (all on one span)</legend>
        {form.filters.map((filter, n) => (
          <AttributeFilterRow
            key={n}
            filter={filter}
            known={known}
            onChange={(changed) => update({ filters: form.filters.map((f, m) => (m === n ? changed : f)) })}
            onRemove={() => update({ filters: form.filters.filter((_, m) => m !== n) })}
          />
        ))}
        <button type="button" onClick={() => update({ filters: [...form.filters, { target: '', op: '=', value: '' }] })}>
          + Attribute filter
        </button>
      </fieldset>
      <label className="toggle">
        <input type="checkbox" checked={form.errors} onChange={(e) => update({ errors: e.target.checked })} /> Only spans with errors
      </label>
      <fieldset className="duration-range">
        <legend>Span duration</legend>
        <input aria-label="Minimum duration" placeholder="min, e.g. 100ms" value={form.minDuration} onChange={(e) => update({ minDuration: e.target.value })} />
        <input aria-label="Maximum duration" placeholder="max, e.g. 2s" value={form.maxDuration} onChange={(e) => update({ maxDuration: e.target.value })} />
      </fieldset>
      <TimeRange range={form.range} onChange={(range) => update({ range })} />
      <label>
        Limit
        <input type="number" min={1} max={1000} value={form.limit} onChange={(e) => update({ limit: e.target.value })} />
      </label>
      <button type="submit" className="primary">
        Find traces
      </button>
    </form>
  );
}
