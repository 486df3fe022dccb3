// frontend: the shop's HTTP API, what the load generator (the shoppers) calls.
//   GET  /api/products?page=N          → inventory
//   GET  /api/products/:id             → inventory
//   GET  /api/cart?user=U              → cart
//   POST /api/cart/items {user, productId, quantity}  → inventory (price), cart
//   POST /api/checkout {user}          → checkout
// Every answer carries the request's trace id in `x-trace-id`.
import { call, createApp, listen, route } from './lib/service.js';

const app = createApp();

app.get('/api/products', route('GET /api/products', async (req, res) => {
  res.json(await call('inventory', 'GET', `/products?page=${Number(req.query.page ?? 0) | 0}`));
}));

app.get('/api/products/:id', route('GET /api/products/:id', async (req, res, span) => {
  span?.setAttribute('app.product.id', Number(req.params.id));
  res.json(await call('inventory', 'GET', `/products/${encodeURIComponent(req.params.id)}`));
}));

app.get('/api/cart', route('GET /api/cart', async (req, res, span) => {
  const user = String(req.query.user ?? '');
  span?.setAttribute('app.user.id', user);
  res.json(await call('cart', 'GET', `/carts/${encodeURIComponent(user)}`));
}));

app.post('/api/cart/items', route('POST /api/cart/items', async (req, res, span) => {
  const { user, productId, quantity = 1 } = req.body ?? {};
  span?.setAttribute('app.user.id', String(user));
  span?.setAttribute('app.product.id', productId);
  const product = await call('inventory', 'GET', `/products/${encodeURIComponent(productId)}`);
  res.json(await call('cart', 'POST', `/carts/${encodeURIComponent(user)}/items`, { productId, name: product.name, priceCents: product.priceCents, quantity }));
}));

app.post('/api/checkout', route('POST /api/checkout', async (req, res, span) => {
  const user = String(req.body?.user ?? '');
  span?.setAttribute('app.user.id', user);
  res.json(await call('checkout', 'POST', '/orders', { user }));
}));

listen(app);
