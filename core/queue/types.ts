import type { QueueEvent } from './events.ts';

/**
 * The queue's vocabulary: rules (configuration), state (a projection of events), commands (what
 * staff, kiosks and the hub ask for), events (what happened: events.ts, with their schemas) and
 * refusals (why a command was not carried out). Everything here is plain JSON so events can be
 * stored and replayed as they are.
 */

/** Minutes to milliseconds, the one unit conversion the queue needs everywhere. */
export const MINUTE_MS = 60_000;

// ---------- rules ----------

/**
 * Return-time (virtual queue) rules of one service; see core/queue/return-times.ts.
 * A new arrival whose posted wait passes `thresholdMin` is offered a window instead of the line.
 */
export interface ReturnTimeRules {
  /** Offer a return window when the posted wait for a new arrival is above this. */
  thresholdMin: number;
  /** Length of a window, e.g. 15 for 14:35-14:50. */
  windowMin: number;
  /** Windows start on multiples of this (5 -> 14:35, 14:40 ...). */
  alignMin: number;
  /**
   * Share of the service capacity of a window that return tickets may take: a window of length L
   * holds at most floor(rate x L x capacityShare) tickets, where rate = open counters / mean service
   * time. The rest of the capacity serves walk-ins, so returners meet a short line.
   */
  capacityShare: number;
  /** A returner may check in this long before the window opens (it is callable from the window's start). */
  earlyMin: number;
  /** ... and up to this long after it closes; later, the kiosk issues a fresh ticket instead. */
  lateMin: number;
  /** Do not offer windows that start later than this before the last counter closes. */
  lastWindowBeforeCloseMin: number;
}

interface ServiceRules {
  id: string;
  /** Number prefix, "A" -> A-001. */
  prefix: string;
  name?: string;
  /** Prior mean service time (minutes) until the estimator has seen real services. */
  expectedServiceMin?: number;
  returnTimes?: ReturnTimeRules;
}

interface CounterRules {
  id: string;
  /** Services this counter serves unless `counter.opened` says otherwise. */
  services: string[];
}

interface SegmentRules {
  id: string;
  /** Priority weight; 0 = ordinary. See effectivePriority in ordering.ts for how it ages. */
  weight: number;
}

export interface QueueRules {
  services: ServiceRules[];
  counters: CounterRules[];
  segments: SegmentRules[];
  /**
   * Priority points every waiting ticket earns per minute waited. A weight w is thus worth a head
   * start of w / agingPerMin minutes and never more: nobody starves. Must be > 0.
   */
  agingPerMin: number;
  /** A ticket that missed its call may rejoin for this long after the no-show. */
  rejoinWindowMin: number;
  /** Where a rejoining ticket goes: back to its original place ('original') or to the end ('end'). */
  rejoinPlacement: 'original' | 'end';
  /** Venue local time = UTC + this; numbering restarts at local midnight. */
  utcOffsetMin: number;
  /** Digits of the number part (3 -> A-001); numbers past 999 simply grow a digit. */
  numberDigits: number;
  /** Largest number block a kiosk may reserve at once. */
  maxBlockSize: number;
}

// ---------- state ----------

export type CounterStatus = 'open' | 'closed' | 'break';

export interface CounterState {
  id: string;
  status: CounterStatus;
  services: string[];
  /** The ticket at the desk (called, being served), if any. */
  ticketId: string | null;
  since: number;
  /**
   * On break: when the clerk said they would be back (ms), if they said; null otherwise. Staff
   * know it, so the wait estimator does not have to guess the length of an announced break.
   */
  breakUntil: number | null;
  /** Open (or on break): when the counter is scheduled to close (ms), if known; null otherwise. */
  closesAt: number | null;
  /**
   * The staff rota for this counter: the times (ms) it is planned to be staffed, sorted; gaps
   * between shifts are planned breaks, a later shift a planned opening. Empty: no plan given.
   */
  shifts: Shift[];
}

export interface Shift {
  from: number;
  to: number;
}

export type TicketStatus = 'waiting' | 'called' | 'served' | 'no-show' | 'parked' | 'cancelled';

export interface ReturnWindow {
  from: number;
  to: number;
}

export interface Ticket {
  id: string;
  /** Display number, e.g. "A-007". */
  number: string;
  /** Number part alone, for uniqueness checks. */
  seq: number;
  day: string;
  serviceId: string;
  segmentId: string | null;
  /** Priority weight fixed at issue, so a later rule change does not reorder a replayed log. */
  weight: number;
  /** When the customer took the ticket (the kiosk's corrected clock for offline tickets). */
  issuedAt: number;
  /** FIFO position key in ms: issuedAt, or the time it re-entered the line (transfer, rejoin to the end). */
  orderKey: number;
  status: TicketStatus;
  counterId: string | null;
  calledAt: number | null;
  /** When the ticket left the desk or the queue for good (served, no-show, cancelled). */
  closedAt: number | null;
  recalls: number;
  /** Return ticket: callable only once checked in, and not before the window's start. */
  returnWindow: ReturnWindow | null;
  checkedInAt: number | null;
  /** When the customer physically joined the line (issue, or check-in for return tickets). */
  joinedAt: number | null;
  kioskId: string | null;
  offline: boolean;
  transfers: number;
  /** What the customer was promised when joining the line, if the issuer recorded it. */
  postedWaitMin: number | null;
  pointWaitMin: number | null;
  calledOutOfOrder: boolean;
  /** Times the holder asked for more time from the phone page (each lets a few people go first). */
  defers: number;
  /** When the holder said "I'm on my way" after being called (or while waiting), if they did. */
  onTheWayAt: number | null;
}

