import { z } from 'zod';
import { eventIdSchema, slugSchema } from '../../core/ids.ts';
import { MAX_SHIFTS } from '../../core/queue/engine.ts';
import type { StaffCommand, TicketQuoteRequest, TicketTakeRequest } from '../../core/protocol.ts';

/** Queue requests as they arrive over the wire (socket or HTTP): validated before the engine sees them. */

const atCounter = { counterId: slugSchema };

export const staffCommandSchema = z.discriminatedUnion('type', [
  // closesAt: scheduled close, ms since the epoch (the engine refuses one in the past).
  z.strictObject({
    type: z.literal('open-counter'),
    ...atCounter,
    services: z.array(slugSchema).min(1).optional(),
    closesAt: z.number().int().positive().optional(),
  }),
  z.strictObject({ type: z.literal('close-counter'), ...atCounter }),
  // minutes: how long the clerk expects to be away (at most a day).
  z.strictObject({
    type: z.literal('break-counter'),
    ...atCounter,
    minutes: z
      .number()
      .positive()
      .max(24 * 60)
      .optional(),
  }),
  // shifts: the counter's rota from now on, ms since the epoch (the engine checks order and overlap).
  z.strictObject({
    type: z.literal('plan-counter'),
    ...atCounter,
    shifts: z
      .array(z.strictObject({ from: z.number().int().positive(), to: z.number().int().positive() }))
      .max(MAX_SHIFTS),
  }),
  z.strictObject({ type: z.literal('call-next'), ...atCounter }),
  z.strictObject({ type: z.literal('call'), ...atCounter, ticketId: eventIdSchema }),
  z.strictObject({ type: z.literal('recall'), ...atCounter }),
  z.strictObject({ type: z.literal('serve'), ...atCounter }),
  z.strictObject({ type: z.literal('no-show'), ...atCounter }),
  z.strictObject({
    type: z.literal('transfer'),
    ...atCounter,
    toServiceId: slugSchema,
    placement: z.enum(['first', 'last']).optional(),
  }),
  z.strictObject({ type: z.literal('park'), ...atCounter }),
  z.strictObject({ type: z.literal('rejoin'), ticketId: eventIdSchema }),
  z.strictObject({ type: z.literal('cancel'), ticketId: eventIdSchema }),
]) satisfies z.ZodType<StaffCommand>;

/**
 * A staff command as the signed-in user gives it: a call names them as its clerk (the operations
 * report's "by clerk", docs/operations.md). The clerk comes from the session, never from the wire.
 */
export function signedBy(command: StaffCommand, username: string): StaffCommand {
  return command.type === 'call-next' || command.type === 'call' ? { ...command, calledBy: username } : command;
}

const windowSchema = z
  .strictObject({ from: z.number().int().nonnegative(), to: z.number().int().nonnegative() })
  .refine((w) => w.to > w.from, 'a window ends after it starts');

export const ticketQuoteSchema = z.strictObject({
  serviceId: slugSchema,
  segmentId: slugSchema.optional(),
}) satisfies z.ZodType<TicketQuoteRequest>;

export const ticketTakeSchema = z.strictObject({
  ticketId: eventIdSchema,
  serviceId: slugSchema,
  segmentId: slugSchema.optional(),
  returnWindow: windowSchema.optional(),
}) satisfies z.ZodType<TicketTakeRequest>;

export const ticketCheckInSchema = z.strictObject({ ticketId: eventIdSchema });

export const numbersReserveSchema = z.strictObject({ serviceId: slugSchema, size: z.number().int().min(1).max(1000) });
