// payment-provider: a stand-in for a third-party payment API. It runs WITHOUT the distro
// and sends no spans; it shows up in Skein only through payment's client spans
// (peer.service=payment-provider). Faults still act here (latency, error, timeout).
//   POST /v1/charges   {orderId, amountCents} → {id, status}
import { createServer } from 'node:http';
import { applyRequestFaults } from './lib/faults.js';
import { lognormal, seededRandom, sleep } from './lib/random.js';

const port = Number(process.env.DEMO_PORT ?? 0);
const host = process.env.DEMO_HOST ?? '127.0.0.1';
const random = seededRandom(Number(process.env.DEMO_SEED ?? 1) + 7);
let charges = 0;

const server = createServer(async (req, res) => {
  if (req.method !== 'POST' || req.url !== '/v1/charges') {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    return;
  }
  for await (const _ of req); // the body is not needed
  try {
    if ((await applyRequestFaults('POST /v1/charges', res)) === 'gone') return;
    // An API across the internet: ~40 ms, with a tail.
    await sleep(Math.min(lognormal(random, 35, 0.35), 400));
    charges++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `ch_${charges}`, status: 'succeeded' }));
  } catch (err) {
    if (!res.headersSent) res.writeHead(err.status ?? 500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: err.message }));
  }
});
server.keepAliveTimeout = 30_000;
server.listen(port, host, () => process.send?.({ type: 'ready' }));

function stop() {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 5000).unref();
}
process.on('message', (m) => m?.type === 'shutdown' && stop());
process.on('disconnect', stop);
process.on('SIGTERM', stop);
