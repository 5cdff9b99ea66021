import { estimateNewArrival, estimateWaiting, meanServiceMin } from '../estimator/estimate.ts';
import { promiseBudget } from '../estimator/calibration.ts';
import { learnedParameters } from '../estimator/parameters.ts';
import { createEstimatorState, observe, type EstimatorConfig, type EstimatorState } from '../estimator/state.ts';
import { apply, decide, emptyQueueState } from '../queue/engine.ts';
import { offerReturnWindow } from '../queue/return-times.ts';
import { createQueueRules } from '../queue/rules.ts';
import type { QueueCommand, QueueEvent, QueueRules, QueueState } from '../queue/types.ts';
import { MINUTE_MS } from '../queue/types.ts';
import { ticketPosition } from '../queue/views.ts';
import { TimedHeap } from './heap.ts';
import { type KnownParameters, knownParameterSource } from './known-parameters.ts';
import {
  ourPromise,
  promisesAtJoin,
  scoreMethod,
  type MethodScore,
  type Posted,
  type ServedRecord,
} from './metrics.ts';
import { exponential, hashSeed, lognormal, mulberry32, poissonProcess } from './random.ts';
import type { Scenario } from './scenario.ts';
import type { TicketLogRow } from './ticket-log.ts';

/**
 * A discrete-event simulation of a venue's day on a virtual clock. It drives the real queue engine
 * (decide/apply) and the real estimator (observe/estimate): the only things simulated are the
 * people (arrivals, patience, how long they take at the desk, whether they take a return time)
 * and the staff (counters open, close, take breaks, call the next ticket as soon as they are free).
 *
 * Randomness is split into streams derived from the seed (arrivals per block, attributes per
 * customer), so a run with return times and one without see exactly the same customers.
 */

export interface SimulationReport {
  scenario: string;
  tickets: number;
  served: number;
  abandoned: number;
  unservedAtClose: number;
  promiseKept: number;
  actualOverPosted: number | null;
  actualOverPostedN: number;
  maeMin: number;
  peakPhysicalQueue: number;
  baselines: { naive: MethodScore; littlesLaw: MethodScore; padded: MethodScore };
  returnTimes?: { offered: number; accepted: number };
  withoutReturnTimes?: { served: number; peakPhysicalQueue: number };
  /** The same day scored with the scenario's true parameters (`simulate --oracle`), when it ran. */
  oracle?: MethodScore;
  /** Promises the estimator could still break at the end of the day and keep its target (calibration.ts). */
  finalPromiseBudget: number;
}

export interface SimulateOptions {
  estimator?: Partial<EstimatorConfig>;
  /**
   * Hand the estimator the scenario's true parameters (knownParameters) instead of letting it
   * learn them: what is left missing is the information a queue has, not the estimation.
   */
  oracle?: boolean;
}

/** 2025-01-06 09:00 UTC: a Monday; the venue opens at minute 0. */
const OPENING_MS = Date.UTC(2025, 0, 6, 9, 0, 0);

interface Customer {
  index: number;
  ticketId: string;
  arrivalMin: number;
  serviceId: string;
  segmentId: string | null;
  patienceMin: number;
  needMin: number;
  acceptsReturn: boolean;
  returnFraction: number;
  state: 'new' | 'away' | 'waiting' | 'gone' | 'at-desk' | 'served' | 'no-show';
  /** When a customer who gave up left the line (minutes). */
  leftMin?: number;
  promise: Omit<ServedRecord, 'actualMin'> | null;
}

type SimEvent =
  | { kind: 'arrive'; customer: Customer }
  | { kind: 'return'; customer: Customer }
  | { kind: 'abandon'; customer: Customer }
  | { kind: 'done'; counterId: string; outcome: 'serve' | 'no-show' }
  /** `until`: end (minutes) of the open window or break the action starts, which staff know. */
  | { kind: 'counter'; counterId: string; action: 'open' | 'close' | 'break' | 'break-end'; until?: number };

function scenarioQueueRules(scenario: Scenario, withReturns: boolean): QueueRules {
  return createQueueRules({
    services: scenario.services.map((s) => ({
      id: s.id,
      prefix: s.prefix,
      name: s.name,
      expectedServiceMin: s.serviceMin.mean,
      returnTimes:
        withReturns && scenario.returnTimes
          ? { thresholdMin: scenario.returnTimes.thresholdMin, windowMin: scenario.returnTimes.windowMin ?? 15 }
          : undefined,
    })),
    counters: scenario.counters.map((c) => ({ id: c.id, services: c.services })),
    segments: scenario.segments.map((s) => ({ id: s.id, weight: s.priority })),
    agingPerMin: scenario.agingPerMin,
  });
}

