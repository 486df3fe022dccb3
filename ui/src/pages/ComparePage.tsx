export function ComparePage(_props: { query: URLSearchParams }) {
  return <p className="muted">ComparePage is being built.</p>;
}
