import type { EstimatorState } from './state.ts';

/** The prior's minutes of people who stayed, and the wait of its one pseudo no-show (see below). */
const PRIOR_EXPOSURE_MIN = 60;
const PRIOR_ABSENT_AT_MIN = 30;
/** The hazards searched (per minute): from patience of years to gone within seconds. */
const HAZARD_RANGE = { min: 1e-6, max: 5 };
/** Halvings of the log range: far below any difference a forecast could show. */
const BISECTION_STEPS = 50;
/** Keeps 1 - e^(-hw) off zero for the shortest waits. */
const DIVISION_GUARD = 1e-12;

/**
 * How fast people give up. The queue never sees someone leave: it sees a called ticket whose
 * customer is there (served) or not (no-show), after w minutes in line. With exponential patience
 * of hazard h, P(gone at w) = 1 - exp(-h w), and the maximum-likelihood h of this "current status"
 * data solves
 *
 *   sum over no-shows of w e^(-hw) / (1 - e^(-hw))  =  sum over served of w
 *
 * (the left side falls as h grows, so bisection in log space finds it). A weak prior (one
 * pseudo no-show at 30 minutes against `priorExposureMin` minutes of people who stayed: a patience
 * of about an hour and a quarter) stands in until the day has produced evidence: the first calls of
 * a day come after short waits and say little about patience, yet the first long waits come soon
 * after, and a forecast that assumes nobody ahead ever leaves overestimates them. One early no-show
 * moves the estimate only as far as one more pseudo-observation.
 */
export function abandonmentHazardPerMin(calls: EstimatorState['calls'], priorExposureMin = PRIOR_EXPOSURE_MIN): number {
  const priorAbsentAt = PRIOR_ABSENT_AT_MIN;
  let presentSum = priorExposureMin;
  for (const c of calls) if (c.present) presentSum += c.waitMin;
  const excess = (h: number) => {
    const e0 = Math.exp(-h * priorAbsentAt);
    let s = (priorAbsentAt * e0) / Math.max(DIVISION_GUARD, 1 - e0);
    for (const c of calls) {
      if (c.present || c.waitMin <= 0) continue;
      const e = Math.exp(-h * c.waitMin);
      s += (c.waitMin * e) / Math.max(DIVISION_GUARD, 1 - e);
    }
    return s - presentSum;
  };
  let lo = Math.log(HAZARD_RANGE.min);
  let hi = Math.log(HAZARD_RANGE.max);
  for (let i = 0; i < BISECTION_STEPS; i += 1) {
    const mid = (lo + hi) / 2;
    if (excess(Math.exp(mid)) > 0) lo = mid;
    else hi = mid;
  }
  return Math.exp((lo + hi) / 2);
}
