import { MINUTE_MS, type QueueEvent } from '../queue/types.ts';

/** A ticket called, against the wait it was promised (wait-over-promise rule, effect checks of wait tasks). */
export interface KeptPromise {
  at: number;
  ticketId: string;
  serviceId: string;
  postedWaitMin: number;
  actualMin: number;
}

/**
 * Follows a venue's queue events and says, at each call, how long the ticket waited against its
 * promise: from joining the line (issue, or check-in for a return window) to the call.
 */
export class PromiseTracker {
  private readonly promises = new Map<
    string,
    { serviceId: string; joinedAt: number | null; postedWaitMin: number | null }
  >();

  /** The call this event is, with its promise; undefined for any other event or a call without one. */
  track(event: QueueEvent): KeptPromise | undefined {
    if (event.type === 'ticket.issued') {
      this.promises.set(event.ticketId, {
        serviceId: event.serviceId,
        joinedAt: event.returnWindow ? null : event.issuedAt,
        postedWaitMin: event.postedWaitMin,
      });
    } else if (event.type === 'ticket.checked-in') {
      const promise = this.promises.get(event.ticketId);
      if (promise)
        Object.assign(promise, { joinedAt: event.at, postedWaitMin: event.postedWaitMin ?? promise.postedWaitMin });
    } else if (event.type === 'ticket.called') {
      const promise = this.promises.get(event.ticketId);
      this.promises.delete(event.ticketId);
      if (promise?.joinedAt != null && promise.postedWaitMin !== null)
        return {
          at: event.at,
          ticketId: event.ticketId,
          serviceId: promise.serviceId,
          postedWaitMin: promise.postedWaitMin,
          actualMin: (event.at - promise.joinedAt) / MINUTE_MS,
        };
    }
    return undefined;
  }
}

/** Every call in a queue log with its promise, oldest first. */
export function keptPromises(events: readonly QueueEvent[]): KeptPromise[] {
  const tracker = new PromiseTracker();
  return events.flatMap((event) => tracker.track(event) ?? []);
}
