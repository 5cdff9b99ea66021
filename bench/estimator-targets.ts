import type { SimulationReport } from '../core/simulation/simulator.ts';
import { checkTargets } from '../core/simulation/targets.ts';

/** One simulated day scored against the posted-wait targets (core/simulation/targets.ts), for the estimator bench. */

export interface EstimatorJob {
  label: string;
  scenario: unknown;
}

export interface DayScore {
  label: string;
  promiseKept: number;
  actualOverPosted: number | null;
  actualOverPostedN: number;
  maeRatio: number;
  /** Target name -> met. Only the targets that apply to the day. */
  targets: Record<string, boolean>;
}

export function scoreAgainstTargets(label: string, r: SimulationReport): DayScore {
  const naiveMae = r.baselines.naive.maeMin;
  return {
    label,
    promiseKept: r.promiseKept,
    actualOverPosted: r.actualOverPosted,
    actualOverPostedN: r.actualOverPostedN,
    maeRatio: naiveMae > 0 ? Math.round((r.maeMin / naiveMae) * 1000) / 1000 : 0,
    targets: checkTargets(r),
  };
}
