import { hashSeed, mulberry32, type Random } from '../core/simulation/random.ts';
import { parseScenario, type ScenarioInput } from '../core/simulation/scenario.ts';
import { simulateRun } from '../core/simulation/simulator.ts';

/**
 * Days the estimator has never seen, for the generalisation benchmark (bench/estimator.ts). Issue 4
 * judges the estimator on unseen scenarios too, so it is measured on a family of random venues:
 * 1-3 services with their own means and spreads, 2-6 counters (some serving several services,
 * some slower, some opening late or closing early, some taking breaks), an arrival profile with a
 * peak loaded near or past capacity, and now and then priority segments, impatient customers and
 * return times. Each generated day is a valid scenario file.
 *
 * A venue with return times sets its threshold where its own lines get long, as a real one would
 * from its history: the grid value (10, 15, 20, 30 minutes) at or under the 90th percentile of the
 * waits of its own day without return times (10 at least: a shorter wait is no reason to come
 * back). A threshold drawn blind could sit above every wait of the day, so no window was ever
 * offered and the "halve the peak" target (issue 19, point 5) had nothing to act on.
 */

/** Return thresholds a venue may choose (minutes), shortest first. */
const RETURN_THRESHOLDS_MIN = [10, 15, 20, 30];
/** The share of the day's waits a venue's return threshold sits under (its long lines). */
const RETURN_THRESHOLD_QUANTILE = 0.9;

/** The threshold where the venue's own lines get long: see the note above. */
function returnThresholdMin(venue: ScenarioInput): number {
  const parsed = parseScenario(venue);
  if (!parsed.ok) throw new Error(`${venue.name}: ${parsed.message}`);
  const waits = simulateRun(parsed.scenario, {}, false)
    .records.map((r) => r.actualMin)
    .sort((a, b) => a - b);
  const long = waits.length ? waits[Math.floor(RETURN_THRESHOLD_QUANTILE * (waits.length - 1))]! : 0;
  return RETURN_THRESHOLDS_MIN.filter((t) => t <= long).at(-1) ?? RETURN_THRESHOLDS_MIN[0]!;
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const between = (random: Random, lo: number, hi: number) => lo + random() * (hi - lo);
const round = (x: number, step = 1) => Math.round(x / step) * step;

export function generateScenario(index: number): ScenarioInput {
  const random = mulberry32(hashSeed('generated-scenario', index));
  const hours = pick(random, [6, 8, 8, 10]);
  const end = hours * 60;
  const serviceCount = pick(random, [1, 1, 2, 3]);
  const services = Array.from({ length: serviceCount }, (_, i) => ({
    id: String.fromCharCode(65 + i),
    serviceMin: {
      mean: round(pick(random, [2, 3, 4, 5, 6, 8, 12, 15]) * between(random, 0.8, 1.2), 0.5),
      cv: round(between(random, 0.3, 1.0), 0.1),
    },
  }));
  const counterCount = Math.max(serviceCount, pick(random, [2, 3, 3, 4, 4, 5, 6]));
  const counters = Array.from({ length: counterCount }, (_, i) => {
    const own = services[i % serviceCount]!.id;
    const also = serviceCount > 1 && random() < 0.4 ? pick(random, services).id : own;
    const lateStart = random() < 0.2 ? round(between(random, 30, end / 2), 15) : 0;
    const earlyEnd = random() < 0.2 ? round(between(random, end / 2 + 30, end - 30), 15) : end;
    const breaks: Array<[number, number]> = [];
    if (random() < 0.5) {
      const from = round(between(random, lateStart + 30, earlyEnd - 60), 5);
      breaks.push([from, from + pick(random, [15, 20, 30, 45])]);
    }
    return {
      id: `c${i + 1}`,
      services: [...new Set([own, also])],
      speed: round(between(random, 0.8, 1.2), 0.05),
      open: [[lateStart, earlyEnd]] as Array<[number, number]>,
      breaks,
    };
  });
  // Capacity per service in customers per hour, shared among the services a counter serves.
  const capacity = new Map<string, number>();
  for (const c of counters) {
    for (const s of c.services) {
      const mean = services.find((x) => x.id === s)!.serviceMin.mean;
      capacity.set(s, (capacity.get(s) ?? 0) + (60 * c.speed) / mean / c.services.length);
    }
  }
  const arrivals = services.flatMap((s) => {
    const cap = capacity.get(s.id)!;
    const peakFrom = round(between(random, 0.2, 0.5) * end, 15);
    const peakTo = Math.min(end - 30, peakFrom + round(between(random, 60, 150), 15));
    const base = between(random, 0.45, 0.75);
    const peak = between(random, 0.9, 1.25);
    const blocks = [
      { service: s.id, from: 0, to: peakFrom, perHour: round(cap * base, 0.5) },
      { service: s.id, from: peakFrom, to: peakTo, perHour: round(cap * peak, 0.5) },
      { service: s.id, from: peakTo, to: end - 30, perHour: round(cap * base, 0.5) },
    ];
    return blocks.filter((b) => b.to > b.from);
  });
  const segments =
    random() < 0.35
      ? [
          { id: 'gold', share: round(between(random, 0.1, 0.3), 0.05), priority: 1 },
          { id: 'accessibility', share: 0.05, priority: 2 },
        ]
      : [];
  const patienceMin = random() < 0.8 ? { mean: round(between(random, 25, 90), 5) } : undefined;
  const offersReturns = random() < 0.25;
  // drawn as before (unused now), so the venues after this draw stay the ones the bench always had
  if (offersReturns) pick(random, RETURN_THRESHOLDS_MIN);
  const acceptShare = offersReturns ? round(between(random, 0.5, 0.8), 0.1) : 0;
  const venue: ScenarioInput = {
    name: `generated-${index}`,
    seed: index + 1,
    hours,
    services,
    counters,
    arrivals,
    segments,
    ...(patienceMin ? { patienceMin } : {}),
  };
  return offersReturns ? { ...venue, returnTimes: { thresholdMin: returnThresholdMin(venue), acceptShare } } : venue;
}
