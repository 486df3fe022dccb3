// The trace's title and facts (root span, start, duration, spans, depth, services, errors)
// with its actions: compare with another trace, download its OTLP/JSON.
import { CopyButton } from '../common/CopyButton.tsx';
import { formatTimestamp } from '../common/format.ts';
import { ServiceName } from '../common/ServiceName.tsx';
import { formatDuration } from '../redFormat.ts';
import { Link } from '../../router.tsx';
import type { TraceModel } from './model.ts';

/** Services named in the header; the rest are counted (and named in a tooltip). */
const SERVICES_SHOWN = 12;

export function TraceHeader({ model }: { model: TraceModel }) {
  const root = model.order[0];
  return (
    <header className="trace-header">
      <div className="trace-title">
        <h1>
          <ServiceName service={model.service[root]} /> <span>{model.name[root]}</span>
        </h1>
        <span className="mono muted">{model.traceId}</span> <CopyButton text={model.traceId} label="Copy trace ID" />
      </div>
      <dl className="trace-facts">
        <div>
          <dt>Started</dt>
          <dd>{formatTimestamp(model.startUnixMs)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatDuration(model.durationNs)}</dd>
        </div>
        <div>
          <dt>Spans</dt>
          <dd data-testid="span-count">{model.count}</dd>
        </div>
        <div>
          <dt>Depth</dt>
          <dd>{model.maxDepth + 1}</dd>
        </div>
        {model.rootCount > 1 && (
          <div title="Spans whose parent is not in the trace">
            <dt>Roots</dt>
            <dd>{model.rootCount}</dd>
          </div>
        )}
        <div>
          <dt>Errors</dt>
          <dd className={model.errorCount > 0 ? 'error-text' : undefined}>{model.errorCount}</dd>
        </div>
        <div>
          <dt>Services ({model.services.length})</dt>
          <dd className="service-list">
            {model.services.slice(0, SERVICES_SHOWN).map((s) => (
              <ServiceName key={s} service={s} />
            ))}
            {model.services.length > SERVICES_SHOWN && <span title={model.services.slice(SERVICES_SHOWN).join(', ')}>+{model.services.length - SERVICES_SHOWN} more</span>}
          </dd>
        </div>
      </dl>
      <div className="trace-actions">
        <Link to={`/compare?a=${model.traceId}`} className="button-link">
          Compare with…
        </Link>
        <a href={`/api/v1/traces/${model.traceId}`} download={`trace-${model.traceId}.json`} className="button-link">
          Download JSON
        </a>
      </div>
    </header>
  );
}
