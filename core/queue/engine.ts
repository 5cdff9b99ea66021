import { blockOf, dayOf, formatNumber, nextBlockStart, nextHubNumber, numberingKey, numberingOn } from './numbering.ts';
import { isCallable, nextTicketFor, rankKey } from './ordering.ts';
import { ticketById, waitingLine } from './views.ts';
import { segmentWeight, serviceRules } from './rules.ts';
import type {
  CounterState,
  QueueCommand,
  QueueEvent,
  QueueRefusal,
  RefusalParams,
  QueueRefusalCode,
  QueueRules,
  QueueState,
  Ticket,
} from './types.ts';
import { MINUTE_MS } from './types.ts';

/**
 * The queue engine as two pure functions (ARCHITECTURE.md "Queue events"):
 *
 *   decide(state, command, now) -> QueueEvent[] | QueueRefusal   what a command means, or why not
 *   apply(state, event)         -> QueueState                    the projection of one event
 *
 * The hub stores the events; the live state is always rebuild(rules, events), so a restart loses
 * nothing and a test can check the projection against the log.
 */

export function emptyQueueState(rules: QueueRules): QueueState {
  const counters: Record<string, CounterState> = {};
  for (const counter of rules.counters) {
    counters[counter.id] = {
      id: counter.id,
      status: 'closed',
      services: [...counter.services],
      ticketId: null,
      since: 0,
      breakUntil: null,
      closesAt: null,
      shifts: [],
    };
  }
  return { rules, counters, tickets: {}, earlier: {}, closedNightBefore: '', numbering: {}, at: 0 };
}

export function rebuild(rules: QueueRules, events: readonly QueueEvent[]): QueueState {
  let state = emptyQueueState(rules);
  for (const event of events) state = apply(state, event);
  return state;
}

function refuse(code: QueueRefusalCode, message: string, params: RefusalParams = {}): QueueRefusal {
  return { refused: true, code, message, params };
}

/** Decide then apply, for callers that hold the state in memory (the simulator, tests). */
export function execute(
  state: QueueState,
  command: QueueCommand,
  now: number,
): { state: QueueState; events: QueueEvent[] } | QueueRefusal {
  const result = decide(state, command, now);
  if (!Array.isArray(result)) return result;
  let next = state;
  for (const event of result) next = apply(next, event);
  return { state: next, events: result };
}

// ---------- decide ----------

