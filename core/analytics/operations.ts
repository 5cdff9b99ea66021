import type { QueueEvent } from '../queue/events.ts';
import { dayKey } from '../queue/numbering.ts';
import { MINUTE_MS } from '../queue/types.ts';

/**
 * The operations report (docs/operations.md): what happened to tickets, how long people waited
 * and were served, by service, counter, clerk, hour and day, and how counters spent their time.
 * A pure fold over a venue's queue log; the hub adds names, formats and access rules.
 */

/** How a ticket's stay in a service ended; `waiting` = still in line (its day is not over). */
export const OUTCOMES = ['served', 'no-show', 'abandoned', 'transferred', 'cancelled', 'waiting'] as const;
type Outcome = (typeof OUTCOMES)[number];

interface WaitFigures {
  /** Tickets called whose wait is known. */
  count: number;
  meanMin: number | null;
  medianMin: number | null;
  p90Min: number | null;
  /** Of the called tickets that were promised a wait, those called within it, in percent. */
  withinPostedPct: number | null;
  /** Called tickets that were promised a wait (the base of withinPostedPct). */
  postedCount: number;
}

interface ServiceTimeFigures {
  count: number;
  meanMin: number | null;
  medianMin: number | null;
}

/** A wait is long, for the promise ledger, when its posted wait is at least this (issue 19.6). */
const LONG_WAIT_MIN = 10;

/** How the posted waits held (docs/operations.md, the promise ledger), over called tickets promised a wait. */
interface PromiseFigures {
  /** Called tickets that were promised a wait. */
  promised: number;
  /** Of those, called within the posted wait. */
  kept: number;
  keptPct: number | null;
  /** Mean absolute error of the promise, |actual - posted|, minutes. */
  maeMin: number | null;
  /** Promises of LONG_WAIT_MIN or more: how many, and the mean of actual / posted (1 = exactly as promised). */
  longWaits: { count: number; meanActualOverPosted: number | null };
}

/** The figures of one group of tickets: a service, counter, clerk, hour of day, day, or all. */
export interface FigureGroup {
  /** Service id, counter id, clerk username, hour "00".."23", day YYYY-MM-DD, or "all". */
  key: string;
  tickets: number;
  outcomes: Record<Outcome, number>;
  wait: WaitFigures;
  service: ServiceTimeFigures;
  promise: PromiseFigures;
}

/**
 * The promise ledger of a venue over whole days of its calendar (GET /api/venues/:id/promises, whose
 * answer adds the venue's `timeZone`). A ticket counts on the day and hour it was issued.
 */
export interface PromiseLedger {
  venueId: string;
  /** First and last day (inclusive), YYYY-MM-DD in the venue's calendar, and the same range in ms. */
  from: string;
  to: string;
  fromMs: number;
  toMs: number;
  total: PromiseFigures;
  /** Every day of the range, empty ones included. */
  byDay: (PromiseFigures & { key: string })[];
  /** 24 rows, "00" to "23", local hours (of the ticket's issue). */
  byHour: (PromiseFigures & { key: string })[];
  byService: (PromiseFigures & { key: string })[];
}

/** Minutes a counter spent open (idle + busy), on break, and open with nobody at the desk. */
interface CounterTimes {
  counterId: string;
  openMin: number;
  breakMin: number;
  idleMin: number;
}

export interface OperationsReport {
  venueId: string;
  /** First and last day of the range (inclusive), in the venue's calendar. */
  from: string;
  to: string;
  /** The range in ms: local midnight of `from` to local midnight after `to`. */
  fromMs: number;
  toMs: number;
  total: FigureGroup;
  byService: FigureGroup[];
  byCounter: FigureGroup[];
  /** Null when the reader may not see clerks' figures (the hub's rule: managers only). */
  byClerk: FigureGroup[] | null;
  /** 24 groups, "00" to "23", local hours. */
  byHour: FigureGroup[];
  /** Every day of the range, empty ones included. */
  byDay: FigureGroup[];
  counters: CounterTimes[];
  /** Up to three hours of the day with the most tickets, most first. */
  busiestHours: { hour: string; tickets: number }[];
}

