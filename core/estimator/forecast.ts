import { rankKey } from '../queue/ordering.ts';
import type { QueueState, Shift } from '../queue/types.ts';
import { nextStaffed } from '../queue/rota.ts';
import { MINUTE_MS } from '../queue/types.ts';
import { exponential, hashSeed, mulberry32, type Random } from '../simulation/random.ts';
import { learnedParameters, type ParameterSource } from './parameters.ts';
import type { ServiceTimeModel, ServiceTimeModels } from './service-times.ts';
import type { EstimatorState } from './state.ts';

/**
 * Monte Carlo forecast of when each waiting ticket will be called. Each path plays the queue
 * forward from the current state with the engine's own calling order (rankKey, callable-only):
 *
 * - open counters may go on an unannounced break when next free, at the venue's observed rate of
 *   breaks per open counter-minute (a prior of one per priorMinutesPerBreak until seen);
 * - open counters finish the ticket at their desk after a residual service time (a recent
 *   service time longer than what has elapsed, minus the elapsed part), idle ones start now;
 *   each call comes a gap after the counter and its customer are both ready (a clerk's wrap-up
 *   and reaction, as the venue's calls showed; none in a simulation), one gap per call even
 *   when several counters are free; a free counter that has let someone wait is partway through
 *   its gap and calls after the rest of a gap longer than that;
 *   counters on break come back when the clerk said they would (breakUntil), a little later if
 *   that time has passed, or, when no length was announced, after the rest of a break longer than
 *   the one they have had (observed break lengths plus a few around the prior); closed ones stay
 *   closed, and a counter with a scheduled close (closesAt) calls nobody from then on;
 * - service times are drawn from the recent robust samples of the ticket's service, times the
 *   counter's speed factor;
 * - a called ticket's customer is still there with probability exp(-h x minutes in line)
 *   (learned abandonment); if gone, the counter loses the usual no-show time;
 * - priority customers who have not arrived yet but would be called before a target ticket
 *   arrive as Poisson processes at their recently observed rate per service and weight (the
 *   shares of the weights shrunk toward ordinary tickets while there are few arrivals);
 * - return tickets not checked in come back uniformly within their window.
 *
 * The output is, per target ticket, its remaining wait (minutes) on every path: a distribution,
 * not a number, so the posted wait can be a calibrated quantile of it.
 */

interface HypotheticalTicket {
  id: string;
  serviceId: string;
  weight: number;
}

export interface ForecastOptions {
  /** A ticket that would be issued now (a new arrival), added to the line for the forecast. */
  extra?: HypotheticalTicket;
  /** Only these tickets need a forecast (stop a path once all are called). Default: all waiting. */
  targets?: readonly string[];
  /** Where service times, abandonment, breaks and arrivals come from. Default: what the queue taught. */
  parameters?: ParameterSource;
}

export interface Forecast {
  /** Remaining wait in minutes on each path; Infinity where no counter would call it. */
  waits: Map<string, Float64Array>;
  models: ServiceTimeModels;
  /** Learned abandonment hazard used by the paths (per minute). */
  hazardPerMin: number;
}

interface LineTicket {
  id: string;
  service: number;
  /** Rank in minutes relative to now: lower is called first. */
  rank: number;
  /** Minutes relative to now from which it may be called; NaN = drawn per path (return window). */
  eligible: number;
  windowFrom: number;
  windowTo: number;
  /** Minutes relative to now when the customer joined the line; NaN = at eligibility. */
  joined: number;
  target: number;
}

/** Pseudo-breaks around the prior break length (times it): a spread, so a first long break is no surprise. */
const PRIOR_BREAK_FACTORS = [0.6, 0.85, 1.15, 1.6];

/**
 * A service (or break) already longer than every sample lasts on, exponentially, with this share of
 * the median as its mean: it is nearly over more often than not, yet not certainly.
 */
const OVERRUN_SHARE_OF_MEDIAN = 0.5;

