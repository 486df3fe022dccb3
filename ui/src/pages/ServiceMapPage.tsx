// The service map (/map?lookback=1h, or start/end): the services and their calls over a
// time window from /api/v1/dependencies, drawn left to right (callers before callees),
// with uninstrumented peers (databases, external hosts) as nodes of their own. A service
// opens its health page; a call opens a search for the caller's spans. The same graph is
// listed in tables under the canvas.
import { useEffect, useMemo, useState } from 'react';
import { api, type ServiceGraph as Graph } from '../api.ts';
import { ServiceGraph } from '../components/ServiceGraph.tsx';
import { ServiceGraphLegend } from '../components/ServiceGraphLegend.tsx';
import { ServiceGraphTables } from '../components/ServiceGraphTables.tsx';
import { apiWindow, linkWindow, pageUrl, windowFromQuery } from '../components/redWindow.ts';
import type { GraphEdge } from '../components/serviceGraphStyle.ts';
import { useThemeColors } from '../components/useThemeColors.ts';
import { WindowPicker } from '../components/WindowPicker.tsx';
import { navigate } from '../router.tsx';

export function ServiceMapPage({ query }: { query: URLSearchParams }) {
  const colors = useThemeColors();
  const [refreshed, setRefreshed] = useState(0);
  const key = query.toString();
  // A relative window ends at the moment the URL (or Refresh) asked for it.
  const range = useMemo(() => windowFromQuery(query, Date.now()), [key, refreshed]);
  const [result, setResult] = useState<{ graph?: Graph; error?: string }>({});

  useEffect(() => {
    let current = true;
    api.dependencies(apiWindow(range)).then(
      (graph) => current && setResult({ graph }),
      (error: Error) => current && setResult({ error: error.message }),
    );
    return () => void (current = false);
  }, [range]);

  const healthUrl = (service: string) => pageUrl('/health', { service, ...linkWindow(range) });
  const searchUrl = (edge: GraphEdge) => pageUrl('/search', { service: edge.caller, ...linkWindow(range) });
  const { graph, error } = result;

  return (
    <section className="map-page" aria-labelledby="map-title">
      <div className="red-page-head">
        <h1 id="map-title">Service map</h1>
        <WindowPicker path="/map" query={query} range={range} onRefresh={() => setRefreshed((n) => n + 1)} />
      </div>
      {error && <p className="error-text">Could not load the service map: {error}</p>}
      {!graph && !error && <p className="muted">Loading…</p>}
      {graph && graph.nodes.length === 0 && <p className="muted">No calls between services in this window.</p>}
      {graph && graph.nodes.length > 0 && (
        <>
          <ServiceGraph
            graph={graph}
            windowSeconds={range.seconds}
            colors={colors}
            onService={(service) => navigate(healthUrl(service))}
            onEdge={(edge) => navigate(searchUrl(edge))}
          />
          <ServiceGraphLegend colors={colors} />
          <ServiceGraphTables graph={graph} windowSeconds={range.seconds} healthUrl={healthUrl} searchUrl={searchUrl} />
        </>
      )}
    </section>
  );
}
