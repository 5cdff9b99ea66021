import type express from 'express';
import type { Request } from 'express';
import { z } from 'zod';
import type { Clock } from '../../core/logger.ts';
import { slugSchema } from '../../core/ids.ts';
import type { Role } from '../../core/protocol.ts';
import { describeZodIssues } from '../../core/zod-errors.ts';
import { heatMapCsv, type AnalyticsService } from '../analytics/analytics-service.ts';
import type { HubStore } from '../store/hub-store.ts';
import { offsetsOf } from '../queue/time-zone.ts';
import { ApiError } from './api-error.ts';
import { endOf, instantOrDaySchema, startOf } from './calendar-days.ts';

const DAY_MS = 24 * 60 * 60_000;

const querySchema = z.strictObject({
  from: instantOrDaySchema.optional(),
  to: instantOrDaySchema.optional(),
  windowMin: z.coerce.number().positive().max(120).optional(),
  misuse: z.enum(['include', 'exclude']).default('exclude'),
  minVolume: z.coerce.number().int().min(1).optional(),
  /** Only the visits of one segment; "none": visits without a segment. */
  segment: z.string().min(1).max(64).optional(),
  /** Only the moments at touchpoints of one journey stage (the waits are "during"), and visits through it. */
  stage: z.enum(['before', 'during', 'after']).optional(),
  /** Only the moments at one touchpoint (a wait is "wait:<service id>"), and the visits through it. */
  touchpoint: z.union([slugSchema, z.string().regex(/^wait:[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)]).optional(),
  /** "previous": the same figures over the span just before, beside each change whether it is beyond noise. */
  compare: z.enum(['previous']).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

/**
 * GET /api/venues/:venueId/analytics   (manager) journey analytics for a period
 *   ?from=&to=        ms since the epoch ([from, to)), or days YYYY-MM-DD of the venue's calendar, the
 *                     last day included (default: the last 24 hours)
 *   &windowMin=       how long after a service the counter's box and the exit speak for it (default 5)
 *   &misuse=include   count presses flagged as misuse too (default: left out)
 *   &segment=gold     only the visits of one segment ("none": visits without one)
 *   &stage=during     only the moments at touchpoints of one journey stage, and the visits through it
 *   &touchpoint=exit  only the moments at one touchpoint (or wait:<service id>), and the visits through it
 *   &compare=previous the same figures over the span just before, each change tested against noise
 *   &format=csv       the touchpoint x segment heat map as CSV
 */
export function analyticsRoutes(
  router: express.Router,
  deps: {
    analytics: AnalyticsService;
    store: HubStore;
    clock: Clock;
    requireVenue: (req: Request, role: Role) => Promise<unknown>;
  },
): void {
  router.get('/venues/:venueId/analytics', async (req, res) => {
    await deps.requireVenue(req, 'manager');
    const query = querySchema.safeParse(req.query);
    if (!query.success) throw new ApiError(400, 'invalid-request', describeZodIssues(query.error));
    const venue = await deps.store.getVenue(String(req.params.venueId));
    if (!venue) throw new ApiError(404, 'unknown-venue', `no venue ${String(req.params.venueId)}`);
    const offsetAt = offsetsOf(venue.timezone);
    const to = query.data.to === undefined ? deps.clock.now() : endOf(query.data.to, offsetAt);
    const from = query.data.from === undefined ? to - DAY_MS : startOf(query.data.from, offsetAt);
    if (from >= to) throw new ApiError(400, 'invalid-request', 'from must be before to');
    const analytics = await deps.analytics.venueAnalytics(String(req.params.venueId), {
      from,
      to,
      includeMisuse: query.data.misuse === 'include',
      ...(query.data.windowMin ? { attributionWindowMs: query.data.windowMin * 60_000 } : {}),
      ...(query.data.minVolume ? { report: { minVolume: query.data.minVolume } } : {}),
      ...(query.data.stage === undefined ? {} : { stage: query.data.stage }),
      ...(query.data.touchpoint === undefined ? {} : { touchpointId: query.data.touchpoint }),
      ...(query.data.compare === undefined ? {} : { compare: query.data.compare }),
      ...(query.data.segment === undefined
        ? {}
        : { segmentId: query.data.segment === 'none' ? null : query.data.segment }),
    });
    if (!analytics) throw new ApiError(404, 'unknown-venue', `no venue ${String(req.params.venueId)}`);
    if (query.data.format === 'csv') {
      res.type('text/csv').attachment(`${analytics.venueId}-touchpoints.csv`).send(heatMapCsv(analytics));
      return;
    }
    // Infinity (open-ended surprise ranges) has no JSON form: null means unbounded there.
    res.json(analytics);
  });
}
