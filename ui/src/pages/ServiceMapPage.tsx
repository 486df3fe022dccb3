export function ServiceMapPage(_props: { query: URLSearchParams }) {
  return <p className="muted">ServiceMapPage is being built.</p>;
}
