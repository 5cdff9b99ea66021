import type { QueueEvent } from '../../core/queue/types.ts';

/** A queue's ticket.issued event for deposits, number A-001, issued at `at`. */
export function ticketIssued(ticketId: string, at: number): QueueEvent {
  return {
    type: 'ticket.issued',
    at,
    ticketId,
    serviceId: 'deposits',
    number: 'A-001',
    seq: 1,
    day: '2025-01-06',
    segmentId: null,
    weight: 0,
    issuedAt: at,
    kioskId: null,
    offline: false,
    postedWaitMin: null,
    pointWaitMin: null,
    returnWindow: null,
  };
}
