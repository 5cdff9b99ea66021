import type { QueueEvent, QueueState } from '../queue/types.ts';
import { offRota } from '../queue/rota.ts';
import { MINUTE_MS } from '../queue/types.ts';
import { initialCalibration, updateCalibration, type Calibration, type CalibrationConfig } from './calibration.ts';

/**
 * What the estimator has learned, as one explicit value: recent service times per service and
 * counter, how often called tickets turn out to be gone (abandonment), how long a no-show costs a
 * counter, recent arrivals (rates by service and priority), break lengths, and the calibration of
 * the posted quantile. `observe` folds queue events into it; nothing is global.
 */

export interface EstimatorConfig extends CalibrationConfig {
  /** Monte Carlo paths per forecast. */
  paths: number;
  /** Service times remembered per service (the most recent ones): the shape of the forecast's service times. */
  recentServices: number;
  /** Services over which the long-run mean service time forgets by a factor e (its scale). */
  serviceMeanMemory: number;
  /** Weight, in services, of the venue's expectedServiceMin in the long-run mean (forgotten like them). */
  serviceMeanPriorSamples: number;
  /** Prior mean service time when a service has no expectedServiceMin and nothing was observed yet. */
  priorServiceMin: number;
  /** Prior coefficient of variation of service times. */
  priorServiceCv: number;
  /** Below this many observed services, prior pseudo-samples fill in. */
  priorSamples: number;
  /** Called tickets remembered to estimate abandonment. */
  recentCalls: number;
  /** Arrival rates are counted over this many recent minutes. */
  arrivalWindowMin: number;
  /** Pseudo-arrivals without priority added to the shares of priority segments (forecast.ts). */
  priorOrdinaryArrivals: number;
  /** Prior length of a break (minutes) until some were seen. */
  priorBreakMin: number;
  /** Mean lateness (exponential) of a clerk whose announced break end has passed. */
  priorBreakOverrunMin: number;
  /** Prior: one break per this many open counter-minutes (breaks are not announced in advance). */
  priorMinutesPerBreak: number;
  /** Prior minutes a counter loses calling someone who has gone, until some no-shows were seen. */
  priorNoShowCostMin: number;
  /** Seeds the forecast's paths (mixed with the time and the line, so each forecast differs). */
  seed: number;
}

export const DEFAULT_ESTIMATOR_CONFIG: EstimatorConfig = {
  target: 0.9,
  margin: 0.05,
  decay: 0.002,
  paddingPerMin: 0.01,
  minPaddingShare: 0.25,
  longWaitRatio: 0.8,
  longWaitWeight: 0.3,
  budgetScale: 6,
  ratioMargin: 0.05,
  ratioBudgetScaleMin: 60,
  minWeight: 1e-4,
  maxWeight: 5,
  minLevel: 0.3,
  paths: 240,
  recentServices: 80,
  serviceMeanMemory: 1000,
  serviceMeanPriorSamples: 80,
  priorServiceMin: 5,
  priorServiceCv: 0.6,
  priorSamples: 12,
  recentCalls: 300,
  arrivalWindowMin: 30,
  priorOrdinaryArrivals: 10,
  priorBreakMin: 20,
  priorBreakOverrunMin: 3,
  priorMinutesPerBreak: 240,
  priorNoShowCostMin: 1,
  seed: 1,
};

/** Arrivals remembered per service: enough for the shares of rare priority segments (arrivals.ts). */
const ARRIVALS_KEPT = 300;
/** No-show costs remembered: their mean is all the forecast needs. */
const NO_SHOWS_KEPT = 50;
/** Break lengths remembered: a day or two of a venue's breaks. */
const BREAKS_KEPT = 30;
/** Gaps before a call remembered: the recent ones, as for service times. */
const CALL_GAPS_KEPT = 80;

interface ServiceTimeSample {
  min: number;
  counterId: string;
}

interface LongRunMean {
  /** Minutes served, discounted. */
  sumMin: number;
  /** Services counted, discounted the same way. */
  weight: number;
}

interface ArrivalSample {
  at: number;
  weight: number;
}