export interface OperationsInput {
  venueId: string;
  from: string;
  to: string;
  /** The venue's offset from UTC in minutes at a moment (its time zone, daylight saving included). */
  offsetAt: (at: number) => number;
  /** Tickets still open on an earlier day than now's are abandoned; today's are still waiting. */
  now: number;
}

const DAY_MS = 24 * 60 * MINUTE_MS;

/** The day after a YYYY-MM-DD day. */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/** When a local day starts (ms), for a venue whose offset may change (daylight saving). */
export function startOfLocalDay(day: string, offsetAt: (at: number) => number): number {
  const midnightUtc = Date.parse(`${day}T00:00:00Z`);
  const guess = midnightUtc - offsetAt(midnightUtc) * MINUTE_MS;
  return midnightUtc - offsetAt(guess) * MINUTE_MS;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** The p-quantile of sorted values, interpolated between ranks (Excel's PERCENTILE.INC). */
export function quantile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (sorted.length - 1) * p;
  const below = Math.floor(rank);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (rank - below);
}

interface Call {
  at: number;
  counterId: string;
  clerk: string | null;
}

/** A ticket's stay in one service: from joining its line to how that ended. */
interface Visit {
  serviceId: string;
  /** When the ticket belongs to the report: its issue (or transfer) time. */
  at: number;
  /** When the customer joined the line; null for a return ticket not checked in. */
  joinedAt: number | null;
  postedWaitMin: number | null;
  firstCall: Call | null;
  lastCall: Call | null;
  servedAt: number | null;
  outcome: Outcome | null;
  /** The counter (and the clerk who called) where the stay ended, if it ended at a counter. */
  closedAt: Call | null;
}

/** Every service stay in the log, in order: a transfer ends one stay and starts the next. */
function visitsOf(events: readonly QueueEvent[]): Visit[] {
  const visits: Visit[] = [];
  const current = new Map<string, Visit>();
  const start = (ticketId: string, visit: Visit) => {
    visits.push(visit);
    current.set(ticketId, visit);
  };
  for (const event of events) {
    if (event.type === 'ticket.issued') {
      start(event.ticketId, {
        serviceId: event.serviceId,
        at: event.issuedAt,
        joinedAt: event.returnWindow ? null : event.issuedAt,
        postedWaitMin: event.postedWaitMin,
        firstCall: null,
        lastCall: null,
        servedAt: null,
        outcome: null,
        closedAt: null,
      });
      continue;
    }
    const visit = 'ticketId' in event ? current.get(event.ticketId) : undefined;
    if (!visit || !('ticketId' in event)) continue;
    const atCounter = (counterId: string): Call => ({ at: event.at, counterId, clerk: visit.lastCall?.clerk ?? null });
    switch (event.type) {
      case 'ticket.checked-in':
        visit.joinedAt = event.at;
        if (event.postedWaitMin !== null) visit.postedWaitMin = event.postedWaitMin;
        break;
      case 'ticket.called': {
        const call = { at: event.at, counterId: event.counterId, clerk: event.calledBy ?? null };
        visit.firstCall ??= call;
        visit.lastCall = call;
        visit.outcome = null;
        break;
      }
      case 'ticket.served':
        visit.outcome = 'served';
        visit.servedAt = event.at;
        visit.closedAt = atCounter(event.counterId);
        break;
      case 'ticket.no-show':
        visit.outcome = 'no-show';
        visit.closedAt = atCounter(event.counterId);
        break;
      case 'ticket.rejoined':
        visit.outcome = null;
        visit.closedAt = null;
        break;
      case 'ticket.cancelled':
        visit.outcome = 'cancelled';
        break;
      case 'ticket.transferred':
        visit.outcome = 'transferred';
        visit.closedAt = atCounter(event.counterId);
        start(event.ticketId, {
          serviceId: event.toServiceId,
          at: event.at,
          joinedAt: event.at,
          postedWaitMin: null,
          firstCall: null,
          lastCall: null,
          servedAt: null,
          outcome: null,
          closedAt: null,
        });
        break;
    }
  }
  return visits;
}

interface Accumulator {
  key: string;
  outcomes: Record<Outcome, number>;
  waits: number[];
  posted: number;
  withinPosted: number;
  /** Sum of |actual - posted| over the promised waits, minutes. */
  absError: number;
  longPosted: number;
  /** Sum of actual / posted over the long promised waits. */
  longRatio: number;
  services: number[];
}

const newAccumulator = (key: string): Accumulator => ({
  key,
  outcomes: Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>,
  waits: [],
  posted: 0,
  withinPosted: 0,
  absError: 0,
  longPosted: 0,
  longRatio: 0,
  services: [],
});

function figures(acc: Accumulator): FigureGroup {
  const waits = [...acc.waits].sort((a, b) => a - b);
  const services = [...acc.services].sort((a, b) => a - b);
  const mean = (values: number[]) => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);
  const rounded = (value: number | null) => (value === null ? null : round1(value));
  return {
    key: acc.key,
    tickets: OUTCOMES.reduce((sum, o) => sum + acc.outcomes[o], 0),
    outcomes: acc.outcomes,
    wait: {
      count: waits.length,
      meanMin: rounded(mean(waits)),
      medianMin: rounded(quantile(waits, 0.5)),
      p90Min: rounded(quantile(waits, 0.9)),
      withinPostedPct: acc.posted === 0 ? null : round1((100 * acc.withinPosted) / acc.posted),
      postedCount: acc.posted,
    },
    service: { count: services.length, meanMin: rounded(mean(services)), medianMin: rounded(quantile(services, 0.5)) },
    promise: {
      promised: acc.posted,
      kept: acc.withinPosted,
      keptPct: acc.posted === 0 ? null : round1((100 * acc.withinPosted) / acc.posted),
      maeMin: acc.posted === 0 ? null : round1(acc.absError / acc.posted),
      longWaits: {
        count: acc.longPosted,
        meanActualOverPosted: acc.longPosted === 0 ? null : Math.round((100 * acc.longRatio) / acc.longPosted) / 100,
      },
    },
  };
}

