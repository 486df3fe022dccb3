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
import { eventually, useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';
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
    // Every span is kept; one without a timestamp is merged into the span of its ids that
    // has one (smartthings-mobile-web-install.json has 84, each a timeless piece of a span
    // also sent with a time).
    const { spans: sent, rejected } = decodeZipkinJson(body);
    assert.equal(rejected, 0);
    const timeless = JSON.parse(body).filter((s: { timestamp?: number | null }) => s.timestamp == null).length;
    assert.equal(sent.length, JSON.parse(body).length - timeless);
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

test('Zipkin: one refused span refuses the whole request (400 naming it), and nothing of it is stored', async () => {
  const nowUs = Date.now() * 1000;
  const refusedTrace = randomHex(8);
  const [kept, lone] = [randomHex(8), randomHex(8)];
  const refused = [
    { traceId: refusedTrace, id: kept, name: 'kept', timestamp: nowUs, duration: 10, localEndpoint: { serviceName: 'zk-whole' } },
    { traceId: refusedTrace, id: lone, name: 'lone', localEndpoint: { serviceName: 'zk-whole' }, tags: { late: 'tag' } },
  ];
  for (const [path, body] of [
    ['/api/v2/spans', JSON.stringify(refused)],
    ['/api/v1/spans', JSON.stringify([{ ...refused[0], localEndpoint: undefined }, { traceId: refusedTrace, id: lone, name: 'lone' }])],
  ]) {
    const res = await fetch(`${skein.zipkinUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    assert.equal(res.status, 400, path);
    const text = await res.text();
    assert.ok(text.includes(`span "lone" ([1], trace id "${refusedTrace}", span id "${lone}"): no timestamp`), `${path}: ${text}`);
  }
  const idless = await postZipkin(JSON.stringify([refused[0], { ...refused[0], id: '0000000000000000', name: 'zero' }]));
  assert.equal(idless.status, 400);
  assert.match(await idless.text(), /span "zero": invalid span id/);

  // A request sent after the refused ones becomes searchable; the refused ones never do.
  const later = randomHex(8);
  assert.equal((await postZipkin(JSON.stringify([{ ...refused[0], traceId: later }]))).status, 202);
  await eventually(async () => ((await fetch(`${skein.zipkinUrl}/api/v2/trace/${later}`)).ok ? true : undefined), 'the later trace');
  assert.equal((await fetch(`${skein.zipkinUrl}/api/v2/trace/${refusedTrace}`)).status, 404);
});

test('Zipkin autocompleteKeys: none unless configured, as in Zipkin', async () => {
  assert.deepEqual(await (await fetch(`${skein.zipkinUrl}/api/v2/autocompleteKeys`)).json(), []);
  assert.deepEqual(await (await fetch(`${skein.zipkinUrl}/api/v2/autocompleteValues?key=http.path`)).json(), []);
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

test('Jaeger: one span with a zero id refuses the whole batch (400), and nothing of it is stored', async () => {
  const body = Buffer.from(testdataFile('captured', 'nonjs-jaeger-2.thrift'));
  const [{ traceId }] = decodeJaegerThrift(body).spans;
  // A trace id of its own (the file was sent above): every copy of the low 64 bits replaced.
  const [low, fresh] = [Buffer.from(traceId.slice(16), 'hex'), Buffer.from(randomHex(8), 'hex')];
  for (let at = body.indexOf(low); at >= 0; at = body.indexOf(low, at + 8)) fresh.copy(body, at);
  assert.equal(decodeJaegerThrift(body).spans.filter((s) => s.traceId.endsWith(fresh.toString('hex'))).length, 2);
  // A Span struct starts traceIdLow (i64 1), traceIdHigh (i64 2), spanId (i64 3): zero the first span id.
  const first = /0a0001[0-9a-f]{16}0a0002[0-9a-f]{16}0a0003[0-9a-f]{16}/.exec(body.toString('hex'))!;
  assert.equal(first.index % 2, 0);
  const spanIdAt = (first.index + first[0].length) / 2 - 8;
  body.fill(0, spanIdAt, spanIdAt + 8);
  const refused = decodeJaegerThrift(body);
  assert.equal(refused.spans.length, 1, 'the other span decodes, but the request is refused');
  const res = await fetch(`${skein.jaegerUrl}/api/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-thrift' }, body: new Uint8Array(body) });
  assert.equal(res.status, 400);
  assert.match(await res.text(), /^invalid Jaeger Thrift: span "[^"]+": invalid span id "0000000000000000"/);
  // Had the other span been stored, it would read back under its trace id.
  const later = randomHex(8);
  assert.equal((await postZipkin(JSON.stringify([{ traceId: later, id: randomHex(8), name: 'later', timestamp: Date.now() * 1000 }]))).status, 202);
  await eventually(async () => ((await fetch(`${skein.zipkinUrl}/api/v2/trace/${later}`)).ok ? true : undefined), 'the later trace');
  assert.equal((await fetch(`${skein.httpUrl}/api/v1/traces/${refused.spans[0].traceId}`)).status, 404);
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
