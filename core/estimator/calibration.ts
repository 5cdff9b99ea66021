import { GRID_STEP_MIN, LONG_WAIT_MIN, roundPostedWait } from './rounding.ts';

/** Slack for sums of path weights, which drift in the last bits: a tie stays a tie. */
const WEIGHT_TOLERANCE = 1e-12;

/**
 * Choosing the posted wait from the forecast distribution, and keeping the promise rate at target.
 *
 * People are shown a grid of values (whole minutes below 10, then 10, 15, 20 ...). For each
 * candidate P on it, over the forecast paths (weighted toward the customers who stay, see
 * postingCandidates), let F(P) be the share called within P and m the mean wait. The posted wait is
 *
 *   P* = argmax_P  F(P) - padding x P + weight x [P >= 10] x (m - ratio x P)     with F(P) >= minLevel
 *
 * - F(P): the promise is kept. Never below minLevel (0.3): a long wait may be posted a little
 *   under its median when promises are to spare, which the 5-minute grid otherwise forbids (a
 *   median of 11 would have to be posted 15).
 * - padding x P: every minute posted costs a little (1% of a kept promise per minute by default),
 *   so short waits go to a high quantile, where keeping a promise is cheap, and no higher.
 * - weight x (m - ratio x P): the Lagrange term of "over the posted waits of 10 minutes and more,
 *   total actual >= ratio x total posted" (0.8 plus ratioMargin), the waits where padding costs
 *   people most. A wait is posted at 10 only when its mean is near 8.5 minutes or more (else 9
 *   keeps nearly as many promises and promises less).
 *
 * `weight` follows two budgets, over the served customers (recency-weighted) plus the promises
 * still pending for customers in line, as the forecast now expects them to turn out
 * (pendingPromises in estimate.ts):
 *
 *   promises = kept - (target + margin) x checked           (promises that may still be broken)
 *   minutes  = long actual - (0.8 + ratioMargin) x long posted   (over posted waits >= 10)
 *   weight   = weight0 x exp(promises / budgetScale - minutes / ratioBudgetScaleMin)
 *
 * clipped to [minWeight, maxWeight]. With promises to spare, or long waits that were padded, long
 * waits are posted near their median; with promises owed, or long waits that ran true, they move
 * to higher quantiles. The two targets pull against each other only on days where no posting meets
 * both. The weight is a function of the budgets, not an integrator, so it cannot wind up and
 * overshoot. Counting pending promises as expected, not only once checked a wait later, keeps the
 * weight nearly constant through a run of long waits: the Lagrange weight of this trade-off is
 * best held constant, and a weight that swung with outcomes as they came in kept fewer promises
 * at more padding than a fixed one on the same day. The margins absorb what the forecast misses.
 */

export interface Calibration {
  /** Served promises checked, each discounted by `decay` per later one (a day weighs most). */
  checked: number;
  /** Of those, kept (same weighting). */
  kept: number;
  /** Over served promises of 10 minutes and more (same weighting): total actual and posted minutes. */
  longActualMin: number;
  longPostedMin: number;
}

export interface CalibrationConfig {
  /** Share of promises to keep. */
  target: number;
  /** Aim this far above the target (promises are checked a wait after they are made). */
  margin: number;
  /** Forgetting per promise checked, so yesterday's budget does not carry today. */
  decay: number;
  /** Cost of one posted minute, in kept promises. */
  paddingPerMin: number;
  /** Least share of paddingPerMin a posted minute costs while promises are owed (see postingPolicy). */
  minPaddingShare: number;
  /** Wanted total actual / total posted over posted waits of 10 minutes and more. */
  longWaitRatio: number;
  /** Weight of the long-wait term with no promises to spare or owed. */
  longWaitWeight: number;
  /** Promises of budget that multiply the weight by e. */
  budgetScale: number;
  /** Aim this far above longWaitRatio (long waits are checked a wait after they are posted). */
  ratioMargin: number;
  /** Minutes of long-wait budget (actual - ratio x posted) that divide the weight by e. */
  ratioBudgetScaleMin: number;
  /** Bounds of the long-wait weight, so neither budget can switch the other target off. */
  minWeight: number;
  maxWeight: number;
  /** Lowest share of paths a posted wait may cover (1/2: at least the median). */
  minLevel: number;
}

