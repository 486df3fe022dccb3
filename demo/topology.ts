// The demo shop: which processes run, what they are called, which port (as an offset from
// the base port) each listens on, and the operations a fault can name.
//
//   load generator ─► frontend ─► cart
//                        │  └────► inventory ─► SQLite "catalog"
//                        └─► checkout ─► cart, inventory, shipping
//                               ├─► payment ─► payment-provider (uninstrumented)
//                               └─► order-queue (broker) ┄┄► notifier ─► shipping
//
// Instrumented services run as `node --import @skein/node/register services/<name>.js`;
// the payment provider and the queue broker run without the distro.

export type ServiceName =
  | 'frontend'
  | 'checkout'
  | 'cart'
  | 'payment'
  | 'inventory'
  | 'shipping'
  | 'notifier'
  | 'payment-provider'
  | 'order-queue';

export interface ServiceInfo {
  name: ServiceName;
  /** File under demo/services/. */
  file: string;
  /** service.version of the instrumented services. */
  version: string;
  /** Started with `--import @skein/node/register`. */
  instrumented: boolean;
  portOffset: number;
  /** Caller-side timeout of this service's own outgoing calls, ms. */
  timeoutMs: number;
  /** Operations that faults can target (span names of the service's server or consumer spans). */
  operations: string[];
  /** Accepts faults at all (the broker does not). */
  faultable: boolean;
  /** Has a database, so slow-query faults apply. */
  database?: string;
}

export const SERVICES: readonly ServiceInfo[] = [
  {
    name: 'frontend', file: 'frontend.js', version: '1.4.2', instrumented: true, portOffset: 0, timeoutMs: 5000, faultable: true,
    operations: ['GET /api/products', 'GET /api/products/:id', 'GET /api/cart', 'POST /api/cart/items', 'POST /api/checkout'],
  },
  {
    name: 'checkout', file: 'checkout.js', version: '2.1.0', instrumented: true, portOffset: 1, timeoutMs: 2000, faultable: true,
    operations: ['POST /orders'],
  },
  {
    name: 'cart', file: 'cart.js', version: '1.0.7', instrumented: true, portOffset: 2, timeoutMs: 1000, faultable: true,
    operations: ['GET /carts/:user', 'POST /carts/:user/items', 'DELETE /carts/:user'],
  },
  {
    name: 'payment', file: 'payment.js', version: '3.0.1', instrumented: true, portOffset: 3, timeoutMs: 1000, faultable: true,
    operations: ['POST /payments'],
  },
  {
    name: 'inventory', file: 'inventory.js', version: '1.2.0', instrumented: true, portOffset: 4, timeoutMs: 1000, faultable: true,
    operations: ['GET /products', 'GET /products/:id', 'POST /reservations'],
    database: 'catalog',
  },
  {
    name: 'shipping', file: 'shipping.js', version: '0.9.3', instrumented: true, portOffset: 5, timeoutMs: 1000, faultable: true,
    operations: ['POST /quotes', 'POST /shipments'],
  },
  {
    name: 'notifier', file: 'notifier.js', version: '1.1.0', instrumented: true, portOffset: 6, timeoutMs: 2000, faultable: true,
    operations: ['process orders'],
  },
  {
    name: 'payment-provider', file: 'payment-provider.js', version: '2024.11', instrumented: false, portOffset: 7, timeoutMs: 1000, faultable: true,
    operations: ['POST /v1/charges'],
  },
  {
    name: 'order-queue', file: 'queue.js', version: '1.0.0', instrumented: false, portOffset: 8, timeoutMs: 1000, faultable: false,
    operations: [],
  },
];

/** The control endpoint (faults, load rate, status) listens on basePort + this. */
export const CONTROL_PORT_OFFSET = 9;

export const DEFAULT_BASE_PORT = 8080;

export function serviceInfo(name: string): ServiceInfo | undefined {
  return SERVICES.find((s) => s.name === name);
}