export function decide(state: QueueState, command: QueueCommand, now: number): QueueEvent[] | QueueRefusal {
  const rules = state.rules;
  // A ticket left waiting when the venue closed on an earlier day is out of the line for good (startDay).
  const left = 'ticketId' in command && command.type !== 'issue' ? state.earlier[command.ticketId] : undefined;
  if (left && (left.status === 'waiting' || left.status === 'parked'))
    return refuse(
      'ticket-from-earlier-day',
      `Ticket ${left.number} was taken on ${left.day}; please take a new ticket.`,
      {
        ticket: left.number,
      },
    );
  switch (command.type) {
    case 'open-counter': {
      const counter = state.counters[command.counterId];
      if (!counter) return unknownCounter(command.counterId);
      const services = command.services ?? counter.services;
      if (services.length === 0)
        return refuse('unknown-service', `Counter ${counter.id} must serve at least one service.`, {
          counter: counter.id,
        });
      for (const serviceId of services) {
        if (!serviceRules(rules, serviceId))
          return refuse('unknown-service', `There is no service "${serviceId}" at this venue.`, { service: serviceId });
      }
      if (command.closesAt !== undefined && !(command.closesAt > now)) {
        return refuse('invalid-time', `Counter ${counter.id} cannot be scheduled to close in the past.`, {
          counter: counter.id,
        });
      }
      // Back from a break (or reopened with other services), the counter keeps its scheduled close
      // unless told a new one; a closed counter opens with none unless told.
      const closesAt = command.closesAt ?? (counter.status === 'closed' ? null : counter.closesAt);
      if (counter.status === 'open' && sameSet(services, counter.services) && closesAt === counter.closesAt) {
        return refuse('counter-already-in-state', `Counter ${counter.id} is already open.`, {
          counter: counter.id,
          status: 'open',
        });
      }
      return [{ type: 'counter.opened', at: now, counterId: counter.id, services: [...services], closesAt }];
    }
    case 'close-counter':
    case 'break-counter': {
      const counter = state.counters[command.counterId];
      if (!counter) return unknownCounter(command.counterId);
      const target = command.type === 'close-counter' ? 'closed' : 'break';
      if (counter.status === target)
        return refuse(
          'counter-already-in-state',
          `Counter ${counter.id} is already ${target === 'break' ? 'on break' : 'closed'}.`,
          { counter: counter.id, status: target },
        );
      if (target === 'break' && counter.status === 'closed')
        return refuse('counter-closed', `Counter ${counter.id} is closed; open it before taking a break.`, {
          counter: counter.id,
        });
      if (counter.ticketId) {
        const ticket = state.tickets[counter.ticketId];
        return refuse(
          'counter-busy',
          `Counter ${counter.id} still has ticket ${ticket?.number ?? counter.ticketId} at the desk: ` +
            `serve, park or transfer it first.`,
          { counter: counter.id, ...(ticket ? { ticket: ticket.number } : {}) },
        );
      }
      if (command.type === 'close-counter') return [{ type: 'counter.closed', at: now, counterId: counter.id }];
      if (command.minutes === undefined)
        return [{ type: 'counter.break', at: now, counterId: counter.id, breakUntil: null }];
      if (!(command.minutes > 0) || !Number.isFinite(command.minutes)) {
        return refuse('invalid-time', `A break of counter ${counter.id} must last a positive number of minutes.`, {
          counter: counter.id,
        });
      }
      return [
        {
          type: 'counter.break',
          at: now,
          counterId: counter.id,
          breakUntil: now + Math.round(command.minutes * MINUTE_MS),
        },
      ];
    }
    case 'plan-counter':
      return decidePlan(state, command, now);
    case 'issue':
      return decideIssue(state, command, now);
    case 'reserve-block': {
      const service = serviceRules(rules, command.serviceId);
      if (!service)
        return refuse('unknown-service', `There is no service "${command.serviceId}" at this venue.`, {
          service: command.serviceId,
        });
      if (!Number.isInteger(command.size) || command.size < 1 || command.size > rules.maxBlockSize) {
        return refuse(
          'invalid-block-size',
          `A number block holds 1 to ${rules.maxBlockSize} numbers; ${command.size} was asked for.`,
          { count: rules.maxBlockSize },
        );
      }
      const day = dayOf(rules, now);
      const from = nextBlockStart(numberingOn(state, service.id, day), rules.numberDigits);
      return [
        {
          type: 'numbers.block-reserved',
          at: now,
          kioskId: command.kioskId,
          serviceId: service.id,
          day,
          from,
          to: from + command.size - 1,
        },
      ];
    }
    case 'call-next': {
      const counter = readyCounter(state, command.counterId);
      if ('refused' in counter) return counter;
      const ticket = nextTicketFor(state, rules, counter.id, now);
      if (!ticket)
        return refuse(
          'no-ticket-waiting',
          `No ticket is waiting for ${counter.services.join(', ')} at counter ${counter.id}.`,
          { counter: counter.id },
        );
      return [
        {
          type: 'ticket.called',
          at: now,
          ticketId: ticket.id,
          counterId: counter.id,
          outOfOrder: false,
          ...clerkOf(command),
        },
      ];
    }
    case 'call': {
      const counter = readyCounter(state, command.counterId);
      if ('refused' in counter) return counter;
      const ticket = ticketById(state, command.ticketId);
      if (!ticket) return unknownTicket(command.ticketId);
      if (ticket.status === 'served')
        return refuse('ticket-already-served', `Ticket ${ticket.number} has already been served.`, {
          ticket: ticket.number,
        });
      if (ticket.status !== 'waiting' && ticket.status !== 'parked') return notWaiting(ticket);
      if (!counter.services.includes(ticket.serviceId)) {
        return refuse(
          'counter-not-serving-service',
          `Counter ${counter.id} does not serve ${ticket.serviceId}, the service of ticket ${ticket.number}; ` +
            `transfer the ticket first.`,
          { counter: counter.id, service: ticket.serviceId, ticket: ticket.number },
        );
      }
      if (ticket.status === 'waiting' && !isCallable(ticket, now)) {
        return refuse(
          'ticket-not-callable-yet',
          `Ticket ${ticket.number} holds a return time and its customer has not checked in yet.`,
          { ticket: ticket.number },
        );
      }
      const next = nextTicketFor(state, rules, counter.id, now);
      const outOfOrder = ticket.status === 'parked' || !next || next.id !== ticket.id;
      return [
        { type: 'ticket.called', at: now, ticketId: ticket.id, counterId: counter.id, outOfOrder, ...clerkOf(command) },
      ];
    }
    case 'recall':
    case 'serve':
    case 'no-show':
    case 'park':
    case 'transfer': {
      const counter = state.counters[command.counterId];
      if (!counter) return unknownCounter(command.counterId);
      const ticket = counter.ticketId ? state.tickets[counter.ticketId] : undefined;
      if (!ticket)
        return refuse('counter-idle', `Counter ${counter.id} has no ticket at the desk; call one first.`, {
          counter: counter.id,
        });
      const base = { at: now, ticketId: ticket.id, counterId: counter.id };
      if (command.type === 'recall') return [{ type: 'ticket.recalled', ...base }];
      if (command.type === 'serve') return [{ type: 'ticket.served', ...base }];
      if (command.type === 'no-show') return [{ type: 'ticket.no-show', ...base }];
      if (command.type === 'park') return [{ type: 'ticket.parked', ...base }];
      const to = serviceRules(rules, command.toServiceId);
      if (!to)
        return refuse('unknown-service', `There is no service "${command.toServiceId}" at this venue.`, {
          service: command.toServiceId,
        });
      const placement = command.placement ?? 'last';
      return [
        {
          type: 'ticket.transferred',
          ...base,
          fromServiceId: ticket.serviceId,
          toServiceId: to.id,
          placement,
          orderKey: placementKey(state, to.id, placement, now),
        },
      ];
    }
    case 'rejoin': {
      const ticket = ticketById(state, command.ticketId);
      if (!ticket) return unknownTicket(command.ticketId);
      if (ticket.status === 'served')
        return refuse('ticket-already-served', `Ticket ${ticket.number} has already been served.`, {
          ticket: ticket.number,
        });
      if (ticket.status !== 'no-show')
        return refuse(
          'rejoin-not-allowed',
          `Only a ticket that missed its call can rejoin; ticket ${ticket.number} is ${ticket.status}.`,
          { ticket: ticket.number, status: ticket.status },
        );
      const closedAt = ticket.closedAt ?? now;
      if (now - closedAt > rules.rejoinWindowMin * MINUTE_MS) {
        return refuse(
          'rejoin-window-passed',
          `Ticket ${ticket.number} missed its call more than ${rules.rejoinWindowMin} minutes ago; ` +
            `please take a new ticket.`,
          { ticket: ticket.number, minutes: rules.rejoinWindowMin },
        );
      }
      const orderKey = rules.rejoinPlacement === 'original' ? ticket.orderKey : now;
      return [{ type: 'ticket.rejoined', at: now, ticketId: ticket.id, placement: rules.rejoinPlacement, orderKey }];
    }
    case 'check-in': {
      const ticket = ticketById(state, command.ticketId);
      if (!ticket) return unknownTicket(command.ticketId);
      if (!ticket.returnWindow)
        return refuse('not-a-return-ticket', `Ticket ${ticket.number} has no return time; it is already in the line.`, {
          ticket: ticket.number,
        });
      if (ticket.status === 'served')
        return refuse('ticket-already-served', `Ticket ${ticket.number} has already been served.`, {
          ticket: ticket.number,
        });
      if (ticket.status !== 'waiting') return notWaiting(ticket);
      if (ticket.checkedInAt !== null)
        return refuse('already-checked-in', `Ticket ${ticket.number} is already checked in.`, {
          ticket: ticket.number,
        });
      const returnRules = serviceRules(rules, ticket.serviceId)?.returnTimes;
      const early = (returnRules?.earlyMin ?? 10) * MINUTE_MS;
      const late = (returnRules?.lateMin ?? 10) * MINUTE_MS;
      if (now < ticket.returnWindow.from - early) {
        return refuse(
          'return-window-not-open',
          `Ticket ${ticket.number} can check in from ${Math.round(early / MINUTE_MS)} minutes ` +
            `before its return time; please come back a little later.`,
          { ticket: ticket.number, minutes: Math.round(early / MINUTE_MS) },
        );
      }
      if (now > ticket.returnWindow.to + late) {
        return refuse(
          'return-window-missed',
          `The return time of ticket ${ticket.number} has passed; please take a new ticket.`,
          { ticket: ticket.number },
        );
      }
      return [
        {
          type: 'ticket.checked-in',
          at: now,
          ticketId: ticket.id,
          postedWaitMin: command.postedWaitMin ?? null,
          pointWaitMin: command.pointWaitMin ?? null,
        },
      ];
    }
    case 'cancel': {
      const ticket = ticketById(state, command.ticketId);
      if (!ticket) return unknownTicket(command.ticketId);
      if (ticket.status === 'served')
        return refuse('ticket-already-served', `Ticket ${ticket.number} has already been served.`, {
          ticket: ticket.number,
        });
      if (ticket.status !== 'waiting' && ticket.status !== 'parked') return notWaiting(ticket);
      return [{ type: 'ticket.cancelled', at: now, ticketId: ticket.id }];
    }
    case 'defer': {
      const ticket = ticketById(state, command.ticketId);
      if (!ticket) return unknownTicket(command.ticketId);
      if (ticket.status !== 'waiting') return notWaiting(ticket);
      if (ticket.defers >= MAX_DEFERS) {
        return refuse(
          'defer-limit',
          `Ticket ${ticket.number} has already let others go first ${MAX_DEFERS} times; please ask at the counter.`,
          { ticket: ticket.number, count: MAX_DEFERS },
        );
      }
      // Step behind the next few people in calling order: their order keys, not the clock, so
      // the holder keeps their place relative to everyone further back.
      const line = waitingLine(state, ticket.serviceId);
      const place = line.findIndex((t) => t.id === ticket.id);
      const behind = line.slice(place + 1, place + 1 + DEFER_PLACES);
      if (behind.length === 0)
        return refuse('defer-limit', `Ticket ${ticket.number} is last in line: there is nobody to let go first.`, {
          ticket: ticket.number,
        });
      // The new rank sits just after the last of them; the ticket's own head start is kept.
      const headStart = (ticket.weight / rules.agingPerMin) * MINUTE_MS;
      const orderKey = Math.max(ticket.orderKey, ...behind.map((t) => rankKey(t, rules) + headStart)) + 1;
      return [{ type: 'ticket.deferred', at: now, ticketId: ticket.id, orderKey }];
    }
    case 'on-my-way': {
      const ticket = ticketById(state, command.ticketId);
      if (!ticket) return unknownTicket(command.ticketId);
      if (ticket.status !== 'waiting' && ticket.status !== 'called') return notWaiting(ticket);
      return [{ type: 'ticket.on-the-way', at: now, ticketId: ticket.id }];
    }
  }
}

