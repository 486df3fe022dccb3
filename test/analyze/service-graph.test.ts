import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serviceGraph } from '../../src/analyze/service-graph.ts';
import type { ServiceCalls } from '../../src/store/span-store.ts';

const call = (caller: string, callee: string, calleeKind: ServiceCalls['calleeKind'], calls: number, errors = 0, p = 1): ServiceCalls => ({
  caller, callee, calleeKind, calls, errors, p50Ns: p, p95Ns: p * 2, p99Ns: p * 3,
});

test('services and peers become nodes; calls become edges, sorted', () => {
  const graph = serviceGraph([
    call('gateway', 'checkout', 'service', 10, 1),
    call('checkout', 'postgres', 'database', 7),
    call('checkout', 'api.example.com', 'peer', 2, 2),
  ]);
  assert.deepStrictEqual(graph.nodes, [
    { name: 'api.example.com', kind: 'peer' },
    { name: 'checkout', kind: 'service' },
    { name: 'gateway', kind: 'service' },
    { name: 'postgres', kind: 'database' },
  ]);
  assert.deepStrictEqual(
    graph.edges.map((e) => [e.caller, e.callee, e.calls, e.errors]),
    [
      ['checkout', 'api.example.com', 2, 2],
      ['checkout', 'postgres', 7, 0],
      ['gateway', 'checkout', 10, 1],
    ],
  );
});

test('a name that sends spans is a service even where a caller saw it as a peer; its edges merge', () => {
  const graph = serviceGraph([
    call('cart', 'inventory', 'peer', 1, 1, 50),
    call('cart', 'inventory', 'service', 4, 0, 10),
    call('inventory', 'redis', 'database', 3),
  ]);
  assert.deepStrictEqual(graph.nodes.find((n) => n.name === 'inventory'), { name: 'inventory', kind: 'service' });
  assert.deepStrictEqual(graph.edges[0], { caller: 'cart', callee: 'inventory', calls: 5, errors: 1, p50Ns: 10, p95Ns: 20, p99Ns: 30 });
});

test('no calls, empty graph', () => {
  assert.deepStrictEqual(serviceGraph([]), { nodes: [], edges: [] });
});
