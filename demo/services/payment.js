// payment: charges an order through the external payment provider.
//   POST /payments   {orderId, user, amountCents} → {paymentId, status}
//
// The provider is a third party that sends no spans. Its CLIENT span is made here rather
// than by the fetch instrumentation, because it must carry `peer.service`: that names the
// provider, so Skein's dependency map shows it as a peer of payment. The fetch itself runs
// with tracing suppressed (no second span); the trace context is still sent, as a real
// provider could log it.
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { createApp, listen, route, settings, tracer, UpstreamError } from './lib/service.js';
import { seededRandom, sleep } from './lib/random.js';

const PROVIDER = 'payment-provider';
const random = seededRandom(settings.seed + 3);
const app = createApp();

app.post('/payments', route('POST /payments', async (req, res, span) => {
  const { orderId, user, amountCents } = req.body ?? {};
  span?.setAttribute('app.order.id', String(orderId));
  span?.setAttribute('app.payment.amount_cents', amountCents);

  await tracer.startActiveSpan('fraud screening', async (screen) => {
    await sleep(1 + random() * 4);
    screen.setAttribute('app.fraud.score', Math.round(random() * 100) / 100);
    screen.end();
  });

  const charge = await chargeWithProvider({ orderId, user, amountCents });
  res.json({ paymentId: charge.id, status: charge.status });
}));

async function chargeWithProvider(body) {
  const url = new URL('/v1/charges', settings.urls[PROVIDER]);
  const span = tracer.startSpan('POST', {
    kind: SpanKind.CLIENT,
    attributes: {
      'peer.service': PROVIDER,
      'http.request.method': 'POST',
      'url.full': url.href,
      'server.address': url.hostname,
      'server.port': Number(url.port),
    },
  });
  const spanContext = trace.setSpan(context.active(), span);
  const headers = { 'content-type': 'application/json' };
  propagation.inject(spanContext, headers);
  try {
    const res = await context.with(suppressTracing(spanContext), () =>
      fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(settings.timeoutMs) }),
    );
    const text = await res.text();
    span.setAttribute('http.response.status_code', res.status);
    if (!res.ok) {
      span.setAttribute('error.type', String(res.status));
      throw new UpstreamError(PROVIDER, 502, `${PROVIDER} answered ${res.status}: ${text}`);
    }
    return JSON.parse(text);
  } catch (err) {
    if (!(err instanceof UpstreamError)) span.setAttribute('error.type', err.name);
    span.recordException(err);
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    if (err.name === 'TimeoutError') throw new UpstreamError(PROVIDER, 504, `${PROVIDER} did not answer within ${settings.timeoutMs} ms`);
    throw err instanceof UpstreamError ? err : new UpstreamError(PROVIDER, 502, `${PROVIDER}: ${err.message}`);
  } finally {
    span.end();
  }
}

listen(app);
