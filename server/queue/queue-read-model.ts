import { estimateNewArrival, estimateWaiting, meanServiceMin, type WaitEstimate } from '../../core/estimator/index.ts';
import { type Clock, systemClock } from '../../core/logger.ts';
import type { QueueFailure, QueueSnapshot, TicketQuote, TicketView, WaitRecord } from '../../core/protocol.ts';
import {
  boardView,
  MAX_DEFERS,
  MINUTE_MS,
  offerReturnWindow,
  type QueueCommand,
  type QueueState,
  ticketById,
  ticketPosition,
} from '../../core/queue/index.ts';
import type { HubStore } from '../store/hub-store.ts';
import type { LiveQueues, VenueQueue } from './live-queues.ts';

/**
 * A new arrival's estimate on an unchanged queue is reused for this long: the board's posted wait
 * and the promise made to the next customer are then one forecast, and the same number.
 */
const ARRIVAL_ESTIMATE_REUSE_MS = 1000;

/**
 * What the live queues look like to people: the venue's snapshot (boards, staff, kiosks), one
 * ticket as its holder sees it, the wait a new arrival would be promised, and the promises
 * beside the waits they turned out to be. Reads only; nothing here changes a queue.
 */
export class QueueReadModel {
  private readonly clock: Clock;
  /** Per queue state (states are never changed, only replaced): new-arrival estimates by service and segment. */
  private readonly arrivalEstimates = new WeakMap<QueueState, Map<string, { at: number; estimate: WaitEstimate }>>();

  constructor(
    private readonly queues: LiveQueues,
    private readonly store: HubStore,
    options: { clock?: Clock } = {},
  ) {
    this.clock = options.clock ?? systemClock;
  }

  /** What a customer about to take a ticket would be promised, and the return window on offer. */
  async quote(
    venueId: string,
    request: { serviceId: string; segmentId?: string },
  ): Promise<TicketQuote | QueueFailure> {
    const queue = await this.queues.get(venueId);
    if (!queue) return noQueue(venueId);
    if (!queue.state.rules.services.some((s) => s.id === request.serviceId))
      return { ok: false, code: 'unknown-service', message: `${venueId} has no service "${request.serviceId}"` };
    const now = this.clock.now();
    const estimate = this.newArrival(queue, request, now);
    return {
      ok: true,
      serviceId: request.serviceId,
      postedWaitMin: estimate.postedMin,
      pointWaitMin: finiteOrNull(estimate.pointMin),
      position: estimate.position,
      returnWindow: this.returnOffer(queue, request.serviceId, estimate.postedMin, estimate.pointMin, now),
    };
  }

  async snapshot(venueId: string): Promise<QueueSnapshot | undefined> {
    const queue = await this.queues.get(venueId);
    return queue && this.snapshotOf(queue);
  }

  async ticket(venueId: string, ticketId: string): Promise<TicketView | undefined> {
    return (await this.tickets(venueId, [ticketId]))[0];
  }

  /** Several tickets at once: one forecast serves them all (phones watching after a change). */
  async tickets(venueId: string, ticketIds: readonly string[]): Promise<TicketView[]> {
    const queue = await this.queues.get(venueId);
    if (!queue) return [];
    const waiting = ticketIds.filter((id) => queue.state.tickets[id]?.status === 'waiting');
    const estimates =
      waiting.length > 0 ? estimateWaiting(queue.estimator, queue.state, this.clock.now(), waiting) : {};
    return ticketIds.flatMap((id) => this.ticketView(queue, id, estimates[id]) ?? []);
  }

  /**
   * Every ticket called since `from`: the promise it was given beside the wait it had, for the
   * manager's "posted vs actual" chart.
   */
  async waits(venueId: string, from: number): Promise<WaitRecord[]> {
    const queue = await this.queues.get(venueId);
    if (!queue) return [];
    return [...Object.values(queue.state.tickets), ...Object.values(queue.state.earlier)]
      .filter((t) => t.calledAt !== null && t.calledAt >= from && t.joinedAt !== null)
      .map((t) => ({
        ticketId: t.id,
        number: t.number,
        serviceId: t.serviceId,
        calledAt: t.calledAt!,
        postedWaitMin: t.postedWaitMin,
        actualWaitMin: Math.round(((t.calledAt! - t.joinedAt!) / MINUTE_MS) * 10) / 10,
      }))
      .sort((a, b) => a.calledAt - b.calledAt);
  }

