import { z } from 'zod';
import { describeZodIssues } from '../zod-errors.ts';

/**
 * The queue log's vocabulary: what happened to counters, numbers and tickets, one zod schema per
 * event type and version. The hub writes these events to the venue's queue log and relays them to
 * the other hubs; whatever reads them back (the store, a hub receiving another hub's commits)
 * parses them with `parseQueueEvent`, so a corrupt row or message is a clear error, never a cast.
 *
 * Versions: a body without `v` is version 1. A type that changes shape gets a version 2 schema
 * here, written with `v: 2`; a hub that does not know it says so instead of half-reading it.
 */

/** Milliseconds since the epoch (the hub's clock), or an ordering key in the same unit. */
const time = z.number().finite();
const id = z.string().min(1).max(128);
const waitMin = z.number().finite().nonnegative().nullable();

const shiftSchema = z.strictObject({ from: time, to: time });
const returnWindowSchema = z.strictObject({ from: time, to: time });

const counterEvent = { at: time, counterId: id };
const ticketEvent = { at: time, ticketId: id };

const counterOpenedV1 = z.strictObject({
  type: z.literal('counter.opened'),
  ...counterEvent,
  services: z.array(id),
  /** When the counter is scheduled to close; null when not known (also for logs older than close times). */
  closesAt: time.nullable().default(null),
});

const counterClosedV1 = z.strictObject({ type: z.literal('counter.closed'), ...counterEvent });

const counterBreakV1 = z.strictObject({
  type: z.literal('counter.break'),
  ...counterEvent,
  /** at + the announced minutes; null when no length was announced (also for logs older than break lengths). */
  breakUntil: time.nullable().default(null),
});

const counterPlannedV1 = z.strictObject({
  type: z.literal('counter.planned'),
  ...counterEvent,
  shifts: z.array(shiftSchema),
});

const ticketIssuedV1 = z.strictObject({
  type: z.literal('ticket.issued'),
  ...ticketEvent,
  serviceId: id,
  /** As printed, e.g. "A-007". */
  number: z.string().min(1).max(32),
  /** The number part alone, unique per service and local day. */
  seq: z.number().int().positive(),
  /** The venue's local day (YYYY-MM-DD) the number belongs to. */
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  segmentId: id.nullable(),
  weight: z.number().finite(),
  issuedAt: time,
  kioskId: id.nullable(),
  offline: z.boolean(),
  postedWaitMin: waitMin,
  pointWaitMin: waitMin,
  returnWindow: returnWindowSchema.nullable(),
});

const blockReservedV1 = z.strictObject({
  type: z.literal('numbers.block-reserved'),
  at: time,
  kioskId: id,
  serviceId: id,
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  from: z.number().int().positive(),
  to: z.number().int().positive(),
});

/**
 * The hub numbered a ticket online but its kiosk never heard the answer and printed a number from
 * its reserved block for the same ticket id: the printed number wins (docs/queues.md, "One ticket,
 * one number"). Both numbers stay used for the day, so neither is ever given again.
 */
const ticketRenumberedV1 = z.strictObject({
  type: z.literal('ticket.renumbered'),
  ...ticketEvent,
  /** The number the hub had given, e.g. "A-088". */
  from: z.string().min(1).max(32),
  /** The number on the customer's paper, e.g. "A-500". */
  to: z.string().min(1).max(32),
  seq: z.number().int().positive(),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  kioskId: id,
});

const ticketCalledV1 = z.strictObject({
  type: z.literal('ticket.called'),
  ...ticketEvent,
  counterId: id,
  outOfOrder: z.boolean(),
  /** Username of the signed-in staff member who called; absent for calls by scripts and older logs. */
  calledBy: id.optional(),
});

const ticketAtCounter = <T extends string>(type: T) =>
  z.strictObject({ type: z.literal(type), ...ticketEvent, counterId: id });

const ticketTransferredV1 = z.strictObject({
  type: z.literal('ticket.transferred'),
  ...ticketEvent,
  counterId: id,
  fromServiceId: id,
  toServiceId: id,
  placement: z.enum(['first', 'last']),
  orderKey: time,
});

const ticketRejoinedV1 = z.strictObject({
  type: z.literal('ticket.rejoined'),
  ...ticketEvent,
  placement: z.enum(['original', 'end']),
  orderKey: time,
});

const ticketCheckedInV1 = z.strictObject({
  type: z.literal('ticket.checked-in'),
  ...ticketEvent,
  postedWaitMin: waitMin,
  pointWaitMin: waitMin,
});

const ticketCancelledV1 = z.strictObject({ type: z.literal('ticket.cancelled'), ...ticketEvent });
const ticketDeferredV1 = z.strictObject({ type: z.literal('ticket.deferred'), ...ticketEvent, orderKey: time });
const ticketOnTheWayV1 = z.strictObject({ type: z.literal('ticket.on-the-way'), ...ticketEvent });

