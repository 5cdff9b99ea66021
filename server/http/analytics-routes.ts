import type express from 'express';
import type { Request } from 'express';
import { z } from 'zod';
import type { Clock } from '../../core/logger.ts';
import type { Role } from '../../core/protocol.ts';
import { describeZodIssues } from '../../core/zod-errors.ts';
import { heatMapCsv, type AnalyticsService } from '../analytics/analytics-service.ts';
import { ApiError } from './api-error.ts';

const DAY_MS = 24 * 60 * 60_000;

const querySchema = z.strictObject({
  from: z.coerce.number().int().nonnegative().optional(),
  to: z.coerce.number().int().positive().optional(),
  windowMin: z.coerce.number().positive().max(120).optional(),
  misuse: z.enum(['include', 'exclude']).default('exclude'),
  minVolume: z.coerce.number().int().min(1).optional(),
  /** Only the visits of one segment; "none": visits without a segment. */
  segment: z.string().min(1).max(64).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

/**
 * GET /api/venues/:venueId/analytics   (manager) journey analytics for a period
 *   ?from=&to=        ms since the epoch (default: the last 24 hours)
 *   &windowMin=       how long after a service the counter's box and the exit speak for it (default 5)
 *   &misuse=include   count presses flagged as misuse too (default: left out)
 *   &segment=gold     only the visits of one segment ("none": visits without one)
 *   &format=csv       the touchpoint x segment heat map as CSV
 */
export function analyticsRoutes(
  router: express.Router,
  deps: { analytics: AnalyticsService; requireVenue: (req: Request, role: Role) => Promise<unknown>; clock: Clock },
): void {
  router.get('/venues/:venueId/analytics', async (req, res) => {
    await deps.requireVenue(req, 'manager');
    const query = querySchema.safeParse(req.query);
    if (!query.success) throw new ApiError(400, 'invalid-request', describeZodIssues(query.error));
    const to = query.data.to ?? deps.clock.now();
    const from = query.data.from ?? to - DAY_MS;
    if (from >= to) throw new ApiError(400, 'invalid-request', 'from must be before to');
    const analytics = await deps.analytics.venueAnalytics(String(req.params.venueId), {
      from,
      to,
      includeMisuse: query.data.misuse === 'include',
      ...(query.data.windowMin ? { attributionWindowMs: query.data.windowMin * 60_000 } : {}),
      ...(query.data.minVolume ? { report: { minVolume: query.data.minVolume } } : {}),
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