  /**
   * Which venue issued a ticket (the QR code on it names only the ticket): one indexed lookup in
   * the queue log, whatever the number of venues; ticket ids are UUIDv7, so two venues never share one.
   */
  locateTicket(ticketId: string): Promise<string | undefined> {
    return this.store.ticketVenue(ticketId);
  }

  /**
   * An issue as it will be recorded: with the wait its holder is promised at `now`, so promises can
   * be checked later. Other commands, and issues that bring their own promise, stay as they are.
   */
  withPostedWait(queue: VenueQueue, command: QueueCommand, now: number): QueueCommand {
    if (command.type !== 'issue' || command.postedWaitMin !== undefined || command.returnWindow) return command;
    if (!queue.state.rules.services.some((s) => s.id === command.serviceId)) return command;
    const estimate = this.newArrival(queue, command, now);
    return {
      ...command,
      ...(estimate.postedMin === null ? {} : { postedWaitMin: estimate.postedMin }),
      ...(Number.isFinite(estimate.pointMin) ? { pointWaitMin: estimate.pointMin } : {}),
    };
  }

  snapshotOf(queue: VenueQueue): QueueSnapshot {
    const now = this.clock.now();
    const board = boardView(queue.state, now);
    return {
      venueId: queue.venue.id,
      version: queue.version,
      at: now,
      counters: board.counters,
      services: board.services.map((row) => {
        const estimate = this.newArrival(queue, { serviceId: row.serviceId }, now);
        return {
          ...row,
          postedWaitMin: estimate.postedMin,
          pointWaitMin: finiteOrNull(estimate.pointMin),
          returnWindow: this.returnOffer(queue, row.serviceId, estimate.postedMin, estimate.pointMin, now),
        };
      }),
      lastCall: queue.lastCall,
      recentCalls: queue.recentCalls,
    };
  }

  /**
   * One ticket as its holder sees it; `known`: its wait when already estimated (a forecast of
   * several tickets, or the promise it was just issued with).
   */
  ticketView(
    queue: VenueQueue,
    ticketId: string,
    known?: Pick<WaitEstimate, 'postedMin' | 'pointMin'>,
  ): TicketView | null {
    const ticket = ticketById(queue.state, ticketId);
    const position = ticketPosition(queue.state, ticketId);
    if (!ticket || !position) return null;
    const estimate =
      position.position === null
        ? undefined
        : (known ?? estimateWaiting(queue.estimator, queue.state, this.clock.now(), [ticketId])[ticketId]);
    return {
      ticketId,
      number: ticket.number,
      seq: ticket.seq,
      day: ticket.day,
      serviceId: ticket.serviceId,
      status: ticket.status,
      position: position.position,
      ahead: position.ahead,
      postedWaitMin: estimate ? estimate.postedMin : ticket.postedWaitMin,
      pointWaitMin: estimate ? finiteOrNull(estimate.pointMin) : ticket.pointWaitMin,
      counterId: ticket.counterId,
      issuedAt: ticket.issuedAt,
      returnWindow: ticket.returnWindow,
      onTheWay: ticket.onTheWayAt !== null,
      canDefer: ticket.status === 'waiting' && ticket.defers < MAX_DEFERS && position.behind > 0,
    };
  }

  /** The wait a customer taking a ticket now would be told (a forecast, reused briefly: ARRIVAL_ESTIMATE_REUSE_MS). */
  private newArrival(queue: VenueQueue, request: { serviceId: string; segmentId?: string }, now: number): WaitEstimate {
    let estimates = this.arrivalEstimates.get(queue.state);
    if (!estimates) {
      estimates = new Map();
      this.arrivalEstimates.set(queue.state, estimates);
    }
    const key = `${request.serviceId}/${request.segmentId ?? ''}`;
    const known = estimates.get(key);
    if (known && Math.abs(now - known.at) < ARRIVAL_ESTIMATE_REUSE_MS) return known.estimate;
    const estimate = estimateNewArrival(queue.estimator, queue.state, now, request);
    estimates.set(key, { at: now, estimate });
    return estimate;
  }

  private returnOffer(queue: VenueQueue, serviceId: string, postedMin: number | null, pointMin: number, now: number) {
    if (!Number.isFinite(pointMin)) return null;
    return offerReturnWindow(queue.state, now, {
      serviceId,
      postedWaitMin: postedMin,
      pointWaitMin: pointMin,
      meanServiceMin: meanServiceMin(queue.estimator, serviceId),
    });
  }
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? Math.round(value * 10) / 10 : null;
}

export function noQueue(venueId: string): QueueFailure {
  return {
    ok: false,
    code: 'no-queue',
    message: `venue ${venueId} has no services to queue for; add services (and counters) to its configuration`,
  };
}