export interface EstimatorState {
  config: EstimatorConfig;
  /** Prior mean service time per service (from the venue's rules). */
  priors: Record<string, number>;
  serviceTimes: Record<string, ServiceTimeSample[]>;
  /**
   * Long-run service minutes per service, from the venue's expected one (priorMean), each forgotten
   * by 1/serviceMeanMemory per later service: the scale of the forecast's service times. The recent
   * samples alone run long exactly when a run of long services has made the line long, and the
   * waits then posted ran short (docs/queues.md).
   */
  serviceMeans: Record<string, LongRunMean>;
  /** Called tickets: minutes since they joined the line, and whether the customer was there. */
  calls: Array<{ waitMin: number; present: boolean }>;
  /**
   * Minutes from when a counter and its next customer were both ready (the counter free, the
   * customer in line) to the call: a clerk's wrap-up and reaction. A simulated clerk has none.
   */
  callGapsMin: number[];
  /** When each counter last finished a ticket (ms), until its next call. */
  counterFreeAt: Record<string, number>;
  noShowCostsMin: number[];
  arrivals: Record<string, ArrivalSample[]>;
  /** First arrival seen (ms), so early-day rates are not diluted by minutes before opening. */
  firstArrivalAt: number | null;
  breaksMin: number[];
  breakStartedAt: Record<string, number>;
  /** Counter-minutes spent open and breaks taken from open, for the break rate. */
  openMinutes: number;
  breaksTaken: number;
  openSince: Record<string, number>;
  calibration: Calibration;
}

export function createEstimatorState(
  options: { config?: Partial<EstimatorConfig>; priors?: Record<string, number> } = {},
): EstimatorState {
  const config = { ...DEFAULT_ESTIMATOR_CONFIG, ...options.config };
  return {
    config,
    priors: { ...options.priors },
    serviceTimes: {},
    serviceMeans: {},
    calls: [],
    callGapsMin: [],
    counterFreeAt: {},
    noShowCostsMin: [],
    arrivals: {},
    firstArrivalAt: null,
    breaksMin: [],
    breakStartedAt: {},
    openMinutes: 0,
    breaksTaken: 0,
    openSince: {},
    calibration: initialCalibration(),
  };
}

/** Priors from queue rules: each service's expectedServiceMin. */
export function priorsFromRules(queue: QueueState): Record<string, number> {
  const priors: Record<string, number> = {};
  for (const s of queue.rules.services) if (s.expectedServiceMin) priors[s.id] = s.expectedServiceMin;
  return priors;
}

function freeFrom(est: EstimatorState, counterId: string, at: number): Record<string, number> {
  return { ...est.counterFreeAt, [counterId]: at };
}

function withoutKey(record: Record<string, number>, key: string): Record<string, number> {
  const { [key]: _gone, ...rest } = record;
  return rest;
}

function pushCapped<T>(list: readonly T[] | undefined, item: T, cap: number): T[] {
  const next = [...(list ?? []), item];
  return next.length > cap ? next.slice(next.length - cap) : next;
}

/**
 * What a service's long-run mean starts from: the venue's expectedServiceMin as
 * serviceMeanPriorSamples services, forgotten like the ones served; nothing when it gave none (a
 * generic prior is no knowledge of a venue).
 */
function priorMean(est: EstimatorState, serviceId: string): LongRunMean {
  const prior = est.priors[serviceId];
  if (prior === undefined) return { sumMin: 0, weight: 0 };
  return { sumMin: est.config.serviceMeanPriorSamples * prior, weight: est.config.serviceMeanPriorSamples };
}

/** The long-run mean service time of a service (serviceMeans), its prior until one was served. */
export function longRunServiceMin(est: EstimatorState, serviceId: string): number {
  const { sumMin, weight } = est.serviceMeans[serviceId] ?? priorMean(est, serviceId);
  return weight > 0 ? sumMin / weight : est.config.priorServiceMin;
}

/**
 * A service longer than this many long-run means counts as that many: a forgotten "serve" button
 * is not a slow day. The first of a service with no expected time counts as it was: nothing to judge by.
 */
const LONG_RUN_CLIP = 10;

function addToLongRunMean(est: EstimatorState, serviceId: string, serviceMin: number): LongRunMean {
  const seen = est.serviceMeans[serviceId] ?? priorMean(est, serviceId);
  const keep = 1 - 1 / est.config.serviceMeanMemory;
  const counted =
    seen.weight > 0 ? Math.min(serviceMin, LONG_RUN_CLIP * longRunServiceMin(est, serviceId)) : serviceMin;
  return { sumMin: seen.sumMin * keep + counted, weight: seen.weight * keep + 1 };
}

/**
 * Learns from one queue event. `queue` is the queue state AFTER the event was applied (the ticket
 * then holds its called time, join time and posted wait).
 */
