import type { FrontierPoint } from '../core/simulation/frontier.ts';
import type { PooledReport } from '../core/simulation/seeds.ts';
import { checkTargets } from '../core/simulation/targets.ts';

/**
 * One scenario over several days, pooled (core/simulation/seeds.ts), scored against the targets
 * (core/simulation/targets.ts, judged on all the days' customers together), for the estimator bench.
 */

export interface EstimatorJob {
  label: string;
  scenario: unknown;
}

export interface ScenarioScore {
  label: string;
  days: number;
  promiseKept: number;
  actualOverPosted: number | null;
  actualOverPostedN: number;
  /** MAE / the naive estimate's MAE, and / the oracle's MAE, on the same days. */
  maeRatio: number;
  oracleMaeRatio: number;
  /** With return times: the physical peak with and without them, and the windows offered and taken. */
  returnPeak?: { peak: number; without: number; offered: number; accepted: number };
  /** Promises one fixed posting could have kept at a/p >= 0.8, on our forecasts and the oracle's. */
  frontier: { ours: FrontierPoint | null; oracle: FrontierPoint | null };
  /** Target name -> met. Only the targets that apply. */
  targets: Record<string, boolean>;
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 1000 : 0);

export function scoreAgainstTargets(label: string, r: PooledReport): ScenarioScore {
  return {
    label,
    days: r.seeds.length,
    promiseKept: r.promiseKept,
    actualOverPosted: r.actualOverPosted,
    actualOverPostedN: r.actualOverPostedN,
    maeRatio: ratio(r.maeMin, r.baselines.naive.maeMin),
    oracleMaeRatio: ratio(r.maeMin, r.oracle.maeMin),
    frontier: r.frontier,
    targets: checkTargets(r),
    ...(r.withoutReturnTimes && r.returnTimes
      ? {
          returnPeak: {
            peak: r.peakPhysicalQueue,
            without: r.withoutReturnTimes.peakPhysicalQueue,
            offered: r.returnTimes.offered,
            accepted: r.returnTimes.accepted,
          },
        }
      : {}),
  };
}