/**
 * Break lengths: the observed ones plus pseudo-breaks around the prior (PRIOR_BREAK_FACTORS),
 * sorted, so a counter on break comes back after the remaining part of a break longer than the
 * one it has had so far (drawResidual), not after a fixed mean minus what elapsed.
 */
function breakLengths(observed: readonly number[], priorMin: number): ServiceTimeModel {
  const samples = [...observed, ...PRIOR_BREAK_FACTORS.map((f) => f * priorMin)].sort((a, b) => a - b);
  const mid = samples.length / 2;
  const median = samples.length % 2 ? samples[Math.floor(mid)]! : (samples[mid - 1]! + samples[mid]!) / 2;
  return { serviceId: '', samples, mean: samples.reduce((a, b) => a + b, 0) / samples.length, median };
}

function drawService(random: Random, model: ServiceTimeModel, factor: number): number {
  const s = model.samples;
  return s[Math.floor(random() * s.length)]! * factor;
}

/**
 * The rest of something that has lasted `elapsedMin`: of a sorted sample (at factor 1) longer than
 * that, or, past every sample, an exponential of mean `overrunMin`.
 */
function drawResidual(
  random: Random,
  sorted: readonly number[],
  factor: number,
  elapsedMin: number,
  overrunMin: number,
): number {
  const normalisedElapsed = elapsedMin / factor;
  // the longer ones start at the first sample beyond the elapsed time
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= normalisedElapsed) lo = mid + 1;
    else hi = mid;
  }
  if (lo >= sorted.length) return exponential(random, overrunMin);
  const total = sorted[lo + Math.floor(random() * (sorted.length - lo))]!;
  return (total - normalisedElapsed) * factor;
}

/** The rest of a service or break that has lasted `elapsedMin` (see OVERRUN_SHARE_OF_MEDIAN past every sample). */
const restOf = (random: Random, model: ServiceTimeModel, factor: number, elapsedMin: number) =>
  drawResidual(random, model.samples, factor, elapsedMin, OVERRUN_SHARE_OF_MEDIAN * model.median * factor);

/** Whether counter a calls before b: the earlier free time, the lower index on a tie; never free (or NaN) last. */
function callsFirst(free: Float64Array, a: number, b: number): boolean {
  const fa = free[a]!;
  const fb = free[b]!;
  return fa < fb || (fa === fb && a < b) || (Number.isNaN(fb) && !Number.isNaN(fa));
}

/** Restores the heap `heap[0..size)` below `at` after the counter there changed its free time. */
function siftDown(heap: Int32Array, free: Float64Array, size: number, at: number): void {
  let i = at;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= size) return;
    const right = left + 1;
    const child = right < size && callsFirst(free, heap[right]!, heap[left]!) ? right : left;
    if (!callsFirst(free, heap[child]!, heap[i]!)) return;
    const swap = heap[i]!;
    heap[i] = heap[child]!;
    heap[child] = swap;
    i = child;
  }
}

