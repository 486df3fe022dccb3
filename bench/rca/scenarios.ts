// The root-cause evaluation suite: faults injected into the demo shop (demo/), each with
// its ground truth (the services the faults were put in). Generated from a seed, so runs
// are comparable: the seed picks operations, magnitudes and the order of scenarios.
//
// Two splits: 'dev' scenarios may be looked at while changing the ranking; 'held-out'
// ones are only reported. (The ranking's thresholds were set on the synthetic traces of
// test/support/shop-traces.ts before any demo scenario ran.)
import { SERVICES, type ServiceName } from '../../demo/topology.ts';
import { seededRandom } from '../../demo/random.ts';

export type ScenarioType = 'latency' | 'heavy-tail latency' | 'errors' | 'slow query' | 'cascading timeout' | 'two faults';

export interface Scenario {
  name: string;
  type: ScenarioType;
  /** Fault specs as `skein demo --fault` takes them (without timing). */
  faults: string[];
  truth: ServiceName[];
  split: 'dev' | 'held-out';
}

/** Instrumented services a fault can be put in (the payment provider has no spans of its own to blame). */
const TARGETS = SERVICES.filter((s) => s.instrumented && s.faultable).map((s) => s.name);

export function scenarios(seed: number): Scenario[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const between = (lo: number, hi: number) => Math.round(lo + random() * (hi - lo));
  const list: Omit<Scenario, 'split'>[] = [];

  for (const service of TARGETS) {
    list.push({ name: `latency ${service}`, type: 'latency', faults: [`latency:service=${service},ms=${between(150, 400)}`], truth: [service] });
    list.push({ name: `errors ${service}`, type: 'errors', faults: [`error:service=${service},rate=${between(30, 80) / 100}`], truth: [service] });
  }
  // Latency in one operation only, the service's other operations healthy.
  for (const [service, operation] of [['inventory', 'POST /reservations'], ['cart', 'POST /carts/:user/items'], ['shipping', 'POST /quotes'], ['frontend', 'GET /api/products']] as const) {
    list.push({ name: `latency ${service} ${operation}`, type: 'latency', faults: [`latency:service=${service},operation=${operation},ms=${between(150, 400)}`], truth: [service] });
  }
  for (const service of ['inventory', 'cart', 'checkout', 'shipping'] as const) {
    const dist = pick(['lognormal', 'pareto']);
    const spec = dist === 'lognormal' ? `median=${between(100, 250)},sigma=0.8` : `ms=${between(80, 200)},alpha=1.5`;
    list.push({ name: `heavy-tail ${dist} ${service}`, type: 'heavy-tail latency', faults: [`latency:service=${service},dist=${dist},${spec}`], truth: [service] });
  }
  for (const operation of ['SELECT', 'UPDATE']) {
    list.push({ name: `slow query inventory ${operation}`, type: 'slow query', faults: [`slow-query:service=inventory,operation=${operation},ms=${between(150, 350)}`], truth: ['inventory'] });
  }
  for (const service of ['inventory', 'payment', 'shipping', 'cart'] as const) {
    list.push({ name: `cascading timeout ${service}`, type: 'cascading timeout', faults: [`timeout:service=${service},p=${between(40, 70) / 100}`], truth: [service] });
  }
  for (let i = 0; i < 4; i++) {
    const [a, b] = shuffle(TARGETS, random).slice(0, 2);
    list.push({
      name: `two faults ${a} latency + ${b} errors`,
      type: 'two faults',
      faults: [`latency:service=${a},ms=${between(150, 350)}`, `error:service=${b},rate=${between(30, 70) / 100}`],
      truth: [a, b],
    });
  }
  // A quarter, spread over the types, is the dev split.
  return shuffle(list, random).map((scenario, i) => ({ ...scenario, split: i % 4 === 0 ? 'dev' : 'held-out' }));
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}
