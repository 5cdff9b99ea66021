import { pickPosted, type PostingPolicy } from '../estimator/calibration.ts';
import { DEFAULT_ESTIMATOR_CONFIG, type EstimatorConfig } from '../estimator/state.ts';
import { scoreMethod, type Posted, type ServedRecord } from './metrics.ts';
import { ISSUE_TARGETS } from './targets.ts';

/**
 * The promise frontier: the most promises any posting of calibration.ts's form could have kept on
 * these customers while total actual / total posted over long waits stays at `minRatio`. Each
 * customer's forecast at the join is posted again with one long-wait weight and one padding for
 * everyone, the pair picked knowing how the days turned out: optimistic, and for calibrated
 * forecasts one weight for all is the best rule (the Lagrange solution of "keep the most promises
 * at a pooled ratio"). Read on the oracle's forecasts (the true parameters, calibrated),
 * it says whether a scenario's two targets can be met together from what the queue knows at a join
 * at all, or only by knowing the future (docs/queues.md).
 */

export interface FrontierPoint {
  promiseKept: number;
  actualOverPosted: number | null;
  longWaitWeight: number;
  paddingPerMin: number;
}

/** Long-wait weights tried first: none, then 0.001 ... 5 in steps of 10^0.1. */
const WEIGHTS = [0, ...Array.from({ length: 38 }, (_, k) => 10 ** (-3 + k * 0.1))];
/** Then around the best of those, steps of 10^0.025: the edge of the ratio is narrow (a scenario's kept moves 0.01). */
const REFINE = [-0.075, -0.05, -0.025, 0.025, 0.05, 0.075].map((d) => 10 ** d);
/**
 * Paddings tried, as shares of the policy's (which lowers it to a quarter while promises are owed),
 * and none: short waits then go to the top of their forecast, the most a short promise can keep.
 */
const PADDING_SHARES = [1, 0.5, 0.25, 0];

/** Every customer posted again with `policy`; a record without candidates keeps what it was posted. */
const postedWith =
  (policy: PostingPolicy) =>
  (r: ServedRecord): Posted => ({
    postedMin: r.ours.candidates ? pickPosted(r.ours.candidates, policy).postedMin : r.ours.postedMin,
    pointMin: r.ours.pointMin,
  });

/**
 * The best point, or null when no weight brings the long waits to `minRatio`; `estimator` as the
 * run's. The ratio binds only from `minLongPosts` long waits on (real logs: RATIO_JUDGED_FROM_N).
 */
export function promiseFrontier(
  records: readonly ServedRecord[],
  estimator: Partial<EstimatorConfig> = {},
  { minRatio = ISSUE_TARGETS.actualOverPosted, minLongPosts = 1 } = {},
): FrontierPoint | null {
  const cfg = { ...DEFAULT_ESTIMATOR_CONFIG, ...estimator };
  const longWaitRatio = cfg.longWaitRatio + cfg.ratioMargin;
  const better = (a: FrontierPoint | null, b: FrontierPoint | null) =>
    b !== null && (a === null || b.promiseKept > a.promiseKept) ? b : a;
  let best: FrontierPoint | null = null;
  for (const share of PADDING_SHARES) {
    const paddingPerMin = cfg.paddingPerMin * share;
    // the point at one weight, or null when its long waits fall under the ratio
    const at = (longWaitWeight: number): FrontierPoint | null => {
      const policy = { paddingPerMin, longWaitRatio, longWaitWeight, minLevel: cfg.minLevel };
      const { promiseKept, actualOverPosted, actualOverPostedN } = scoreMethod(records, postedWith(policy));
      if (actualOverPostedN >= minLongPosts && actualOverPosted !== null && actualOverPosted < minRatio) return null;
      return { promiseKept, actualOverPosted, longWaitWeight, paddingPerMin };
    };
    const coarse = WEIGHTS.map(at).reduce(better, null);
    const fine = coarse && coarse.longWaitWeight > 0 ? REFINE.map((f) => at(coarse.longWaitWeight * f)) : [];
    best = [coarse, ...fine].reduce(better, best);
  }
  return best;
}
