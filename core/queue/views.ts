import { compareTickets, isCallable } from './ordering.ts';
import type { CounterStatus, QueueState, Ticket } from './types.ts';

/**
 * Read models for boards, displays and phone pages. The rules of waiting (docs/customer-experience.md): show the
 * position and the order, and say why a line is slow (counters closed or on break).
 */

export interface CounterBoardRow {
  counterId: string;
  status: CounterStatus;
  services: string[];
  /** The number at the desk, if any ("now serving"). */
  nowServing: string | null;
  ticketId: string | null;
  /** The called customer said "I'm on my way" from their phone. */
  onTheWay: boolean;
  /** On break: when the clerk said they would be back (ms), if they said ("back at 14:30"). */
  breakUntil: number | null;
  /** When the counter is scheduled to close (ms), if known. */
  closesAt: number | null;
}

export interface ServiceBoardRow {
  serviceId: string;
  /** Tickets in the line now (callable, i.e. return tickets only once checked in). */
  waiting: number;
  /** Return tickets holding a place without standing in line. */
  away: number;
  /** The next numbers in calling order. */
  next: string[];
  openCounters: number;
  countersOnBreak: number;
}

export interface BoardView {
  at: number;
  counters: CounterBoardRow[];
  services: ServiceBoardRow[];
}

export function boardView(state: QueueState, now: number, nextCount = 5): BoardView {
  const counters = Object.values(state.counters)
    .map((c) => ({
      counterId: c.id,
      status: c.status,
      services: [...c.services],
      nowServing: c.ticketId ? (state.tickets[c.ticketId]?.number ?? null) : null,
      ticketId: c.ticketId,
      onTheWay: c.ticketId ? (state.tickets[c.ticketId]?.onTheWayAt ?? null) !== null : false,
      breakUntil: c.status === 'break' ? (c.breakUntil ?? null) : null,
      closesAt: c.status === 'closed' ? null : (c.closesAt ?? null),
    }))
    .sort((a, b) => (a.counterId < b.counterId ? -1 : 1));
  const services = state.rules.services.map((service) => {
    const line = waitingLine(state, service.id);
    const serving = Object.values(state.counters).filter((c) => c.services.includes(service.id));
    return {
      serviceId: service.id,
      waiting: line.filter((t) => !t.returnWindow || t.checkedInAt !== null).length,
      away: line.filter((t) => t.returnWindow && t.checkedInAt === null).length,
      next: line
        .filter((t) => isCallable(t, now))
        .slice(0, nextCount)
        .map((t) => t.number),
      openCounters: serving.filter((c) => c.status === 'open').length,
      countersOnBreak: serving.filter((c) => c.status === 'break').length,
    };
  });
  return { at: now, counters, services };
}

/** Waiting tickets of one service in calling order (including return tickets not yet back). */
export function waitingLine(state: QueueState, serviceId: string): Ticket[] {
  return Object.values(state.tickets)
    .filter((t) => t.status === 'waiting' && t.serviceId === serviceId)
    .sort((a, b) => compareTickets(a, b, state.rules));
}

export interface TicketPosition {
  ticketId: string;
  number: string;
  status: Ticket['status'];
  serviceId: string;
  /** Waiting tickets of the same service that will be called before this one (0 = next). */
  ahead: number;
  /** 1-based place in line; null once the ticket has left the line. */
  position: number | null;
  /** Waiting tickets of the same service that come after this one (0 once it left the line). */
  behind: number;
  counterId: string | null;
}

/** A ticket by id, live or out of the line since an earlier day (QueueState.earlier). */
export function ticketById(state: QueueState, ticketId: string): Ticket | undefined {
  return state.tickets[ticketId] ?? state.earlier[ticketId];
}

export function ticketPosition(state: QueueState, ticketId: string): TicketPosition | null {
  const ticket = ticketById(state, ticketId);
  if (!ticket) return null;
  // a ticket left waiting on an earlier day has no place in today's line
  if (ticket.status !== 'waiting' || !state.tickets[ticketId]) {
    return {
      ticketId,
      number: ticket.number,
      status: ticket.status,
      serviceId: ticket.serviceId,
      ahead: 0,
      position: null,
      behind: 0,
      counterId: ticket.counterId,
    };
  }
  const line = waitingLine(state, ticket.serviceId);
  const ahead = line.findIndex((t) => t.id === ticketId);
  return {
    ticketId,
    number: ticket.number,
    status: ticket.status,
    serviceId: ticket.serviceId,
    ahead,
    position: ahead + 1,
    behind: line.length - ahead - 1,
    counterId: null,
  };
}
