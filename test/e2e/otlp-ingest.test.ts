// Every OTLP payload captured from real clients goes in through `skein serve`'s receivers
// (HTTP protobuf, HTTP JSON, gzip, gRPC) and reads back through the query API.
import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { test } from 'node:test';
import { decodeOtlpJson } from '../../src/receive/otlp-json.ts';
import { decodeOtlpProto } from '../../src/receive/otlp-proto.ts';
import type { SpanRow } from '../../src/model/span.ts';
import { expectTracesReadBack } from '../support/read-back.ts';
import { useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';
import { testdataFile, testdataFiles } from '../support/testdata.ts';

let skein: SkeinProcess;
useSkeinProcess((started) => (skein = started));

// Captures may share ids: bench-64 and bench-512 hold different spans under some of the
// same trace, span id and start time, which the store keeps once. Spans whose ids an
// earlier test already sent are checked for presence only.
const sentBefore = new Set<string>();
async function expectTracesStored(sent: SpanRow[]) {
  await expectTracesReadBack(skein.httpUrl, sent, sentBefore);
  for (const s of sent) sentBefore.add(s.spanId);
}

const protoFiles = testdataFiles('captured', /^(proto-.*|bench-.*)\.pb(\.gz)?$/);
for (const file of protoFiles) {
  test(`OTLP/HTTP protobuf ${file} ingests and reads back`, async () => {
    const body = testdataFile('captured', file);
    const gzipped = file.endsWith('.gz');
    const res = await fetch(`${skein.otlpHttpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf', ...(gzipped ? { 'Content-Encoding': 'gzip' } : {}) },
      body: new Uint8Array(body),
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get('content-type'), 'application/x-protobuf');
    await expectTracesStored(decodeOtlpProto(gzipped ? gunzipSync(body) : body).spans);
  });
}

const jsonFiles = [
  ...testdataFiles('captured', /^(json-.*|bench-.*)\.json(\.gz)?$/).map((f) => ['captured', f]),
  ...testdataFiles('otlp', /\.json$/).map((f) => ['otlp', f]),
];
for (const [folder, file] of jsonFiles) {
  test(`OTLP/HTTP JSON ${folder}/${file} ingests and reads back`, async () => {
    const body = testdataFile(folder, file);
    const gzipped = file.endsWith('.gz');
    const res = await fetch(`${skein.otlpHttpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(gzipped ? { 'Content-Encoding': 'gzip' } : {}) },
      body: new Uint8Array(body),
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(await res.json(), {});
    await expectTracesStored(decodeOtlpJson((gzipped ? gunzipSync(body) : body).toString('utf8')).spans);
  });
}

test('OTLP/gRPC Export of the captured gRPC request ingests and reads back', async () => {
  const body = testdataFile('captured', 'grpc-grpc-1.pb');
  const client = new grpc.Client(skein.otlpGrpcAddress, grpc.credentials.createInsecure(), { 'grpc.default_compression_algorithm': 2 });
  try {
    const response = await new Promise<Buffer>((resolve, reject) => {
      client.makeUnaryRequest(
        '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        (b: Buffer) => b,
        (b: Buffer) => b,
        body,
        (err, value) => (err ? reject(err) : resolve(value!)),
      );
    });
    assert.equal(response.length, 0, 'an empty ExportTraceServiceResponse: nothing rejected');
  } finally {
    client.close();
  }
  await expectTracesStored(decodeOtlpProto(body).spans);
});

test('OTLP/gRPC answers INVALID_ARGUMENT for a malformed message', async () => {
  const client = new grpc.Client(skein.otlpGrpcAddress, grpc.credentials.createInsecure());
  try {
    const err = await new Promise<grpc.ServiceError>((resolve, reject) => {
      client.makeUnaryRequest(
        '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from([0x0a, 0xff, 0xff, 0x01]),
        (e) => (e ? resolve(e) : reject(new Error('malformed request was accepted'))),
      );
    });
    assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
    assert.match(err.details, /invalid OTLP protobuf/);
  } finally {
    client.close();
  }
});
