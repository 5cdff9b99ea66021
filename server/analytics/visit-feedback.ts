import { z } from 'zod';
import { feedbackLevelSchema, type VisitRated } from '../../core/events.ts';
import { slugSchema } from '../../core/ids.ts';
import { type Clock, systemClock } from '../../core/logger.ts';
import { MINUTE_MS } from '../../core/queue/types.ts';
import { ticketById } from '../../core/queue/views.ts';
import { phoneTouchpoint } from '../../core/venue.ts';
import type { LiveQueues } from '../queue/live-queues.ts';
import type { HubStore } from '../store/hub-store.ts';

/** What the phone sends after a served visit: the four faces, a reason, and vs what was expected. */
export const visitFeedbackSchema = z.strictObject({
  level: feedbackLevelSchema,
  reasonId: slugSchema.optional(),
  vsExpectation: z.number().int().min(-5).max(5).optional(),
});
export type VisitFeedback = z.infer<typeof visitFeedbackSchema>;

export type FeedbackOutcome =
  | { ok: true; rating: VisitRated }
  | { ok: false; code: 'unknown-ticket' | 'not-served' | 'already-rated' | 'unknown-reason'; message: string };

/**
 * Records a ticket holder's after-visit rating (docs/analytics.md, "The phone asks how it went"):
 * only once the ticket was served, once per ticket, at the journey map's phone touchpoint, with
 * what the visit was (segment, service, counter, posted and actual wait) taken from the queue.
 */
export class VisitFeedbackService {
  private readonly clock: Clock;

  constructor(
    private readonly queues: LiveQueues,
    private readonly store: HubStore,
    options: { clock?: Clock } = {},
  ) {
    this.clock = options.clock ?? systemClock;
  }

  async record(venueId: string, ticketId: string, feedback: VisitFeedback): Promise<FeedbackOutcome> {
    const queue = await this.queues.get(venueId);
    const ticket = queue && ticketById(queue.state, ticketId);
    if (!queue || !ticket)
      return { ok: false, code: 'unknown-ticket', message: 'no such ticket: check the link on your ticket' };
    if (ticket.status !== 'served')
      return {
        ok: false,
        code: 'not-served',
        message: `this ticket is ${ticket.status}: the visit can be rated once it has been served`,
      };
    const touchpoint = phoneTouchpoint(queue.venue);
    if (feedback.reasonId !== undefined && !touchpoint.reasons.some((r) => r.id === feedback.reasonId)) {
      const known = touchpoint.reasons.map((r) => r.id).join(', ') || '(none)';
      return {
        ok: false,
        code: 'unknown-reason',
        message: `"${feedback.reasonId}" is not a reason of touchpoint ${touchpoint.id}; choose one of: ${known}`,
      };
    }
    const actualWaitMin =
      ticket.calledAt !== null && ticket.joinedAt !== null ? (ticket.calledAt - ticket.joinedAt) / MINUTE_MS : null;
    const rating: VisitRated = {
      ticketId,
      touchpointId: touchpoint.id,
      level: feedback.level,
      ...(feedback.reasonId === undefined ? {} : { reasonId: feedback.reasonId }),
      ...(feedback.vsExpectation === undefined ? {} : { vsExpectation: feedback.vsExpectation }),
      at: this.clock.now(),
      segmentId: ticket.segmentId,
      serviceId: ticket.serviceId,
      counterId: ticket.counterId,
      postedWaitMin: ticket.postedWaitMin,
      actualWaitMin: actualWaitMin === null ? null : Math.max(0, actualWaitMin),
    };
    if (!(await this.store.recordVisitRating(venueId, rating)))
      return { ok: false, code: 'already-rated', message: 'this visit has been rated already: thank you' };
    return { ok: true, rating };
  }
}
