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

/**
 * Models last built from a state's service times. Estimator states are replaced, never changed
 * (state.ts observe), so the same sample lists give the same models, and every estimate between
 * two services done reads them (rebuilding took a tenth of a replay). A service's model does not
 * depend on which others were asked for, so one build serves every request it covers.
 */
interface ModelsMemo {
  config: EstimatorState['config'];
  priors: EstimatorState['priors'];
  means: EstimatorState['serviceMeans'];
  lists: Array<[string, unknown]>;
  models: ServiceTimeModels;
}
const modelsMemo = new WeakMap<EstimatorState['serviceTimes'], ModelsMemo>();

function memoisedServiceTimeModels(est: EstimatorState, serviceIds: readonly string[]): ServiceTimeModels {
  const lists = Object.entries(est.serviceTimes);
  const memo = modelsMemo.get(est.serviceTimes);
  const same =
    memo?.config === est.config &&
    memo.priors === est.priors &&
    memo.means === est.serviceMeans &&
    memo.lists.length === lists.length &&
    memo.lists.every(([id, list], i) => lists[i]![0] === id && lists[i]![1] === list);
  if (same && serviceIds.every((id) => id in memo.models.services)) return memo.models;
  const asked = same ? [...new Set([...Object.keys(memo.models.services), ...serviceIds])] : serviceIds;
  const models = buildServiceTimeModels(est, asked);
  modelsMemo.set(est.serviceTimes, { config: est.config, priors: est.priors, means: est.serviceMeans, lists, models });
  return models;
}

/** The hazard learned from a list of calls, which is replaced (never changed) when a call is added. */
const hazardMemo = new WeakMap<EstimatorState['calls'], number>();

function memoisedHazardPerMin(est: EstimatorState): number {
  let hazard = hazardMemo.get(est.calls);
  if (hazard === undefined) {
    hazard = abandonmentHazardPerMin(est.calls);
    hazardMemo.set(est.calls, hazard);
  }
  return hazard;
}

/** What the queue has taught the estimator: every venue's source. */
export const learnedParameters: ParameterSource = {
  serviceTimes: memoisedServiceTimeModels,
  abandonmentHazardPerMin: memoisedHazardPerMin,
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