/** "I need more time" lets this many people go first, at most this many times per ticket. */
const DEFER_PLACES = 3;
export const MAX_DEFERS = 2;

function decideIssue(
  state: QueueState,
  command: Extract<QueueCommand, { type: 'issue' }>,
  now: number,
): QueueEvent[] | QueueRefusal {
  const rules = state.rules;
  const service = serviceRules(rules, command.serviceId);
  if (!service)
    return refuse('unknown-service', `There is no service "${command.serviceId}" at this venue.`, {
      service: command.serviceId,
    });
  if (command.segmentId && !rules.segments.some((s) => s.id === command.segmentId)) {
    return refuse('unknown-segment', `There is no customer segment "${command.segmentId}" at this venue.`);
  }
  const existing = state.tickets[command.ticketId];
  const earlier = state.earlier[command.ticketId];
  if (earlier) return refuse('ticket-exists', `Ticket ${command.ticketId} was already issued as ${earlier.number}.`);
  if (existing) {
    if (command.offline) return decideAdoption(state, existing, { ...command, offline: command.offline }, now);
    return refuse('ticket-exists', `Ticket ${command.ticketId} was already issued.`);
  }
  if (command.returnWindow && !(command.returnWindow.to > command.returnWindow.from)) {
    return refuse('invalid-window', 'A return window must end after it starts.');
  }
  let seq: number;
  let issuedAt = now;
  let day: string;
  if (command.offline) {
    issuedAt = command.offline.issuedAt;
    day = dayOf(rules, issuedAt);
    const refused = refuseOfflineNumber(state, service, command.kioskId ?? '', command.offline.seq, day);
    if (refused) return refused;
    seq = command.offline.seq;
  } else {
    day = dayOf(rules, now);
    seq = nextHubNumber(numberingOn(state, service.id, day));
  }
  return [
    {
      type: 'ticket.issued',
      at: now,
      ticketId: command.ticketId,
      serviceId: service.id,
      number: formatNumber(service.prefix, seq, rules.numberDigits),
      seq,
      day,
      segmentId: command.segmentId ?? null,
      weight: segmentWeight(rules, command.segmentId),
      issuedAt,
      kioskId: command.kioskId ?? null,
      offline: Boolean(command.offline),
      postedWaitMin: command.postedWaitMin ?? null,
      pointWaitMin: command.pointWaitMin ?? null,
      returnWindow: command.returnWindow ?? null,
    },
  ];
}

