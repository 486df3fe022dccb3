export function SearchPage(_props: { query: URLSearchParams }) {
  return <p className="muted">SearchPage is being built.</p>;
}
