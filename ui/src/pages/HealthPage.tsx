export function HealthPage(_props: { query: URLSearchParams }) {
  return <p className="muted">HealthPage is being built.</p>;
}