/** Every queue event type with its schema per version (the newest is what the hub writes). */
const QUEUE_EVENT_CATALOG = {
  'counter.opened': { 1: counterOpenedV1 },
  'counter.closed': { 1: counterClosedV1 },
  'counter.break': { 1: counterBreakV1 },
  'counter.planned': { 1: counterPlannedV1 },
  'ticket.issued': { 1: ticketIssuedV1 },
  'numbers.block-reserved': { 1: blockReservedV1 },
  'ticket.renumbered': { 1: ticketRenumberedV1 },
  'ticket.called': { 1: ticketCalledV1 },
  'ticket.recalled': { 1: ticketAtCounter('ticket.recalled') },
  'ticket.served': { 1: ticketAtCounter('ticket.served') },
  'ticket.no-show': { 1: ticketAtCounter('ticket.no-show') },
  'ticket.transferred': { 1: ticketTransferredV1 },
  'ticket.parked': { 1: ticketAtCounter('ticket.parked') },
  'ticket.rejoined': { 1: ticketRejoinedV1 },
  'ticket.checked-in': { 1: ticketCheckedInV1 },
  'ticket.cancelled': { 1: ticketCancelledV1 },
  'ticket.deferred': { 1: ticketDeferredV1 },
  'ticket.on-the-way': { 1: ticketOnTheWayV1 },
} as const;

/** The events the hub writes today: the newest version of every type, one discriminated union. */
const queueEventSchema = z.discriminatedUnion('type', [
  counterOpenedV1,
  counterClosedV1,
  counterBreakV1,
  counterPlannedV1,
  ticketIssuedV1,
  blockReservedV1,
  ticketRenumberedV1,
  ticketCalledV1,
  QUEUE_EVENT_CATALOG['ticket.recalled'][1],
  QUEUE_EVENT_CATALOG['ticket.served'][1],
  QUEUE_EVENT_CATALOG['ticket.no-show'][1],
  ticketTransferredV1,
  QUEUE_EVENT_CATALOG['ticket.parked'][1],
  ticketRejoinedV1,
  ticketCheckedInV1,
  ticketCancelledV1,
  ticketDeferredV1,
  ticketOnTheWayV1,
]);

export type QueueEvent = z.output<typeof queueEventSchema>;
export type QueueEventType = QueueEvent['type'];
export type QueueEventOf<T extends QueueEventType> = Extract<QueueEvent, { type: T }>;

export const QUEUE_EVENT_TYPES = Object.keys(QUEUE_EVENT_CATALOG) as QueueEventType[];

/** Where a queue event was read: its venue and its version (1-based place) in that venue's log. */
export interface QueueEventSource {
  venueId: string;
  version: number;
}

/** A stored or relayed queue event that is not one this hub can read. */
export class InvalidQueueEventError extends Error {
  constructor(
    readonly venueId: string,
    readonly version: number,
    readonly details: string,
  ) {
    super(
      `queue event ${version} of venue ${venueId} cannot be read: ${details}. ` +
        'If a newer hub wrote it, update this hub; otherwise the log is damaged: restore it from a backup',
    );
    this.name = 'InvalidQueueEventError';
  }
}

/**
 * Reads one queue event: a stored row's body (JSON text) or an object from a cluster message.
 * Throws InvalidQueueEventError naming the venue and the log version when it is not valid.
 */
export function parseQueueEvent(raw: unknown, source: QueueEventSource): QueueEvent {
  const fail = (details: string): never => {
    throw new InvalidQueueEventError(source.venueId, source.version, details);
  };
  let body = raw;
  if (typeof raw === 'string') {
    try {
      body = JSON.parse(raw);
    } catch {
      fail('its body is not JSON');
    }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail('it is not an object');
  const { v = 1, ...event } = body as { v?: unknown; type?: unknown };
  const type = event.type;
  if (typeof type !== 'string' || !Object.hasOwn(QUEUE_EVENT_CATALOG, type))
    return fail(`unknown type ${JSON.stringify(type)}; this hub knows ${QUEUE_EVENT_TYPES.join(', ')}`);
  const versions = QUEUE_EVENT_CATALOG[type as QueueEventType] as Record<number, z.ZodType<QueueEvent>>;
  const schema = typeof v === 'number' ? versions[v] : undefined;
  if (!schema)
    return fail(`${type} v${String(v)} is not known here (this hub reads v${Object.keys(versions).join(', v')})`);
  const parsed = schema.safeParse(event);
  if (!parsed.success) return fail(`${type} v${v}: ${describeZodIssues(parsed.error)}`);
  return parsed.data;
}