export function observe(est: EstimatorState, queue: QueueState, event: QueueEvent): EstimatorState {
  const cfg = est.config;
  switch (event.type) {
    case 'ticket.issued': {
      // Enough history for the shares of priority segments (rates come from the recent window).
      return {
        ...est,
        firstArrivalAt: est.firstArrivalAt ?? event.issuedAt,
        arrivals: {
          ...est.arrivals,
          [event.serviceId]: pushCapped(
            est.arrivals[event.serviceId],
            { at: event.issuedAt, weight: event.weight },
            ARRIVALS_KEPT,
          ),
        },
      };
    }
    case 'ticket.served': {
      const ticket = queue.tickets[event.ticketId];
      if (!ticket || ticket.calledAt === null) return est;
      const serviceMin = (event.at - ticket.calledAt) / MINUTE_MS;
      const serviceTimes = {
        ...est.serviceTimes,
        [ticket.serviceId]: pushCapped(
          est.serviceTimes[ticket.serviceId],
          { min: serviceMin, counterId: event.counterId },
          cfg.recentServices,
        ),
      };
      const serviceMeans = {
        ...est.serviceMeans,
        [ticket.serviceId]: addToLongRunMean(est, ticket.serviceId, serviceMin),
      };
      let next: EstimatorState = {
        ...est,
        serviceTimes,
        serviceMeans,
        counterFreeAt: freeFrom(est, event.counterId, event.at),
      };
      if (ticket.joinedAt !== null) {
        const waitMin = (ticket.calledAt - ticket.joinedAt) / MINUTE_MS;
        next = { ...next, calls: pushCapped(est.calls, { waitMin, present: true }, cfg.recentCalls) };
        if (ticket.postedWaitMin !== null) {
          // A promise is kept when the customer was called no later than posted (1 s of slack for clocks).
          next = {
            ...next,
            calibration: updateCalibration(
              est.calibration,
              { postedMin: ticket.postedWaitMin, actualMin: waitMin },
              cfg,
            ),
          };
        }
      }
      return next;
    }
    case 'ticket.no-show': {
      const ticket = queue.tickets[event.ticketId];
      if (!ticket || ticket.calledAt === null) return est;
      const costMin = (event.at - ticket.calledAt) / MINUTE_MS;
      const waitMin = ticket.joinedAt === null ? null : (ticket.calledAt - ticket.joinedAt) / MINUTE_MS;
      return {
        ...est,
        counterFreeAt: freeFrom(est, event.counterId, event.at),
        noShowCostsMin: pushCapped(est.noShowCostsMin, costMin, NO_SHOWS_KEPT),
        calls: waitMin === null ? est.calls : pushCapped(est.calls, { waitMin, present: false }, cfg.recentCalls),
      };
    }
    case 'ticket.called': {
      const ticket = queue.tickets[event.ticketId];
      const freeAt = est.counterFreeAt[event.counterId];
      const stillFree = withoutKey(est.counterFreeAt, event.counterId);
      if (freeAt === undefined) return { ...est, counterFreeAt: stillFree };
      const readyAt = Math.max(freeAt, ticket?.checkedInAt ?? ticket?.joinedAt ?? event.at);
      const gapMin = Math.max(0, event.at - readyAt) / MINUTE_MS;
      return { ...est, counterFreeAt: stillFree, callGapsMin: pushCapped(est.callGapsMin, gapMin, CALL_GAPS_KEPT) };
    }
    case 'counter.break':
    case 'counter.closed':
    case 'counter.opened': {
      const since = est.openSince[event.counterId];
      const { [event.counterId]: _open, ...stillOpen } = est.openSince;
      const openMinutes = est.openMinutes + (since === undefined ? 0 : (event.at - since) / MINUTE_MS);
      const openSince = event.type === 'counter.opened' ? { ...stillOpen, [event.counterId]: event.at } : stillOpen;
      const started = est.breakStartedAt[event.counterId];
      const { [event.counterId]: _break, ...otherBreaks } = est.breakStartedAt;
      if (event.type === 'counter.break') {
        // Breaks the rota planned are known ahead (forecast.ts); only the others teach the rate of surprises.
        const unplanned = since !== undefined && !offRota(queue.counters[event.counterId]?.shifts ?? [], event.at);
        return {
          ...est,
          counterFreeAt: withoutKey(est.counterFreeAt, event.counterId),
          openMinutes,
          openSince,
          breaksTaken: est.breaksTaken + (unplanned ? 1 : 0),
          breakStartedAt: { ...otherBreaks, [event.counterId]: event.at },
        };
      }
      const breaksMin =
        started !== undefined && event.type === 'counter.opened'
          ? pushCapped(est.breaksMin, (event.at - started) / MINUTE_MS, BREAKS_KEPT)
          : est.breaksMin;
      // A counter's first call after it opens is not timed: a clerk who signs in early is getting
      // ready, not keeping anyone from the desk once a day is under way.
      const counterFreeAt = withoutKey(est.counterFreeAt, event.counterId);
      return { ...est, openMinutes, openSince, breakStartedAt: otherBreaks, breaksMin, counterFreeAt };
    }
    default:
      return est;
  }
}