/** Why a kiosk's offline number cannot be used: not in a block reserved for it, or already given. */
function refuseOfflineNumber(
  state: QueueState,
  service: { id: string; prefix: string },
  kioskId: string,
  seq: number,
  day: string,
): QueueRefusal | undefined {
  const numbering = numberingOn(state, service.id, day);
  const number = formatNumber(service.prefix, seq, state.rules.numberDigits);
  if (!blockOf(numbering, kioskId, seq))
    return refuse(
      'number-not-reserved',
      `Number ${number} of ${day} is not in a block reserved for kiosk "${kioskId}".`,
      { ticket: number },
    );
  if (numbering.used.includes(seq))
    return refuse('number-used', `Number ${number} of ${day} was already issued.`, { ticket: number });
  return undefined;
}

/**
 * A kiosk's offline ticket whose id the hub already numbered: the hub committed the kiosk's online
 * take, then the answer was lost and the kiosk printed a number from its reserved block. The
 * number on paper wins (docs/queues.md, "One ticket, one number").
 */
function decideAdoption(
  state: QueueState,
  ticket: Ticket,
  command: Extract<QueueCommand, { type: 'issue' }> & { offline: { seq: number; issuedAt: number } },
  now: number,
): QueueEvent[] | QueueRefusal {
  const day = dayOf(state.rules, command.offline.issuedAt);
  if (ticket.seq === command.offline.seq && ticket.day === day)
    return refuse('ticket-exists', `Ticket ${ticket.id} was already issued as ${ticket.number}.`);
  const service = serviceRules(state.rules, ticket.serviceId);
  if (!service || ticket.serviceId !== command.serviceId)
    return refuse('ticket-exists', `Ticket ${ticket.id} was already issued for another service.`);
  const kioskId = command.kioskId ?? '';
  const refused = refuseOfflineNumber(state, service, kioskId, command.offline.seq, day);
  if (refused) return refused;
  return [
    {
      type: 'ticket.renumbered',
      at: now,
      ticketId: ticket.id,
      from: ticket.number,
      to: formatNumber(service.prefix, command.offline.seq, state.rules.numberDigits),
      seq: command.offline.seq,
      day,
      kioskId,
    },
  ];
}

