// order-queue: a tiny in-memory message broker over HTTP (a stand-in for RabbitMQ or
// SQS). It runs WITHOUT the distro: the producer (checkout) and the consumer (notifier)
// make the PRODUCER and CONSUMER spans, and the trace context travels in each message's
// headers, as it would through a real broker.
//   POST /queues/:queue/messages           {headers, body} → 202 {id}
//   GET  /queues/:queue/messages?max=&wait=   up to `max` messages, waiting up to `wait` ms
//                                           for the first (delivered once: taken off the queue)
//   GET  /stats                            {queues: {name: depth}}
import { createServer } from 'node:http';

const port = Number(process.env.DEMO_PORT ?? 0);
const host = process.env.DEMO_HOST ?? '127.0.0.1';
const queues = new Map(); // name → {messages: [], waiters: []}
let nextId = 1;

function queue(name) {
  let q = queues.get(name);
  if (!q) queues.set(name, (q = { messages: [], waiters: [] }));
  return q;
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://queue');
  const match = /^\/queues\/([\w.-]+)\/messages$/.exec(url.pathname);
  let body = '';
  for await (const chunk of req) body += chunk;
  if (req.method === 'GET' && url.pathname === '/stats') {
    return send(res, 200, { queues: Object.fromEntries([...queues].map(([name, q]) => [name, q.messages.length])) });
  }
  if (!match) return send(res, 404, { error: 'not found' });
  const q = queue(match[1]);
  if (req.method === 'POST') {
    let message;
    try {
      message = JSON.parse(body);
    } catch {
      return send(res, 400, { error: 'body must be JSON' });
    }
    const id = `msg-${nextId++}`;
    q.messages.push({ id, headers: message.headers ?? {}, body: message.body, enqueuedAt: Date.now() });
    q.waiters.splice(0).forEach((wake) => wake());
    return send(res, 202, { id });
  }
  if (req.method === 'GET') {
    const max = Math.max(1, Number(url.searchParams.get('max') ?? 10));
    const wait = Math.min(30_000, Math.max(0, Number(url.searchParams.get('wait') ?? 0)));
    if (q.messages.length === 0 && wait > 0) {
      await new Promise((resolve) => {
        const timer = setTimeout(done, wait);
        function done() {
          clearTimeout(timer);
          const i = q.waiters.indexOf(done);
          if (i >= 0) q.waiters.splice(i, 1);
          resolve();
        }
        q.waiters.push(done);
        res.once('close', done);
      });
    }
    if (res.destroyed) return;
    return send(res, 200, { messages: q.messages.splice(0, max) });
  }
  send(res, 405, { error: 'method not allowed' });
});
server.keepAliveTimeout = 30_000;
server.listen(port, host, () => process.send?.({ type: 'ready' }));

function stop() {
  for (const q of queues.values()) q.waiters.splice(0).forEach((wake) => wake());
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 5000).unref();
}
process.on('message', (m) => m?.type === 'shutdown' && stop());
process.on('disconnect', stop);
process.on('SIGTERM', stop);
