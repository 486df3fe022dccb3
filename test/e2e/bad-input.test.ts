// Malformed, oversized and hostile requests get a 4xx naming the problem, and the server
// stays up and keeps what it acknowledged.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { eventually, useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';
import { otlpJsonRequest, postOtlpJson, randomHex } from '../support/otlp-payloads.ts';
import { testdataFile } from '../support/testdata.ts';

const MAX_REQUEST_BYTES = 2 * 1024 * 1024;
let skein: SkeinProcess;
useSkeinProcess((started) => (skein = started), { args: ['--max-request-bytes', String(MAX_REQUEST_BYTES)] });

async function postProto(body: Buffer, headers: Record<string, string> = {}) {
  return fetch(`${skein.otlpHttpUrl}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf', ...headers }, body: new Uint8Array(body) });
}

async function assertStillServing() {
  const res = await fetch(`${skein.httpUrl}/ready`);
  assert.equal(res.status, 200);
}

test('truncated protobuf: 400 with a google.rpc.Status naming the problem', async () => {
  const body = testdataFile('captured', 'proto-http-1.pb');
  for (const cut of [1, 7, Math.floor(body.length / 2), body.length - 1]) {
    const res = await postProto(body.subarray(0, cut));
    assert.equal(res.status, 400, `cut at ${cut}`);
    const status = Buffer.from(await res.arrayBuffer()).toString('latin1');
    assert.match(status, /invalid OTLP protobuf/);
  }
  await assertStillServing();
});

test('JSON with wrong field types: 400 naming the field', async () => {
  const cases = [
    '{"resourceSpans": 5}',
    '{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": 7}]}]}]}',
    '{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174", "name": 12}]}]}]}',
    '{"resourceSpans": [',
    'not json at all',
  ];
  for (const body of cases) {
    const res = await postOtlpJson(skein.otlpHttpUrl, body);
    assert.equal(res.status, 400, body);
    const error = await res.json();
    assert.equal(error.code, 3);
    assert.match(error.message, /invalid OTLP JSON/);
  }
  await assertStillServing();
});

test('invalid UTF-8 in a protobuf string is stored with U+FFFD, not refused', async () => {
  const request = otlpJsonRequest({ service: 'utf8-check', spansPerTrace: 1 });
  // Build the protobuf by hand: one span whose name holds the invalid byte 0xff.
  const span = Buffer.concat([
    field(1, Buffer.from(request.traceIds[0], 'hex')),
    field(2, Buffer.from(request.spanIds[0], 'hex')),
    field(5, Buffer.from([0x61, 0xff, 0x62])), // name: 'a', invalid byte, 'b'
  ]);
  const body = field(1, field(2, field(2, span))); // ResourceSpans.scope_spans.spans
  const res = await postProto(body);
  assert.equal(res.status, 200);
  const trace = await eventually(async () => {
    const r = await fetch(`${skein.httpUrl}/api/v1/traces/${request.traceIds[0]}`);
    return r.ok ? r.json() : undefined;
  }, 'the span with invalid UTF-8');
  assert.equal(trace.resourceSpans[0].scopeSpans[0].spans[0].name, 'a\uFFFDb');
});

test('a huge attribute value within the limit is kept whole; over the limit is 413', async () => {
  const big = 'x'.repeat(1024 * 1024);
  const request = otlpJsonRequest({ service: 'huge-attribute', spansPerTrace: 1, attributes: [{ key: 'big', value: { stringValue: big } }] });
  const res = await postOtlpJson(skein.otlpHttpUrl, request.body);
  assert.equal(res.status, 200);
  const trace = await eventually(async () => {
    const r = await fetch(`${skein.httpUrl}/api/v1/traces/${request.traceIds[0]}`);
    return r.ok ? r.json() : undefined;
  }, 'the span with a 1 MiB attribute');
  assert.equal(trace.resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.stringValue.length, big.length);

  const tooBig = otlpJsonRequest({ service: 'huge-attribute', attributes: [{ key: 'big', value: { stringValue: 'y'.repeat(MAX_REQUEST_BYTES) } }] });
  const refused = await postOtlpJson(skein.otlpHttpUrl, tooBig.body);
  assert.equal(refused.status, 413);
  assert.match((await refused.json()).message, /larger than/);
  await assertStillServing();
});

test('a gzip bomb is refused with 413 before it fills memory', async () => {
  const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024, 0x20)); // 200 MiB of spaces, ~200 KiB compressed
  const res = await postOtlpJson(skein.otlpHttpUrl, bomb, { 'Content-Encoding': 'gzip' });
  assert.equal(res.status, 413);
  assert.match((await res.json()).message, /inflates to more than/);
  await assertStillServing();
});

test('wrong content type is 415, unknown encoding is 415, corrupt gzip is 400', async () => {
  const request = otlpJsonRequest({ service: 'types' });
  const wrongType = await fetch(`${skein.otlpHttpUrl}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: request.body });
  assert.equal(wrongType.status, 415);
  const wrongEncoding = await postOtlpJson(skein.otlpHttpUrl, request.body, { 'Content-Encoding': 'br' });
  assert.equal(wrongEncoding.status, 415);
  const corrupt = await postOtlpJson(skein.otlpHttpUrl, Buffer.from('not gzip'), { 'Content-Encoding': 'gzip' });
  assert.equal(corrupt.status, 400);
  await assertStillServing();
});

test('spans with malformed ids are rejected through partial success; the rest are kept', async () => {
  const good = otlpJsonRequest({ service: 'partial', spansPerTrace: 2 });
  const parsed = JSON.parse(good.body);
  parsed.resourceSpans[0].scopeSpans[0].spans.push({ traceId: 'abc', spanId: randomHex(8), name: 'bad id' });
  const res = await postOtlpJson(skein.otlpHttpUrl, JSON.stringify(parsed));
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.partialSuccess.rejectedSpans, '1');
  assert.match(body.partialSuccess.errorMessage, /trace/i);
  await eventually(async () => ((await fetch(`${skein.httpUrl}/api/v1/traces/${good.traceIds[0]}`)).ok ? true : undefined), 'the good spans');
});

function field(number: number, bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(number << 3) | 2]), varint(bytes.length), bytes]);
}

function varint(n: number): Buffer {
  const out = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}
