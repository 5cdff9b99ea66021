import type express from 'express';
import type { Request } from 'express';
import type { z } from 'zod';
import type { FeedbackOutcome, VisitFeedbackService } from '../analytics/visit-feedback.ts';
import { visitFeedbackSchema } from '../analytics/visit-feedback.ts';
import { ApiError } from './api-error.ts';
import { type Clock, systemClock } from '../../core/logger.ts';

const STATUS: Record<Extract<FeedbackOutcome, { ok: false }>['code'], number> = {
  'unknown-ticket': 404,
  'not-served': 409,
  'already-rated': 409,
  'unknown-reason': 400,
};

/**
 * A small fixed-window limit per client address, in this hub's memory: each ticket can rate only
 * once anyway, so this only slows a script guessing ticket ids. Behind a proxy every phone shares
 * its address (set Express's "trust proxy" there); several hubs each keep their own count.
 */
export class AddressThrottle {
  private readonly windows = new Map<string, { from: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = systemClock.now,
  ) {}

  /** True if this address may make one more request now (and counts it). */
  allow(address: string): boolean {
    const now = this.now();
    const window = this.windows.get(address);
    if (!window || now - window.from >= this.windowMs) {
      // Forget old windows as new ones open, so the map stays as small as the busy addresses.
      if (this.windows.size > 10_000)
        for (const [key, w] of this.windows) if (now - w.from >= this.windowMs) this.windows.delete(key);
      this.windows.set(address, { from: now, count: 1 });
      return true;
    }
    window.count += 1;
    return window.count <= this.limit;
  }
}

/**
 * POST /api/venues/:venueId/tickets/:ticketId/feedback   {level, reasonId?, vsExpectation?}
 * The phone's after-visit rating. No login: the ticket id (a UUIDv7 on the ticket's QR code) is the
 * capability. 201 the first time; 409 before the ticket was served or once rated; 404 unknown ticket;
 * 429 past 20 requests a minute from one address.
 */
export function feedbackRoutes(
  router: express.Router,
  deps: {
    feedback: VisitFeedbackService;
    parseBody: <T>(schema: z.ZodType<T>, body: unknown) => T;
    throttle?: AddressThrottle;
    clock: Clock;
  },
): void {
  const throttle = deps.throttle ?? new AddressThrottle(20, 60_000, () => deps.clock.now());
  router.post('/venues/:venueId/tickets/:ticketId/feedback', async (req: Request, res) => {
    if (!throttle.allow(req.ip ?? req.socket.remoteAddress ?? 'unknown'))
      throw new ApiError(429, 'too-many-requests', 'too many ratings from this address: wait a minute and try again');
    const body = deps.parseBody(visitFeedbackSchema, req.body);
    const outcome = await deps.feedback.record(String(req.params.venueId), String(req.params.ticketId), body);
    if (!outcome.ok) throw new ApiError(STATUS[outcome.code], outcome.code, outcome.message);
    res.status(201).json(outcome.rating);
  });
}
