import { z } from 'zod';
import { slugSchema } from './ids.ts';
import { languageSchema, localizedTextSchema } from './languages.ts';
import { alertRuleSchema } from './alerts/rules.ts';
import { callSettingsSchema } from './calls/call-settings.ts';
import { returnTimeRulesSchema, type QueueRulesInput } from './queue/rules.ts';

/** The parts of a venue's journey map a kiosk needs; the journey-map issue grows this. */
export const touchpointSchema = z
  .strictObject({
    id: slugSchema,
    name: localizedTextSchema,
    stage: z.enum(['before', 'during', 'after']).default('during'),
    /** The counter these smileys stand at: a press soon after it served a ticket joins that ticket's journey. */
    counterId: slugSchema.optional(),
    /** The department that owns this moment (tasks from bad moments go to it). */
    owner: z.string().min(1).max(100).optional(),
    /**
     * The happy index (-100..100) this moment should reach. Not every touchpoint must be perfect
     * (docs/customer-experience.md rule 9): the venue's positioning decides; an index under it opens a task.
     */
    target: z.number().min(-100).max(100).optional(),
    /**
     * Button boxes and keypads standing at this touchpoint, as "<kiosk id>/<device id>" (or a device id
     * for every kiosk). Overrides the touchpoint in the kiosk's own configuration, so a manager can
     * move a box to another touchpoint from the journey map without touching the kiosk.
     */
    devices: z
      .array(
        z
          .string()
          .regex(
            /^([a-z0-9][a-z0-9-]*\/)?[a-z0-9][a-z0-9-]*$/,
            'a device is "<kiosk id>/<device id>" or "<device id>"',
          ),
      )
      .default([]),
    /**
     * The phone's after-visit rating (/t/<ticket id>) is recorded here: one touchpoint of stage
     * "after" may say so; without one the hub uses DEFAULT_PHONE_TOUCHPOINT.
     */
    phone: z.boolean().optional(),
    /** Follow-up reasons the kiosk offers after a press ("Waiting time", "Staff", ...): at most 6. */
    reasons: z
      .array(z.strictObject({ id: slugSchema, name: localizedTextSchema }))
      .max(6, 'at most 6 follow-up reasons per touchpoint')
      .default([]),
  })
  .refine((tp) => tp.phone !== true || tp.stage === 'after', {
    message: 'the phone rating comes after the visit: a touchpoint with "phone": true needs "stage": "after"',
    path: ['stage'],
  });
export type Touchpoint = z.infer<typeof touchpointSchema>;

/** Where the phone's after-visit rating lands when the journey map names no touchpoint for it. */
const DEFAULT_PHONE_TOUCHPOINT: Touchpoint = touchpointSchema.parse({
  id: 'phone',
  name: { ko: '휴대폰 방문 평가', zh: '手机到访评价', en: 'Phone visit rating' },
  stage: 'after',
  phone: true,
  reasons: [
    { id: 'waiting-time', name: { ko: '대기 시간', zh: '等候时间', en: 'Waiting time' } },
    { id: 'staff', name: { ko: '직원 응대', zh: '员工服务', en: 'Staff' } },
    { id: 'information', name: { ko: '안내', zh: '指引信息', en: 'Information' } },
    { id: 'facilities', name: { ko: '시설', zh: '设施', en: 'Facilities' } },
  ],
});

/** The touchpoint the phone's rating is recorded at: the journey map's, else the default one. */
export function phoneTouchpoint(venue: Pick<Venue, 'touchpoints'>): Touchpoint {
  return venue.touchpoints.find((tp) => tp.phone === true && tp.stage === 'after') ?? DEFAULT_PHONE_TOUCHPOINT;
}

/** The touchpoint the journey map attaches a kiosk's button device to, if it names one. */
export function touchpointOfDevice(
  venue: Pick<Venue, 'touchpoints'>,
  kioskId: string,
  deviceId: string,
): string | undefined {
  return venue.touchpoints.find((tp) => tp.devices.includes(`${kioskId}/${deviceId}`) || tp.devices.includes(deviceId))
    ?.id;
}

/** A queue customers take tickets for, e.g. "Deposits" (numbers A-001...). */
const serviceSchema = z.strictObject({
  id: slugSchema,
  name: localizedTextSchema,
  /** Number prefix: 1-3 capital letters or digits; the id's first letter when absent. */
  prefix: z
    .string()
    .regex(/^[A-Z0-9]{1,3}$/)
    .optional(),
  /** The department answering for this queue's waits: wait-over-promise tasks go to it. */
  owner: z.string().min(1).max(100).optional(),
  /** Typical minutes per customer until real service times are measured. */
  expectedServiceMin: z.number().positive().optional(),
  /** Offer return windows instead of the line when the posted wait passes a threshold. */
  returnTimes: returnTimeRulesSchema.optional(),
});

const counterSchema = z.strictObject({
  id: slugSchema,
  name: localizedTextSchema,
  services: z.array(slugSchema).min(1),
  /** The number boards say when calling to it ("3번 창구"); default in core/calls/call-clips.ts counterNumber. */
  number: z.number().int().min(1).max(999).optional(),
});