/** A counter's staffed times (minutes): its open windows minus its breaks, in order. */
function rotaShifts(counter: Pick<Scenario['counters'][number], 'open' | 'breaks'>): Array<[number, number]> {
  let shifts = [...counter.open].sort((a, b) => a[0] - b[0]).map(([from, to]): [number, number] => [from, to]);
  for (const [breakFrom, breakTo] of counter.breaks) {
    shifts = shifts.flatMap(([from, to]): Array<[number, number]> => {
      if (breakTo <= from || breakFrom >= to) return [[from, to]];
      return [
        ...(breakFrom > from ? [[from, breakFrom] as [number, number]] : []),
        ...(breakTo < to ? [[breakTo, to] as [number, number]] : []),
      ];
    });
  }
  return shifts;
}

/** The scenario's truth, as the estimator would need it (the oracle of SimulateOptions). */
export function knownParameters(scenario: Scenario): KnownParameters {
  const ordinaryShare = 1 - scenario.segments.reduce((sum, s) => sum + s.share, 0);
  const shares = [
    { weight: 0, share: ordinaryShare },
    ...scenario.segments.map((s) => ({ weight: s.priority, share: s.share })),
  ];
  return {
    serviceMin: Object.fromEntries(
      scenario.services.map((s) => [s.id, { mean: s.serviceMin.mean, cv: s.serviceMin.cv }]),
    ),
    counterFactor: Object.fromEntries(scenario.counters.map((c) => [c.id, 1 / c.speed])),
    hazardPerMin: scenario.patienceMin ? 1 / scenario.patienceMin.mean : 0,
    noShowMin: scenario.noShowMin,
    arrivals: scenario.arrivals.flatMap((block) =>
      shares.map(({ weight, share }) => ({
        serviceId: block.service,
        weight,
        from: OPENING_MS + block.from * MINUTE_MS,
        to: OPENING_MS + block.to * MINUTE_MS,
        perMin: (block.perHour / 60) * share,
      })),
    ),
  };
}

/** The day's customers, identical whichever options the run uses. */
export function generateCustomers(scenario: Scenario): Customer[] {
  const arrivals: Array<{ t: number; serviceId: string; block: number }> = [];
  scenario.arrivals.forEach((block, b) => {
    const random = mulberry32(hashSeed(scenario.seed, 'arrivals', b));
    for (const t of poissonProcess(random, block.perHour / 60, block.from, block.to))
      arrivals.push({ t, serviceId: block.service, block: b });
  });
  arrivals.sort((x, y) => x.t - y.t || x.block - y.block);
  return arrivals.map((a, index) => {
    const random = mulberry32(hashSeed(scenario.seed, 'customer', index));
    const service = scenario.services.find((s) => s.id === a.serviceId)!;
    let u = random();
    let segmentId: string | null = null;
    for (const segment of scenario.segments) {
      if (u < segment.share) {
        segmentId = segment.id;
        break;
      }
      u -= segment.share;
    }
    const patienceMin = scenario.patienceMin ? exponential(random, scenario.patienceMin.mean) : Infinity;
    const needMin = lognormal(random, service.serviceMin.mean, service.serviceMin.cv);
    const acceptsReturn = random() < (scenario.returnTimes?.acceptShare ?? 0);
    const returnFraction = random();
    return {
      index,
      ticketId: `t${index}`,
      arrivalMin: a.t,
      serviceId: a.serviceId,
      segmentId,
      patienceMin,
      needMin,
      acceptsReturn,
      returnFraction,
      state: 'new' as const,
      promise: null,
    };
  });
}

interface DayResult {
  tickets: number;
  records: ServedRecord[];
  served: number;
  abandoned: number;
  unservedAtClose: number;
  peakPhysicalQueue: number;
  offered: number;
  accepted: number;
  finalPromiseBudget: number;
  /** The estimator as it ended the day (for diagnostics and tests). */
  estimator: EstimatorState;
  /** The day as the queue's ticket log would hold it (ticket-log.ts). */
  log: Array<Omit<TicketLogRow, 'line'>>;
}

