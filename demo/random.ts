// A small seeded generator (mulberry32), so the load generator's plan is the same for the
// same seed on every machine. (demo/services/lib/random.js is its twin for the services.)

export type Random = () => number;

export function seededRandom(seed: number): Random {
  let a = hashSeed(seed);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashSeed(seed: number): number {
  // Spread small seeds (1, 2, 3) over the whole state space.
  let h = Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** Exponentially distributed with mean 1 (inter-arrival gaps of a Poisson process). */
export function exponential(random: Random): number {
  return -Math.log(1 - random());
}

/** An index from 0..weights.length-1, drawn with the given weights. */
export function weighted(random: Random, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let x = random() * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i];
    if (x < 0) return i;
  }
  return weights.length - 1;
}
