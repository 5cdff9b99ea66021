import { serviceRules } from './rules.ts';
import type { QueueState, ReturnTimeRules, ReturnWindow } from './types.ts';
import { MINUTE_MS } from './types.ts';

/**
 * Return times (queue shaping, docs/customer-experience.md "Waiting"). When the posted wait for a new
 * arrival passes the service's threshold, or the line is growing so fast that it will within the
 * next window's span, the kiosk offers a window to come back in instead of standing in line. Rules
 * the kiosk and the hub share:
 *
 * - A return ticket keeps its place from the moment it was issued (its FIFO key is the issue
 *   time), but is callable only once its customer has checked in and the window has started.
 *   It "joins at its window": it is neither behind the people who came while it was away, nor
 *   standing in the line meanwhile.
 * - The window starts at the moment the ticket's turn is expected (the point estimate of its
 *   wait), aligned up to `alignMin`, never earlier than one alignment step from now: whenever in
 *   the window the customer comes back, their turn has come and the next free desk calls them, so
 *   returning customers meet a short line. (A window centred on the turn had its early half stand
 *   in line until the turn came, and those returners made part of the peak.)
 * - Windows are sized from the service rate: a window start may hold at most
 *   max(1, floor((rate - walk-ins) x alignMin x capacityShare)) return tickets. The rate is the
 *   open counters serving the service, a counter serving several services at its share of its
 *   time (counterShares), over the mean service time. Walk-ins are the customers joining the line
 *   straight from the kiosk (declined or not offered a window), per minute over the last window
 *   span: the counters serve them too, so windows sized from the whole rate brought returners and
 *   walk-ins together past what the counters call and the line grew again. That pace says little
 *   about arrivals further out, so starts beyond WALK_IN_HORIZON_MIN keep the whole rate (taking it
 *   off to closing ran windows out before the end of the shipped return-times peak, and everyone
 *   after stood in line). When a start is full the next one is offered, so returns cannot pile up
 *   into a new line.
 * - No window is offered that starts later than `lastWindowBeforeCloseMin` before closing.
 * - The forecast: the physical line in one window's span is the line now, plus the returners due
 *   back by then, plus (arrival rate - service rate) x span, the arrival rate counted over the
 *   last span. Offering once that line
 *   would mean a wait past the threshold keeps the line below it instead of letting it reach it
 *   first (offering on the posted wait alone let the line reach threshold x service rate).
 */

export interface ReturnOfferInput {
  serviceId: string;
  /** Posted wait (minutes) for a new arrival at this service now. */
  postedWaitMin: number | null;
  /** Point estimate (minutes) of that wait: when the ticket's turn is expected. */
  pointWaitMin: number;
  /** Current mean service time of the service, minutes (from the estimator). */
  meanServiceMin: number;
  /** When the last counter serving the service closes today, if known (ms). */
  closesAt?: number;
}

/** How far back (minutes) a shared counter's time is read to split it among its services. */
const SHARE_SPAN_MIN = 30;

/**
 * The share of each open counter's time that goes to `serviceId`: a counter serving several
 * services is not wholly available to each (counting it whole overstates the service rate, so the
 * forecast drains the line too fast and windows come too late and too big). The share is the
 * counter's desk time on the service's tickets over the last SHARE_SPAN_MIN minutes, out of its desk
 * time on all of them; a counter with no desk time yet is split evenly among its services.
 */
export function counterShares(state: QueueState, now: number, serviceId: string): Map<string, number> {
  const open = Object.values(state.counters).filter((c) => c.status === 'open' && c.services.includes(serviceId));
  const busy = new Map<string, { own: number; all: number }>();
  for (const c of open) if (c.services.length > 1) busy.set(c.id, { own: 0, all: 0 });
  if (busy.size > 0) {
    const since = now - SHARE_SPAN_MIN * MINUTE_MS;
    for (const t of Object.values(state.tickets)) {
      const b = t.counterId === null ? undefined : busy.get(t.counterId);
      if (!b || t.calledAt === null) continue;
      const desk = Math.min(t.closedAt ?? now, now) - Math.max(t.calledAt, since);
      if (desk <= 0) continue;
      b.all += desk;
      if (t.serviceId === serviceId) b.own += desk;
    }
  }
  const shares = new Map<string, number>();
  for (const c of open) {
    const b = busy.get(c.id);
    shares.set(c.id, !b ? 1 : b.all > 0 ? b.own / b.all : 1 / c.services.length);
  }
  return shares;
}