function simulateDay(scenario: Scenario, withReturns: boolean, options: SimulateOptions = {}): DayResult {
  const rules = scenarioQueueRules(scenario, withReturns);
  let queue: QueueState = emptyQueueState(rules);
  const priors: Record<string, number> = {};
  for (const s of scenario.services) priors[s.id] = s.serviceMin.mean;
  let est: EstimatorState = createEstimatorState({
    config: { seed: scenario.seed, ...options.estimator },
    priors,
  });
  const parameters = options.oracle ? knownParameterSource(knownParameters(scenario)) : learnedParameters;
  const customers = generateCustomers(scenario);
  const byTicket = new Map(customers.map((c) => [c.ticketId, c]));
  const speed = new Map(scenario.counters.map((c) => [c.id, c.speed]));
  /** Counters to close or break once the ticket at the desk is done (a break: with its planned end). */
  const pending = new Map<string, { action: 'close' | 'break'; until?: number }>();
  const callTimes = new Map<string, number[]>();
  const heap = new TimedHeap<SimEvent>();
  let nowMin = 0;
  let physical = 0;
  let peak = 0;
  let offered = 0;
  let accepted = 0;
  const at = () => OPENING_MS + nowMin * MINUTE_MS;
  const lastClose = new Map<string, number>();
  for (const service of scenario.services) {
    const ends = scenario.counters
      .filter((c) => c.services.includes(service.id))
      .flatMap((c) => c.open.map(([, to]) => to));
    lastClose.set(service.id, Math.max(...ends));
  }

  const run = (command: QueueCommand): QueueEvent[] | null => {
    const result = decide(queue, command, at());
    if (!Array.isArray(result)) return null;
    for (const event of result) {
      queue = apply(queue, event);
      est = observe(est, queue, event);
    }
    return result;
  };
  /**
   * Staff say what they know: a break's length when it starts ("back in 30 minutes"); the open
   * window's end is the counter's scheduled close (announced when it opens and kept over breaks).
   */
  const breakCommand = (counterId: string, until: number | undefined): QueueCommand =>
    until !== undefined && until > nowMin
      ? { type: 'break-counter', counterId, minutes: until - nowMin }
      : { type: 'break-counter', counterId };
  const setPhysical = (delta: number) => {
    physical += delta;
    if (physical > peak) peak = physical;
  };

  for (const counter of scenario.counters) {
    for (const [from, to] of counter.open) {
      heap.push(from, { kind: 'counter', counterId: counter.id, action: 'open', until: to });
      heap.push(to, { kind: 'counter', counterId: counter.id, action: 'close' });
    }
    for (const [from, to] of counter.breaks) {
      heap.push(from, { kind: 'counter', counterId: counter.id, action: 'break', until: to });
      heap.push(to, { kind: 'counter', counterId: counter.id, action: 'break-end' });
    }
  }
  for (const c of customers) heap.push(c.arrivalMin, { kind: 'arrive', customer: c });
  // Staff know the day's rota before opening: when each counter is staffed, its breaks included.
  for (const counter of scenario.counters) {
    const shifts = rotaShifts(counter).map(([from, to]) => ({
      from: OPENING_MS + from * MINUTE_MS,
      to: OPENING_MS + to * MINUTE_MS,
    }));
    run({ type: 'plan-counter', counterId: counter.id, shifts });
  }

  /** What every method would tell a customer joining the line now. */
  const promises = (ours: Posted, serviceId: string, position: number): Omit<ServedRecord, 'actualMin'> => {
    const open = Object.values(queue.counters).filter(
      (c) => c.status === 'open' && c.services.includes(serviceId),
    ).length;
    // the baselines see what the queue has learned, oracle or not, so every run scores against the same ones
    const mean = meanServiceMin(est, serviceId);
    const calls = callTimes.get(serviceId) ?? [];
    const spanMin = Math.min(
      30,
      Math.max(1, nowMin - Math.min(...scenario.counters.flatMap((c) => c.open.map(([f]) => f)))),
    );
    const recentCalls = calls.filter((t) => t >= nowMin - spanMin).length;
    return promisesAtJoin(ours, { position, meanServiceMin: mean, openCounters: open, recentCalls, spanMin });
  };

  const dispatch = () => {
    const counters = Object.values(queue.counters).sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const counter of counters) {
      if (counter.status !== 'open' || counter.ticketId || pending.has(counter.id)) continue;
      const events = run({ type: 'call-next', counterId: counter.id });
      const called = events?.[0];
      if (called?.type !== 'ticket.called') continue;
      const customer = byTicket.get(called.ticketId)!;
      const ticket = queue.tickets[called.ticketId]!;
      (callTimes.get(ticket.serviceId) ?? callTimes.set(ticket.serviceId, []).get(ticket.serviceId)!).push(nowMin);
      if (customer.state === 'waiting') {
        customer.state = 'at-desk';
        setPhysical(-1);
        heap.push(nowMin + customer.needMin / (speed.get(counter.id) ?? 1), {
          kind: 'done',
          counterId: counter.id,
          outcome: 'serve',
        });
      } else {
        heap.push(nowMin + scenario.noShowMin, { kind: 'done', counterId: counter.id, outcome: 'no-show' });
      }
    }
  };

  const joinLine = (customer: Customer) => {
    customer.state = 'waiting';
    setPhysical(1);
    if (Number.isFinite(customer.patienceMin)) heap.push(nowMin + customer.patienceMin, { kind: 'abandon', customer });
  };

  for (let next = heap.pop(); next; next = heap.pop()) {
    nowMin = next.t;
    const event = next.value;
    switch (event.kind) {
      case 'counter': {
        const counter = queue.counters[event.counterId]!;
        if (event.action === 'open') {
          const closesAt = event.until === undefined ? undefined : OPENING_MS + event.until * MINUTE_MS;
          run({ type: 'open-counter', counterId: event.counterId, closesAt });
        } else if (event.action === 'break-end') {
          if (pending.get(event.counterId)?.action === 'break') pending.delete(event.counterId);
          if (counter.status === 'break') run({ type: 'open-counter', counterId: event.counterId });
        } else {
          if (event.action === 'break' && counter.status !== 'open') break;
          if (counter.ticketId) pending.set(event.counterId, { action: event.action, until: event.until });
          else
            run(
              event.action === 'close'
                ? { type: 'close-counter', counterId: event.counterId }
                : breakCommand(event.counterId, event.until),
            );
        }
        break;
      }
      case 'arrive': {
        const c = event.customer;
        const estimate = estimateNewArrival(
          est,
          queue,
          at(),
          { serviceId: c.serviceId, segmentId: c.segmentId },
          parameters,
        );
        const offer = withReturns
          ? offerReturnWindow(queue, at(), {
              serviceId: c.serviceId,
              postedWaitMin: estimate.postedMin,
              pointWaitMin: estimate.pointMin,
              meanServiceMin: meanServiceMin(est, c.serviceId, parameters),
              closesAt: OPENING_MS + (lastClose.get(c.serviceId) ?? 0) * MINUTE_MS,
            })
          : null;
        if (offer) offered += 1;
        if (offer && c.acceptsReturn) {
          accepted += 1;
          run({
            type: 'issue',
            ticketId: c.ticketId,
            serviceId: c.serviceId,
            segmentId: c.segmentId ?? undefined,
            returnWindow: offer,
          });
          c.state = 'away';
          const returnAt = offer.from + c.returnFraction * (offer.to - offer.from);
          heap.push((returnAt - OPENING_MS) / MINUTE_MS, { kind: 'return', customer: c });
        } else {
          run({
            type: 'issue',
            ticketId: c.ticketId,
            serviceId: c.serviceId,
            segmentId: c.segmentId ?? undefined,
            postedWaitMin: estimate.postedMin ?? undefined,
            pointWaitMin: estimate.pointMin,
          });
          c.promise = promises(ourPromise(estimate), c.serviceId, estimate.position);
          joinLine(c);
        }
        break;
      }
      case 'return': {
        const c = event.customer;
        // The kiosk checks the customer in, then tells them the wait from there on.
        const checkIn = decide(queue, { type: 'check-in', ticketId: c.ticketId }, at());
        if (!Array.isArray(checkIn)) break;
        const checkedIn = checkIn.reduce(apply, queue);
        const estimate = estimateWaiting(est, checkedIn, at(), [c.ticketId], parameters)[c.ticketId];
        const posted = estimate?.postedMin ?? null;
        const point = estimate?.pointMin ?? 0;
        run({ type: 'check-in', ticketId: c.ticketId, postedWaitMin: posted ?? undefined, pointWaitMin: point });
        const position = ticketPosition(queue, c.ticketId)?.position ?? 1;
        c.promise = promises(ourPromise(estimate), c.serviceId, position);
        joinLine(c);
        break;
      }
      case 'abandon': {
        const c = event.customer;
        if (c.state === 'waiting') {
          c.state = 'gone';
          c.leftMin = nowMin;
          setPhysical(-1);
        }
        break;
      }
      case 'done': {
        const counter = queue.counters[event.counterId]!;
        const ticketId = counter.ticketId;
        if (!ticketId) break;
        const customer = byTicket.get(ticketId)!;
        run({ type: event.outcome === 'serve' ? 'serve' : 'no-show', counterId: event.counterId });
        customer.state = event.outcome === 'serve' ? 'served' : 'no-show';
        const next = pending.get(event.counterId);
        if (next) {
          pending.delete(event.counterId);
          run(
            next.action === 'close'
              ? { type: 'close-counter', counterId: event.counterId }
              : breakCommand(event.counterId, next.until),
          );
        }
        break;
      }
    }
    dispatch();
  }

  const records: ServedRecord[] = [];
  let served = 0;
  let abandoned = 0;
  let unserved = 0;
  for (const c of customers) {
    if (c.state === 'served') {
      served += 1;
      const ticket = queue.tickets[c.ticketId]!;
      if (c.promise && ticket.calledAt !== null && ticket.joinedAt !== null) {
        records.push({
          actualMin: (ticket.calledAt - ticket.joinedAt) / MINUTE_MS,
          ...c.promise,
          returned: ticket.returnWindow !== null,
        });
      }
    } else if (c.state === 'gone' || c.state === 'no-show') abandoned += 1;
    else unserved += 1;
  }
  return {
    tickets: customers.length,
    log: ticketLog(customers, queue),
    records,
    served,
    abandoned,
    unservedAtClose: unserved,
    peakPhysicalQueue: peak,
    offered,
    accepted,
    finalPromiseBudget: promiseBudget(est.calibration, est.config),
    estimator: est,
  };
}

