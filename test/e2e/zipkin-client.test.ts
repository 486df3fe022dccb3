// The real Zipkin JS client (npm `zipkin` tracer, `zipkin-transport-http` HttpLogger sending
// JSON v2) reports a server span and a client call under it to a running `skein serve`,
// and Zipkin's query API reads them back as Zipkin would show them.
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import { test } from 'node:test';
import zipkin from 'zipkin';
import { HttpLogger } from 'zipkin-transport-http';
import { eventually, useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';

const { Annotation, BatchRecorder, ExplicitContext, InetAddress, Tracer, jsonEncoder } = zipkin;

let skein: SkeinProcess;
useSkeinProcess((started) => (skein = started));

/** HttpLogger as it is at run time, beyond its typings: an EventEmitter ('success', 'error') that posts its queue. */
type SendingLogger = HttpLogger & EventEmitter & { processQueue(fetchImplementation: typeof fetch): void };

/** µs: the server span starts 5 s ago and lasts 80 ms; the call inside it starts 10 ms in and lasts 30 ms. */
const START = (Date.now() - 5_000) * 1000;

/** Reports the two spans through the client and resolves once Skein has accepted them (202). */
async function report(): Promise<{ traceId: string; serverId: string; clientId: string }> {
  const logger = new HttpLogger({ endpoint: `${skein.zipkinUrl}/api/v2/spans`, jsonEncoder: jsonEncoder.JSON_V2, httpInterval: 60_000 }) as SendingLogger;
  const sent = new Promise<void>((resolve, reject) => {
    logger.on('success', () => resolve());
    logger.on('error', reject);
  });
  const tracer = new Tracer({ ctxImpl: new ExplicitContext(), recorder: new BatchRecorder({ logger }), localServiceName: 'zk-client-front' });

  const serverId = tracer.createRootId();
  tracer.letId(serverId, () => {
    tracer.recordServiceName('zk-client-front');
    tracer.recordRpc('GET /checkout');
    tracer.recordAnnotation(new Annotation.ServerRecv(), START);
    tracer.recordAnnotation(new Annotation.LocalAddr({ host: new InetAddress('10.1.2.3'), port: 8080 }), START);
    tracer.recordBinary('http.path', '/checkout');
    tracer.recordAnnotation(new Annotation.Message('cart loaded'), START + 5_000);
  });
  const clientId = tracer.letId(serverId, () => tracer.createChildId());
  tracer.letId(clientId, () => {
    tracer.recordServiceName('zk-client-front');
    tracer.recordRpc('POST /pay');
    tracer.recordAnnotation(new Annotation.ClientSend(), START + 10_000);
    tracer.recordAnnotation(new Annotation.ServerAddr({ serviceName: 'zk-client-payments', host: new InetAddress('10.1.2.4'), port: 9000 }), START + 10_000);
    tracer.recordBinary('error', 'card declined');
    tracer.recordAnnotation(new Annotation.ClientRecv(), START + 40_000);
  });
  tracer.letId(serverId, () => tracer.recordAnnotation(new Annotation.ServerSend(), START + 80_000));

  // The recorder hands both finished spans to the logger; send them now rather than on its timer.
  logger.processQueue(fetch);
  await sent;
  return { traceId: serverId.traceId, serverId: serverId.spanId, clientId: clientId.spanId };
}

test('spans from the zipkin tracer and HttpLogger (JSON v2) read back through Zipkin’s query API', async () => {
  const ids = await report();
  assert.match(ids.traceId, /^[0-9a-f]{16}$/, 'the client sends 64-bit trace ids');

  const trace = await eventually(async () => {
    const res = await fetch(`${skein.zipkinUrl}/api/v2/trace/${ids.traceId}`);
    const spans = res.ok ? await res.json() : [];
    return spans.length === 2 ? spans : undefined;
  }, 'the reported trace');
  const byId = new Map(trace.map((span: { id: string }) => [span.id, span]));
  assert.deepEqual(byId.get(ids.serverId), {
    traceId: ids.traceId,
    id: ids.serverId,
    kind: 'SERVER',
    name: 'get /checkout',
    timestamp: START,
    duration: 80_000,
    localEndpoint: { serviceName: 'zk-client-front', ipv4: '10.1.2.3', port: 8080 },
    annotations: [{ timestamp: START + 5_000, value: 'cart loaded' }],
    tags: { 'http.path': '/checkout' },
  });
  assert.deepEqual(byId.get(ids.clientId), {
    traceId: ids.traceId,
    parentId: ids.serverId,
    id: ids.clientId,
    kind: 'CLIENT',
    name: 'post /pay',
    timestamp: START + 10_000,
    duration: 30_000,
    localEndpoint: { serviceName: 'zk-client-front' }, // the local address was recorded on the server span only
    remoteEndpoint: { serviceName: 'zk-client-payments', ipv4: '10.1.2.4', port: 9000 },
    tags: { error: 'card declined', 'otel.status_code': 'ERROR' },
  });

  // Search as Lens does: by service and span name, and by a tag.
  const endTs = Date.now();
  const found = async (query: string) =>
    (await (await fetch(`${skein.zipkinUrl}/api/v2/traces?serviceName=zk-client-front&endTs=${endTs}&lookback=60000&${query}`)).json()).map(
      (spans: { traceId: string }[]) => spans[0].traceId,
    );
  assert.deepEqual(await found('spanName=post%20%2Fpay'), [ids.traceId]);
  assert.deepEqual(await found(`annotationQuery=${encodeURIComponent('error=card declined and ')}`), [ids.traceId]);
  assert.deepEqual(await found(`annotationQuery=${encodeURIComponent('cart loaded')}`), [ids.traceId]);
  assert.deepEqual(await found('minDuration=50000'), [ids.traceId]);
  assert.deepEqual(await found('spanName=post%20%2Fpay&minDuration=50000'), []);
});
