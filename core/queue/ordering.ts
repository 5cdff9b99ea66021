import type { QueueRules, QueueState, Ticket } from './types.ts';
import { MINUTE_MS } from './types.ts';

/**
 * Who goes first.
 *
 *   effectivePriority(ticket, now) = weight + agingPerMin x (now - orderKey) / 1 minute
 *
 * The highest effective priority is called first; ties go to the earlier orderKey (first come,
 * first served), then the lower number. Every waiting ticket ages at the same rate, so comparing
 * two tickets does not depend on `now`: ticket a goes before b exactly when
 *
 *   orderKey_a - weight_a / agingPerMin  <  orderKey_b - weight_b / agingPerMin
 *
 * i.e. a weight w is a head start of w / agingPerMin minutes. A priority ticket can overtake only
 * tickets that arrived less than its head start before it, so an ordinary ticket is never
 * overtaken by anyone who arrived more than max(weight) / agingPerMin minutes after it: nobody
 * starves, and the order is stable, explainable and visible on the board.
 *
 * rankKey is the left-hand side: the time-independent sort key, lower goes first.
 */
export function rankKey(ticket: Pick<Ticket, 'weight' | 'orderKey'>, rules: Pick<QueueRules, 'agingPerMin'>): number {
  return ticket.orderKey - (ticket.weight / rules.agingPerMin) * MINUTE_MS;
}

export function compareTickets(a: Ticket, b: Ticket, rules: Pick<QueueRules, 'agingPerMin'>): number {
  return (
    rankKey(a, rules) - rankKey(b, rules) ||
    a.orderKey - b.orderKey ||
    a.seq - b.seq ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/**
 * May a waiting ticket be called now? Return tickets only once the customer checked in and the
 * window has started: until then they hold their place without standing in it.
 */
export function isCallable(ticket: Ticket, now: number): boolean {
  if (ticket.status !== 'waiting') return false;
  if (ticket.returnWindow) return ticket.checkedInAt !== null && now >= ticket.returnWindow.from;
  return true;
}

/** The ticket `call-next` would call at this counter now, if any. */
export function nextTicketFor(
  state: QueueState,
  rules: QueueRules,
  counterId: string,
  now: number,
): Ticket | undefined {
  const counter = state.counters[counterId];
  if (!counter) return undefined;
  let best: Ticket | undefined;
  const services = new Set(counter.services);
  for (const ticket of Object.values(state.tickets)) {
    if (!services.has(ticket.serviceId) || !isCallable(ticket, now)) continue;
    if (!best || compareTickets(ticket, best, rules) < 0) best = ticket;
  }
  return best;
}
