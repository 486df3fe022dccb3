// The trace view: header, analysis summary, and either the statistics or the timeline
// (with the minimap, find in trace, collapse and expand, the critical-path toggle) beside
// the selected span's detail. The selected span is in the URL (?span=).
//
// Links: a span's links open the linked trace (its span selected, `from` naming the span
// that linked there, so that trace shows where it was reached from). Spans of *other*
// traces that link to this one cannot be found cheaply (the store does not index links
// for search), so the view lists incoming links from spans of the same trace, and the
// one followed to get here.
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { TraceAnalysis } from '../../api.ts';
import { Link, navigate } from '../../router.tsx';
import { AnalysisSummary } from './AnalysisSummary.tsx';
import { FindBar } from './FindBar.tsx';
import { incomingLinks } from './links.ts';
import { analysisMarks } from './marks.ts';
import { Minimap } from './Minimap.tsx';
import type { TraceModel } from './model.ts';
import { collapseBelow, revealSpan, visibleRows } from './rows.ts';
import { SpanDetail } from './SpanDetail.tsx';
import { Timeline } from './Timeline.tsx';
import { TraceHeader } from './TraceHeader.tsx';
import { TraceStats } from './TraceStats.tsx';
import { useFind } from './useFind.ts';
import { Viewport } from './viewport.ts';

export function TraceView({ model, query, analysis, analysisError }: { model: TraceModel; query: URLSearchParams; analysis?: TraceAnalysis; analysisError?: string }) {
  const viewport = useMemo(() => new Viewport(model.durationNs), [model]);
  const zoomed = useSyncExternalStore(viewport.subscribe, () => viewport.zoomed);
  const [collapsed, setCollapsed] = useState<Uint8Array>(() => new Uint8Array(model.count));
  const rows = useMemo(() => visibleRows(model, collapsed), [model, collapsed]);
  const rowOf = useMemo(() => {
    const of = new Int32Array(model.count).fill(-1);
    rows.forEach((span, row) => (of[span] = row));
    return of;
  }, [model, rows]);
  const marks = useMemo(() => (analysis ? analysisMarks(model, analysis) : undefined), [model, analysis]);
  const [showCritical, setShowCritical] = useState(true);
  const [tab, setTab] = useState<'timeline' | 'stats'>('timeline');

  const selectedId = query.get('span');
  const selected = selectedId ? (model.indexById.get(selectedId) ?? -1) : -1;
  // A span selected from anywhere (find, lists, links, the URL) is scrolled into view once
  // its row exists: after the render that expands its ancestors.
  const reveal = useRef(selected);
  useEffect(() => {
    if (reveal.current >= 0 && rowOf[reveal.current] >= 0) viewport.revealRow(rowOf[reveal.current]);
    reveal.current = -1;
  });
  const select = (span: number) => {
    const params = new URLSearchParams(query);
    if (span < 0) params.delete('span');
    else params.set('span', model.spanId[span]);
    navigate(`${window.location.pathname}?${params}`, { replace: true });
    if (span < 0) return;
    reveal.current = span;
    const next = collapsed.slice();
    if (revealSpan(model, next, span)) setCollapsed(next);
  };
  const toggle = (span: number) => {
    const next = collapsed.slice();
    next[span] ^= 1;
    setCollapsed(next);
  };

  const find = useFind(model, select);
  const linkedFrom = useMemo(() => incomingLinks(model), [model]);
  const from = query.get('from')?.split(':');

  return (
    <div className="trace-page">
      <TraceHeader model={model} />
      {from?.length === 2 && (
        <p className="linked-from" data-from-trace-id={from[0]} data-from-span-id={from[1]}>
          Reached through a link from span <span className="mono">{from[1]}</span> of trace{' '}
          <Link to={`/trace/${from[0]}?span=${from[1]}`}>{from[0]}</Link>
        </p>
      )}
      <AnalysisSummary model={model} analysis={analysis} marks={marks} error={analysisError} onSelect={select} />
      <div className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'timeline'} onClick={() => setTab('timeline')}>
          Timeline
        </button>
        <button type="button" role="tab" aria-selected={tab === 'stats'} onClick={() => setTab('stats')}>
          Statistics
        </button>
      </div>
      {tab === 'stats' ? (
        analysis ? <TraceStats stats={analysis.stats} /> : <p className="muted">{analysisError ?? 'Analysing the trace…'}</p>
      ) : (
        <>
          <div className="trace-toolbar">
            <FindBar text={find.text} matches={find.matches.length} current={find.current} searching={find.searching} error={find.error} onText={find.setText} onStep={find.step} />
            <button type="button" onClick={() => setCollapsed(new Uint8Array(model.count))}>
              Expand all
            </button>
            <button type="button" onClick={() => setCollapsed(collapseBelow(model, 0))}>
              Collapse all
            </button>
            <button type="button" onClick={() => setCollapsed(collapseBelow(model, 1))}>
              Only root and children
            </button>
            <label className="toggle">
              <input type="checkbox" checked={showCritical} onChange={(e) => setShowCritical(e.target.checked)} /> Critical path
            </label>
            {zoomed && (
              <button type="button" onClick={() => viewport.resetWindow()}>
                Reset zoom
              </button>
            )}
            <span className="trace-legend muted">
              <span className="legend-critical" /> critical path <span className="legend-error" /> error <span className="legend-origin" /> error origin <span className="legend-skew">⚠</span> clock skew
            </span>
          </div>
          <div className={selected >= 0 ? 'trace-body with-detail' : 'trace-body'}>
            <div className="trace-main">
              <Minimap model={model} rows={rows} viewport={viewport} />
              <Timeline
                model={model}
                rows={rows}
                rowOf={rowOf}
                collapsed={collapsed}
                viewport={viewport}
                selected={selected}
                marks={marks}
                showCritical={showCritical}
                matched={find.matched}
                currentMatch={find.currentSpan}
                onSelect={select}
                onToggle={toggle}
              />
            </div>
            {selected >= 0 && (
              <SpanDetail model={model} span={selected} marks={marks} linkedFrom={linkedFrom.get(selected) ?? []} onSelect={select} onClose={() => select(-1)} />
            )}
          </div>
        </>
      )}
    </div>
  );
}
