export function TracePage({ traceId }: { traceId: string; query: URLSearchParams }) {
  return <p className="muted">Trace {traceId} view is being built.</p>;
}
