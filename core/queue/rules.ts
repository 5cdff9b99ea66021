import { z } from 'zod';
import type { QueueRules, ReturnTimeRules } from './types.ts';

/**
 * Queue rules as a venue writes them, with defaults. Every number that shapes who goes first is
 * here, named and documented, rather than buried in the engine: priority is explicit and ages, so
 * it never starves the others.
 */

const idSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-"');

export const returnTimeRulesSchema = z.strictObject({
  thresholdMin: z.number().positive(),
  windowMin: z.number().positive().default(15),
  alignMin: z.number().positive().default(5),
  capacityShare: z.number().gt(0).max(1).default(0.8),
  earlyMin: z.number().nonnegative().default(10),
  lateMin: z.number().nonnegative().default(10),
  lastWindowBeforeCloseMin: z.number().nonnegative().default(30),
});

const serviceRulesSchema = z.strictObject({
  id: idSchema,
  prefix: z
    .string()
    .regex(/^[A-Z0-9]{1,3}$/, 'must be 1-3 capital letters or digits')
    .optional(),
  name: z.string().optional(),
  expectedServiceMin: z.number().positive().optional(),
  returnTimes: returnTimeRulesSchema.optional(),
});

const queueRulesSchema = z.strictObject({
  services: z.array(serviceRulesSchema).min(1, 'a venue needs at least one service'),
  counters: z.array(z.strictObject({ id: idSchema, services: z.array(idSchema).min(1) })).default([]),
  segments: z.array(z.strictObject({ id: idSchema, weight: z.number().nonnegative() })).default([]),
  agingPerMin: z.number().positive('must be > 0, or a priority would starve everyone else').default(0.1),
  rejoinWindowMin: z.number().nonnegative().default(10),
  rejoinPlacement: z.enum(['original', 'end']).default('original'),
  utcOffsetMin: z
    .number()
    .int()
    .min(-14 * 60)
    .max(14 * 60)
    .default(0),
  numberDigits: z.number().int().min(1).max(6).default(3),
  maxBlockSize: z.number().int().positive().default(200),
});

export type QueueRulesInput = z.input<typeof queueRulesSchema>;

/** Validated rules with defaults filled in; prefixes default to the service id's first letter(s). */
export function createQueueRules(input: QueueRulesInput): QueueRules {
  const parsed = queueRulesSchema.parse(input);
  const serviceIds = new Set(parsed.services.map((s) => s.id));
  if (serviceIds.size !== parsed.services.length) throw new Error('queue rules: service ids must be unique');
  for (const counter of parsed.counters) {
    for (const serviceId of counter.services) {
      if (!serviceIds.has(serviceId))
        throw new Error(`queue rules: counter ${counter.id} serves unknown service "${serviceId}"`);
    }
  }
  return {
    ...parsed,
    services: parsed.services.map((s) => ({
      ...s,
      prefix:
        s.prefix ??
        (s.id
          .replace(/[^A-Za-z0-9]/g, '')
          .slice(0, 1)
          .toUpperCase() ||
          'Q'),
      returnTimes: s.returnTimes as ReturnTimeRules | undefined,
    })),
  };
}

export function serviceRules(rules: QueueRules, serviceId: string) {
  return rules.services.find((s) => s.id === serviceId);
}

export function segmentWeight(rules: QueueRules, segmentId: string | null | undefined): number {
  if (!segmentId) return 0;
  return rules.segments.find((s) => s.id === segmentId)?.weight ?? 0;
}
