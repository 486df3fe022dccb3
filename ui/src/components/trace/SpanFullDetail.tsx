// The part of the span detail that needs the span's full data, fetched on selection
// (useFullSpan.ts): trace state, scope, attributes, resource, events, links both ways and
// the span as OTLP/JSON to copy. All of it is rendered as text.
import { AttributeTable } from '../common/AttributeTable.tsx';
import { CopyButton } from '../common/CopyButton.tsx';
import { formatDuration } from '../redFormat.ts';
import { Link } from '../../router.tsx';
import type { TraceModel } from './model.ts';
import { SpanButton } from './SpanButton.tsx';
import type { FullSpan } from './useFullSpan.ts';

export interface SpanFullDetailProps {
  model: TraceModel;
  span: number;
  full: FullSpan;
  /** spans of this trace that link to this one */
  linkedFrom: number[];
  onSelect: (span: number) => void;
}

export function SpanFullDetail({ model, span: i, full, linkedFrom, onSelect }: SpanFullDetailProps) {
  const { span, resource, scope } = full;
  const links = span.links ?? [];
  const events = span.events ?? [];
  return (
    <>
      <dl className="facts">
        {span.traceState && (
          <>
            <dt>Trace state</dt>
            <dd className="mono">{span.traceState}</dd>
          </>
        )}
        <dt>Scope</dt>
        <dd>{[scope.name, scope.version].filter(Boolean).join(' ') || '—'}</dd>
      </dl>
      <details open>
        <summary>Attributes ({span.attributes?.length ?? 0})</summary>
        <AttributeTable attributes={span.attributes ?? []} label="Span attributes" />
      </details>
      <details open>
        <summary>Resource ({resource.length})</summary>
        <AttributeTable attributes={resource} label="Resource attributes" />
      </details>
      <details open={events.length > 0}>
        <summary>Events ({events.length})</summary>
        <ol className="event-list">
          {events.map((event, n) => (
            <li key={n}>
              <div>
                <span className="mono">+{formatDuration(model.relativeNs(event.timeUnixNano) - model.start[i])}</span> <strong>{event.name}</strong>
              </div>
              {(event.attributes?.length ?? 0) > 0 && <AttributeTable attributes={event.attributes!} label={`Attributes of event ${event.name}`} />}
            </li>
          ))}
        </ol>
      </details>
      <details open={links.length + linkedFrom.length > 0}>
        <summary>
          Links ({links.length} out, {linkedFrom.length} in)
        </summary>
        <ul className="link-list" aria-label="Links to other spans">
          {links.map((link, n) => {
            const here = link.traceId === model.traceId ? model.indexById.get(link.spanId) : undefined;
            return (
              <li key={n} data-link-trace-id={link.traceId} data-link-span-id={link.spanId}>
                {here !== undefined ? (
                  <>
                    links to <SpanButton model={model} span={here} onSelect={onSelect} /> in this trace
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
                linked from <SpanButton model={model} span={source} onSelect={onSelect} />
              </li>
            ))}
          </ul>
        )}
      </details>
      <CopyButton text={JSON.stringify({ resource: { attributes: resource }, scope, span }, null, 2)} label="Copy span as OTLP JSON" caption="Copy span JSON" />
    </>
  );
}
