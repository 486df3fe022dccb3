// shipping: quotes and shipments.
//   POST /quotes      {user, items} → {costCents, days}   (checkout, before payment)
//   POST /shipments   {orderId, user, items} → {shipmentId, carrier}   (notifier, from the queue)
import { createApp, listen, route, settings, tracer } from './lib/service.js';
import { seededRandom, sleep } from './lib/random.js';

const random = seededRandom(settings.seed + 5);
const carriers = ['parcelfast', 'postal', 'greenfreight'];
let shipments = 0;
const app = createApp();

app.post('/quotes', route('POST /quotes', async (req, res) => {
  const items = req.body?.items ?? [];
  const units = items.reduce((n, i) => n + i.quantity, 0);
  // Rating takes a moment: a few carriers are compared.
  const quote = await tracer.startActiveSpan('rate carriers', async (span) => {
    await sleep(3 + random() * 8);
    const costCents = 499 + units * 150;
    span.setAttribute('app.shipping.carriers', carriers.length);
    span.end();
    return { costCents, days: 2 + (units % 4) };
  });
  res.json(quote);
}));

app.post('/shipments', route('POST /shipments', async (req, res, span) => {
  const { orderId } = req.body ?? {};
  span?.setAttribute('app.order.id', String(orderId));
  await sleep(2 + random() * 6);
  shipments++;
  res.json({ shipmentId: `shp-${shipments}`, carrier: carriers[shipments % carriers.length] });
}));

listen(app);
