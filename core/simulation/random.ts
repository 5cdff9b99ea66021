/**
 * Seeded randomness for the simulator and the estimator's Monte Carlo forecast. Hand-written and
 * tiny on purpose: the same seed must give the same day on every machine and Node version.
 */

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/** mulberry32: a 32-bit state generator, fast and good enough for simulation (not for secrets). */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over the parts: derives independent, reproducible seeds ("stream 3 of seed 7"). */
export function hashSeed(...parts: Array<number | string>): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = typeof part === 'number' ? part.toString(36) : part;
    for (let i = 0; i < text.length; i += 1) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x2c;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function exponential(random: Random, mean: number): number {
  return -Math.log(1 - random()) * mean;
}

/** Standard normal by Box-Muller (one of the pair; simplicity over speed). */
function standardNormal(random: Random): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Lognormal with the given mean and coefficient of variation (sd / mean). */
export function lognormal(random: Random, mean: number, cv: number): number {
  if (cv <= 0) return mean;
  const sigma2 = Math.log(1 + cv * cv);
  const mu = Math.log(mean) - sigma2 / 2;
  return Math.exp(mu + Math.sqrt(sigma2) * standardNormal(random));
}

/** Arrival times of a Poisson process of `perMin` on [from, to), in minutes. */
export function poissonProcess(random: Random, perMin: number, from: number, to: number): number[] {
  const times: number[] = [];
  if (perMin <= 0) return times;
  let t = from + exponential(random, 1 / perMin);
  while (t < to) {
    times.push(t);
    t += exponential(random, 1 / perMin);
  }
  return times;
}