/** Groups keyed by a name, created on first use and listed in key order. */
class Groups {
  private readonly groups = new Map<string, Accumulator>();
  constructor(keys: readonly string[] = []) {
    for (const key of keys) this.of(key);
  }
  of(key: string): Accumulator {
    let group = this.groups.get(key);
    if (!group) {
      group = newAccumulator(key);
      this.groups.set(key, group);
    }
    return group;
  }
  list(): FigureGroup[] {
    return [...this.groups.values()].sort((a, b) => a.key.localeCompare(b.key)).map(figures);
  }
}

/** Minutes each counter spent open, on break and idle within [from, to), clipped to the range. */
function counterTimes(events: readonly QueueEvent[], from: number, to: number): CounterTimes[] {
  type Kind = 'closed' | 'break' | 'idle' | 'busy';
  const counters = new Map<string, { kind: Kind; since: number; desk: string | null; ms: Record<Kind, number> }>();
  const of = (counterId: string, at: number) => {
    let counter = counters.get(counterId);
    if (!counter) {
      counter = { kind: 'closed', since: at, desk: null, ms: { closed: 0, break: 0, idle: 0, busy: 0 } };
      counters.set(counterId, counter);
    }
    return counter;
  };
  // Books the time since the last change to the state the counter was in, then moves on to `kind`.
  const move = (counterId: string, at: number, next: (kind: Kind, desk: string | null) => [Kind, string | null]) => {
    const counter = of(counterId, at);
    const start = Math.max(counter.since, from);
    const end = Math.min(at, to);
    if (end > start) counter.ms[counter.kind] += end - start;
    [counter.kind, counter.desk] = next(counter.kind, counter.desk);
    counter.since = at;
  };
  const openWith = (desk: string | null): Kind => (desk ? 'busy' : 'idle');
  for (const event of events) {
    switch (event.type) {
      case 'counter.opened':
        move(event.counterId, event.at, (_, desk) => [openWith(desk), desk]);
        break;
      case 'counter.break':
        move(event.counterId, event.at, (_, desk) => ['break', desk]);
        break;
      case 'counter.closed':
        move(event.counterId, event.at, () => ['closed', null]);
        break;
      case 'ticket.called':
        move(event.counterId, event.at, (kind) => [kind === 'idle' ? 'busy' : kind, event.ticketId]);
        break;
      case 'ticket.served':
      case 'ticket.no-show':
      case 'ticket.transferred':
      case 'ticket.parked':
        move(event.counterId, event.at, (kind) => [kind === 'busy' ? 'idle' : kind, null]);
        break;
    }
  }
  const minutes = (ms: number) => round1(ms / MINUTE_MS);
  return [...counters.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([counterId, counter]) => {
      move(counterId, to, (kind, desk) => [kind, desk]);
      return {
        counterId,
        openMin: minutes(counter.ms.idle + counter.ms.busy),
        breakMin: minutes(counter.ms.break),
        idleMin: minutes(counter.ms.idle),
      };
    });
}

