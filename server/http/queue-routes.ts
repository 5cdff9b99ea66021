import type express from 'express';
import type { Request } from 'express';
import type { z } from 'zod';
import type { Clock } from '../../core/logger.ts';
import type { QueueFailureCode, Role } from '../../core/protocol.ts';
import { signedBy, staffCommandSchema } from '../queue/command-schema.ts';
import type { HubQueues } from '../queue/hub-queues.ts';

/** Refusals are conflicts with the queue's state; a venue without services is not found. */
const FAILURE_STATUS: Partial<Record<QueueFailureCode, number>> = {
  'invalid-command': 400,
  'no-queue': 404,
  'unknown-counter': 404,
  'unknown-service': 404,
  'unknown-ticket': 404,
  busy: 503,
};

/**
 * The queue over HTTP, for scripts and integrations: the same commands and rules as /staff.
 *   GET  /api/venues/:venueId/queue                  the live snapshot (staff)
 *   POST /api/venues/:venueId/queue/commands         a counter action, e.g. {"type":"call-next","counterId":"c1"}
 *   GET  /api/venues/:venueId/tickets/:ticketId      one ticket, for its holder (the id is the key)
 */
export function queueRoutes(
  router: express.Router,
  deps: {
    queues: HubQueues;
    requireVenue: (req: Request, role: Role) => Promise<{ username: string }>;
    parseBody: <T>(schema: z.ZodType<T>, body: unknown) => T;
    clock: Clock;
  },
): void {
  const { queues, requireVenue, parseBody, clock } = deps;
  const venueOf = (req: Request) => String(req.params.venueId);

  router.get('/venues/:venueId/queue', async (req, res) => {
    await requireVenue(req, 'staff');
    const snapshot = await queues.reads.snapshot(venueOf(req));
    if (!snapshot)
      return void res
        .status(404)
        .json({ error: { code: 'no-queue', message: `venue ${venueOf(req)} has no services to queue for` } });
    res.json(snapshot);
  });

  // Tickets called since ?from= (ms; default: the last 24 hours), posted beside actual wait.
  router.get('/venues/:venueId/queue/waits', async (req, res) => {
    await requireVenue(req, 'staff');
    const from = Number(req.query.from ?? clock.now() - 24 * 60 * 60_000);
    if (!Number.isFinite(from))
      return void res
        .status(400)
        .json({ error: { code: 'invalid-request', message: 'from must be a time in ms since the epoch' } });
    res.json(await queues.reads.waits(venueOf(req), from));
  });

  router.post('/venues/:venueId/queue/commands', async (req, res) => {
    const user = await requireVenue(req, 'staff');
    const command = signedBy(parseBody(staffCommandSchema, req.body), user.username);
    const result = await queues.commands.execute(venueOf(req), command);
    if (result.ok) return void res.json(result);
    res
      .status(FAILURE_STATUS[result.code] ?? 409)
      .json({ error: { code: result.code, message: result.message, params: result.params ?? {} } });
  });

  router.get('/venues/:venueId/tickets/:ticketId', async (req, res) => {
    const ticket = await queues.reads.ticket(venueOf(req), String(req.params.ticketId));
    if (!ticket)
      return void res
        .status(404)
        .json({ error: { code: 'unknown-ticket', message: 'no such ticket: check the link on your ticket' } });
    res.json(ticket);
  });
}
