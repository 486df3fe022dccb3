// Zipkin v2 JSON (Go, Python and the Zipkin project's own traces) and Jaeger Thrift (the
// OpenTelemetry Go SDK's Jaeger exporter) go in through `skein serve`'s Zipkin and Jaeger
// receivers and read back through the query API with their structure intact.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { decodeJaegerThrift } from '../../src/receive/jaeger-thrift.ts';
import { decodeZipkinJson } from '../../src/receive/zipkin-json.ts';
import { decodeZipkinV1Json } from '../../src/receive/zipkin-v1-json.ts';
import { SpanKind } from '../../src/model/span.ts';
import { randomHex } from '../support/otlp-payloads.ts';
import { expectTracesReadBack } from '../support/read-back.ts';
import { useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';
import { testdataFile, testdataFiles } from '../support/testdata.ts';

let skein: SkeinProcess;
useSkeinProcess((started) => (skein = started));

function postZipkin(body: string | Buffer, headers: Record<string, string> = { 'Content-Type': 'application/json' }) {
  return fetch(`${skein.zipkinUrl}/api/v2/spans`, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
}

const zipkinFiles = [
  ...testdataFiles('zipkin', /\.json$/).map((f) => ['zipkin', f]),
  ...testdataFiles('captured', /^nonjs-zipkin-.*\.json$/).map((f) => ['captured', f]),
];
for (const [folder, file] of zipkinFiles) {
  test(`Zipkin ${folder}/${file} ingests and reads back`, async () => {
    const body = testdataFile(folder, file).toString('utf8');
    const res = await postZipkin(body);
    assert.equal(res.status, 202, await res.text());
    // Only spans without a timestamp are refused (smartthings-mobile-web-install.json has
    // 84, each a timeless copy of a span id that is also sent with one).
    const { spans: sent, rejected } = decodeZipkinJson(body);
    assert.equal(sent.length + rejected, JSON.parse(body).length);
    const timeless = JSON.parse(body).filter((s: { timestamp?: number | null }) => s.timestamp == null).length;
    assert.equal(rejected, timeless);
    await expectTracesReadBack(skein.httpUrl, sent);
  });
}

test('Zipkin: gzip bodies are accepted; any type but protobuf is read as JSON, as Zipkin does', async () => {
  const body = testdataFile('zipkin', 'skew.json');
  assert.equal((await postZipkin(gzipSync(body), { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' })).status, 202);
  assert.equal((await postZipkin(body, {})).status, 202, 'no Content-Type');
  assert.equal((await postZipkin(body, { 'Content-Type': 'text/plain' })).status, 202);
});

test('Zipkin: malformed JSON or protobuf is 400 naming the problem', async () => {
  const bad = await postZipkin('[{"traceId": 5}]');
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /invalid Zipkin JSON/);
  const notJson = await postZipkin('not json');
  assert.equal(notJson.status, 400);
  const proto = await postZipkin(Buffer.from([1, 2, 3]), { 'Content-Type': 'application/x-protobuf' });
  assert.equal(proto.status, 400);
  assert.match(await proto.text(), /^invalid Zipkin protobuf: /);
});

test('Zipkin v1 JSON: a client/server span shared under one id becomes both halves', async () => {
  const traceId = randomHex(8);
  const [root, call] = [randomHex(8), randomHex(8)];
  const nowUs = Date.now() * 1000;
  const front = { serviceName: 'v1-front', ipv4: '10.0.0.1' };
  const back = { serviceName: 'v1-back', ipv4: '10.0.0.2' };
  const body = JSON.stringify([
    { traceId, id: root, name: 'get /', timestamp: nowUs, duration: 9000, annotations: [{ timestamp: nowUs, value: 'sr', endpoint: front }, { timestamp: nowUs + 9000, value: 'ss', endpoint: front }] },
    {
      traceId, id: call, parentId: root, name: 'get /api', timestamp: nowUs + 1000, duration: 5000,
      annotations: [
        { timestamp: nowUs + 1000, value: 'cs', endpoint: front },
        { timestamp: nowUs + 2000, value: 'sr', endpoint: back },
        { timestamp: nowUs + 5000, value: 'ss', endpoint: back },
        { timestamp: nowUs + 6000, value: 'cr', endpoint: front },
      ],
      binaryAnnotations: [{ key: 'http.path', value: '/api', endpoint: front }],
    },
  ]);
  const res = await fetch(`${skein.zipkinUrl}/api/v1/spans`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  assert.equal(res.status, 202, await res.text());
  const sent = decodeZipkinV1Json(body).spans;
  assert.deepEqual(
    sent.map((s) => [s.serviceName, s.spanId, s.kind]).sort(),
    [['v1-back', call, SpanKind.SERVER], ['v1-front', call, SpanKind.CLIENT], ['v1-front', root, SpanKind.SERVER]].sort(),
  );
  await expectTracesReadBack(skein.httpUrl, sent);
  const bad = await fetch(`${skein.zipkinUrl}/api/v1/spans`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '[{"traceId": 1}]' });
  assert.equal(bad.status, 400);
});

test('Jaeger Thrift Batch from the Go SDK ingests and reads back', async () => {
  const body = testdataFile('captured', 'nonjs-jaeger-2.thrift');
  const res = await fetch(`${skein.jaegerUrl}/api/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-thrift' }, body: new Uint8Array(body) });
  assert.equal(res.status, 202, await res.text());
  const sent = decodeJaegerThrift(body).spans;
  assert.ok(sent.length > 0);
  await expectTracesReadBack(skein.httpUrl, sent);
});

test('Jaeger: truncated Thrift is 400, wrong Content-Type is 415', async () => {
  const body = testdataFile('captured', 'nonjs-jaeger-2.thrift');
  const post = (b: Buffer, type: string) => fetch(`${skein.jaegerUrl}/api/traces`, { method: 'POST', headers: { 'Content-Type': type }, body: new Uint8Array(b) });
  const truncated = await post(body.subarray(0, body.length - 7), 'application/x-thrift');
  assert.equal(truncated.status, 400);
  assert.match(await truncated.text(), /invalid Jaeger Thrift/);
  assert.equal((await post(body, 'application/json')).status, 415);
  assert.equal((await fetch(`${skein.httpUrl}/ready`)).status, 200);
});
