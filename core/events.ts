import { z } from 'zod';
import { eventIdSchema, slugSchema } from './ids.ts';
import { languageSchema } from './languages.ts';
import { describeZodIssues } from './zod-errors.ts';

/**
 * The event catalog: every type the kiosks may send, with a validated payload per version.
 * Adding a version means adding a schema here; the hub rejects what is not listed, so a kiosk
 * newer than its hub is told so instead of having its events half-understood.
 */

/** Smiley levels, 1 = very unhappy .. 4 = very happy, as printed on HappyOrNot-style terminals. */
export const feedbackLevelSchema = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);
export type FeedbackLevel = z.infer<typeof feedbackLevelSchema>;

export const PRESS_SOURCES = ['serial', 'hid', 'keyboard', 'screen', 'simulated'] as const;

const feedbackPressedV1 = z.strictObject({
  touchpointId: slugSchema,
  level: feedbackLevelSchema,
  source: z.enum(PRESS_SOURCES),
  /** Set by the kiosk's repeat-press filter: kept for the record, excluded from scores by default. */
  misuse: z.boolean().default(false),
});

const feedbackReasonV1 = z.strictObject({
  touchpointId: slugSchema,
  pressId: eventIdSchema,
  reasonId: slugSchema,
});

const deviceStatusV1 = z.strictObject({
  component: slugSchema,
  state: z.enum(['ready', 'degraded', 'offline']),
  code: z.string().max(64).optional(),
  detail: z.string().max(500).optional(),
});

const ticketRef = { ticketId: eventIdSchema };

const ticketIssuedV1 = z.strictObject({
  ...ticketRef,
  serviceId: slugSchema,
  number: z.string().min(1).max(16),
  lang: languageSchema,
  segmentId: slugSchema.optional(),
  postedWaitMin: z.number().nonnegative().optional(),
  position: z.number().int().nonnegative().optional(),
  /** Issued from the kiosk's reserved number block while the hub was unreachable. */
  offline: z.boolean().default(false),
});

const ticketAtCounterV1 = z.strictObject({ ...ticketRef, counterId: slugSchema });

const ticketTransferredV1 = z.strictObject({
  ...ticketRef,
  fromServiceId: slugSchema,
  toServiceId: slugSchema,
});

const EVENT_CATALOG = {
  'feedback.pressed': { 1: feedbackPressedV1 },
  'feedback.reason': { 1: feedbackReasonV1 },
  'device.status': { 1: deviceStatusV1 },
  'ticket.issued': { 1: ticketIssuedV1 },
  'ticket.called': { 1: ticketAtCounterV1 },
  'ticket.served': { 1: ticketAtCounterV1 },
  'ticket.no-show': { 1: ticketAtCounterV1 },
  'ticket.transferred': { 1: ticketTransferredV1 },
} as const satisfies Record<string, Record<number, z.ZodType>>;

export type EventType = keyof typeof EVENT_CATALOG;
export const EVENT_TYPES = Object.keys(EVENT_CATALOG) as EventType[];

type LatestVersion<T extends EventType> = keyof (typeof EVENT_CATALOG)[T] & number;
export type EventPayload<T extends EventType, V extends LatestVersion<T> = LatestVersion<T>> = z.output<
  (typeof EVENT_CATALOG)[T][V] extends z.ZodType ? (typeof EVENT_CATALOG)[T][V] : never
>;
export type EventPayloadInput<T extends EventType> = z.input<(typeof EVENT_CATALOG)[T][LatestVersion<T>] & z.ZodType>;

export function latestVersion(type: EventType): number {
  return Math.max(...Object.keys(EVENT_CATALOG[type]).map(Number));
}

/** The envelope every touchpoint event travels in (design.md, "Contracts"). */
const envelopeSchema = z.strictObject({
  id: eventIdSchema,
  type: z.string().min(1).max(64),
  v: z.number().int().positive(),
  venueId: slugSchema,
  deviceId: slugSchema,
  seq: z.number().int().positive(),
  /** Milliseconds since the epoch on the device's own clock; the hub corrects it by the device's offset. */
  occurredAt: z.number().int().nonnegative(),
  payload: z.unknown(),
});

export interface EventEnvelope<T extends EventType = EventType> {
  id: string;
  type: T;
  v: number;
  venueId: string;
  deviceId: string;
  seq: number;
  occurredAt: number;
  payload: EventPayload<T>;
}

export type AnyEventEnvelope = { [T in EventType]: EventEnvelope<T> }[EventType];

export type EventRejectionCode = 'invalid-envelope' | 'unknown-type' | 'unsupported-version' | 'invalid-payload';

export type ParseEventResult =
  | { ok: true; event: AnyEventEnvelope }
  | { ok: false; code: EventRejectionCode; message: string };

/** Validates an envelope and its payload against the catalog. Never throws. */
export function parseEvent(input: unknown): ParseEventResult {
  const envelope = envelopeSchema.safeParse(input);
  if (!envelope.success) {
    return { ok: false, code: 'invalid-envelope', message: describeZodIssues(envelope.error) };
  }
  const { type, v } = envelope.data;
  if (!Object.hasOwn(EVENT_CATALOG, type)) {
    return {
      ok: false,
      code: 'unknown-type',
      message: `unknown event type "${type}"; this hub knows ${EVENT_TYPES.join(', ')}`,
    };
  }
  const versions = EVENT_CATALOG[type as EventType] as Record<number, z.ZodType>;
  const schema = versions[v];
  if (!schema) {
    return {
      ok: false,
      code: 'unsupported-version',
      message:
        `${type} v${v} is not supported by this hub (it knows v${Object.keys(versions).join(', v')}); ` +
        `update the hub before the kiosks`,
    };
  }
  const payload = schema.safeParse(envelope.data.payload);
  if (!payload.success) {
    return {
      ok: false,
      code: 'invalid-payload',
      message: `${type} v${v} payload: ${describeZodIssues(payload.error)}`,
    };
  }
  return { ok: true, event: { ...envelope.data, payload: payload.data } as AnyEventEnvelope };
}

/** Validates a payload the kiosk is about to record, so nothing invalid ever enters an outbox. */
export function parsePayload<T extends EventType>(type: T, payload: unknown): EventPayload<T> {
  const schema = (EVENT_CATALOG[type] as Record<number, z.ZodType>)[latestVersion(type)]!;
  const result = schema.safeParse(payload);
  if (!result.success) {
    throw new InvalidEventError(type, describeZodIssues(result.error));
  }
  return result.data as EventPayload<T>;
}

export class InvalidEventError extends Error {
  constructor(
    readonly type: string,
    readonly details: string,
  ) {
    super(`invalid ${type} payload: ${details}`);
    this.name = 'InvalidEventError';
  }
}
