// What the server's analysis says about the trace, above the timeline: the critical path's
// length and share per service, the spans on it (in path order) and the error origins (the
// first few, and all in a list that opens), each a button that selects the span. The lists carry the span ids they mark (data-span-id)
// and are made only when opened.
import type { TraceAnalysis } from '../../api.ts';
import { OpenableList } from '../common/OpenableList.tsx';
import { ServiceName } from '../common/ServiceName.tsx';
import { formatDuration, formatPercent } from '../redFormat.ts';
import { serviceColor } from '../../theme.ts';
import type { AnalysisMarks } from './marks.ts';
import type { TraceModel } from './model.ts';

/** Error origins listed inline; more are in a list that opens. */
const INLINE_ORIGINS = 3;

export interface AnalysisSummaryProps {
  model: TraceModel;
  analysis: TraceAnalysis | undefined;
  marks: AnalysisMarks | undefined;
  error: string | undefined;
  onSelect: (span: number) => void;
}

export function AnalysisSummary({ model, analysis, marks, error, onSelect }: AnalysisSummaryProps) {
  if (error) return <p className="error-text">Analysis failed: {error}</p>;
  if (!analysis || !marks) return <p className="muted analysis-summary">Analysing the trace…</p>;
  const path = analysis.criticalPath;
  const spanButton = (i: number, extra?: string) => (
    <button type="button" className="link-button" onClick={() => onSelect(i)}>
      <ServiceName service={model.service[i]} /> {model.name[i]}
      {extra ? ` · ${extra}` : ''}
    </button>
  );
  const originItem = (i: number) => (
    <li key={i} data-span-id={model.spanId[i]}>
      {spanButton(i, model.statusMessage(i) || undefined)}
    </li>
  );
  return (
    <div className="analysis-summary">
      <div className="critical-summary">
        <span className="legend-critical" aria-hidden="true" />
        <strong>Critical path</strong> {formatDuration(Number(path.durationNanos))}
        <div className="share-bar" role="img" aria-label="Critical path time per service">
          {path.byService.map((s) => (
            <span key={s.service} style={{ flexGrow: s.share, background: serviceColor(s.service) }} title={`${s.service}: ${formatDuration(Number(s.durationNanos))} (${formatPercent(s.share)})`} />
          ))}
        </div>
        <span className="share-legend">
          {path.byService.slice(0, 4).map((s) => (
            <span key={s.service}>
              <ServiceName service={s.service} /> {formatPercent(s.share)}
            </span>
          ))}
        </span>
      </div>
      <OpenableList summary={`Spans on the critical path (${marks.criticalSpans.length})`}>
        {() => (
          <ol aria-label="Critical path spans">
            {marks.criticalSpans.map((i) => (
              <li key={i} data-span-id={model.spanId[i]}>
                {spanButton(i, formatDuration(marks.criticalNs[i]))}
              </li>
            ))}
          </ol>
        )}
      </OpenableList>
      <div className="error-origins">
        <strong>Error origins</strong>{' '}
        {marks.errorOrigins.length === 0 ? (
          <span className="muted">none</span>
        ) : (
          <ul aria-label="Error origins">
            {marks.errorOrigins.slice(0, INLINE_ORIGINS).map(originItem)}
          </ul>
        )}
        {marks.errorOrigins.length > INLINE_ORIGINS && (
          <OpenableList summary={`all ${marks.errorOrigins.length}`}>
            {() => <ol aria-label="All error origins">{marks.errorOrigins.map(originItem)}</ol>}
          </OpenableList>
        )}
      </div>
    </div>
  );
}
