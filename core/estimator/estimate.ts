import { MINUTE_MS, type QueueState } from '../queue/types.ts';
import { segmentWeight } from '../queue/rules.ts';
import { waitingLine } from '../queue/views.ts';
import { forecast } from './forecast.ts';
import {
  KEPT_SLACK_MIN,
  pickPosted,
  postingCandidates,
  postingPolicy,
  tiltedQuantile,
  type Calibration,
  type PostingCandidates,
  type PostingPolicy,
} from './calibration.ts';
import { learnedParameters, type ParameterSource } from './parameters.ts';
import { LONG_WAIT_MIN } from './rounding.ts';
import type { EstimatorState } from './state.ts';

/**
 * Wait estimates for people: a distribution (from the forecast), a point estimate (its median:
 * the value that minimises the mean absolute error), and the posted wait (a quantile of the
 * distribution on the grid people are shown, chosen against the budget of promises the target
 * still allows to break: calibration.ts). `postedMin` is null when no open counter (or counter on
 * break) could call the ticket: the board says so instead of inventing a number.
 */

export interface WaitEstimate {
  serviceId: string;
  /** Median remaining wait, minutes. */
  pointMin: number;
  meanMin: number;
  postedMin: number | null;
  /** Share of forecast paths called within the posted wait: the quantile level posted. */
  level: number;
  p10: number;
  p50: number;
  p90: number;
  /** 1-based place in the service's line (tickets of that service called before it, plus one). */
  position: number;
  /** What the wait could have been posted at (null when postedMin is): the promise frontier reads them. */
  candidates: PostingCandidates | null;
}

const NEW_TICKET_ID = '__new__';

/**
 * Summarises forecast paths for a customer who stays: paths are weighted by exp(-hazard x wait),
 * the chance the customer is still there to be served (only they ever learn if we were right).
 */
function summarise(
  waits: Float64Array,
  policy: PostingPolicy,
  serviceId: string,
  position: number,
  hazardPerMin = 0,
): WaitEstimate {
  const sorted = Float64Array.from(waits).sort();
  let sum = 0;
  let weights = 0;
  for (const w of sorted) {
    if (!Number.isFinite(w)) continue;
    const weight = Math.exp(-hazardPerMin * w);
    sum += weight * w;
    weights += weight;
  }
  const candidates = postingCandidates(sorted, hazardPerMin);
  const { postedMin, level } = pickPosted(candidates, policy);
  const median = tiltedQuantile(sorted, 0.5, hazardPerMin);
  return {
    serviceId,
    pointMin: median,
    meanMin: weights ? sum / weights : Infinity,
    postedMin,
    level,
    p10: tiltedQuantile(sorted, 0.1, hazardPerMin),
    p50: median,
    p90: tiltedQuantile(sorted, 0.9, hazardPerMin),
    position,
    candidates,
  };
}

/**
 * Promises made to customers still in line, as the forecast expects them to turn out: each
 * counted by the chance the customer is still there when called (only then is it checked), kept
 * when the paths call them within what they were posted, and (posted waits of 10 minutes and
 * more) with the wait they are expected to have had. The calibration then answers for promises a
 * whole wait before they are checked, instead of learning of a run of long waits only as they end.
 * A ticket no path calls (no counter can call it) counts only once it is past its posted wait,
 * as a promise already broken.
 */
