// The same traces through every query dialect. Real clients send them: the OpenTelemetry
// JS SDK (two services over OTLP), the Go zipkin client (64-bit ids), Python's aiozipkin
// (128-bit ids) and the OpenTelemetry Go SDK's Jaeger exporter. Each dialect (Skein's API,
// Jaeger, Jaeger api_v3, Zipkin, Tempo as JSON and protobuf) must give back the same spans with the same parents, services, names
// and times, find the trace by search, and show the same service dependencies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SpanRow } from '../../src/model/span.ts';
import { decodeJaegerThrift } from '../../src/receive/jaeger-thrift.ts';
import { decodeOtlpProto } from '../../src/receive/otlp-proto.ts';
import { decodeZipkinJson } from '../../src/receive/zipkin-json.ts';
import { startOtelService, tracedCall, type OtelService } from '../support/otel-service.ts';
import { eventually, useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';
import { testdataFile } from '../support/testdata.ts';

let skein: SkeinProcess;
/** Expected spans per trace id, from what the clients sent (decoded by Skein's receivers). */
const sent = new Map<string, SpanRow[]>();
let otelTraceId = '';
const services: OtelService[] = [];

useSkeinProcess(async (started) => {
  skein = started;
  const backend = await startOtelService(skein, 'xd-backend', 'proto');
  const frontend = await startOtelService(skein, 'xd-frontend', 'proto', backend.url);
  services.push(backend, frontend);
  otelTraceId = await tracedCall(frontend, backend);
  await eventually(async () => {
    const spans = await readSkein(otelTraceId);
    return spans.length === 5 ? true : undefined;
  }, 'the OTel SDK trace');
  for (const s of services) s.child.kill();
  sent.set(otelTraceId, []); // compared across dialects only: no client-side copy

  for (const file of ['nonjs-zipkin-1.json', 'nonjs-zipkin-3.json']) {
    const body = testdataFile('captured', file);
    const res = await fetch(`${skein.zipkinUrl}/api/v2/spans`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: new Uint8Array(body) });
    assert.equal(res.status, 202);
    addSent(decodeZipkinJson(body.toString('utf8')).spans);
  }
  const thrift = testdataFile('captured', 'nonjs-jaeger-2.thrift');
  const res = await fetch(`${skein.jaegerUrl}/api/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-thrift' }, body: new Uint8Array(thrift) });
  assert.equal(res.status, 202);
  addSent(decodeJaegerThrift(thrift).spans);
  for (const [traceId, spans] of sent) {
    if (traceId !== otelTraceId) await eventually(async () => ((await readSkein(traceId)).length === spans.length ? true : undefined), `trace ${traceId}`);
  }
});

function addSent(spans: SpanRow[]) {
  for (const span of spans) sent.set(span.traceId, [...(sent.get(span.traceId) ?? []), span]);
}

/** What every dialect must agree on, one JSON line per span, sorted. Times in whole µs. */
type Normalized = string[];

function line(spanId: string, parentId: string, service: string, name: string, startUs: number, durationUs: number): string {
  // Zipkin has no zero duration (a sub-µs one reads back as 1 µs, none as absent).
  return JSON.stringify([spanId, parentId || '-', service, name, startUs, Math.max(1, durationUs)]);
}

const micros = (ns: bigint | string) => Number(BigInt(ns) / 1000n);

function normalizeRows(spans: SpanRow[]): Normalized {
  return spans.map((s) => line(s.spanId, s.parentSpanId.replace(/^0+$/, ''), s.serviceName, s.name, micros(s.startNs), micros(s.endNs - s.startNs))).sort();
}

async function getJson(url: string) {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  return res.json();
}

/** Skein's API: OTLP/JSON. */
async function readSkein(traceId: string): Promise<Normalized> {
  const res = await fetch(`${skein.httpUrl}/api/v1/traces/${traceId}`);
  if (res.status === 404) return [];
  return normalizeOtlpJson((await res.json()).resourceSpans);
}

function normalizeOtlpJson(resourceSpans: any[]): Normalized {
  return resourceSpans
    .flatMap((rs) => {
      const service = rs.resource.attributes.find((a: any) => a.key === 'service.name')?.value.stringValue ?? '';
      return rs.scopeSpans.flatMap((ss: any) =>
        ss.spans.map((s: any) => line(s.spanId, s.parentSpanId ?? '', service, s.name, micros(s.startTimeUnixNano), micros(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)))),
      );
    })
    .sort();
}

async function readJaeger(traceId: string): Promise<Normalized> {
  const { data } = await getJson(`${skein.httpUrl}/api/traces/${traceId}`);
  const [trace] = data;
  return trace.spans
    .map((s: any) => {
      const parent = s.references.find((r: any) => r.refType === 'CHILD_OF')?.spanID ?? '';
      return line(s.spanID, parent, trace.processes[s.processID].serviceName, s.operationName, s.startTime, s.duration);
    })
    .sort();
}

async function readZipkin(traceId: string): Promise<Normalized> {
  const spans = await getJson(`${skein.zipkinUrl}/api/v2/trace/${traceId}`);
  return spans.map((s: any) => line(s.id, s.parentId ?? '', s.localEndpoint?.serviceName ?? '', s.name ?? '', s.timestamp, s.duration ?? 0)).sort();
}

/** Jaeger api_v3: OTLP/JSON inside `result`. */
async function readJaegerV3(traceId: string): Promise<Normalized> {
  return normalizeOtlpJson((await getJson(`${skein.httpUrl}/api/v3/traces/${traceId}`)).result.resourceSpans);
}

/** Tempo: OTLP/JSON under `batches`. */
async function readTempo(traceId: string): Promise<Normalized> {
  return normalizeOtlpJson((await getJson(`${skein.tempoUrl}/api/traces/${traceId}`)).batches);
}

/** Tempo as Grafana asks for it: protobuf (tempopb.Trace, wire-compatible with an OTLP export request). */
async function readTempoProtobuf(traceId: string): Promise<Normalized> {
  const res = await fetch(`${skein.tempoUrl}/api/traces/${traceId}`, { headers: { Accept: 'application/protobuf' } });
  assert.equal(res.status, 200);
  return normalizeRows(decodeOtlpProto(Buffer.from(await res.arrayBuffer())).spans);
}

const dialects: Record<string, (traceId: string) => Promise<Normalized>> = {
  skein: readSkein,
  jaeger: readJaeger,
  'jaeger api_v3': readJaegerV3,
  zipkin: readZipkin,
  tempo: readTempo,
  'tempo protobuf': readTempoProtobuf,
};

test('every dialect returns the same spans for every client\'s trace, as the clients sent them', async () => {
  assert.ok(sent.size >= 4, `traces from every client (${sent.size})`);
  for (const [traceId, rows] of sent) {
    const skeinView = await readSkein(traceId);
    if (rows.length > 0) assert.deepEqual(skeinView, normalizeRows(rows), `trace ${traceId} as sent`);
    for (const [name, read] of Object.entries(dialects)) {
      assert.deepEqual(await read(traceId), skeinView, `trace ${traceId} through ${name}`);
      // upper case and, for a 64-bit trace, the short form find it too
      assert.deepEqual(await read(traceId.toUpperCase()), skeinView, `trace ${traceId} in upper case through ${name}`);
      if (traceId.startsWith('0'.repeat(16))) assert.deepEqual(await read(traceId.slice(16)), skeinView, `trace ${traceId} by 16 digits through ${name}`);
    }
  }
});

test('every dialect\'s search finds each trace by its root service', async () => {
  for (const [traceId] of sent) {
    const spans = await readSkein(traceId);
    const lines = spans.map((s) => JSON.parse(s));
    const [, , service, , start] = lines.find((s) => s[1] === '-') ?? lines[0];
    const window = { startUs: start - 1_000_000, endUs: start + 60_000_000 };
    const skeinIds = (await getJson(`${skein.httpUrl}/api/v1/search?service=${service}&start=${Math.floor(window.startUs / 1000)}&end=${Math.ceil(window.endUs / 1000)}&limit=100`)).traces.map((t: any) => t.traceId);
    const jaegerIds = (await getJson(`${skein.httpUrl}/api/traces?service=${service}&start=${window.startUs}&end=${window.endUs}&limit=100`)).data.map((t: any) => t.traceID.padStart(32, '0'));
    const v3 = new URLSearchParams({
      'query.serviceName': service,
      'query.startTimeMin': new Date(window.startUs / 1000).toISOString(),
      'query.startTimeMax': new Date(window.endUs / 1000).toISOString(),
    });
    const v3Ids = (await getJson(`${skein.httpUrl}/api/v3/trace-summaries?${v3}`)).summaries.map((t: any) => t.traceId);
    const zipkinIds = (await getJson(`${skein.zipkinUrl}/api/v2/traces?serviceName=${service}&endTs=${Math.floor(window.endUs / 1000)}&lookback=61000&limit=100`)).map((t: any) => t[0].traceId.padStart(32, '0'));
    const tempo = new URLSearchParams({
      tags: `service.name="${service}"`,
      start: String(Math.floor(window.startUs / 1e6)),
      end: String(Math.ceil(window.endUs / 1e6)),
      limit: '100',
    });
    const tempoIds = (await getJson(`${skein.tempoUrl}/api/search?${tempo}`)).traces.map((t: any) => t.traceID.padStart(32, '0'));
    const found = { skein: skeinIds, jaeger: jaegerIds, 'jaeger api_v3': v3Ids, zipkin: zipkinIds, tempo: tempoIds };
    for (const [name, ids] of Object.entries(found)) {
      assert.ok(ids.includes(traceId), `${name} search for ${service} finds ${traceId}: ${ids.join()}`);
    }
  }
});

test('every dialect shows the OTel services\' call as a dependency', async () => {
  const now = Date.now();
  const graph = await getJson(`${skein.httpUrl}/api/v1/dependencies?start=${now - 3_600_000}&end=${now}`);
  const edge = graph.edges.find((e: any) => e.caller === 'xd-frontend');
  assert.deepEqual([edge?.callee, edge?.calls, edge?.errors], ['xd-backend', 1, 0]);
  const jaeger = (await getJson(`${skein.httpUrl}/api/dependencies?endTs=${now}&lookback=3600000`)).data;
  assert.deepEqual(jaeger.filter((l: any) => l.parent === 'xd-frontend'), [{ parent: 'xd-frontend', child: 'xd-backend', callCount: 1 }]);
  const zipkin = await getJson(`${skein.zipkinUrl}/api/v2/dependencies?endTs=${now}&lookback=3600000`);
  assert.deepEqual(zipkin.filter((l: any) => l.parent === 'xd-frontend'), [{ parent: 'xd-frontend', child: 'xd-backend', callCount: 1 }]);
});
