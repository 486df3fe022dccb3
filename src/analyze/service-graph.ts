// The service dependency graph of a time window, from the store's call aggregates
// (SpanStore.serviceCalls): services and uninstrumented peers as nodes, calls as edges.
// Jaeger's and Zipkin's dependency links and Skein's own graph are views of it.
import type { ServiceCalls } from '../store/span-store.ts';

export interface ServiceNode {
  name: string;
  /** 'service' sends spans; 'database' and 'peer' are seen only in their callers' spans. */
  kind: ServiceCalls['calleeKind'];
}

export interface ServiceEdge {
  caller: string;
  callee: string;
  calls: number;
  errors: number;
  p50Ns: number;
  p95Ns: number;
  p99Ns: number;
}

export interface ServiceGraph {
  /** Sorted by name. */
  nodes: ServiceNode[];
  /** Sorted by caller, then callee. */
  edges: ServiceEdge[];
}

export function serviceGraph(calls: ServiceCalls[]): ServiceGraph {
  const kinds = new Map<string, ServiceNode['kind']>();
  const edges = new Map<string, ServiceEdge>();
  for (const { caller, callee, calleeKind, ...figures } of calls) {
    kinds.set(caller, 'service');
    // A name that sends spans anywhere is a service, even where a caller saw it as a peer.
    if (kinds.get(callee) !== 'service') kinds.set(callee, calleeKind);
    const key = `${caller}\u0000${callee}`;
    const known = edges.get(key);
    // The same pair as a service and as a peer (a service called through both spans and
    // bare client spans): one edge. Percentiles cannot be merged, so the larger share's stay.
    if (!known) edges.set(key, { caller, callee, ...figures });
    else edges.set(key, mergeEdges(known, { caller, callee, ...figures }));
  }
  return {
    nodes: [...kinds].map(([name, kind]) => ({ name, kind })).sort((a, b) => compare(a.name, b.name)),
    edges: [...edges.values()].sort((a, b) => compare(a.caller, b.caller) || compare(a.callee, b.callee)),
  };
}

function mergeEdges(a: ServiceEdge, b: ServiceEdge): ServiceEdge {
  const larger = a.calls >= b.calls ? a : b;
  return { ...larger, calls: a.calls + b.calls, errors: a.errors + b.errors };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
