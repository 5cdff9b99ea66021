import { Mutex } from 'async-mutex';
import { EventEmitter } from 'node:events';
import { createEstimatorState, type EstimatorState, observe, priorsFromRules } from '../../core/estimator/index.ts';
import { type Clock, type Logger, silentLogger, systemClock } from '../../core/logger.ts';
import { RECENT_CALLS, type QueueSnapshot } from '../../core/protocol.ts';
import { apply, createQueueRules, type QueueEvent, type QueueState, rebuild } from '../../core/queue/index.ts';
import { queueRulesOf, type Venue } from '../../core/venue.ts';
import type { HubStore } from '../store/hub-store.ts';
import { utcOffsetMinutes } from './time-zone.ts';

/** One venue's live queue: the projection of its log, and the estimator that learned from it. */
export interface VenueQueue {
  venue: Venue;
  state: QueueState;
  estimator: EstimatorState;
  /** Events of the venue's log this projection holds. */
  version: number;
  lastCall: QueueSnapshot['lastCall'];
  recentCalls: QueueSnapshot['recentCalls'];
}

export interface QueueChange {
  venueId: string;
  events: readonly QueueEvent[];
  snapshot: QueueSnapshot;
}

export type LiveQueueEvents = {
  /**
   * This hub committed `events` right after version `from`, and holds them now. Emitted before any
   * view is computed, so the other hubs hear of a commit as soon as it is made.
   */
  committed: [commit: { venueId: string; from: number; events: readonly QueueEvent[] }];
  /** After this hub committed events and applied them: push the new snapshot to everyone watching. */
  changed: [change: QueueChange];
  /**
   * Another hub's commits are now applied here too (or this hub read them from the store on a
   * version conflict): push the new snapshot to this hub's own screens. Kept apart from `changed`
   * so that what reacts to a commit (alert rules, the cluster relay) does so once, on its hub.
   */
  synced: [change: QueueChange];
};

/**
 * The venues' queues this hub holds live, each built from the store's queue log on first use, and
 * the line each venue's work waits in: commands and other hubs' commits of one venue run one at a
 * time, so none decides on a half-applied state. Whatever changes a queue announces it here.
 */
export class LiveQueues extends EventEmitter<LiveQueueEvents> {
  private readonly held = new Map<string, Promise<VenueQueue | undefined>>();
  private readonly lines = new Map<string, Mutex>();
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(
    private readonly store: HubStore,
    options: { clock?: Clock; log?: Logger } = {},
  ) {
    super();
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLogger;
  }

  /** The venue's live queue, built from its log the first time; undefined if it has no services. */
  get(venueId: string): Promise<VenueQueue | undefined> {
    let loading = this.held.get(venueId);
    if (!loading) {
      loading = this.load(venueId);
      this.held.set(venueId, loading);
      loading.catch(() => this.held.delete(venueId));
    }
    return loading;
  }

  /** True if `queue` is still what this hub holds for the venue (not forgotten meanwhile). */
  async holds(venueId: string, queue: VenueQueue): Promise<boolean> {
    return (await this.held.get(venueId)) === queue;
  }

  isHeld(venueId: string): boolean {
    return this.held.has(venueId);
  }

  heldVenues(): string[] {
    return [...this.held.keys()];
  }

  /** Builds the venue's queue again from the log (its configuration changed, or messages were missed). */
  reload(venueId: string): Promise<VenueQueue | undefined> {
    this.forget(venueId);
    return this.get(venueId);
  }

  /** The venue's configuration changed: its queue is rebuilt from the log under the new rules when next used. */
  forget(venueId: string): void {
    this.held.delete(venueId);
  }

  /** Runs `work` when the venue's earlier work is done (commands and other hubs' commits, in arrival order). */
  exclusive<T>(venueId: string, work: () => Promise<T>): Promise<T> {
    let line = this.lines.get(venueId);
    if (!line) {
      line = new Mutex();
      this.lines.set(venueId, line);
    }
    return line.runExclusive(work);
  }

  /** Applies one event of the venue's log, the next after `queue.version`, to its projection. */
  apply(queue: VenueQueue, event: QueueEvent): void {
    queue.state = apply(queue.state, event);
    queue.estimator = observe(queue.estimator, queue.state, event);
    queue.version += 1;
    if (event.type === 'ticket.called' || event.type === 'ticket.recalled') {
      const ticket = queue.state.tickets[event.ticketId];
      if (ticket) {
        const { number, serviceId } = ticket;
        queue.lastCall = { number, counterId: event.counterId, at: event.at };
        const recall = event.type === 'ticket.recalled';
        const call = { id: queue.version, number, serviceId, counterId: event.counterId, at: event.at, recall };
        queue.recentCalls = [...queue.recentCalls, call].slice(-RECENT_CALLS);
      }
    }
    // A called ticket renumbered to its printed number: the boards show the number on paper.
    if (event.type === 'ticket.renumbered' && queue.lastCall?.number === event.from)
      queue.lastCall = { ...queue.lastCall, number: event.to };
  }

  /** Rebuilds a venue's live state and estimator from its whole log (after a restart, or a reload). */
  private async load(venueId: string): Promise<VenueQueue | undefined> {
    const venue = await this.store.getVenue(venueId);
    if (!venue) return undefined;
    const offset = utcOffsetMinutes(venue.timezone, this.clock.now(), (message) => this.log.warn({ venueId }, message));
    const input = queueRulesOf(venue, offset);
    if (!input) return undefined;
    const empty = rebuild(createQueueRules(input), []);
    const queue: VenueQueue = {
      venue,
      state: empty,
      estimator: createEstimatorState({ priors: priorsFromRules(empty) }),
      version: 0,
      lastCall: null,
      recentCalls: [],
    };
    for (const event of await this.store.queueEvents(venueId)) this.apply(queue, event);
    return queue;
  }
}