/**
 * The day as a real queue would have logged it: a customer who left unseen is a no-show once
 * called (the queue learns of it then), abandoned with the time they left otherwise; anyone still
 * in line or away at the end of the day is abandoned at the day's last event.
 */
function ticketLog(customers: readonly Customer[], queue: QueueState): Array<Omit<TicketLogRow, 'line'>> {
  return customers.map((c) => {
    const t = queue.tickets[c.ticketId]!;
    const joined = t.joinedAt ?? t.issuedAt;
    const base = { ticket: t.number, service: c.serviceId, segment: c.segmentId ?? '', joined };
    if ((c.state === 'served' || c.state === 'no-show') && t.calledAt !== null)
      return {
        ...base,
        called: t.calledAt,
        ended: t.closedAt,
        outcome: c.state === 'served' ? ('served' as const) : ('no-show' as const),
        counter: t.counterId ?? '',
      };
    const left = c.leftMin === undefined ? queue.at : OPENING_MS + c.leftMin * MINUTE_MS;
    return { ...base, called: null, ended: Math.max(joined, left), outcome: 'abandoned' as const, counter: '' };
  });
}

/** A simulated day with what scoring it needs: the report, the scored customers and the day's log. */
export interface SimulationRun {
  report: SimulationReport;
  records: ServedRecord[];
  log: Array<Omit<TicketLogRow, 'line'>>;
}