/** Member tiers, accessibility, urgent: a weight that gives a head start, never a jump over everyone. */
export const segmentSchema = z.strictObject({
  id: slugSchema,
  name: localizedTextSchema,
  weight: z.number().nonnegative().default(0),
});

/** The queue knobs of core/queue/rules.ts a venue may set; the rest have documented defaults. */
const queueOptionsSchema = z
  .strictObject({
    agingPerMin: z.number().positive().optional(),
    rejoinWindowMin: z.number().nonnegative().optional(),
    rejoinPlacement: z.enum(['original', 'end']).optional(),
    numberDigits: z.number().int().min(1).max(6).optional(),
    maxBlockSize: z.number().int().positive().optional(),
  })
  .prefault({});

/**
 * The weekly customer-experience report (docs/analytics.md "Weekly report"): at this local weekday
 * (1 Monday .. 7 Sunday) and hour the hub sends the 7 days before to the venue's webhooks, and by
 * e-mail to `email` where the hub has an SMTP server.
 */
export const weeklyReportSchema = z.strictObject({
  weekday: z.number().int().min(1).max(7),
  hour: z.number().int().min(0).max(23),
  lang: languageSchema.default('en'),
  email: z.array(z.email()).max(20, 'at most 20 addresses').default([]),
});

export const venueSchema = z.strictObject({
  id: slugSchema,
  /** Set by the hub on every save (1, 2, ...): kiosks and screens know which journey map they hold. */
  version: z.number().int().nonnegative().default(0),
  name: z.string().min(1).max(200),
  timezone: z.string().min(1).default('UTC'),
  touchpoints: z
    .array(touchpointSchema)
    .refine((tps) => tps.filter((tp) => tp.phone === true).length <= 1, 'at most one touchpoint may say "phone": true')
    .default([]),
  services: z.array(serviceSchema).default([]),
  counters: z.array(counterSchema).default([]),
  segments: z.array(segmentSchema).default([]),
  queue: queueOptionsSchema,
  /** How moments are scored and when bad ones become tasks (defaults in core/analytics and core/alerts). */
  analytics: z
    .strictObject({
      experienceScale: z
        .strictObject({
          1: z.number().min(-5).max(5),
          2: z.number().min(-5).max(5),
          3: z.number().min(-5).max(5),
          4: z.number().min(-5).max(5),
        })
        // An inverted or flat scale would turn "very unhappy" into praise: refused, not scored.
        .refine(
          (scale) => scale[1] < scale[2] && scale[2] < scale[3] && scale[3] < scale[4],
          'the experience scale must rise with the level: 1 (very unhappy) < 2 < 3 < 4 (very happy), e.g. -5, -2, 2, 5',
        )
        .optional(),
      attributionWindowMin: z.number().positive().max(120).optional(),
      alertRules: z.array(alertRuleSchema).optional(),
      taskPolicy: z
        .strictObject({ ackWithinMin: z.number().positive(), resolveWithinMin: z.number().positive() })
        .optional(),
      /**
       * Who a late task goes to: per department (a touchpoint's or a service's owner) its people in
       * order, then the venue's manager (core/alerts/tasks.ts escalationChain).
       */
      escalation: z
        .strictObject({
          manager: z.string().min(1).max(100).optional(),
          chains: z.record(z.string().min(1).max(100), z.array(z.string().min(1).max(100)).max(5)).default({}),
        })
        .optional(),
    })
    .prefault({}),
  /** How wall boards announce calls aloud: languages, volume, quiet hours, voice (core/calls/call-settings.ts). */
  calls: callSettingsSchema,
  /** Reports the hub sends by itself. */
  reports: z.strictObject({ weekly: weeklyReportSchema.optional() }).prefault({}),
  /** Where tasks from bad moments are also sent (HTTP POST, HMAC-signed with the secret). */
  webhooks: z
    .array(
      z.strictObject({ url: z.url({ protocol: /^https?$/ }), secret: z.string().min(16, 'at least 16 characters') }),
    )
    .default([]),
});
export type Venue = z.infer<typeof venueSchema>;
export type VenueInput = z.input<typeof venueSchema>;

/** What screens anyone can open (boards, phone pages) may see of a venue: no webhook secrets. */
export type PublicVenue = Omit<Venue, 'webhooks'>;

export function publicVenue(venue: Venue): PublicVenue {
  const { webhooks: _secrets, ...rest } = venue;
  return rest;
}

/**
 * The queue rules of a venue with services, or undefined for a feedback-only venue.
 * `utcOffsetMin` (the venue's offset from UTC today) decides when numbering restarts.
 */
export function queueRulesOf(venue: Venue, utcOffsetMin: number): QueueRulesInput | undefined {
  if (venue.services.length === 0) return undefined;
  return {
    services: venue.services.map((s) => ({
      id: s.id,
      name: s.name.en,
      prefix: s.prefix,
      expectedServiceMin: s.expectedServiceMin,
      returnTimes: s.returnTimes,
    })),
    counters: venue.counters.map((c) => ({ id: c.id, services: c.services })),
    segments: venue.segments.map((s) => ({ id: s.id, weight: s.weight })),
    utcOffsetMin,
    ...Object.fromEntries(Object.entries(venue.queue).filter(([, value]) => value !== undefined)),
  };
}
