import { z } from 'zod';
import { describeZodIssues } from '../zod-errors.ts';

/**
 * The simulator's scenario format (docs/queues.md "Simulating a day"). Times are minutes from opening.
 * Service times are lognormal (mean, cv) divided by the counter's speed; arrivals are Poisson at a
 * piecewise-constant rate; customers give up after an exponential patience. "segments",
 * "patienceMin" and "returnTimes" are optional.
 */

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-"');
const minutes = z.number().nonnegative();
const interval = z
  .tuple([minutes, minutes])
  .refine(([from, to]) => to > from, 'an interval [from, to] must end after it starts');

export const scenarioSchema = z
  .strictObject({
    name: z.string().min(1),
    seed: z.number().int(),
    hours: z.number().positive().max(24),
    services: z
      .array(
        z.strictObject({
          id,
          name: z.string().optional(),
          prefix: z
            .string()
            .regex(/^[A-Z0-9]{1,3}$/)
            .optional(),
          serviceMin: z.strictObject({ mean: z.number().positive(), cv: z.number().nonnegative().max(5).default(0.5) }),
        }),
      )
      .min(1),
    counters: z
      .array(
        z.strictObject({
          id,
          services: z.array(id).min(1),
          speed: z.number().positive().default(1),
          open: z.array(interval).min(1),
          breaks: z.array(interval).default([]),
        }),
      )
      .min(1),
    arrivals: z
      .array(
        z
          .strictObject({ service: id, from: minutes, to: minutes, perHour: z.number().nonnegative() })
          .refine((a) => a.to > a.from, { message: 'arrivals: "to" must be after "from"', path: ['to'] }),
      )
      .min(1),
    segments: z
      .array(z.strictObject({ id, share: z.number().min(0).max(1), priority: z.number().nonnegative() }))
      .default([])
      .refine(
        (segments) => segments.reduce((s, x) => s + x.share, 0) <= 1 + 1e-9,
        'segment shares must add up to at most 1',
      ),
    patienceMin: z.strictObject({ mean: z.number().positive() }).optional(),
    returnTimes: z
      .strictObject({
        thresholdMin: z.number().positive(),
        acceptShare: z.number().min(0).max(1),
        windowMin: z.number().positive().optional(),
      })
      .optional(),
    /** How long a counter waits for a called customer who is not there before marking a no-show. */
    noShowMin: z.number().nonnegative().default(1),
    /** Priority points earned per minute waited (see core/queue/ordering.ts). */
    agingPerMin: z.number().positive().default(0.1),
  })
  .superRefine((scenario, ctx) => {
    const services = new Set(scenario.services.map((s) => s.id));
    if (services.size !== scenario.services.length)
      ctx.addIssue({ code: 'custom', path: ['services'], message: 'service ids must be unique' });
    const end = scenario.hours * 60;
    scenario.counters.forEach((counter, i) => {
      counter.services.forEach((s, j) => {
        if (!services.has(s))
          ctx.addIssue({ code: 'custom', path: ['counters', i, 'services', j], message: `unknown service "${s}"` });
      });
      counter.open.forEach(([, to], j) => {
        if (to > end)
          ctx.addIssue({
            code: 'custom',
            path: ['counters', i, 'open', j],
            message: `ends after the day (${end} minutes)`,
          });
      });
    });
    scenario.arrivals.forEach((a, i) => {
      if (!services.has(a.service))
        ctx.addIssue({ code: 'custom', path: ['arrivals', i, 'service'], message: `unknown service "${a.service}"` });
      if (a.to > end)
        ctx.addIssue({ code: 'custom', path: ['arrivals', i, 'to'], message: `ends after the day (${end} minutes)` });
    });
    const served = new Set(scenario.counters.flatMap((c) => c.services));
    scenario.services.forEach((s, i) => {
      if (!served.has(s.id))
        ctx.addIssue({ code: 'custom', path: ['services', i, 'id'], message: `no counter serves "${s.id}"` });
    });
  });

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;

export function parseScenario(input: unknown): { ok: true; scenario: Scenario } | { ok: false; message: string } {
  const result = scenarioSchema.safeParse(input);
  if (result.success) return { ok: true, scenario: result.data };
  return { ok: false, message: `the scenario is not valid:\n  ${describeZodIssues(result.error, '\n  ')}` };
}
