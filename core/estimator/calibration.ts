import { roundPostedWait } from './rounding.ts';

/**
 * Choosing the posted wait from the forecast distribution, and keeping the promise rate at target.
 *
 * A posted wait P trades padding (minutes promised beyond the actual wait) against broken
 * promises. For each candidate P on the grid people are shown (whole minutes below 10, then 10,
 * 15, 20 ...), over the forecast paths W:
 *
 *   P* = argmin_P  weight(P) x E[max(0, P - W)] + price x P(W > P)
 *
 * with weight(P) = min(1, P / 10) (see paddingWeight)
 * so P* is a quantile of the distribution whose level follows from one number, `price`: the
 * minutes of padding one broken promise is worth. (At the optimum F(P) / f(P) = price: a narrow
 * distribution is padded to a high quantile because that is cheap, a wide one to a lower
 * quantile; five-minute steps make padding dearer, so long waits are padded less.) The price
 * adapts online, Robbins-Monro in log space, so the share of promises kept settles at the target:
 *
 *   log price += learningRate x (target + margin - kept)          kept = 1 if actual <= posted
 *
 * For posted waits of 10 minutes and more the price is discounted (longDiscount) by a second
 * controller that watches padding there, so the promises the target allows to break are broken
 * where padding costs people most rather than on short waits.
 */

export interface Calibration {
  /** Minutes of padding one broken promise is worth. */
  price: number;
  /**
   * Discount (0..1] on that price for posted waits of 10 minutes and more, where padding costs
   * people most: it falls while the served customers posted >= 10 minutes waited less than
   * `paddingTarget` x posted in total, and recovers when they did not. Promises broken by the
   * discount push the price up, so they move to where keeping them is cheap.
   */
  longDiscount: number;
  checked: number;
  kept: number;
}

export interface CalibrationConfig {
  target: number;
  /**
   * Aim this far above the target: promises are checked only once kept or broken, a wait later,
   * so the controller runs behind; a small margin keeps the day's share at or above the target.
   */
  margin: number;
  learningRate: number;
  minPrice: number;
  maxPrice: number;
  /** Wanted total actual / total posted over posted waits >= 10 minutes. */
  paddingTarget: number;
  paddingLearningRate: number;
}

export function initialCalibration(price: number, longDiscount = 1): Calibration {
  return { price, longDiscount, checked: 0, kept: 0 };
}

/** Learns from one served customer: the wait they were posted and the wait they had. */
export function updatePrice(calibration: Calibration, observation: { postedMin: number; actualMin: number }, cfg: CalibrationConfig): Calibration {
  const kept = observation.actualMin <= observation.postedMin + KEPT_SLACK_MIN;
  const price = Math.exp(Math.log(calibration.price) + cfg.learningRate * (cfg.target + cfg.margin - (kept ? 1 : 0)));
  let longDiscount = calibration.longDiscount;
  const checked = calibration.checked + 1;
  const keptSoFar = (calibration.kept + (kept ? 1 : 0)) / checked;
  if (calibration.price >= cfg.maxPrice / 2 && keptSoFar < cfg.target) {
    // Promises come first: when even the top price cannot keep the day's share at target, the
    // short waits cannot make up for the long ones any more: stop discounting.
    longDiscount = Math.min(1, longDiscount * Math.exp(cfg.paddingLearningRate * 0.1));
  } else if (observation.postedMin >= 10) {
    const ratio = observation.actualMin / observation.postedMin;
    longDiscount = Math.min(1, Math.max(0.02, Math.exp(Math.log(longDiscount) + cfg.paddingLearningRate * (ratio - cfg.paddingTarget))));
  }
  return {
    price: Math.min(cfg.maxPrice, Math.max(cfg.minPrice, price)),
    longDiscount,
    checked,
    kept: calibration.kept + (kept ? 1 : 0),
  };
}

/** Waits up to a second over the posted minute still count as kept (clock granularity). */
export const KEPT_SLACK_MIN = 1 / 60;

/**
 * What a minute of padding costs at posted wait P. People decide whether to stay on the number
 * they see: a few minutes more on a short wait changes nobody's mind, on a wait of 10 minutes and
 * more it does (the spec's "where padding costs people most"). So the weight grows to 1 by 10.
 */
export function paddingWeight(postedMin: number): number {
  return Math.min(1, Math.max(0.1, postedMin / 10));
}

/** The grid of values people are shown, up to and including the first value >= max. */
export function postedGrid(maxMin: number): number[] {
  const grid: number[] = [];
  for (let p = 0; ; p = p < 10 ? p + 1 : p + 5) {
    grid.push(p);
    if (p >= maxMin) break;
  }
  return grid;
}

/**
 * The posted wait for a sorted sample of waits: null when more than half of the paths never get
 * called (no counter can serve it), else the cost-minimising grid value. `hazardPerMin` tilts the
 * paths toward the customers who stay: someone who would wait w is still there to be served with
 * probability exp(-hazard x w), and promises are only ever checked for those who were served.
 */
export function choosePosted(sorted: Float64Array, calibration: Pick<Calibration, 'price' | 'longDiscount'>, hazardPerMin = 0): { postedMin: number | null; level: number } {
  const n = sorted.length;
  if (n === 0) return { postedMin: null, level: 0 };
  let finite = n;
  while (finite > 0 && !Number.isFinite(sorted[finite - 1]!)) finite -= 1;
  if (finite < n / 2) return { postedMin: null, level: 0 };
  const weights = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < finite; k += 1) total += weights[k] = Math.exp(-hazardPerMin * sorted[k]!);
  // never-called paths count as broken promises with the weight of the longest finite wait
  const tail = (n - finite) * (finite ? weights[finite - 1]! : 1);
  total += tail;
  const grid = postedGrid(roundPostedWait(sorted[finite - 1]!));
  let best = grid[grid.length - 1]!;
  let bestCost = Infinity;
  let bestLevel = 1 - tail / total;
  let i = 0;
  let weightBelow = 0;
  let weightedSumBelow = 0;
  for (const p of grid) {
    while (i < finite && sorted[i]! <= p + KEPT_SLACK_MIN) {
      weightBelow += weights[i]!;
      weightedSumBelow += weights[i]! * sorted[i]!;
      i += 1;
    }
    const level = weightBelow / total;
    const padding = Math.max(0, p * weightBelow - weightedSumBelow) / total;
    const price = p >= 10 ? calibration.price * calibration.longDiscount : calibration.price;
    const cost = paddingWeight(p) * padding + price * (1 - level);
    if (cost < bestCost - 1e-12) {
      bestCost = cost;
      best = p;
      bestLevel = level;
    }
  }
  return { postedMin: best, level: bestLevel };
}

/** The q-quantile of sorted waits weighted by exp(-hazard x w) (see choosePosted). */
export function tiltedQuantile(sorted: Float64Array, q: number, hazardPerMin = 0): number {
  if (sorted.length === 0) return Infinity;
  let total = 0;
  for (const w of sorted) total += Number.isFinite(w) ? Math.exp(-hazardPerMin * w) : 0;
  if (total === 0) return Infinity;
  let acc = 0;
  for (const w of sorted) {
    if (!Number.isFinite(w)) return Infinity;
    acc += Math.exp(-hazardPerMin * w);
    if (acc >= q * total - 1e-12) return w;
  }
  return sorted[sorted.length - 1]!;
}
