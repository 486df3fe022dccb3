// cart: shopping carts, in memory.
//   GET    /carts/:user               the cart
//   POST   /carts/:user/items         {productId, name, priceCents, quantity} adds an item
//   DELETE /carts/:user               empties the cart (after checkout)
import { createApp, listen, route } from './lib/service.js';

const carts = new Map();
const app = createApp();

app.get('/carts/:user', route('GET /carts/:user', async (req, res, span) => {
  span?.setAttribute('app.user.id', req.params.user);
  res.json(view(req.params.user));
}));

app.post('/carts/:user/items', route('POST /carts/:user/items', async (req, res, span) => {
  const { productId, name, priceCents, quantity = 1 } = req.body ?? {};
  span?.setAttribute('app.user.id', req.params.user);
  span?.setAttribute('app.product.id', productId);
  if (!Number.isInteger(productId) || !Number.isInteger(quantity) || quantity < 1) {
    return res.status(400).json({ error: 'productId and quantity must be positive integers' });
  }
  const items = carts.get(req.params.user) ?? [];
  const known = items.find((i) => i.productId === productId);
  if (known) known.quantity += quantity;
  else items.push({ productId, name, priceCents, quantity });
  carts.set(req.params.user, items);
  res.json(view(req.params.user));
}));

app.delete('/carts/:user', route('DELETE /carts/:user', async (req, res, span) => {
  span?.setAttribute('app.user.id', req.params.user);
  carts.delete(req.params.user);
  res.json(view(req.params.user));
}));

function view(user) {
  const items = carts.get(user) ?? [];
  return { user, items, totalCents: items.reduce((sum, i) => sum + i.priceCents * i.quantity, 0) };
}

listen(app);
