// Service health (/health?service=&lookback=&step=&operation=&sort=): for one service,
// request rate, error rate and latency percentiles over time and its operations by
// slowest p95 (components/ServiceHealth.tsx); without a service, an overview of all
// services (components/HealthOverview.tsx). The window is `lookback` (default 1h) or
// `start`/`end`; the chart step is `step`, or chosen from the window (about 60-90 points).
// Figures count server and consumer spans, what a service serves; a service with none in
// the window is shown with all its span kinds, and the page says so.
import { useMemo, useState } from 'react';
import { HealthOverview } from '../components/HealthOverview.tsx';
import { ServiceHealth } from '../components/ServiceHealth.tsx';
import { ServicePicker } from '../components/ServicePicker.tsx';
import { linkWindow, pageUrl, windowFromQuery } from '../components/redWindow.ts';
import { useThemeColors } from '../components/useThemeColors.ts';
import { WindowPicker } from '../components/WindowPicker.tsx';
import { navigate } from '../router.tsx';

export function HealthPage({ query }: { query: URLSearchParams }) {
  const colors = useThemeColors();
  const [refreshed, setRefreshed] = useState(0);
  const key = query.toString();
  // A relative window ends at the moment the URL (or Refresh) asked for it.
  const range = useMemo(() => windowFromQuery(query, Date.now()), [key, refreshed]);
  const service = query.get('service') ?? '';

  return (
    <section className="health-page" aria-labelledby="health-title">
      <div className="red-page-head">
        <h1 id="health-title">{service ? `Service health: ${service}` : 'Service health'}</h1>
        <ServicePicker service={service} onPick={(picked) => navigate(pageUrl('/health', { service: picked, ...linkWindow(range) }))} />
        <WindowPicker path="/health" query={query} range={range} onRefresh={() => setRefreshed((n) => n + 1)} />
      </div>
      {service ? <ServiceHealth service={service} range={range} query={query} colors={colors} /> : <HealthOverview range={range} />}
    </section>
  );
}
