// Everything about one span: what the analysis says of it (critical path, error origin),
// ids with copy buttons, attributes, resource, events, links both ways, status. All of it
// is rendered as text.
import { AttributeTable } from '../common/AttributeTable.tsx';
import { CopyButton } from '../common/CopyButton.tsx';
import { formatTimestamp, SPAN_KINDS, STATUS_CODES } from '../common/format.ts';
import { ServiceName } from '../common/ServiceName.tsx';
import { formatDuration } from '../redFormat.ts';
import { Link } from '../../router.tsx';
import type { AnalysisMarks } from './marks.ts';
import type { TraceModel } from './model.ts';
import { skewText } from './span-summary.ts';

export interface SpanDetailProps {
  model: TraceModel;
  span: number;
  marks: AnalysisMarks | undefined;
  /** spans of this trace that link to this one */
  linkedFrom: number[];
  onSelect: (span: number) => void;
  onClose: () => void;
}

export function SpanDetail({ model, span: i, marks, linkedFrom, onSelect, onClose }: SpanDetailProps) {
  const span = model.spans[i];
  const parent = model.parent[i];
  const critical = marks !== undefined && marks.criticalNs[i] > 0;
  const origin = marks?.errorOrigin[i] === 1;
  const statusCode = span.status?.code ?? 0;
  const spanButton = (target: number) => (
    <button type="button" className="link-button" onClick={() => onSelect(target)}>
      {model.service[target]}: {model.spans[target].name}
    </button>
  );
  return (
    <section className="span-detail" data-span-id={span.spanId} data-critical={critical} data-error-origin={origin} aria-label="Span detail">
      <header className="span-detail-head">
        <h2>
          <ServiceName service={model.service[i]} /> <span className="span-detail-name">{span.name}</span>
        </h2>
        <button type="button" onClick={onClose} aria-label="Close span detail" title="Close">
          ×
        </button>
      </header>
      <div className="badges">
        <span className="badge">{SPAN_KINDS[span.kind ?? 0] ?? 'unspecified'}</span>
        {statusCode === 2 && <span className="badge badge-error">error</span>}
        {origin && <span className="badge badge-error-origin">error origin</span>}
        {critical && <span className="badge badge-critical">on critical path · {formatDuration(marks.criticalNs[i])}</span>}
        {model.skew[i] !== 0 && (
          <span className="badge badge-skew" title={skewText(model, i)}>
            clock skew
          </span>
        )}
      </div>
      <dl className="facts">
        <dt>Duration</dt>
        <dd>{formatDuration(model.end[i] - model.start[i])}</dd>
        <dt>Start</dt>
        <dd>
          +{formatDuration(model.start[i])} · {formatTimestamp(model.startUnixMs + model.start[i] / 1e6)}
        </dd>
        <dt>Status</dt>
        <dd>
          {STATUS_CODES[statusCode] ?? statusCode}
          {span.status?.message ? `: ${span.status.message}` : ''}
        </dd>
        {model.skew[i] !== 0 && (
          <>
            <dt>Clock skew</dt>
            <dd>{skewText(model, i)}</dd>
          </>
        )}
        <dt>Span ID</dt>
        <dd className="mono">
          {span.spanId} <CopyButton text={span.spanId} label="Copy span ID" />
        </dd>
        <dt>Parent</dt>
        <dd className="mono">
          {parent >= 0 ? spanButton(parent) : span.parentSpanId && !/^0*$/.test(span.parentSpanId) ? `${span.parentSpanId} (not in this trace)` : 'none: a root span'}
          {span.parentSpanId && <CopyButton text={span.parentSpanId} label="Copy parent span ID" />}
        </dd>
        <dt>Trace ID</dt>
        <dd className="mono">
          {span.traceId} <CopyButton text={span.traceId} label="Copy trace ID" />
        </dd>
        {span.traceState && (
          <>
            <dt>Trace state</dt>
            <dd className="mono">{span.traceState}</dd>
          </>
        )}
        <dt>Scope</dt>
        <dd>{[model.resource[i].scope.name, model.resource[i].scope.version].filter(Boolean).join(' ') || '—'}</dd>
      </dl>
      <details open>
        <summary>Attributes ({span.attributes?.length ?? 0})</summary>
        <AttributeTable attributes={span.attributes ?? []} label="Span attributes" />
      </details>
      <details open>
        <summary>Resource ({model.resource[i].attributes.length})</summary>
        <AttributeTable attributes={model.resource[i].attributes} label="Resource attributes" />
      </details>
      <details open={(span.events?.length ?? 0) > 0}>
        <summary>Events ({span.events?.length ?? 0})</summary>
        <ol className="event-list">
          {(span.events ?? []).map((event, n) => (
            <li key={n}>
              <div>
                <span className="mono">+{formatDuration(model.relativeNs(event.timeUnixNano) - model.start[i])}</span> <strong>{event.name}</strong>
              </div>
              {(event.attributes?.length ?? 0) > 0 && <AttributeTable attributes={event.attributes!} label={`Attributes of event ${event.name}`} />}
            </li>
          ))}
        </ol>
      </details>
      <details open={(span.links?.length ?? 0) + linkedFrom.length > 0}>
        <summary>Links ({span.links?.length ?? 0} out, {linkedFrom.length} in)</summary>
        <ul className="link-list" aria-label="Links to other spans">
          {(span.links ?? []).map((link, n) => {
            const here = link.traceId === model.traceId ? model.indexById.get(link.spanId) : undefined;
            return (
              <li key={n} data-link-trace-id={link.traceId} data-link-span-id={link.spanId}>
                {here !== undefined ? (
                  <>
                    links to {spanButton(here)} in this trace
                  </>
                ) : (
                  <Link to={`/trace/${link.traceId}?span=${link.spanId}&from=${model.traceId}:${span.spanId}`}>
                    Open linked trace {link.traceId.slice(0, 8)}… span {link.spanId}
                  </Link>
                )}
                <CopyButton text={`${link.traceId} ${link.spanId}`} label="Copy link ids" />
                {(link.attributes?.length ?? 0) > 0 && <AttributeTable attributes={link.attributes!} label="Link attributes" />}
              </li>
            );
          })}
        </ul>
        {linkedFrom.length > 0 && (
          <ul className="link-list" aria-label="Linked from spans of this trace">
            {linkedFrom.map((source) => (
              <li key={source}>
                linked from {spanButton(source)}
              </li>
            ))}
          </ul>
        )}
      </details>
      <CopyButton text={JSON.stringify({ resource: { attributes: model.resource[i].attributes }, scope: model.resource[i].scope, span }, null, 2)} label="Copy span as OTLP JSON" caption="Copy span JSON" />
    </section>
  );
}
