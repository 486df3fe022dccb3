// Checks that spans sent to `skein serve` read back through the query API exactly as the
// decoder saw them: every field, nothing lost, nothing twice.
import assert from 'node:assert/strict';
import type { SpanRow } from '../../src/model/span.ts';
import { decodeOtlpJson } from '../../src/receive/otlp-json.ts';
import { eventually } from './skein-process.ts';

/**
 * Spans are grouped by span id, since a Zipkin shared span is two rows (client and server)
 * under one id. Ids in `presenceOnly` are only checked to be there: some captures hold
 * different spans under the same ids, and the store keeps one of them.
 */
export async function expectTracesReadBack(httpUrl: string, sent: SpanRow[], presenceOnly: ReadonlySet<string> = new Set()): Promise<void> {
  const expected = new Map<string, Map<string, SpanRow[]>>();
  for (const span of sent) groupInto(expected, span);
  for (const [traceId, spans] of expected) {
    const stored = await eventually(async () => {
      const res = await fetch(`${httpUrl}/api/v1/traces/${traceId}`);
      if (!res.ok) return undefined;
      const byTrace = new Map<string, Map<string, SpanRow[]>>();
      for (const span of decodeOtlpJson(await res.text()).spans) groupInto(byTrace, span);
      const byId = byTrace.get(traceId)!;
      return [...spans].every(([id, rows]) => (byId.get(id)?.length ?? 0) >= rows.length) ? byId : undefined;
    }, `trace ${traceId} with spans ${[...spans.keys()].join(', ')}`);
    for (const [spanId, rows] of spans) {
      if (!presenceOnly.has(spanId)) assert.deepStrictEqual(sorted(stored.get(spanId)!), sorted(rows), `span ${spanId}`);
    }
  }
}

function groupInto(groups: Map<string, Map<string, SpanRow[]>>, span: SpanRow): void {
  if (!groups.has(span.traceId)) groups.set(span.traceId, new Map());
  const byId = groups.get(span.traceId)!;
  byId.set(span.spanId, [...(byId.get(span.spanId) ?? []), span]);
}

function sorted(rows: SpanRow[]): SpanRow[] {
  return [...rows].sort((a, b) => a.kind - b.kind || Number(a.startNs - b.startNs));
}