/** Two lines in calling order as one; on equal rank the first line's ticket comes first (as a stable sort would). */
function mergeByRank(a: readonly LineTicket[], b: readonly LineTicket[]): LineTicket[] {
  const out: LineTicket[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(b[j]!.rank < a[i]!.rank ? b[j++]! : a[i++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

export function forecast(est: EstimatorState, queue: QueueState, now: number, options: ForecastOptions = {}): Forecast {
  const rules = queue.rules;
  const cfg = est.config;
  const serviceIds = rules.services.map((s) => s.id);
  const serviceIndex = new Map(serviceIds.map((id, i) => [id, i]));
  const parameters = options.parameters ?? learnedParameters;
  const models = parameters.serviceTimes(est, serviceIds);
  const modelByIndex = serviceIds.map((id) => models.services[id] ?? models.fallback);
  const hazard = parameters.abandonmentHazardPerMin(est);
  const noShowCost = parameters.noShowCostMin(est);
  const breakModel = breakLengths(est.breaksMin, cfg.priorBreakMin);
  const breaksPerOpenMin = parameters.unplannedBreaksPerOpenMin(est, now);
  const gaps = parameters.callGapsMin(est);
  // No gap drawn while none was seen: the paths then stay as they were without the model.
  const anyGap = gaps.some((g) => g > 0);
  const drawGap = (random: Random) => (anyGap ? gaps[Math.floor(random() * gaps.length)]! : 0);
  const sortedGaps = anyGap ? [...gaps].sort((a, b) => a - b) : [];
  /**
   * The rest of a gap that has run `elapsed` minutes: of a gap seen longer, or, past every one seen,
   * about as long again (the clerk is not at the desk, and nothing seen says for how long).
   */
  const drawRestOfGap = (random: Random, elapsed: number) => drawResidual(random, sortedGaps, 1, elapsed, elapsed);
  const rel = (ms: number) => (ms - now) / MINUTE_MS;

  // ---- the line, in calling order
  const line: LineTicket[] = [];
  for (const t of Object.values(queue.tickets)) {
    if (t.status !== 'waiting') continue;
    const service = serviceIndex.get(t.serviceId);
    if (service === undefined) continue;
    const rw = t.returnWindow;
    const checkedIn = rw === null || t.checkedInAt !== null;
    line.push({
      id: t.id,
      service,
      rank: rel(rankKey(t, rules)),
      eligible: rw === null ? 0 : checkedIn ? Math.max(0, rel(rw.from)) : NaN,
      windowFrom: rw ? Math.max(0, rel(rw.from)) : 0,
      windowTo: rw ? Math.max(0, rel(rw.from), rel(rw.to)) : 0,
      joined: t.joinedAt === null ? NaN : rel(t.joinedAt),
      target: -1,
    });
  }
  if (options.extra) {
    const service = serviceIndex.get(options.extra.serviceId);
    if (service !== undefined) {
      line.push({
        id: options.extra.id,
        service,
        rank: -options.extra.weight / rules.agingPerMin,
        eligible: 0,
        windowFrom: 0,
        windowTo: 0,
        joined: 0,
        target: -1,
      });
    }
  }
  line.sort((a, b) => a.rank - b.rank);
  const targetIds = options.targets ? new Set(options.targets) : null;
  const targets: string[] = [];
  let maxTargetRank = -Infinity;
  for (const t of line) {
    if (targetIds && !targetIds.has(t.id) && t.id !== options.extra?.id) continue;
    t.target = targets.length;
    targets.push(t.id);
    maxTargetRank = Math.max(maxTargetRank, t.rank);
  }

  // ---- counters
  interface SimCounter {
    id: string;
    serves: Uint8Array;
    factor: number;
    /** planned: closed or on a planned break, back at its next shift. */
    kind: 'idle' | 'busy' | 'break' | 'planned';
    deskService: number;
    elapsed: number;
    /** Minutes from now until the announced end of its break; NaN when none was announced. */
    breakLeft: number;
    /** Minutes from now of its scheduled close; Infinity when not known. */
    closes: number;
    /** Its rota in minutes from now (shifts still to end); empty when none was planned. */
    shifts: Shift[];
    /** Minutes it has been free while someone it could call waited: its gap has run that long. */
    gapElapsed: number;
  }
  /** Per service: since when (minutes, relative) its first customer who can be called now has waited. */
  const waitingSince = new Map<number, number>();
  if (anyGap)
    for (const t of line)
      if (t.eligible === 0 && !Number.isNaN(t.joined))
        waitingSince.set(t.service, Math.min(waitingSince.get(t.service) ?? Infinity, t.joined));
  /**
   * How long a free counter has let the first customer it could call wait (0: nobody waits). On a
   * real bank's calls, agents who looked free while callers waited for minutes were busy elsewhere
   * and stayed so: the forecast then keeps them away for the rest of such a gap, not one gap more.
   */
  const gapUnderWay = (counterId: string, services: readonly string[]) => {
    const freeSince = est.counterFreeAt[counterId];
    if (freeSince === undefined) return 0;
    let ready = Infinity;
    for (const id of services) ready = Math.min(ready, waitingSince.get(serviceIndex.get(id) ?? -1) ?? Infinity);
    return Number.isFinite(ready) ? Math.max(0, -Math.max(rel(freeSince), ready)) : 0;
  };
  const counters: SimCounter[] = [];
  for (const c of Object.values(queue.counters).sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const shifts = c.shifts.filter((s) => s.to > now).map((s) => ({ from: rel(s.from), to: rel(s.to) }));
    // A closed counter counts only when its rota opens it later; an open one with a rota that has
    // ended is being kept open past its plan, so the plan no longer says anything about it.
    if (c.status === 'closed' && shifts.length === 0) continue;
    const planned = c.status === 'closed' || shifts.length > 0;
    const serves = new Uint8Array(serviceIds.length);
    for (const s of c.services) {
      const i = serviceIndex.get(s);
      if (i !== undefined) serves[i] = 1;
    }
    const desk = c.ticketId ? queue.tickets[c.ticketId] : undefined;
    const onPlannedBreak = c.status === 'break' && c.breakUntil === null && shifts.length > 0 && shifts[0]!.from > 0;
    counters.push({
      id: c.id,
      serves,
      factor: models.counterFactor[c.id] ?? 1,
      kind:
        c.status === 'closed'
          ? 'planned'
          : c.status === 'break'
            ? onPlannedBreak
              ? 'planned'
              : 'break'
            : desk
              ? 'busy'
              : 'idle',
      deskService: desk ? (serviceIndex.get(desk.serviceId) ?? 0) : 0,
      elapsed: c.status === 'break' ? rel(c.since) * -1 : desk?.calledAt ? -rel(desk.calledAt) : 0,
      breakLeft: c.status === 'break' && c.breakUntil !== null ? rel(c.breakUntil) : NaN,
      closes: c.closesAt === null ? Infinity : rel(c.closesAt),
      shifts: planned ? shifts : [],
      gapElapsed: desk || c.status !== 'open' ? 0 : gapUnderWay(c.id, c.services),
    });
  }

  // ---- priority arrivals that could overtake a target
  const rates = parameters.arrivalRatesPerMin(est, now);
  const jumpers = rates
    .filter((r) => r.weight > 0 && serviceIndex.has(r.serviceId))
    .map((r) => ({
      service: serviceIndex.get(r.serviceId)!,
      headStart: r.weight / rules.agingPerMin,
      perMin: r.perMin,
    }));

  const paths = cfg.paths;
  const waits = new Map<string, Float64Array>();
  const out = targets.map((id) => {
    const arr = new Float64Array(paths).fill(Infinity);
    waits.set(id, arr);
    return arr;
  });
  if (targets.length === 0 || counters.length === 0) return { waits, models, hazardPerMin: hazard };

  const random = mulberry32(hashSeed(cfg.seed, now, line.length, targets.length));
  const free = new Float64Array(counters.length);
  const nextBreak = new Float64Array(counters.length);
  /** Counters as a heap on their free time (the next to call on top): a scan of them took an eighth of a forecast. */
  const byFree = new Int32Array(counters.length);
  /** Counters whose first call of the path ends a gap already under way (no gap more before it). */
  const gapRun = new Uint8Array(counters.length);
  // per path, reused: when each ticket may be called, and whether it was
  let eligible = new Float64Array(line.length);
  let called = new Uint8Array(line.length);
  for (let p = 0; p < paths; p += 1) {
    // per-path line: base tickets plus sampled jumpers, merged by rank
    let pathLine = line;
    if (jumpers.length > 0 && Number.isFinite(maxTargetRank)) {
      const extra: LineTicket[] = [];
      for (const j of jumpers) {
        const horizon = maxTargetRank + j.headStart;
        let t = exponential(random, 1 / j.perMin);
        while (t < horizon) {
          extra.push({
            id: '',
            service: j.service,
            rank: t - j.headStart,
            eligible: t,
            windowFrom: 0,
            windowTo: 0,
            joined: t,
            target: -1,
          });
          t += exponential(random, 1 / j.perMin);
        }
      }
      if (extra.length)
        pathLine = mergeByRank(
          line,
          extra.sort((a, b) => a.rank - b.rank),
        );
    }
    const n = pathLine.length;
    if (n > eligible.length) {
      eligible = new Float64Array(2 * n);
      called = new Uint8Array(2 * n);
    }
    called.fill(0, 0, n);
    for (let i = 0; i < n; i += 1) {
      const t = pathLine[i]!;
      eligible[i] = Number.isNaN(t.eligible) ? t.windowFrom + random() * (t.windowTo - t.windowFrom) : t.eligible;
    }
    for (let k = 0; k < counters.length; k += 1) {
      const c = counters[k]!;
      nextBreak[k] = breaksPerOpenMin > 0 ? exponential(random, 1 / breaksPerOpenMin) : Infinity;
      gapRun[k] = 0;
      if (c.kind === 'idle' && c.gapElapsed > 0) {
        free[k] = drawRestOfGap(random, c.gapElapsed);
        gapRun[k] = 1;
      } else if (c.kind === 'idle') free[k] = 0;
      else if (c.kind === 'planned')
        free[k] = 0; // waits for its shift below
      else if (c.kind === 'busy') free[k] = restOf(random, modelByIndex[c.deskService]!, c.factor, c.elapsed);
      else if (c.breakLeft > 0) free[k] = c.breakLeft;
      else if (!Number.isNaN(c.breakLeft)) free[k] = exponential(random, cfg.priorBreakOverrunMin);
      else free[k] = restOf(random, breakModel, 1, c.elapsed);
    }
    let first = 0;
    let remaining = targets.length;
    for (let j = 0; j < counters.length; j += 1) byFree[j] = j;
    for (let j = (counters.length >> 1) - 1; j >= 0; j -= 1) siftDown(byFree, free, counters.length, j);
    let k = -1;
    while (remaining > 0) {
      // each turn changes only the free time of the counter it took: put it back in its place
      if (k >= 0) siftDown(byFree, free, counters.length, 0);
      k = byFree[0]!;
      if (!(free[k]! < Infinity)) break;
      const counter = counters[k]!;
      if (free[k]! >= counter.closes) {
        free[k] = Infinity; // its scheduled close: it finishes the desk and calls nobody else
        continue;
      }
      const staffed = nextStaffed(counter.shifts, free[k]!);
      if (staffed > free[k]!) {
        free[k] = staffed; // off the rota now (a planned break or a later opening): back at the next shift
        continue;
      }
      if (nextBreak[k]! <= free[k]!) {
        // the counter takes a break when it is next free
        free[k] = free[k]! + drawService(random, breakModel, 1);
        nextBreak[k] = free[k]! + exponential(random, 1 / breaksPerOpenMin); // (only reached when breaks may come)
        continue;
      }
      const now0 = free[k]!;
      let pick = -1;
      let nextEligible = Infinity;
      for (let i = first; i < n; i += 1) {
        if (called[i] || !counter.serves[pathLine[i]!.service]) continue;
        if (eligible[i]! <= now0) {
          pick = i;
          break;
        }
        if (eligible[i]! < nextEligible) nextEligible = eligible[i]!;
      }
      if (pick < 0) {
        free[k] = nextEligible;
        continue;
      }
      called[pick] = 1;
      while (first < n && called[first]) first += 1;
      const ticket = pathLine[pick]!;
      // one gap per call, however many counters are free: a gap is measured as what the customer
      // waited past the calling counter's being free, which already is the quickest counter's
      const callAt = now0 + (gapRun[k] ? 0 : drawGap(random));
      gapRun[k] = 0;
      if (ticket.target >= 0) {
        out[ticket.target]![p] = callAt;
        remaining -= 1;
      }
      const joined = Number.isNaN(ticket.joined) ? eligible[pick]! : ticket.joined;
      const present = hazard <= 0 || random() < Math.exp(-hazard * Math.max(0, callAt - joined));
      free[k] = callAt + (present ? drawService(random, modelByIndex[ticket.service]!, counter.factor) : noShowCost);
    }
  }
  return { waits, models, hazardPerMin: hazard };
}