/** Simulates the scenario's day and scores our posted waits against the baselines. */
export function simulate(scenario: Scenario, options: SimulateOptions = {}): SimulationReport {
  return simulateRun(scenario, options).report;
}

/** `simulate`, keeping the scored customers and the log; `compareWithoutReturns: false` skips the second day. */
export function simulateRun(
  scenario: Scenario,
  options: SimulateOptions = {},
  compareWithoutReturns = true,
): SimulationRun {
  const day = simulateDay(scenario, true, options);
  const ours = scoreMethod(day.records, (r) => r.ours);
  const report: SimulationReport = {
    scenario: scenario.name,
    tickets: day.tickets,
    served: day.served,
    abandoned: day.abandoned,
    unservedAtClose: day.unservedAtClose,
    promiseKept: ours.promiseKept,
    actualOverPosted: ours.actualOverPosted,
    actualOverPostedN: ours.actualOverPostedN,
    maeMin: ours.maeMin,
    peakPhysicalQueue: day.peakPhysicalQueue,
    baselines: {
      naive: scoreMethod(day.records, (r) => r.naive),
      littlesLaw: scoreMethod(day.records, (r) => r.littlesLaw),
      padded: scoreMethod(day.records, (r) => r.padded),
    },
    finalPromiseBudget: Math.round(day.finalPromiseBudget * 100) / 100,
  };
  if (scenario.returnTimes) {
    report.returnTimes = { offered: day.offered, accepted: day.accepted };
    if (compareWithoutReturns) {
      const without = simulateDay(scenario, false, options);
      report.withoutReturnTimes = { served: without.served, peakPhysicalQueue: without.peakPhysicalQueue };
    }
  }
  return { report, records: day.records, log: day.log };
}