interface NumberBlock {
  kioskId: string;
  from: number;
  to: number;
}

export interface ServiceNumbering {
  serviceId: string;
  day: string;
  /** Next number the hub hands out itself. */
  next: number;
  blocks: NumberBlock[];
  /** Numbers already used today (hub-issued and offline ones). */
  used: number[];
}

export interface QueueState {
  /** The rules the state was built under (decide reads them; apply only the local day and the rejoin window). */
  rules: QueueRules;
  counters: Record<string, CounterState>;
  /** The live tickets: the current day's, and any earlier one not yet closed for good. */
  tickets: Record<string, Ticket>;
  /**
   * Earlier days' tickets nothing can happen to any more (engine.ts startDay), out of the live ones
   * so an event costs the day's tickets, not the venue's history; found by id with ticketById.
   */
  earlier: Record<string, Ticket>;
  /**
   * The day the venue last opened after a night with every counter closed ('' before): a ticket of
   * an earlier day still waiting then had gone home, even one a kiosk only now syncs (startDay).
   */
  closedNightBefore: string;
  /** Keyed by numberingKey(serviceId, day): one sequence per service and local day. */
  numbering: Record<string, ServiceNumbering>;
  /** Time of the last applied event. */
  at: number;
}

// ---------- commands ----------

export type QueueCommand =
  /**
   * `closesAt` (ms): when the counter is scheduled to close, e.g. from the venue's opening hours.
   * A counter back from a break keeps the close time it had unless a new one is given.
   */
  | { type: 'open-counter'; counterId: string; services?: string[]; closesAt?: number }
  | { type: 'close-counter'; counterId: string }
  /** `minutes`: how long the clerk expects the break to last ("back in 30 minutes"). */
  | { type: 'break-counter'; counterId: string; minutes?: number }
  /** The counter's rota from now on (replaces the one before; empty clears it). */
  | { type: 'plan-counter'; counterId: string; shifts: Shift[] }
  | {
      type: 'issue';
      ticketId: string;
      serviceId: string;
      segmentId?: string;
      kioskId?: string;
      /** Offline issue from a reserved block: the number part the kiosk used, and when. */
      offline?: { seq: number; issuedAt: number };
      postedWaitMin?: number;
      pointWaitMin?: number;
      returnWindow?: ReturnWindow;
    }
  | { type: 'reserve-block'; kioskId: string; serviceId: string; size: number }
  /** `calledBy`: the signed-in clerk's username, set by the hub from the session (never from the wire). */
  | { type: 'call-next'; counterId: string; calledBy?: string }
  /** Call out of order: a given waiting or parked ticket. */
  | { type: 'call'; counterId: string; ticketId: string; calledBy?: string }
  | { type: 'recall'; counterId: string }
  | { type: 'serve'; counterId: string }
  | { type: 'no-show'; counterId: string }
  | { type: 'transfer'; counterId: string; toServiceId: string; placement?: 'first' | 'last' }
  | { type: 'park'; counterId: string }
  | { type: 'rejoin'; ticketId: string }
  | { type: 'check-in'; ticketId: string; postedWaitMin?: number; pointWaitMin?: number }
  | { type: 'cancel'; ticketId: string }
  /** "I need more time": the holder lets the next few people in line go first. */
  | { type: 'defer'; ticketId: string }
  /** "I'm on my way": the holder tells the counter they are coming. */
  | { type: 'on-my-way'; ticketId: string };

// ---------- events ----------

export type { QueueEvent, QueueEventOf } from './events.ts';

// ---------- refusals ----------

export type QueueRefusalCode =
  | 'defer-limit'
  | 'unknown-counter'
  | 'unknown-service'
  | 'unknown-segment'
  | 'unknown-ticket'
  | 'counter-closed'
  | 'counter-on-break'
  | 'counter-busy'
  | 'counter-idle'
  | 'counter-not-serving-service'
  | 'counter-already-in-state'
  | 'no-ticket-waiting'
  | 'ticket-exists'
  | 'ticket-from-earlier-day'
  | 'ticket-not-waiting'
  | 'ticket-already-served'
  | 'ticket-not-callable-yet'
  | 'rejoin-not-allowed'
  | 'rejoin-window-passed'
  | 'not-a-return-ticket'
  | 'return-window-missed'
  | 'return-window-not-open'
  | 'already-checked-in'
  | 'number-not-reserved'
  | 'number-used'
  | 'invalid-block-size'
  | 'invalid-window'
  | 'invalid-time';

/**
 * What a refusal is about, by id, for screens to say in their own language (renderer/shared/refusals.ts):
 * the message is English for logs and tools; a screen shows the code's text with these filled in.
 */
export interface RefusalParams {
  counter?: string;
  service?: string;
  /** A ticket's printed number (never its id). */
  ticket?: string;
  /** The ticket's status, or the counter's ('open', 'closed', 'break'), where the refusal turns on it. */
  status?: string;
  minutes?: number;
  count?: number;
}

/** Why a command was not carried out: a machine code and one sentence for the person who asked. */
export interface QueueRefusal {
  refused: true;
  code: QueueRefusalCode;
  message: string;
  params: RefusalParams;
}

export function isRefusal(result: QueueEvent[] | QueueRefusal): result is QueueRefusal {
  return !Array.isArray(result);
}
