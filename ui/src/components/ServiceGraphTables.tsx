// The service map as tables, for screen readers, keyboards and tests (the graph itself
// is a canvas): its nodes with their kind and calls in and out, and its calls with the
// figures of /api/v1/dependencies. Numbers are <data> elements holding the exact value.
import type { ServiceGraph } from '../api.ts';
import { Link } from '../router.tsx';
import { formatDuration, formatPercent, formatRate } from './redFormat.ts';

const KIND_LABEL = { service: 'service', database: 'database (uninstrumented)', peer: 'external peer (uninstrumented)' };

export interface ServiceGraphTablesProps {
  graph: ServiceGraph;
  windowSeconds: number;
  healthUrl: (service: string) => string;
  searchUrl: (edge: ServiceGraph['edges'][number]) => string;
}

export function ServiceGraphTables({ graph, windowSeconds, healthUrl, searchUrl }: ServiceGraphTablesProps) {
  const callsIn = new Map<string, number>();
  const callsOut = new Map<string, number>();
  for (const edge of graph.edges) {
    callsIn.set(edge.callee, (callsIn.get(edge.callee) ?? 0) + edge.calls);
    callsOut.set(edge.caller, (callsOut.get(edge.caller) ?? 0) + edge.calls);
  }
  return (
    <div className="map-tables">
      <table className="red-table" aria-label="Services and peers">
        <caption>Services and peers</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col" className="num">Calls in</th>
            <th scope="col" className="num">Calls out</th>
          </tr>
        </thead>
        <tbody>
          {graph.nodes.map((node) => (
            <tr key={node.name} data-node={node.name} data-kind={node.kind}>
              <th scope="row">{node.kind === 'service' ? <Link to={healthUrl(node.name)}>{node.name}</Link> : node.name}</th>
              <td>{KIND_LABEL[node.kind]}</td>
              <td className="num">{callsIn.get(node.name) ?? 0}</td>
              <td className="num">{callsOut.get(node.name) ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="red-table" aria-label="Calls">
        <caption>Calls (caller → callee)</caption>
        <thead>
          <tr>
            <th scope="col">Caller</th>
            <th scope="col">Callee</th>
            <th scope="col" className="num">Calls</th>
            <th scope="col" className="num">Rate</th>
            <th scope="col" className="num">Errors</th>
            <th scope="col" className="num">Error rate</th>
            <th scope="col" className="num">p50</th>
            <th scope="col" className="num">p95</th>
            <th scope="col" className="num">p99</th>
            <th scope="col">Spans</th>
          </tr>
        </thead>
        <tbody>
          {graph.edges.map((edge) => (
            <tr key={`${edge.caller}\u0000${edge.callee}`} data-caller={edge.caller} data-callee={edge.callee} className={edge.errors > 0 ? 'has-errors' : undefined}>
              <td>{edge.caller}</td>
              <td>{edge.callee}</td>
              <td className="num" data-field="calls">{edge.calls}</td>
              <td className="num" data-field="rate">
                <data value={edge.calls / windowSeconds}>{formatRate(edge.calls / windowSeconds)}</data>
              </td>
              <td className="num" data-field="errors">{edge.errors}</td>
              <td className="num" data-field="errorRate">
                <data value={edge.calls > 0 ? edge.errors / edge.calls : 0}>{formatPercent(edge.calls > 0 ? edge.errors / edge.calls : 0)}</data>
              </td>
              <td className="num" data-field="p50">
                <data value={edge.p50Ns}>{formatDuration(edge.p50Ns)}</data>
              </td>
              <td className="num" data-field="p95">
                <data value={edge.p95Ns}>{formatDuration(edge.p95Ns)}</data>
              </td>
              <td className="num" data-field="p99">
                <data value={edge.p99Ns}>{formatDuration(edge.p99Ns)}</data>
              </td>
              <td>
                <Link to={searchUrl(edge)} title={`Search the spans of ${edge.caller} in this window`}>
                  {edge.caller}'s spans
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
