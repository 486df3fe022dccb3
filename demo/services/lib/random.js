// Seeded randomness for the services (twin of demo/random.ts): each service draws from
// its own stream, seeded from the demo's seed and the service's name.

export function seededRandom(seed) {
  let a = hashSeed(seed);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashSeed(seed) {
  let h = Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

export function seedFor(seed, name) {
  let h = seed | 0;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h;
}

/** Standard normal, Box-Muller. */
export function normal(random) {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Log-normal with the given median (ms) and sigma. */
export function lognormal(random, median, sigma) {
  return median * Math.exp(sigma * normal(random));
}

/** Pareto with minimum `scale` and shape `alpha` (heavier tail as alpha falls). */
export function pareto(random, scale, alpha) {
  return scale / Math.pow(1 - random(), 1 / alpha);
}

/**
 * Waits at least `ms` by the monotonic clock. (A bare setTimeout can fire early: libuv
 * counts from the loop's cached time, stale by however long the current turn has run.)
 */
export async function sleep(ms) {
  const end = performance.now() + ms;
  for (let left = ms; left > 0; left = end - performance.now()) {
    await new Promise((resolve) => setTimeout(resolve, Math.ceil(left)));
  }
}
