// Zipkin proto3 (ListOfSpans, encoded by protobufjs from upstream's zipkin.proto) goes in
// through `skein serve`'s Zipkin receiver and reads back through Skein's query API as one
// trace with its structure intact: services, parents, kinds, a shared span's two halves.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { SpanKind } from '../../src/model/span.ts';
import { decodeZipkinProto } from '../../src/receive/zipkin-proto.ts';
import { expectTracesReadBack } from '../support/read-back.ts';
import { useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';

let skein: SkeinProcess;
useSkeinProcess((started) => (skein = started));

const ListOfSpans = protobuf.loadSync(fileURLToPath(new URL('../receive/proto/zipkin.proto', import.meta.url))).lookupType('zipkin.proto3.ListOfSpans');

function postProto(body: Uint8Array) {
  // A copy: fetch's types take only a Uint8Array over a plain ArrayBuffer.
  return fetch(`${skein.zipkinUrl}/api/v2/spans`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body: new Uint8Array(body) });
}

const TRACE_ID = 'a1b2c3d4e5f60718'; // 64-bit, as zipkin-go sends
const ROOT = '1000000000000001';
const CALL = '1000000000000002';
const nowMicros = BigInt(Date.now()) * 1000n;
const hex = (id: string) => Buffer.from(id, 'hex');

test('Zipkin proto3: a frontend calling a backend (a shared span) ingests and reads back as one trace', async () => {
  const span = (fields: object) => ({ traceId: hex(TRACE_ID), timestamp: nowMicros.toString(), ...fields });
  const body = ListOfSpans.encode(
    ListOfSpans.fromObject({
      spans: [
        span({ id: hex(ROOT), kind: 'SERVER', name: 'get /', duration: 5000, localEndpoint: { serviceName: 'frontend', ipv4: Buffer.from([10, 0, 0, 1]), port: 8080 } }),
        span({
          id: hex(CALL),
          parentId: hex(ROOT),
          kind: 'CLIENT',
          name: 'get /api',
          duration: 3000,
          localEndpoint: { serviceName: 'frontend' },
          remoteEndpoint: { serviceName: 'backend', ipv6: hex('20010db8000000000000000000000002'), port: 9000 },
          annotations: [{ timestamp: (nowMicros + 10n).toString(), value: 'ws' }],
        }),
        span({ id: hex(CALL), parentId: hex(ROOT), kind: 'SERVER', name: 'get /api', duration: 2000, shared: true, localEndpoint: { serviceName: 'backend' }, tags: { error: 'timeout' } }),
      ],
    }),
  ).finish();

  const res = await postProto(body);
  assert.equal(res.status, 202, await res.text());
  const sent = decodeZipkinProto(body).spans;
  assert.equal(sent.length, 3);
  await expectTracesReadBack(skein.httpUrl, sent);

  const trace = (await (await fetch(`${skein.httpUrl}/api/v1/traces/${TRACE_ID}`)).json()) as {
    resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: { spanId: string; parentSpanId?: string; kind: number; status?: { code?: number } }[] }[] }[];
  };
  const byService = new Map(
    trace.resourceSpans.map((r) => [r.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue, r.scopeSpans.flatMap((s) => s.spans)]),
  );
  assert.deepEqual([...byService.keys()].sort(), ['backend', 'frontend']);
  const frontend = byService.get('frontend')!;
  assert.deepEqual(frontend.map((s) => [s.spanId, s.parentSpanId ?? '', s.kind]).sort(), [
    [ROOT, '', SpanKind.SERVER],
    [CALL, ROOT, SpanKind.CLIENT],
  ]);
  const [backend] = byService.get('backend')!;
  assert.deepEqual([backend.spanId, backend.parentSpanId, backend.kind, backend.status?.code], [CALL, ROOT, SpanKind.SERVER, 2]);
});

test('Zipkin proto3: malformed protobuf is 400 naming the problem', async () => {
  const truncated = await postProto(Buffer.from([0x0a, 0x20, 0x0a]));
  assert.equal(truncated.status, 400);
  assert.match(await truncated.text(), /^invalid Zipkin protobuf: truncated length-delimited field 1 at offset 0/);
  const badId = await postProto(Buffer.from([0x0a, 0x05, 0x0a, 0x03, 1, 2, 3]));
  assert.equal(badId.status, 400);
  assert.match(await badId.text(), /^invalid Zipkin protobuf: \[0\]\.trace_id: an id of 3 bytes, expected 8 or 16$/);
});
