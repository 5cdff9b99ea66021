import type express from 'express';
import type { Request } from 'express';
import { z } from 'zod';
import type { Role } from '../../core/protocol.ts';
import { publicVenue, venueSchema } from '../../core/venue.ts';
import type { HubStore } from '../store/hub-store.ts';
import type { Venues } from '../venues.ts';
import { ApiError } from './api-error.ts';

/**
 * The venue's customer-experience programme: alert rules, task deadlines, escalation chains, the
 * experience scale and the attribution window (`analytics` of core/venue.ts), and who owns each
 * queue's waits. Saved as a new version of the venue like the journey map.
 */
const programmeBody = z.strictObject({
  analytics: venueSchema.shape.analytics,
  /** Service id -> the department answering for its waits; a service left out keeps its owner. */
  serviceOwners: z.record(z.string(), z.string().min(1).max(100)).optional(),
});

/**
 *   PUT /api/venues/:venueId/programme   (manager) saves the programme as the venue's next version
 *
 * Webhooks and their secrets are not part of it: they stay with admins (PUT /api/venues/:venueId).
 */
export function programmeRoutes(
  router: express.Router,
  deps: {
    store: HubStore;
    venues: Venues;
    requireVenue: (req: Request, role: Role) => Promise<unknown>;
    parseBody: <T>(schema: z.ZodType<T>, body: unknown) => T;
  },
): void {
  router.put('/venues/:venueId/programme', async (req, res) => {
    await deps.requireVenue(req, 'manager');
    const venueId = String(req.params.venueId);
    const current = await deps.store.getVenue(venueId);
    if (!current) throw new ApiError(404, 'unknown-venue', `no venue ${venueId}`);
    const { analytics, serviceOwners = {} } = deps.parseBody(programmeBody, req.body);
    const unknown = Object.keys(serviceOwners).filter((id) => !current.services.some((s) => s.id === id));
    if (unknown.length > 0)
      throw new ApiError(400, 'invalid-request', `no service ${unknown.join(', ')} at this venue`);
    const services = current.services.map((s) =>
      serviceOwners[s.id] === undefined ? s : { ...s, owner: serviceOwners[s.id] },
    );
    res.json(publicVenue(await deps.venues.upsert({ ...current, services, analytics })));
  });
}