function readyCounter(state: QueueState, counterId: string): CounterState | QueueRefusal {
  const counter = state.counters[counterId];
  if (!counter) return unknownCounter(counterId);
  if (counter.status === 'closed')
    return refuse('counter-closed', `Counter ${counter.id} is closed; open it first.`, { counter: counter.id });
  if (counter.status === 'break')
    return refuse('counter-on-break', `Counter ${counter.id} is on break; open it again first.`, {
      counter: counter.id,
    });
  if (counter.ticketId) {
    const number = state.tickets[counter.ticketId]?.number ?? counter.ticketId;
    return refuse(
      'counter-busy',
      `Counter ${counter.id} still has ticket ${number} at the desk: ` +
        `serve it, mark it a no-show, park or transfer it first.`,
      { counter: counter.id, ticket: number },
    );
  }
  return counter;
}

/** FIFO key for a ticket entering a service's line now: at the end, or just before the first waiting ticket. */
function placementKey(state: QueueState, serviceId: string, placement: 'first' | 'last', now: number): number {
  if (placement === 'last') return now;
  let first = now;
  for (const t of Object.values(state.tickets)) {
    if (t.status === 'waiting' && t.serviceId === serviceId && t.orderKey < first) first = t.orderKey;
  }
  return Math.min(first - 1, now);
}

/** The clerk a call names, when the hub knows who is signed in (kept out of the event otherwise). */
function clerkOf(command: { calledBy?: string }): { calledBy?: string } {
  return command.calledBy ? { calledBy: command.calledBy } : {};
}