/** Customers the open counters call per minute for the service, each shared counter at its share. */
export function serviceRate(state: QueueState, now: number, serviceId: string, meanServiceMin: number): number {
  let counters = 0;
  for (const share of counterShares(state, now, serviceId).values()) counters += share;
  return counters / Math.max(0.1, meanServiceMin);
}

/** Window starts up to this far ahead (minutes) leave room for the walk-ins' current pace (see above). */
const WALK_IN_HORIZON_MIN = 60;

/** Customers per minute who joined the line straight from the kiosk (no window) over the last span. */
function walkInRate(state: QueueState, now: number, serviceId: string, spanMin: number): number {
  const since = now - spanMin * MINUTE_MS;
  let n = 0;
  for (const t of Object.values(state.tickets)) {
    if (t.serviceId === serviceId && t.returnWindow === null && t.issuedAt > since && t.issuedAt <= now) n += 1;
  }
  return n / spanMin;
}

/** Return tickets a window start may hold: see the note above. */
function returnWindowCapacity(rules: ReturnTimeRules, rate: number, walkIns: number): number {
  return Math.max(1, Math.floor(Math.max(0, rate - walkIns) * rules.alignMin * rules.capacityShare));
}

/** The wait (minutes) the physical line will mean one window's span from now, if arrivals keep their pace. */
export function forecastLineWaitMin(
  state: QueueState,
  now: number,
  serviceId: string,
  rate: number,
  spanMin: number,
): number {
  let line = 0;
  let arrived = 0;
  const since = now - spanMin * MINUTE_MS;
  const until = now + spanMin * MINUTE_MS;
  for (const t of Object.values(state.tickets)) {
    if (t.serviceId !== serviceId) continue;
    const inLineBy = t.joinedAt !== null || (t.returnWindow !== null && t.returnWindow.from <= until);
    if (t.status === 'waiting' && inLineBy) line += 1;
    if (t.issuedAt > since && t.issuedAt <= now) arrived += 1;
  }
  if (rate <= 0) return line > 0 || arrived > 0 ? Infinity : 0;
  const ahead = Math.max(line, line + (arrived / spanMin - rate) * spanMin);
  return ahead / rate;
}

/** A return window to offer a new arrival now, or null when the line is short enough (or no window fits). */
export function offerReturnWindow(state: QueueState, now: number, input: ReturnOfferInput): ReturnWindow | null {
  const rules = serviceRules(state.rules, input.serviceId)?.returnTimes;
  if (!rules || input.postedWaitMin === null) return null;
  const rate = serviceRate(state, now, input.serviceId, input.meanServiceMin);
  const longWait =
    input.postedWaitMin > rules.thresholdMin ||
    forecastLineWaitMin(state, now, input.serviceId, rate, rules.windowMin) > rules.thresholdMin;
  if (!longWait) return null;
  const nearCapacity = returnWindowCapacity(rules, rate, walkInRate(state, now, input.serviceId, rules.windowMin));
  const farCapacity = returnWindowCapacity(rules, rate, 0);
  const horizon = now + WALK_IN_HORIZON_MIN * MINUTE_MS;
  const capacity = (start: number) => (start < horizon ? nearCapacity : farCapacity);
  const align = rules.alignMin * MINUTE_MS;
  const taken = new Map<number, number>();
  for (const t of Object.values(state.tickets)) {
    if (t.status === 'waiting' && t.serviceId === input.serviceId && t.returnWindow) {
      taken.set(t.returnWindow.from, (taken.get(t.returnWindow.from) ?? 0) + 1);
    }
  }
  const expectedTurn = now + input.pointWaitMin * MINUTE_MS;
  const earliest = Math.ceil((now + align) / align) * align;
  let from = Math.max(earliest, Math.ceil(expectedTurn / align) * align);
  const latest = input.closesAt === undefined ? Infinity : input.closesAt - rules.lastWindowBeforeCloseMin * MINUTE_MS;
  while ((taken.get(from) ?? 0) >= capacity(from)) from += align;
  if (from > latest) return null;
  return { from, to: from + rules.windowMin * MINUTE_MS };
}
