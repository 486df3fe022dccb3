// Everything about one span: what the analysis says of it (critical path, error origin),
// ids with copy buttons and, once fetched (the timeline does not carry them), its
// attributes, resource, events and links (SpanFullDetail.tsx). What the timeline knows
// (service, name, kind, times, status, ids) shows at once, so the panel answers a click
// immediately. `data-detail` says how far it got: loading, loaded or failed. All of it is
// rendered as text.
import { CopyButton } from '../common/CopyButton.tsx';
import { formatTimestamp, SPAN_KINDS, STATUS_CODES } from '../common/format.ts';
import { ServiceName } from '../common/ServiceName.tsx';
import { formatDuration } from '../redFormat.ts';
import type { AnalysisMarks } from './marks.ts';
import { STATUS_ERROR, type TraceModel } from './model.ts';
import { SpanButton } from './SpanButton.tsx';
import { SpanFullDetail } from './SpanFullDetail.tsx';
import { skewText } from './span-summary.ts';
import { useFullSpan } from './useFullSpan.ts';

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
  const detail = useFullSpan(model, i);
  const spanId = model.spanId[i];
  const parentSpanId = model.parentSpanId[i];
  const parent = model.parent[i];
  const critical = marks !== undefined && marks.criticalNs[i] > 0;
  const origin = marks?.errorOrigin[i] === 1;
  const statusCode = model.statusCode[i];
  const statusMessage = model.statusMessage(i);
  return (
    <section className="span-detail" data-span-id={spanId} data-detail={detail.state} data-critical={critical} data-error-origin={origin} aria-label="Span detail">
      <header className="span-detail-head">
        <h2>
          <ServiceName service={model.service[i]} /> <span className="span-detail-name">{model.name[i]}</span>
        </h2>
        <button type="button" onClick={onClose} aria-label="Close span detail" title="Close">
          ×
        </button>
      </header>
      <div className="badges">
        <span className="badge">{SPAN_KINDS[model.kind[i]] ?? 'unspecified'}</span>
        {statusCode === STATUS_ERROR && <span className="badge badge-error">error</span>}
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
          {statusMessage ? `: ${statusMessage}` : ''}
        </dd>
        {model.skew[i] !== 0 && (
          <>
            <dt>Clock skew</dt>
            <dd>{skewText(model, i)}</dd>
          </>
        )}
        <dt>Span ID</dt>
        <dd className="mono">
          {spanId} <CopyButton text={spanId} label="Copy span ID" />
        </dd>
        <dt>Parent</dt>
        <dd className="mono">
          {parent >= 0 ? <SpanButton model={model} span={parent} onSelect={onSelect} /> : parentSpanId ? `${parentSpanId} (not in this trace)` : 'none: a root span'}
          {parentSpanId && <CopyButton text={parentSpanId} label="Copy parent span ID" />}
        </dd>
        <dt>Trace ID</dt>
        <dd className="mono">
          {model.traceId} <CopyButton text={model.traceId} label="Copy trace ID" />
        </dd>
      </dl>
      {detail.state === 'loading' && <p className="muted">Loading attributes, events and links…</p>}
      {detail.state === 'failed' && <p className="error-text">Attributes, events and links could not be loaded: {detail.error}</p>}
      {detail.state === 'loaded' && <SpanFullDetail model={model} span={i} full={detail.full} linkedFrom={linkedFrom} onSelect={onSelect} />}
    </section>
  );
}
