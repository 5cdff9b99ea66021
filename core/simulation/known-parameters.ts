import type { ParameterSource } from '../estimator/parameters.ts';
import { lognormalModel, type ServiceTimeModel, type ServiceTimeModels } from '../estimator/service-times.ts';
import type { EstimatorState } from '../estimator/state.ts';

/**
 * Parameters handed to the estimator instead of learned from the queue: a simulation's truth, so
 * the estimator bench can tell how much of a missed target is estimation and how much is the
 * information a queue has (`npm run bench -- estimator`, "oracle"). A venue never uses it.
 */
export interface KnownParameters {
  /** Service time distribution (lognormal) per service, at a counter of speed 1. */
  serviceMin: Record<string, { mean: number; cv: number }>;
  /** Time factor per counter (2 = takes twice as long). */
  counterFactor: Record<string, number>;
  /** Abandonment hazard per minute (0: nobody leaves). */
  hazardPerMin: number;
  /** Minutes a counter loses calling a customer who has gone. */
  noShowMin: number;
  /** Arrival rates per service and priority weight over time (ms). */
  arrivals: Array<{ serviceId: string; weight: number; from: number; to: number; perMin: number }>;
}

/** Samples of a known lognormal: its quantiles, as many as a day's observations could be. */
const KNOWN_SAMPLES = 400;

/** The oracle's parameter source: the forecast reads the truth wherever the queue would teach it. */
export function knownParameterSource(known: KnownParameters): ParameterSource {
  // The truth does not change over a day: its models are made once per config and set of services.
  const made = new Map<string, { config: EstimatorState['config']; models: ServiceTimeModels }>();
  return {
    serviceTimes: (est, serviceIds) => {
      const cfg = est.config;
      const key = serviceIds.join('\n');
      const hit = made.get(key);
      if (hit?.config === cfg) return hit.models;
      const services: Record<string, ServiceTimeModel> = {};
      for (const serviceId of new Set([...serviceIds, ...Object.keys(known.serviceMin)])) {
        const shape = known.serviceMin[serviceId] ?? { mean: cfg.priorServiceMin, cv: cfg.priorServiceCv };
        services[serviceId] = lognormalModel(serviceId, shape, KNOWN_SAMPLES, cfg);
      }
      const prior = { mean: cfg.priorServiceMin, cv: cfg.priorServiceCv };
      const models = {
        services,
        counterFactor: { ...known.counterFactor },
        fallback: lognormalModel('', prior, cfg.priorSamples, cfg),
      };
      made.set(key, { config: cfg, models });
      return models;
    },
    abandonmentHazardPerMin: () => known.hazardPerMin,
    noShowCostMin: () => known.noShowMin,
    // A simulated day's breaks are all on the rota: an oracle knows no surprise comes.
    unplannedBreaksPerOpenMin: () => 0,
    arrivalRatesPerMin: (_est, now) => known.arrivals.filter((a) => a.from <= now && now < a.to),
    // Simulated clerks call the next customer the moment they are free.
    callGapsMin: () => [],
  };
}
