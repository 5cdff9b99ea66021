import type { SimulationReport } from '../core/simulation/simulator.ts';

/** Issue 4's targets for one simulated day, each checked on its own so misses can be counted by kind. */

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
  const targets: Record<string, boolean> = {
    promiseKept: r.promiseKept >= 0.9,
    maeRatio: r.maeMin <= 0.7 * naiveMae,
  };
  if (r.actualOverPosted !== null) targets.actualOverPosted = r.actualOverPosted >= 0.8;
  if (r.withoutReturnTimes) {
    targets.returnPeak = r.peakPhysicalQueue <= 0.5 * r.withoutReturnTimes.peakPhysicalQueue;
    targets.returnServed = r.served >= r.withoutReturnTimes.served;
  }
  return {
    label,
    promiseKept: r.promiseKept,
    actualOverPosted: r.actualOverPosted,
    actualOverPostedN: r.actualOverPostedN,
    maeRatio: naiveMae > 0 ? Math.round((r.maeMin / naiveMae) * 1000) / 1000 : 0,
    targets,
  };
}
