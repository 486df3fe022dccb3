// notifier: consumes "order placed" messages from order-queue; for each, books the
// shipment with shipping and sends the confirmation email. Each message is handled in a
// CONSUMER span that starts a new trace linked to checkout's PRODUCER span (lib/messaging.js).
import { consume } from './lib/messaging.js';
import { applyRequestFaults } from './lib/faults.js';
import { call, logger, onShutdown, ready, settings, tracer } from './lib/service.js';
import { seededRandom, sleep } from './lib/random.js';

const random = seededRandom(settings.seed + 6);

const consumer = consume('orders', async (order, span) => {
  span.setAttribute('app.order.id', order.orderId);
  await applyRequestFaults('process orders', null);
  const shipment = await call('shipping', 'POST', '/shipments', { orderId: order.orderId, user: order.user, items: order.items });
  await tracer.startActiveSpan('send confirmation email', async (email) => {
    email.setAttribute('app.email.template', 'order-confirmation');
    await sleep(4 + random() * 12);
    email.end();
  });
  logger.info({ orderId: order.orderId, shipmentId: shipment.shipmentId }, 'order confirmed');
});

process.on('message', async (message) => {
  if (message?.type === 'drain') {
    await consumer.drain();
    process.send?.({ type: 'drained' });
  }
});
onShutdown(() => consumer.stop());
ready();
