/** Small, exact statistics for the analytics folds (no sampling, no approximation). */

export interface Moments {
  n: number;
  sum: number;
  sumSquares: number;
}

export const emptyMoments = (): Moments => ({ n: 0, sum: 0, sumSquares: 0 });

/** Adds `value` once, or `count` times (a pre-aggregated group of equal values). */
export function addValue(m: Moments, value: number, count = 1): Moments {
  return { n: m.n + count, sum: m.sum + count * value, sumSquares: m.sumSquares + count * value * value };
}

/** addValue in place, for folds over hundreds of thousands of moments into moments they own. */
export function addInto(m: Moments, value: number, count = 1): void {
  m.n += count;
  m.sum += count * value;
  m.sumSquares += count * value * value;
}

export function mergeMoments(a: Moments, b: Moments): Moments {
  return { n: a.n + b.n, sum: a.sum + b.sum, sumSquares: a.sumSquares + b.sumSquares };
}

export function mean(m: Moments): number | null {
  return m.n === 0 ? null : m.sum / m.n;
}

/** Sample variance (n - 1); null below two values. */
function variance(m: Moments): number | null {
  if (m.n < 2) return null;
  return Math.max(0, (m.sumSquares - (m.sum * m.sum) / m.n) / (m.n - 1));
}

/**
 * Welch's t statistic of a group against the rest of the venue (both means and variances from
 * the data); null when either side has fewer than two values or no spread at all.
 */
export function welchT(group: Moments, rest: Moments): number | null {
  const vg = variance(group);
  const vr = variance(rest);
  if (vg === null || vr === null) return null;
  const se = Math.sqrt(vg / group.n + vr / rest.n);
  if (se === 0) return null;
  return (mean(group)! - mean(rest)!) / se;
}
