// Messages through the order-queue broker, traced by hand as the OpenTelemetry messaging
// semantic conventions describe: the producer makes a PRODUCER span ("send orders") and
// puts its context into the message headers (W3C traceparent, and B3, whatever the
// distro's propagators write); the consumer makes a CONSUMER span ("process orders") that
// starts a NEW trace and LINKS to the producer's span. (A new trace per message keeps the
// checkout trace short, as a queue decouples the two sides; the link joins them, and Skein's
// dependency map counts it as a call from checkout to notifier.)
// The broker's own HTTP traffic runs with tracing suppressed: it is the wire, not a call.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { UpstreamError, settings, tracer } from './service.js';

const BROKER = 'order-queue';
const SYSTEM = 'demo-queue';

function brokerFetch(path, init, ctx = context.active()) {
  return context.with(suppressTracing(ctx), () => fetch(settings.urls[BROKER] + path, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? settings.timeoutMs) }));
}

/** Publishes `body` to `queue`; resolves to the broker's message id. */
export async function publish(queue, body, attributes = {}) {
  const span = tracer.startSpan(`send ${queue}`, {
    kind: SpanKind.PRODUCER,
    attributes: {
      'messaging.system': SYSTEM,
      'messaging.destination.name': queue,
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'peer.service': BROKER,
      ...attributes,
    },
  });
  const ctx = trace.setSpan(context.active(), span);
  const headers = {};
  propagation.inject(ctx, headers);
  try {
    const res = await brokerFetch(`/queues/${queue}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ headers, body }) }, ctx);
    const answer = await res.json();
    if (!res.ok) throw new UpstreamError(BROKER, 502, `${BROKER} answered ${res.status}: ${answer.error}`);
    span.setAttribute('messaging.message.id', answer.id);
    return answer.id;
  } catch (err) {
    span.recordException(err);
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    span.setAttribute('error.type', err.name);
    throw err instanceof UpstreamError ? err : new UpstreamError(BROKER, 502, `${BROKER}: ${err.message}`);
  } finally {
    span.end();
  }
}

/**
 * Consumes `queue`: each message is handled by `handler(body, span)` inside its CONSUMER
 * span. Returns {stop(), drain()}: drain resolves once the queue is empty and nothing is
 * being handled.
 */
export function consume(queue, handler, { batch = 4, waitMs = 1000 } = {}) {
  let running = true;
  let draining = false;
  let drained;
  const loop = (async () => {
    while (running) {
      let messages = [];
      try {
        const res = await brokerFetch(`/queues/${queue}/messages?max=${batch}&wait=${draining ? 0 : waitMs}`, { timeoutMs: waitMs + 5000 }, ROOT_CONTEXT);
        messages = (await res.json()).messages ?? [];
      } catch (err) {
        if (!running) break;
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      await Promise.all(messages.map((m) => handleOne(queue, m, handler)));
      if (draining && messages.length === 0) {
        drained?.();
        draining = false;
      }
    }
  })();
  return {
    drain() {
      return new Promise((resolve) => {
        drained = resolve;
        draining = true;
      });
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}

async function handleOne(queue, message, handler) {
  const producer = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, message.headers ?? {}));
  const span = tracer.startSpan(
    `process ${queue}`,
    {
      kind: SpanKind.CONSUMER,
      root: true,
      links: producer ? [{ context: producer, attributes: { 'messaging.message.id': message.id } }] : [],
      attributes: {
        'messaging.system': SYSTEM,
        'messaging.destination.name': queue,
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.message.id': message.id,
        'app.queue.wait_ms': Math.max(0, Date.now() - (message.enqueuedAt ?? Date.now())),
      },
    },
    ROOT_CONTEXT,
  );
  await context.with(trace.setSpan(ROOT_CONTEXT, span), async () => {
    try {
      await handler(message.body, span);
    } catch (err) {
      span.recordException(err);
      span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
      span.setAttribute('error.type', err.name);
    } finally {
      span.end();
    }
  });
}