/** What pickPosted needs: the config's constants and the weight the budget gives now. */
export interface PostingPolicy {
  paddingPerMin: number;
  longWaitRatio: number;
  longWaitWeight: number;
  minLevel: number;
}

export function initialCalibration(): Calibration {
  return { checked: 0, kept: 0, longActualMin: 0, longPostedMin: 0 };
}

/** Waits up to a second over the posted minute still count as kept (clock granularity). */
export const KEPT_SLACK_MIN = 1 / 60;

/** Learns from one served customer: the wait they were posted and the wait they had. */
export function updateCalibration(
  calibration: Calibration,
  observation: { postedMin: number; actualMin: number },
  cfg: Pick<CalibrationConfig, 'decay'>,
): Calibration {
  const kept = observation.actualMin <= observation.postedMin + KEPT_SLACK_MIN;
  const keep = 1 - cfg.decay;
  const long = observation.postedMin >= LONG_WAIT_MIN;
  return {
    checked: calibration.checked * keep + 1,
    kept: calibration.kept * keep + (kept ? 1 : 0),
    longActualMin: calibration.longActualMin * keep + (long ? observation.actualMin : 0),
    longPostedMin: calibration.longPostedMin * keep + (long ? observation.postedMin : 0),
  };
}

/**
 * Promises that may still be broken while the share kept stays at target + margin: from the
 * served customers, plus (`pending`) the promises made to customers still in line, as expected
 * (pendingPromises in estimate.ts).
 */
export function promiseBudget(
  calibration: Calibration,
  cfg: Pick<CalibrationConfig, 'target' | 'margin'>,
  pending: Pick<Calibration, 'checked' | 'kept'> = initialCalibration(),
): number {
  return calibration.kept + pending.kept - (cfg.target + cfg.margin) * (calibration.checked + pending.checked);
}

/**
 * Minutes by which the long waits had (or, `pending`, are expected to have) more actual wait than
 * the ratio asks of what was posted: positive when posted long waits run true, negative when they
 * were padded.
 */
export function longWaitBudgetMin(
  calibration: Calibration,
  cfg: Pick<CalibrationConfig, 'longWaitRatio' | 'ratioMargin'>,
  pending: Pick<Calibration, 'longActualMin' | 'longPostedMin'> = initialCalibration(),
): number {
  return (
    calibration.longActualMin +
    pending.longActualMin -
    (cfg.longWaitRatio + cfg.ratioMargin) * (calibration.longPostedMin + pending.longPostedMin)
  );
}

export function postingPolicy(
  calibration: Calibration,
  cfg: CalibrationConfig,
  pending: Calibration = initialCalibration(),
): PostingPolicy {
  const promises = promiseBudget(calibration, cfg, pending) / cfg.budgetScale;
  const padding = longWaitBudgetMin(calibration, cfg, pending) / cfg.ratioBudgetScaleMin;
  const weight = cfg.longWaitWeight * Math.exp(promises - padding);
  // With promises owed, a posted minute costs less too: on wide distributions (long services,
  // priority customers overtaking) the padding cost alone held the posted quantile under target.
  const paddingShare = Math.min(1, Math.max(cfg.minPaddingShare, Math.exp(promises)));
  return {
    paddingPerMin: cfg.paddingPerMin * paddingShare,
    longWaitRatio: cfg.longWaitRatio + cfg.ratioMargin,
    longWaitWeight: Math.min(cfg.maxWeight, Math.max(cfg.minWeight, weight)),
    minLevel: cfg.minLevel,
  };
}

/** The grid of values people are shown, up to and including the first value >= max. */
export function postedGrid(maxMin: number): number[] {
  const grid: number[] = [];
  for (let p = 0; ; p = p < LONG_WAIT_MIN ? p + 1 : p + GRID_STEP_MIN) {
    grid.push(p);
    if (p >= maxMin) break;
  }
  return grid;
}

