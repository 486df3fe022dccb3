// inventory: the product catalog and stock, in SQLite (database "catalog").
//   GET  /products?page=N     a page of products with their stock
//   GET  /products/:id        one product
//   POST /reservations        {items: [{productId, quantity}]} takes stock for an order
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { TracedDatabase } from './lib/db.js';
import { createApp, listen, onShutdown, route, settings } from './lib/service.js';
import { seededRandom } from './lib/random.js';

const PRODUCT_COUNT = Number(process.env.DEMO_PRODUCT_COUNT ?? 40);
const PAGE_SIZE = 12;
const RESTOCK = 500;

const path = join(settings.dataDir, 'inventory.sqlite');
for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
const db = new TracedDatabase(path, 'catalog');

const adjectives = ['Classic', 'Organic', 'Ultralight', 'Vintage', 'Smart', 'Handmade', 'Compact', 'Deluxe'];
const nouns = ['Coffee Beans', 'Backpack', 'Headphones', 'Teapot', 'Desk Lamp', 'Notebook', 'Water Bottle', 'Sneakers', 'Umbrella', 'Wool Socks'];
const categories = ['kitchen', 'outdoor', 'electronics', 'office', 'apparel'];

db.setup((raw) => {
  raw.exec(`
    CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL, price_cents INTEGER NOT NULL);
    CREATE TABLE stock (product_id INTEGER PRIMARY KEY REFERENCES products(id), quantity INTEGER NOT NULL, updated_at INTEGER NOT NULL);
    CREATE TABLE reservations (id INTEGER PRIMARY KEY AUTOINCREMENT, product_id INTEGER NOT NULL, quantity INTEGER NOT NULL, created_at INTEGER NOT NULL);
    CREATE INDEX products_category ON products(category);
  `);
  const random = seededRandom(settings.seed);
  const product = raw.prepare('INSERT INTO products (id, name, category, price_cents) VALUES (?, ?, ?, ?)');
  const stock = raw.prepare('INSERT INTO stock (product_id, quantity, updated_at) VALUES (?, ?, ?)');
  for (let id = 1; id <= PRODUCT_COUNT; id++) {
    const name = `${adjectives[(id * 7) % adjectives.length]} ${nouns[id % nouns.length]}`;
    product.run(id, name, categories[id % categories.length], 299 + Math.floor(random() * 20000));
    stock.run(id, 20 + Math.floor(random() * 200), Date.now());
  }
});
onShutdown(async () => db.close());

const app = createApp();

app.get('/products', route('GET /products', async (req, res, span) => {
  const page = Math.max(0, Number(req.query.page ?? 0) | 0);
  span?.setAttribute('app.page', page);
  const rows = await db.all(
    `SELECT p.id, p.name, p.category, p.price_cents, s.quantity FROM products p JOIN stock s ON s.product_id = p.id ORDER BY p.id LIMIT ? OFFSET ?`,
    [PAGE_SIZE, (page * PAGE_SIZE) % PRODUCT_COUNT],
    { operation: 'SELECT', table: 'products' },
  );
  res.json({ products: rows.map(toProduct) });
}));

app.get('/products/:id', route('GET /products/:id', async (req, res, span) => {
  const id = Number(req.params.id);
  span?.setAttribute('app.product.id', id);
  const row = await db.get(
    `SELECT p.id, p.name, p.category, p.price_cents, s.quantity FROM products p JOIN stock s ON s.product_id = p.id WHERE p.id = ?`,
    [id],
    { operation: 'SELECT', table: 'products' },
  );
  if (!row) return res.status(404).json({ error: `no product ${req.params.id}` });
  res.json(toProduct(row));
}));

app.post('/reservations', route('POST /reservations', async (req, res, span) => {
  const items = Array.isArray(req.body?.items) ? req.body.items : [];
  span?.setAttribute('app.items', items.length);
  const ids = [];
  for (const { productId, quantity } of items) {
    // One statement takes the stock or takes nothing; an empty shelf is restocked (the demo
    // never runs out, so errors come only from injected faults).
    let taken = await db.run(
      'UPDATE stock SET quantity = quantity - ?, updated_at = ? WHERE product_id = ? AND quantity >= ?',
      [quantity, Date.now(), productId, quantity],
      { operation: 'UPDATE', table: 'stock' },
    );
    if (taken.changes === 0) {
      await db.run('UPDATE stock SET quantity = quantity + ?, updated_at = ? WHERE product_id = ?', [RESTOCK, Date.now(), productId], { operation: 'UPDATE', table: 'stock' });
      taken = await db.run(
        'UPDATE stock SET quantity = quantity - ?, updated_at = ? WHERE product_id = ? AND quantity >= ?',
        [quantity, Date.now(), productId, quantity],
        { operation: 'UPDATE', table: 'stock' },
      );
    }
    const inserted = await db.run('INSERT INTO reservations (product_id, quantity, created_at) VALUES (?, ?, ?)', [productId, quantity, Date.now()], { operation: 'INSERT', table: 'reservations' });
    ids.push(Number(inserted.lastInsertRowid));
  }
  res.json({ reservationIds: ids });
}));

function toProduct(row) {
  return { id: row.id, name: row.name, category: row.category, priceCents: row.price_cents, inStock: row.quantity };
}

listen(app);
