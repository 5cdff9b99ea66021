import { MINUTE_MS } from '../queue/types.ts';
import type { EstimatorState } from './state.ts';

/** Rates are counted over at least this many minutes, so the day's first arrival is not a flood. */
const MIN_RATE_SPAN_MIN = 5;

/**
 * Arrival rates per service and priority weight: the service's total rate over the recent window
 * (it follows the time of day), split by the shares of each weight over a longer history (rare
 * segments, e.g. urgent, would otherwise flicker between 0 and a burst).
 */
export function arrivalRatesPerMin(
  est: EstimatorState,
  now: number,
): Array<{ serviceId: string; weight: number; perMin: number }> {
  const windowMin = est.config.arrivalWindowMin;
  const since = est.firstArrivalAt === null ? windowMin : (now - est.firstArrivalAt) / MINUTE_MS;
  const span = Math.max(MIN_RATE_SPAN_MIN, Math.min(windowMin, since));
  const cutoff = now - span * MINUTE_MS;
  const out: Array<{ serviceId: string; weight: number; perMin: number }> = [];
  for (const [serviceId, list] of Object.entries(est.arrivals)) {
    let recent = 0;
    const counts = new Map<number, number>();
    for (const a of list) {
      if (a.at > now) continue;
      if (a.at >= cutoff) recent += 1;
      counts.set(a.weight, (counts.get(a.weight) ?? 0) + 1);
    }
    // Shares shrink toward ordinary tickets with the weight of a few ordinary arrivals, so the
    // first priority customers of the day do not look like a flood of them.
    const priorOrdinary = est.config.priorOrdinaryArrivals;
    if (!counts.has(0)) counts.set(0, 0);
    const total = [...counts.values()].reduce((s, x) => s + x, 0) + priorOrdinary;
    for (const [weight, count] of counts)
      out.push({ serviceId, weight, perMin: ((recent / span) * (count + (weight === 0 ? priorOrdinary : 0))) / total });
  }
  return out;
}