/**
 * What a sorted sample of waits can be posted at: each grid value up to the first that covers
 * every path, with the share of paths called within it, and the mean wait. Null when more than half
 * of the paths never get called (no counter can serve it). `hazardPerMin` tilts the paths toward
 * the customers who stay: someone who would wait w is still there to be served with probability
 * exp(-hazard x w), and promises are only ever checked for those who were served. Paths that are
 * never called count as broken promises, with the weight of the longest finite wait.
 */
export interface PostingCandidates {
  postedMin: number[];
  level: number[];
  meanMin: number;
  /** The grid's top and its level: posted when no value reaches the policy's minLevel. */
  top: { postedMin: number; level: number };
}

export function postingCandidates(sorted: Float64Array, hazardPerMin = 0): PostingCandidates | null {
  const n = sorted.length;
  if (n === 0) return null;
  let finite = n;
  while (finite > 0 && !Number.isFinite(sorted[finite - 1]!)) finite -= 1;
  if (finite < n / 2) return null;
  const weights = new Float64Array(finite);
  let total = 0;
  let weightedSum = 0;
  for (let k = 0; k < finite; k += 1) {
    total += weights[k] = Math.exp(-hazardPerMin * sorted[k]!);
    weightedSum += weights[k]! * sorted[k]!;
  }
  const longest = sorted[finite - 1]!;
  const tail = (n - finite) * weights[finite - 1]!;
  const meanMin = (weightedSum + tail * longest) / (total + tail);
  total += tail;
  const grid = postedGrid(roundPostedWait(longest));
  const out: PostingCandidates = {
    postedMin: [],
    level: [],
    meanMin,
    top: { postedMin: grid[grid.length - 1]!, level: 1 - tail / total },
  };
  let i = 0;
  let below = 0;
  for (const p of grid) {
    while (i < finite && sorted[i]! <= p + KEPT_SLACK_MIN) below += weights[i++]!;
    out.postedMin.push(p);
    out.level.push(below / total);
    if (i >= finite) break; // every path is within p: a higher value only pads
  }
  return out;
}

/** The candidate chosen by the policy (see the top of this file); none when no counter can serve it. */
export function pickPosted(
  candidates: PostingCandidates | null,
  policy: PostingPolicy,
): { postedMin: number | null; level: number } {
  if (!candidates) return { postedMin: null, level: 0 };
  let best = candidates.top.postedMin;
  let bestLevel = candidates.top.level;
  let bestScore = -Infinity;
  for (let k = 0; k < candidates.postedMin.length; k += 1) {
    const p = candidates.postedMin[k]!;
    const level = candidates.level[k]!;
    if (level < policy.minLevel - WEIGHT_TOLERANCE) continue;
    const long = p >= LONG_WAIT_MIN ? policy.longWaitWeight * (candidates.meanMin - policy.longWaitRatio * p) : 0;
    const score = level - policy.paddingPerMin * p + long;
    if (score > bestScore + WEIGHT_TOLERANCE) {
      bestScore = score;
      best = p;
      bestLevel = level;
    }
  }
  return { postedMin: best, level: bestLevel };
}

/** The q-quantile of sorted waits weighted by exp(-hazard x w) (see postingCandidates). */
export function tiltedQuantile(sorted: Float64Array, q: number, hazardPerMin = 0): number {
  if (sorted.length === 0) return Infinity;
  let total = 0;
  for (const w of sorted) total += Number.isFinite(w) ? Math.exp(-hazardPerMin * w) : 0;
  if (total === 0) return Infinity;
  let acc = 0;
  for (const w of sorted) {
    if (!Number.isFinite(w)) return Infinity;
    acc += Math.exp(-hazardPerMin * w);
    if (acc >= q * total - WEIGHT_TOLERANCE) return w;
  }
  return sorted[sorted.length - 1]!;
}
