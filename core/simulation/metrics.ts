import type { PostingCandidates } from '../estimator/calibration.ts';
import type { WaitEstimate } from '../estimator/estimate.ts';
import { roundPostedWait } from '../estimator/rounding.ts';

/**
 * Scoring posted waits against what happened. Every method (ours and the baselines) is scored on
 * the same served customers of the same run: each customer carries what each method would have
 * told them at the moment they joined the line.
 */

export interface Posted {
  /** What the customer was told (rounded for people); null = no number could be given. */
  postedMin: number | null;
  /** The method's point estimate (unrounded). */
  pointMin: number;
  /** Our forecast's 10th and 90th percentiles, kept for calibration checks. */
  p10?: number;
  p90?: number;
  /** Ours only: what the wait could have been posted at (frontier.ts posts it again). */
  candidates?: PostingCandidates | null;
}

export interface ServedRecord {
  actualMin: number;
  /** Came back with a return time (waits and promises then count from check-in). */
  returned?: boolean;
  ours: Posted;
  naive: Posted;
  littlesLaw: Posted;
  padded: Posted;
}

export interface MethodScore {
  /** Share of served customers called no later than their posted wait. */
  promiseKept: number;
  /** Total actual / total posted wait over served customers posted at least 10 minutes; null if none. */
  actualOverPosted: number | null;
  actualOverPostedN: number;
  /** Mean absolute error of the point estimate, minutes. */
  maeMin: number;
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Waits counted as kept up to one second over, so float noise in the clock does not break promises. */
const SLACK_MIN = 1 / 60;

export function scoreMethod(records: readonly ServedRecord[], pick: (r: ServedRecord) => Posted): MethodScore {
  let kept = 0;
  let actualLong = 0;
  let postedLong = 0;
  let nLong = 0;
  let absError = 0;
  for (const r of records) {
    const p = pick(r);
    if (p.postedMin !== null && r.actualMin <= p.postedMin + SLACK_MIN) kept += 1;
    if (p.postedMin !== null && p.postedMin >= 10) {
      actualLong += r.actualMin;
      postedLong += p.postedMin;
      nLong += 1;
    }
    absError += Math.abs((Number.isFinite(p.pointMin) ? p.pointMin : 0) - r.actualMin);
  }
  const n = records.length;
  return {
    promiseKept: n ? round(kept / n) : 1,
    actualOverPosted: nLong ? round(actualLong / postedLong) : null,
    actualOverPostedN: nLong,
    maeMin: n ? round(absError / n) : 0,
  };
}

/** Our promise from the estimate a customer was told; without one, no number (and a point of 0). */
export function ourPromise(estimate: WaitEstimate | undefined): Posted {
  if (!estimate) return { postedMin: null, pointMin: 0 };
  const { postedMin, pointMin, p10, p90, candidates } = estimate;
  return { postedMin, pointMin, p10, p90, candidates };
}

/** A baseline's promise from its raw minutes, rounded like ours. */
function baselinePromise(rawMin: number): Posted {
  return { postedMin: Number.isFinite(rawMin) ? roundPostedWait(rawMin) : null, pointMin: rawMin };
}

/** What a queue knows at a join that the baselines read (the simulator and the replay pass the same). */
export interface BaselineInputs {
  /** 1-based place of the joining customer in the service's line. */
  position: number;
  /** Mean service time (minutes) learned so far. */
  meanServiceMin: number;
  /** Open counters serving the service now. */
  openCounters: number;
  /** Calls of the service in the last `spanMin` minutes. */
  recentCalls: number;
  spanMin: number;
}

/** What every method would tell a customer joining the line now, ours given. */
export function promisesAtJoin(ours: Posted, q: BaselineInputs): Omit<ServedRecord, 'actualMin'> {
  const naive = (q.position * q.meanServiceMin) / Math.max(1, q.openCounters);
  const littles = q.recentCalls >= 3 ? q.position / (q.recentCalls / q.spanMin) : naive;
  return {
    ours,
    naive: baselinePromise(naive),
    littlesLaw: baselinePromise(littles),
    padded: baselinePromise(1.4 * naive),
  };
}
