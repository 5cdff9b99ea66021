import { KEPT_SLACK_MIN, pickPosted, type PostingPolicy } from '../estimator/calibration.ts';
import { DEFAULT_ESTIMATOR_CONFIG, type EstimatorConfig } from '../estimator/state.ts';
import { LONG_WAIT_MIN } from '../estimator/rounding.ts';
import type { ServedRecord } from './metrics.ts';
import { ISSUE_TARGETS } from './targets.ts';

/**
 * The promise frontier: the most promises any posting of calibration.ts's form could have kept on
 * these customers while total actual / total posted over long waits stays at `minRatio`. Each
 * customer's forecast at the join is posted again with one long-wait weight and one padding for
 * everyone, the pair picked knowing how the days turned out, so no adaptive weight does better on
 * average. Read on the oracle's forecasts (the true parameters; their quantiles are calibrated),
 * it says whether a scenario's two targets can be met together from what the queue knows at a join
 * at all, or only by knowing the future (docs/queues.md).
 */

export interface FrontierPoint {
  promiseKept: number;
  actualOverPosted: number | null;
  longWaitWeight: number;
  paddingPerMin: number;
}

/** Long-wait weights tried: none, then 10^-4 ... 5 in steps of 10^0.05. */
const WEIGHTS = [0, ...Array.from({ length: 95 }, (_, k) => 10 ** (-4 + k * 0.05))];
/**
 * Paddings tried, as shares of the policy's (which lowers it to a quarter while promises are owed),
 * and none: short waits then go to the top of their forecast, the most a short promise can keep.
 */
const PADDING_SHARES = [1, 0.5, 0.25, 0];

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Kept share, and actual/posted over the long waits (longN of them), if every customer were posted with `policy`. */
function scoreWith(
  records: readonly ServedRecord[],
  policy: PostingPolicy,
): Omit<FrontierPoint, 'longWaitWeight' | 'paddingPerMin'> & { longN: number } {
  let kept = 0;
  let actualLong = 0;
  let postedLong = 0;
  let longN = 0;
  for (const r of records) {
    const posted = r.ours.candidates ? pickPosted(r.ours.candidates, policy).postedMin : r.ours.postedMin;
    if (posted === null) continue;
    if (r.actualMin <= posted + KEPT_SLACK_MIN) kept += 1;
    if (posted >= LONG_WAIT_MIN) {
      actualLong += r.actualMin;
      postedLong += posted;
      longN += 1;
    }
  }
  return {
    promiseKept: records.length ? kept / records.length : 1,
    actualOverPosted: postedLong > 0 ? actualLong / postedLong : null,
    longN,
  };
}

/**
 * The best point, or null when no weight brings the long waits to `minRatio`; `estimator` as the
 * run's. The ratio binds only from `minLongPosts` long waits on (real logs: ratioJudgedFrom).
 */
export function promiseFrontier(
  records: readonly ServedRecord[],
  estimator: Partial<EstimatorConfig> = {},
  { minRatio = ISSUE_TARGETS.actualOverPosted, minLongPosts = 1 } = {},
): FrontierPoint | null {
  const cfg = { ...DEFAULT_ESTIMATOR_CONFIG, ...estimator };
  const longWaitRatio = cfg.longWaitRatio + cfg.ratioMargin;
  let best: FrontierPoint | null = null;
  for (const share of PADDING_SHARES)
    for (const longWaitWeight of WEIGHTS) {
      const paddingPerMin = cfg.paddingPerMin * share;
      const { longN, ...point } = scoreWith(records, {
        paddingPerMin,
        longWaitRatio,
        longWaitWeight,
        minLevel: cfg.minLevel,
      });
      if (longN >= minLongPosts && point.actualOverPosted !== null && point.actualOverPosted < minRatio) continue;
      if (best === null || point.promiseKept > best.promiseKept) best = { ...point, longWaitWeight, paddingPerMin };
    }
  return (
    best && {
      ...best,
      promiseKept: round(best.promiseKept),
      actualOverPosted: best.actualOverPosted === null ? null : round(best.actualOverPosted),
    }
  );
}