function unknownCounter(counterId: string): QueueRefusal {
  return refuse('unknown-counter', `There is no counter "${counterId}" at this venue.`, { counter: counterId });
}

function unknownTicket(ticketId: string): QueueRefusal {
  return refuse('unknown-ticket', `There is no ticket "${ticketId}".`);
}

function notWaiting(ticket: Ticket): QueueRefusal {
  return refuse('ticket-not-waiting', `Ticket ${ticket.number} is not waiting (it is ${ticket.status}).`, {
    ticket: ticket.number,
    status: ticket.status,
  });
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

// ---------- apply ----------

/**
 * The first event of a local day moves earlier days' tickets out of the live ones, to `earlier`:
 * - served and cancelled ones, and no-shows whose time to rejoin has passed. Every event copies the
 *   live tickets, so a venue's history made each event slower (bench/history.ts);
 * - when no counter is open or on break (the venue closed for the night), those still waiting or
 *   parked: their holders went home, as the operations report counts them (abandoned), and the
 *   morning's line must not start behind them, nor behind the offline tickets of that evening a
 *   kiosk syncs only now (closedNightBefore). A venue open through midnight keeps its line.
 * They are still found by id (ticketById); decide refuses what would change them.
 */
function startDay(state: QueueState, at: number): QueueState {
  const today = dayOf(state.rules, at);
  const closedForNight = Object.values(state.counters).every((c) => c.status === 'closed');
  const rejoinMs = state.rules.rejoinWindowMin * MINUTE_MS;
  const live: Record<string, Ticket> = {};
  const earlier: Record<string, Ticket> = { ...state.earlier };
  for (const ticket of Object.values(state.tickets)) {
    const done =
      ticket.status === 'served' ||
      ticket.status === 'cancelled' ||
      (ticket.status === 'no-show' && (ticket.closedAt ?? at) + rejoinMs < at) ||
      (closedForNight && (ticket.status === 'waiting' || ticket.status === 'parked'));
    if (ticket.day < today && done) earlier[ticket.id] = ticket;
    else live[ticket.id] = ticket;
  }
  return closedForNight
    ? { ...state, tickets: live, earlier, closedNightBefore: today }
    : { ...state, tickets: live, earlier };
}

/** Did `at` fall on a later local day than the state's last event? */
function isNewDay(state: QueueState, at: number): boolean {
  return state.at > 0 && dayOf(state.rules, at) > dayOf(state.rules, state.at);
}

function withTicket(state: QueueState, ticket: Ticket, at: number, counters = state.counters): QueueState {
  return { ...state, at, counters, tickets: { ...state.tickets, [ticket.id]: ticket } };
}

function withCounter(counters: Record<string, CounterState>, counter: CounterState): Record<string, CounterState> {
  return { ...counters, [counter.id]: counter };
}

function counterOrNew(state: QueueState, counterId: string): CounterState {
  return (
    state.counters[counterId] ?? {
      id: counterId,
      status: 'closed',
      services: [],
      ticketId: null,
      since: 0,
      breakUntil: null,
      closesAt: null,
      shifts: [],
    }
  );
}

/** Frees the desk of `counterId` if it holds `ticketId`. */
function freeDesk(state: QueueState, counterId: string, ticketId: string): Record<string, CounterState> {
  const counter = state.counters[counterId];
  if (!counter || counter.ticketId !== ticketId) return state.counters;
  return withCounter(state.counters, { ...counter, ticketId: null });
}

/** Most shifts a rota may hold: a day of 15-minute slots and more is not a plan anyone keeps. */
export const MAX_SHIFTS = 96;

/** A rota is accepted when every shift ends after it starts, they are in order, and it is not all past. */
function decidePlan(
  state: QueueState,
  command: Extract<QueueCommand, { type: 'plan-counter' }>,
  now: number,
): QueueEvent[] | QueueRefusal {
  const counter = state.counters[command.counterId];
  if (!counter) return unknownCounter(command.counterId);
  if (command.shifts.length > MAX_SHIFTS)
    return refuse(
      'invalid-time',
      `A rota holds at most ${MAX_SHIFTS} shifts; counter ${counter.id} was given ${command.shifts.length}.`,
      { counter: counter.id, count: MAX_SHIFTS },
    );
  let previousEnd = -Infinity;
  for (const shift of command.shifts) {
    if (!Number.isFinite(shift.from) || !Number.isFinite(shift.to) || !(shift.to > shift.from)) {
      return refuse('invalid-time', `Each shift of counter ${counter.id} must end after it starts.`, {
        counter: counter.id,
      });
    }
    if (shift.from < previousEnd)
      return refuse('invalid-time', `The shifts of counter ${counter.id} must be in order and must not overlap.`, {
        counter: counter.id,
      });
    previousEnd = shift.to;
  }
  if (command.shifts.length > 0 && previousEnd <= now)
    return refuse('invalid-time', `Every shift given for counter ${counter.id} is over already.`, {
      counter: counter.id,
    });
  return [
    {
      type: 'counter.planned',
      at: now,
      counterId: counter.id,
      shifts: command.shifts.map((s) => ({ from: s.from, to: s.to })),
    },
  ];
}

export function apply(state: QueueState, event: QueueEvent): QueueState {
  return applyToDay(isNewDay(state, event.at) ? startDay(state, event.at) : state, event);
}

function applyToDay(state: QueueState, event: QueueEvent): QueueState {
  switch (event.type) {
    case 'counter.opened': {
      const counter = counterOrNew(state, event.counterId);
      const opened: CounterState = {
        ...counter,
        status: 'open',
        services: [...event.services],
        since: event.at,
        breakUntil: null,
        closesAt: event.closesAt,
      };
      return { ...state, at: event.at, counters: withCounter(state.counters, opened) };
    }
    case 'counter.closed': {
      const counter = counterOrNew(state, event.counterId);
      return {
        ...state,
        at: event.at,
        counters: withCounter(state.counters, {
          ...counter,
          status: 'closed',
          since: event.at,
          breakUntil: null,
          closesAt: null,
        }),
      };
    }
    case 'counter.break': {
      const counter = counterOrNew(state, event.counterId);
      return {
        ...state,
        at: event.at,
        counters: withCounter(state.counters, {
          ...counter,
          status: 'break',
          since: event.at,
          breakUntil: event.breakUntil,
        }),
      };
    }
    case 'counter.planned': {
      const counter = counterOrNew(state, event.counterId);
      return {
        ...state,
        at: event.at,
        counters: withCounter(state.counters, { ...counter, shifts: event.shifts.map((s) => ({ ...s })) }),
      };
    }
    case 'numbers.block-reserved': {
      const key = numberingKey(event.serviceId, event.day);
      const numbering = numberingOn(state, event.serviceId, event.day);
      // The hub's own sequence carries on below the block; nextHubNumber steps over reserved ranges.
      const next = {
        ...numbering,
        blocks: [...numbering.blocks, { kioskId: event.kioskId, from: event.from, to: event.to }],
      };
      return { ...state, at: event.at, numbering: { ...state.numbering, [key]: next } };
    }
    case 'ticket.issued': {
      const key = numberingKey(event.serviceId, event.day);
      const numbering = numberingOn(state, event.serviceId, event.day);
      const nextNumbering = {
        ...numbering,
        next: event.offline ? numbering.next : Math.max(numbering.next, event.seq + 1),
        used: [...numbering.used, event.seq],
      };
      const ticket: Ticket = {
        id: event.ticketId,
        number: event.number,
        seq: event.seq,
        day: event.day,
        serviceId: event.serviceId,
        segmentId: event.segmentId,
        weight: event.weight,
        issuedAt: event.issuedAt,
        orderKey: event.issuedAt,
        status: 'waiting',
        counterId: null,
        calledAt: null,
        closedAt: null,
        recalls: 0,
        returnWindow: event.returnWindow,
        checkedInAt: null,
        joinedAt: event.returnWindow ? null : event.issuedAt,
        kioskId: event.kioskId,
        offline: event.offline,
        transfers: 0,
        postedWaitMin: event.postedWaitMin,
        pointWaitMin: event.pointWaitMin,
        calledOutOfOrder: false,
        defers: 0,
        onTheWayAt: null,
      };
      const numbered = { ...state, numbering: { ...state.numbering, [key]: nextNumbering } };
      // a kiosk's offline ticket from before the venue's last night, synced only now: its holder went home
      if (ticket.day < state.closedNightBefore)
        return { ...numbered, at: event.at, earlier: { ...state.earlier, [ticket.id]: ticket } };
      return withTicket(numbered, ticket, event.at);
    }
    case 'ticket.renumbered': {
      const ticket = state.tickets[event.ticketId];
      if (!ticket) return { ...state, at: event.at };
      // The number it had stays used: it was on no paper, but it is never given to anyone else.
      const key = numberingKey(ticket.serviceId, event.day);
      const numbering = numberingOn(state, ticket.serviceId, event.day);
      const renumbered = { ...ticket, number: event.to, seq: event.seq, day: event.day, offline: true };
      return {
        ...withTicket(state, renumbered, event.at),
        numbering: { ...state.numbering, [key]: { ...numbering, used: [...numbering.used, event.seq] } },
      };
    }
    case 'ticket.called': {
      const ticket = state.tickets[event.ticketId];
      if (!ticket) return { ...state, at: event.at };
      const counter = counterOrNew(state, event.counterId);
      // A parked ticket may be called at another counter: free nothing, the park already freed its desk.
      const counters = withCounter(state.counters, { ...counter, ticketId: ticket.id });
      return withTicket(
        state,
        {
          ...ticket,
          status: 'called',
          counterId: event.counterId,
          calledAt: event.at,
          calledOutOfOrder: event.outOfOrder,
        },
        event.at,
        counters,
      );
    }
    case 'ticket.recalled': {
      const ticket = state.tickets[event.ticketId];
      if (!ticket) return { ...state, at: event.at };
      return withTicket(state, { ...ticket, recalls: ticket.recalls + 1 }, event.at);
    }
    case 'ticket.served':
    case 'ticket.no-show': {
      const ticket = state.tickets[event.ticketId];
      if (!ticket) return { ...state, at: event.at };
      const status = event.type === 'ticket.served' ? 'served' : 'no-show';
      return withTicket(
        state,
        { ...ticket, status, closedAt: event.at },
        event.at,
        freeDesk(state, event.counterId, ticket.id),
      );
    }
    case 'ticket.parked': {
      const ticket = state.tickets[event.ticketId];
      if (!ticket) return { ...state, at: event.at };
      return withTicket(state, { ...ticket, status: 'parked' }, event.at, freeDesk(state, event.counterId, ticket.id));
    }
    case 'ticket.transferred': {
      const ticket = state.tickets[event.ticketId];
      if (!ticket) return { ...state, at: event.at };
      const moved: Ticket = {
        ...ticket,
        status: 'waiting',
        serviceId: event.toServiceId,
        orderKey: event.orderKey,
        counterId: null,
        calledAt: null,
        joinedAt: event.at,
        transfers: ticket.transfers + 1,
        postedWaitMin: null,
        pointWaitMin: null,
        returnWindow: null,
      };
      return withTicket(state, moved, event.at, freeDesk(state, event.counterId, ticket.id));
    }
    case 'ticket.rejoined': {
      const ticket = state.tickets[event.ticketId];
      if (!ticket) return { ...state, at: event.at };
      const back: Ticket = {
        ...ticket,
        status: 'waiting',
        orderKey: event.orderKey,
        counterId: null,
        calledAt: null,
        closedAt: null,
        joinedAt: event.at,
        returnWindow: null,
      };
      return withTicket(state, back, event.at);
    }
    case 'ticket.checked-in': {
      const ticket = state.tickets[event.ticketId];
      if (!ticket) return { ...state, at: event.at };
      return withTicket(
        state,
        {
          ...ticket,
          checkedInAt: event.at,
          joinedAt: event.at,
          postedWaitMin: event.postedWaitMin,
          pointWaitMin: event.pointWaitMin,
        },
        event.at,
      );
    }
    case 'ticket.cancelled': {
      const ticket = state.tickets[event.ticketId];
      if (!ticket) return { ...state, at: event.at };
      return withTicket(state, { ...ticket, status: 'cancelled', closedAt: event.at }, event.at);
    }
    case 'ticket.deferred': {
      const ticket = state.tickets[event.ticketId];
      if (!ticket) return { ...state, at: event.at };
      return withTicket(state, { ...ticket, orderKey: event.orderKey, defers: ticket.defers + 1 }, event.at);
    }
    case 'ticket.on-the-way': {
      const ticket = state.tickets[event.ticketId];
      if (!ticket) return { ...state, at: event.at };
      return withTicket(state, { ...ticket, onTheWayAt: event.at }, event.at);
    }
  }
}
