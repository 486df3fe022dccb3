// checkout: places an order.
//   POST /orders   {user} → {orderId, amountCents, paymentId, ...}
// cart (read) → inventory (reserve stock) → shipping (quote) → payment (charge) →
// order-queue (publish "order placed", read by notifier) → cart (empty it).
import { randomUUID } from 'node:crypto';
import { publish } from './lib/messaging.js';
import { call, createApp, listen, logger, route } from './lib/service.js';

const app = createApp();

app.post('/orders', route('POST /orders', async (req, res, span) => {
  const user = String(req.body?.user ?? '');
  span?.setAttribute('app.user.id', user);
  const cart = await call('cart', 'GET', `/carts/${encodeURIComponent(user)}`);
  if (cart.items.length === 0) return res.json({ orderId: null, reason: 'cart is empty' });

  const orderId = randomUUID();
  span?.setAttribute('app.order.id', orderId);
  const items = cart.items.map(({ productId, quantity }) => ({ productId, quantity }));
  const reservation = await call('inventory', 'POST', '/reservations', { orderId, items });
  const quote = await call('shipping', 'POST', '/quotes', { user, items });
  const amountCents = cart.totalCents + quote.costCents;
  span?.setAttribute('app.order.amount_cents', amountCents);
  const payment = await call('payment', 'POST', '/payments', { orderId, user, amountCents });
  const messageId = await publish('orders', { orderId, user, items, amountCents, paymentId: payment.paymentId }, { 'app.order.id': orderId });
  await call('cart', 'DELETE', `/carts/${encodeURIComponent(user)}`);
  logger.info({ orderId, amountCents }, 'order placed');
  res.json({ orderId, amountCents, paymentId: payment.paymentId, reservationIds: reservation.reservationIds, deliveryDays: quote.days, messageId });
}));

listen(app);