export function pendingPromises(
  queue: QueueState,
  now: number,
  waits: ReadonlyMap<string, Float64Array>,
  hazardPerMin: number,
): Calibration {
  const pending = { checked: 0, kept: 0, longActualMin: 0, longPostedMin: 0 };
  for (const t of Object.values(queue.tickets)) {
    if (t.status !== 'waiting' || t.postedWaitMin === null || t.joinedAt === null) continue;
    const waitedMin = (now - t.joinedAt) / MINUTE_MS;
    const paths = waits.get(t.id);
    let present = 0;
    let kept = 0;
    let actual = 0;
    let finite = 0;
    for (const remaining of paths ?? []) {
      if (!Number.isFinite(remaining)) continue;
      finite += 1;
      const wait = waitedMin + remaining;
      const stays = Math.exp(-hazardPerMin * wait);
      present += stays;
      if (wait <= t.postedWaitMin + KEPT_SLACK_MIN) kept += stays;
      actual += stays * wait;
    }
    if (finite === 0) {
      if (waitedMin > t.postedWaitMin + KEPT_SLACK_MIN) pending.checked += Math.exp(-hazardPerMin * waitedMin);
      continue;
    }
    const n = paths!.length;
    pending.checked += present / n;
    pending.kept += kept / n;
    if (t.postedWaitMin >= LONG_WAIT_MIN) {
      pending.longActualMin += actual / n;
      pending.longPostedMin += (t.postedWaitMin * present) / n;
    }
  }
  return pending;
}

/** Waiting tickets that were posted a wait: the promises pendingPromises needs forecasts for. */
function postedWaiting(queue: QueueState): string[] {
  return Object.values(queue.tickets)
    .filter((t) => t.status === 'waiting' && t.postedWaitMin !== null)
    .map((t) => t.id);
}

/**
 * The wait a customer taking a ticket for `serviceId` now would be told. `parameters`: the
 * forecast's source (parameters.ts), what the queue taught unless a simulation's oracle says.
 */
export function estimateNewArrival(
  est: EstimatorState,
  queue: QueueState,
  now: number,
  request: { serviceId: string; segmentId?: string | null },
  parameters?: ParameterSource,
): WaitEstimate {
  const weight = segmentWeight(queue.rules, request.segmentId);
  const result = forecast(est, queue, now, {
    extra: { id: NEW_TICKET_ID, serviceId: request.serviceId, weight },
    targets: postedWaiting(queue),
    parameters,
  });
  const policy = postingPolicy(
    est.calibration,
    est.config,
    pendingPromises(queue, now, result.waits, result.hazardPerMin),
  );
  const headStart = (weight / queue.rules.agingPerMin) * MINUTE_MS;
  const ahead = waitingLine(queue, request.serviceId).filter(
    (t) => t.orderKey - (t.weight / queue.rules.agingPerMin) * MINUTE_MS <= now - headStart,
  ).length;
  return summarise(
    result.waits.get(NEW_TICKET_ID) ?? new Float64Array(0),
    policy,
    request.serviceId,
    ahead + 1,
    result.hazardPerMin,
  );
}

/** Remaining wait of every waiting ticket (boards, phone pages, displays) by ticket id; `parameters` as above. */
export function estimateWaiting(
  est: EstimatorState,
  queue: QueueState,
  now: number,
  ticketIds?: readonly string[],
  parameters?: ParameterSource,
): Record<string, WaitEstimate> {
  // the posted tickets are forecast too, for the promises pending in the line (the policy)
  const wanted = ticketIds ? new Set(ticketIds) : null;
  const result = forecast(
    est,
    queue,
    now,
    wanted ? { targets: [...new Set([...wanted, ...postedWaiting(queue)])], parameters } : { parameters },
  );
  const policy = postingPolicy(
    est.calibration,
    est.config,
    pendingPromises(queue, now, result.waits, result.hazardPerMin),
  );
  const out: Record<string, WaitEstimate> = {};
  const positions = new Map<string, number>();
  for (const service of queue.rules.services)
    for (const [i, t] of waitingLine(queue, service.id).entries()) positions.set(t.id, i + 1);
  for (const [id, waits] of result.waits) {
    const ticket = queue.tickets[id];
    if (wanted && !wanted.has(id)) continue;
    if (!ticket) continue;
    out[id] = summarise(waits, policy, ticket.serviceId, positions.get(id) ?? 1, result.hazardPerMin);
  }
  return out;
}

/** Mean service time of a service as the estimator sees it now (robust, counter-normalised), from `parameters`. */
export function meanServiceMin(
  est: EstimatorState,
  serviceId: string,
  parameters: ParameterSource = learnedParameters,
): number {
  const models = parameters.serviceTimes(est, [serviceId]);
  return (models.services[serviceId] ?? models.fallback).mean;
}
