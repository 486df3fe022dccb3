// The real OpenTelemetry JS SDK, with each of its OTLP exporters (protobuf, JSON, gRPC),
// sends a two-service HTTP call to a running `skein serve`; the trace comes back whole.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startOtelService, tracedCall } from '../support/otel-service.ts';
import { eventually, useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';

let skein: SkeinProcess;
useSkeinProcess((started) => (skein = started));

interface OtlpSpan { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number }

for (const exporter of ['proto', 'json', 'grpc']) {
  test(`a two-service call exported over OTLP ${exporter} comes back complete with parent links`, async () => {
    const backend = await startOtelService(skein, `backend-${exporter}`, exporter);
    const frontend = await startOtelService(skein, `frontend-${exporter}`, exporter, backend.url);
    try {
      const traceId = await tracedCall(frontend, backend);
      assert.match(traceId, /^[0-9a-f]{32}$/);

      // frontend: server span, do-work, client span; backend: server span, do-work
      const trace = await eventually(async () => {
        const res = await fetch(`${skein.httpUrl}/api/v1/traces/${traceId}`);
        if (res.status === 404) return undefined;
        const body = await res.json();
        const spans = body.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans.map((s: OtlpSpan) => ({ ...s, service: serviceOf(rs) }))));
        return spans.length >= 5 ? { body, spans } : undefined;
      }, `trace ${traceId} with 5 spans`);

      const spans = trace.spans as (OtlpSpan & { service: string })[];
      assert.equal(spans.length, 5);
      assert.ok(spans.every((s) => s.traceId === traceId));
      const byId = new Map(spans.map((s) => [s.spanId, s]));
      const roots = spans.filter((s) => !s.parentSpanId);
      assert.equal(roots.length, 1, 'one root span');
      assert.equal(roots[0].service, `frontend-${exporter}`);
      assert.equal(roots[0].kind, 2, 'root is the frontend server span');
      for (const s of spans) if (s.parentSpanId) assert.ok(byId.has(s.parentSpanId), `parent of ${s.name} is in the trace`);

      const backendServer = spans.find((s) => s.service === `backend-${exporter}` && s.kind === 2)!;
      const client = byId.get(backendServer.parentSpanId!)!;
      assert.equal(client.service, `frontend-${exporter}`, 'backend server span hangs off the frontend client span');
      assert.equal(client.kind, 3);

      const work = trace.body.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans)).find((s: any) => s.name === 'do-work');
      assert.deepEqual(work.attributes.find((a: any) => a.key === 'work.items').value, { intValue: '3' });
      assert.equal(work.events[0].name, 'work done');
      const version = trace.body.resourceSpans[0].resource.attributes.find((a: any) => a.key === 'service.version');
      assert.deepEqual(version.value, { stringValue: '1.2.3' });
    } finally {
      frontend.child.kill();
      backend.child.kill();
    }
  });
}

function serviceOf(resourceSpans: any): string {
  return resourceSpans.resource.attributes.find((a: any) => a.key === 'service.name')?.value.stringValue;
}