/** The operations report of one venue over whole local days, from its queue log. */
export function operationsReport(events: readonly QueueEvent[], input: OperationsInput): OperationsReport {
  const { offsetAt, now } = input;
  const fromMs = startOfLocalDay(input.from, offsetAt);
  const toMs = startOfLocalDay(nextDay(input.to), offsetAt);
  const localDay = (at: number) => dayKey(at, offsetAt(at));
  const localHour = (at: number) => String(new Date(at + offsetAt(at) * MINUTE_MS).getUTCHours()).padStart(2, '0');
  const today = localDay(now);

  const days: string[] = [];
  for (let day = input.from; day <= input.to; day = nextDay(day)) days.push(day);
  const total = newAccumulator('all');
  const byService = new Groups();
  const byCounter = new Groups();
  const byClerk = new Groups();
  const byHour = new Groups(Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0')));
  const byDay = new Groups(days);

  for (const visit of visitsOf(events)) {
    if (visit.at < fromMs || visit.at >= toMs) continue;
    const outcome = visit.outcome ?? (localDay(visit.at) < today ? 'abandoned' : 'waiting');
    const when = [total, byService.of(visit.serviceId), byHour.of(localHour(visit.at)), byDay.of(localDay(visit.at))];
    const where = (call: Call | null) =>
      call ? [byCounter.of(call.counterId), ...(call.clerk ? [byClerk.of(call.clerk)] : [])] : [];

    for (const group of [...when, ...where(visit.closedAt)]) group.outcomes[outcome] += 1;
    if (visit.firstCall && visit.joinedAt !== null) {
      const waitMin = Math.max(0, visit.firstCall.at - visit.joinedAt) / MINUTE_MS;
      for (const group of [...when, ...where(visit.firstCall)]) {
        group.waits.push(waitMin);
        if (visit.postedWaitMin !== null) {
          group.posted += 1;
          if (waitMin <= visit.postedWaitMin) group.withinPosted += 1;
          group.absError += Math.abs(waitMin - visit.postedWaitMin);
          if (visit.postedWaitMin >= LONG_WAIT_MIN) {
            group.longPosted += 1;
            group.longRatio += waitMin / visit.postedWaitMin;
          }
        }
      }
    }
    if (visit.servedAt !== null && visit.lastCall) {
      const serviceMin = (visit.servedAt - visit.lastCall.at) / MINUTE_MS;
      for (const group of [...when, ...where(visit.lastCall)]) group.services.push(serviceMin);
    }
  }

  const hours = byHour.list();
  return {
    venueId: input.venueId,
    from: input.from,
    to: input.to,
    fromMs,
    toMs,
    total: figures(total),
    byService: byService.list(),
    byCounter: byCounter.list(),
    byClerk: byClerk.list(),
    byHour: hours,
    byDay: byDay.list(),
    counters: counterTimes(events, fromMs, Math.min(toMs, now)),
    busiestHours: hours
      .filter((h) => h.tickets > 0)
      .sort((a, b) => b.tickets - a.tickets || a.key.localeCompare(b.key))
      .slice(0, 3)
      .map((h) => ({ hour: h.key, tickets: h.tickets })),
  };
}

/**
 * The promise ledger (issue 19.6): how the posted waits held, by day, hour and service. The same
 * fold as the operations report, so the two never disagree on a ticket.
 */
export function promiseLedger(events: readonly QueueEvent[], input: OperationsInput): PromiseLedger {
  const report = operationsReport(events, input);
  const rows = (groups: FigureGroup[]) => groups.map((g) => ({ key: g.key, ...g.promise }));
  return {
    venueId: report.venueId,
    from: report.from,
    to: report.to,
    fromMs: report.fromMs,
    toMs: report.toMs,
    total: report.total.promise,
    byDay: rows(report.byDay),
    byHour: rows(report.byHour),
    byService: rows(report.byService),
  };
}
