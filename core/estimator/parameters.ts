import { MINUTE_MS } from '../queue/types.ts';
import { abandonmentHazardPerMin } from './abandonment.ts';
import { arrivalRatesPerMin } from './arrivals.ts';
import { buildServiceTimeModels, type ServiceTimeModels } from './service-times.ts';
import type { EstimatorState } from './state.ts';

/** Arrivals per minute of one service and priority weight. */
interface ArrivalRate {
  serviceId: string;
  weight: number;
  perMin: number;
}

/**
 * Where a forecast's parameters come from. A venue's estimator learns them from its queue
 * (`learnedParameters`); the simulator's oracle hands in a scenario's truth instead
 * (core/simulation/known-parameters.ts), so the forecast has one path whichever source it is given.
 */
export interface ParameterSource {
  /** Service time samples per service and each counter's speed factor. */
  serviceTimes(est: EstimatorState, serviceIds: readonly string[]): ServiceTimeModels;
  /** How fast people waiting give up (per minute). */
  abandonmentHazardPerMin(est: EstimatorState): number;
  /** Minutes a counter loses calling a customer who has gone. */
  noShowCostMin(est: EstimatorState): number;
  /** Breaks off the rota per open counter-minute. */
  unplannedBreaksPerOpenMin(est: EstimatorState, now: number): number;
  /** Arrival rates now, per service and priority weight. */
  arrivalRatesPerMin(est: EstimatorState, now: number): ArrivalRate[];
  /** Minutes between a counter and its next customer being ready and the call (samples; none: no gap). */
  callGapsMin(est: EstimatorState): readonly number[];
}

/** What the queue has taught the estimator: every venue's source. */
export const learnedParameters: ParameterSource = {
  serviceTimes: buildServiceTimeModels,
  abandonmentHazardPerMin: (est) => abandonmentHazardPerMin(est.calls),
  noShowCostMin: (est) =>
    est.noShowCostsMin.length
      ? est.noShowCostsMin.reduce((s, x) => s + x, 0) / est.noShowCostsMin.length
      : est.config.priorNoShowCostMin,
  unplannedBreaksPerOpenMin: (est, now) => {
    // One per priorMinutesPerBreak open counter-minutes a priori, then as observed.
    let openMinutes = est.openMinutes;
    for (const since of Object.values(est.openSince)) openMinutes += Math.max(0, (now - since) / MINUTE_MS);
    return (1 + est.breaksTaken) / (est.config.priorMinutesPerBreak + openMinutes);
  },
  arrivalRatesPerMin,
  // Until a few calls were seen, gaps of nothing fill in: a clerk is assumed to call when free.
  callGapsMin: (est) => [
    ...est.callGapsMin,
    ...new Array<number>(Math.max(0, est.config.priorSamples - est.callGapsMin.length)).fill(0),
  ],
};
