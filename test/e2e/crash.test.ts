// kill -9 `skein serve` during sustained ingest, restart it on the same data directory:
// every span it acknowledged is there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { otlpJsonRequest, postOtlpJson } from '../support/otlp-payloads.ts';
import { eventually, startSkeinProcess } from '../support/skein-process.ts';

const SENDERS = 4;
const SPANS_PER_TRACE = 20;

test('every acknowledged span survives kill -9 during ingest', async () => {
  const first = await startSkeinProcess();
  const acknowledged: string[] = [];
  let sending = true;

  const sender = async () => {
    while (sending) {
      const request = otlpJsonRequest({ service: 'crash-test', traces: 2, spansPerTrace: SPANS_PER_TRACE });
      const res = await postOtlpJson(first.otlpHttpUrl, request.body).catch(() => undefined);
      if (res?.status === 200) acknowledged.push(...request.traceIds);
    }
  };
  const senders = Array.from({ length: SENDERS }, sender);
  await eventually(async () => (acknowledged.length >= 1000 ? true : undefined), "1000 acknowledged traces", 60_000);
  await first.kill9();
  sending = false;
  await Promise.all(senders);

  const second = await startSkeinProcess({ dataDir: first.dataDir });
  try {
    const missing: string[] = [];
    for (let i = 0; i < acknowledged.length; i += 16) {
      await Promise.all(
        acknowledged.slice(i, i + 16).map(async (traceId) => {
          const count = await eventually(async () => {
            const res = await fetch(`${second.httpUrl}/api/v1/traces/${traceId}`);
            if (!res.ok) return res.status === 404 ? 0 : undefined;
            const body = await res.json();
            return body.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans)).length;
          }, `trace ${traceId}`);
          if (count !== SPANS_PER_TRACE) missing.push(`${traceId} (${count} spans)`);
        }),
      );
    }
    assert.ok(acknowledged.length >= 1000);
    assert.deepEqual(missing, [], `acknowledged traces missing or incomplete after restart`);
  } finally {
    await second.stop();
    second.removeData();
  }
});
