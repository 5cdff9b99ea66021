import { EventEmitter } from 'node:events';
import type {
  NumbersReserved,
  WaitRecord,
  QueueCommandResult,
  QueueFailure,
  QueueSnapshot,
  TicketQuote,
  TicketView,
} from '../../core/protocol.ts';
import {
  apply,
  boardView,
  createQueueRules,
  decide,
  isRefusal,
  MAX_DEFERS,
  MINUTE_MS,
  offerReturnWindow,
  rebuild,
  ticketPosition,
  type QueueCommand,
  type QueueEvent,
  type QueueState,
} from '../../core/queue/index.ts';
import {
  createEstimatorState,
  estimateNewArrival,
  estimateWaiting,
  meanServiceMin,
  observe,
  priorsFromRules,
  type EstimatorState,
  type WaitEstimate,
} from '../../core/estimator/index.ts';
import { queueRulesOf, type Venue } from '../../core/venue.ts';
import type { HubEvents } from '../hub-events.ts';
import { QueueVersionConflict, type HubStore } from '../store/hub-store.ts';
import { utcOffsetMinutes } from './time-zone.ts';

/** One venue's live queue: the projection of its log, and the estimator that learned from it. */
interface VenueQueue {
  venue: Venue;
  state: QueueState;
  estimator: EstimatorState;
  version: number;
  lastCall: QueueSnapshot['lastCall'];
}

export type QueueServiceEvents = {
  /** After this hub committed events and applied them: push the new snapshot to everyone watching. */
  changed: [info: { venueId: string; events: readonly QueueEvent[]; snapshot: QueueSnapshot }];
  /**
   * Another hub's commits are now applied here too (or this hub read them from the store on a
   * version conflict): push the new snapshot to this hub's own screens. Kept apart from `changed`
   * so that what reacts to a commit (alert rules, the cluster relay) does so once, on its hub.
   */
  synced: [info: { venueId: string; events: readonly QueueEvent[]; snapshot: QueueSnapshot }];
};

/**
 * Another hub wrote the same venue first: take in its events and decide again, for as long as
 * this. A hub that loses once tends to lose again while the other has a backlog (the loser's
 * rollback costs it a round trip the winner spends on its next commit), so a burst of hundreds of
 * commands on two hubs can hold a command back for a second or two; a count of tries would give
 * up on it, a time budget waits the burst out.
 */
const CONFLICT_BUDGET_MS = 10_000;
/**
 * After a conflict, how long to wait for the winner's events to arrive from the other hub
 * (usually well under a millisecond after its commit) before reading them from the store's log.
 */
const INBOX_WAIT_MS = 50;

/** Queue events another hub committed right after version `from`, not applied here yet. */
interface Delivery {
  from: number;
  events: readonly QueueEvent[];
}

/**
 * The hub's queue authority (design.md "Queue authority"). Commands are decided on the live
 * state, committed to the store's queue log, then applied to memory, then announced: the rule of
 * order is commit, change memory, notify. Commands of one venue run one at a time; a version
 * conflict (a second hub) takes in the other hub's events and decides again, so two hubs can
 * never fork the log. With several hubs, each applies the others' commits as they arrive
 * (`applyCommitted`), so its quotes, snapshots and ticket views stay current.
 */
export class QueueService extends EventEmitter<QueueServiceEvents> {
  private readonly queues = new Map<string, Promise<VenueQueue | undefined>>();
  private readonly tails = new Map<string, Promise<unknown>>();
  /** Other hubs' commits as they arrive (cluster mode), per venue, until applied in order. */
  private readonly inboxes = new Map<string, Delivery[]>();
  private readonly inboxWaiters = new Map<string, Set<() => void>>();

  constructor(
    private readonly store: HubStore,
    private readonly now: () => number = Date.now,
    private readonly warn: (message: string) => void = (message) => console.warn(`[hub] ${message}`),
  ) {
    super();
  }

  /** Runs a command for a venue; refusals come back as failures with a sentence, never thrown. */
  execute(venueId: string, command: QueueCommand): Promise<QueueCommandResult> {
    return this.serialize(venueId, async () => {
      // Set when a conflict made this hub read other hubs' events: its screens are owed them.
      let caughtUp: VenueQueue | undefined;
      const started = Date.now();
      try {
        for (;;) {
          const queue = await this.queue(venueId);
          if (!queue) return noQueue(venueId);
          // Decide on the freshest state this hub has: other hubs' commits that arrived meanwhile.
          if (this.drainInbox(venueId, queue)) caughtUp = queue;
          // A kiosk retrying a take it never heard back about gets the ticket it already has.
          if (command.type === 'issue' && queue.state.tickets[command.ticketId]) {
            return { ok: true, version: queue.version, events: [], ticket: this.ticketView(queue, command.ticketId) };
          }
          const now = this.now();
          const decided = decide(queue.state, await this.withPromise(queue, command, now), now);
          if (isRefusal(decided)) return { ok: false, code: decided.code, message: decided.message };
          if (decided.length === 0)
            return { ok: true, version: queue.version, events: [], ticket: this.ticketOf(queue, command) };
          try {
            queue.version = await this.store.appendQueueEvents(venueId, queue.version, decided);
          } catch (error) {
            if (!(error instanceof QueueVersionConflict) || Date.now() - started > CONFLICT_BUDGET_MS) throw error;
            // The winner's events are on their way from its hub; the log is the slower way to them.
            caughtUp = (await this.awaitDelivery(venueId, queue, INBOX_WAIT_MS))
              ? queue
              : await this.catchUp(venueId, queue);
            continue;
          }
          for (const event of decided) this.applyEvent(queue, event);
          caughtUp = undefined; // the snapshot below holds what was caught up with
          const snapshot = this.snapshotOf(queue);
          this.emit('changed', { venueId, events: decided, snapshot });
          return { ok: true, version: queue.version, events: decided, ticket: this.ticketOf(queue, command, decided) };
        }
      } finally {
        if (caughtUp) this.emit('synced', { venueId, events: [], snapshot: this.snapshotOf(caughtUp) });
      }
    });
  }

  /**
   * Another hub committed `events` right after version `from` (cluster mode). They wait in the
   * venue's inbox: a command in progress takes them in before it decides (or when its commit lost
   * to them); otherwise they are applied in the venue's line with commands, so a command never
   * decides on half-applied state. A venue not held here yet, or a missed delivery, is read from
   * the log instead. Either way this hub's screens are told (`synced`).
   */
  applyCommitted(venueId: string, from: number, events: readonly QueueEvent[]): Promise<void> {
    const inbox = this.inboxes.get(venueId) ?? [];
    this.inboxes.set(venueId, inbox);
    inbox.push({ from, events });
    for (const wake of this.inboxWaiters.get(venueId) ?? []) wake();
    return this.serialize(venueId, async () => {
      let queue = this.queues.has(venueId) ? await this.queue(venueId) : undefined;
      let applied = queue !== undefined && this.drainInbox(venueId, queue);
      if (!queue || (this.inboxes.get(venueId)?.length ?? 0) > 0) {
        this.queues.delete(venueId);
        queue = await this.queue(venueId);
        if (queue) this.drainInbox(venueId, queue); // drops what the log already held
        applied = true;
      }
      if (queue && applied) this.emit('synced', { venueId, events, snapshot: this.snapshotOf(queue) });
    });
  }

  /** Reads every venue this hub holds again from the store (after messages may have been missed). */
  async resyncAll(): Promise<void> {
    await Promise.all(
      [...this.queues.keys()].map((venueId) =>
        this.serialize(venueId, async () => {
          this.queues.delete(venueId);
          const queue = await this.queue(venueId);
          if (queue) this.emit('synced', { venueId, events: [], snapshot: this.snapshotOf(queue) });
        }),
      ),
    );
  }

  /** What a customer about to take a ticket would be promised, and the return window on offer. */
  async quote(
    venueId: string,
    request: { serviceId: string; segmentId?: string },
  ): Promise<TicketQuote | QueueFailure> {
    const queue = await this.queue(venueId);
    if (!queue) return noQueue(venueId);
    if (!queue.state.rules.services.some((s) => s.id === request.serviceId))
      return { ok: false, code: 'unknown-service', message: `${venueId} has no service "${request.serviceId}"` };
    const now = this.now();
    const estimate = estimateNewArrival(queue.estimator, queue.state, now, request);
    return {
      ok: true,
      serviceId: request.serviceId,
      postedWaitMin: estimate.postedMin,
      pointWaitMin: finiteOrNull(estimate.pointMin),
      position: estimate.position,
      returnWindow: this.returnOffer(queue, request.serviceId, estimate.postedMin, estimate.pointMin, now),
    };
  }

  /** Reserves a block of numbers for a kiosk to issue from while it cannot reach the hub. */
  async reserveNumbers(
    venueId: string,
    kioskId: string,
    serviceId: string,
    size: number,
  ): Promise<NumbersReserved | QueueFailure> {
    const result = await this.execute(venueId, { type: 'reserve-block', kioskId, serviceId, size });
    if (!result.ok) return result;
    const block = result.events.find(
      (e): e is Extract<QueueEvent, { type: 'numbers.block-reserved' }> => e.type === 'numbers.block-reserved',
    )!;
    const queue = (await this.queue(venueId))!;
    const service = queue.state.rules.services.find((s) => s.id === serviceId)!;
    return {
      ok: true,
      serviceId,
      day: block.day,
      prefix: service.prefix,
      digits: queue.state.rules.numberDigits,
      utcOffsetMin: queue.state.rules.utcOffsetMin,
      from: block.from,
      to: block.to,
    };
  }

  /**
   * Tickets a kiosk issued from its block while offline join the queue when they sync, at the
   * time they were issued (the kiosk's clock corrected by its measured offset), so they keep
   * their place among the tickets the hub issued meanwhile.
   */
  async mergeOfflineTickets(
    venueId: string,
    kioskId: string,
    tickets: readonly {
      ticketId: string;
      serviceId: string;
      number: string;
      segmentId?: string;
      issuedAt: number;
      postedWaitMin?: number;
    }[],
  ): Promise<void> {
    for (const ticket of tickets) {
      const seq = Number(/-(\d+)$/.exec(ticket.number)?.[1]);
      const result = await this.execute(venueId, {
        type: 'issue',
        ticketId: ticket.ticketId,
        serviceId: ticket.serviceId,
        kioskId,
        offline: { seq, issuedAt: ticket.issuedAt },
        ...(ticket.segmentId ? { segmentId: ticket.segmentId } : {}),
        ...(ticket.postedWaitMin === undefined ? {} : { postedWaitMin: ticket.postedWaitMin }),
      });
      if (!result.ok)
        this.warn(`offline ticket ${ticket.number} from ${kioskId} was not merged (${result.code}): ${result.message}`);
    }
  }

  async snapshot(venueId: string): Promise<QueueSnapshot | undefined> {
    const queue = await this.queue(venueId);
    return queue && this.snapshotOf(queue);
  }

  async ticket(venueId: string, ticketId: string): Promise<TicketView | undefined> {
    return (await this.tickets(venueId, [ticketId]))[0];
  }

  /** Several tickets at once: one forecast serves them all (phones watching after a change). */
  async tickets(venueId: string, ticketIds: readonly string[]): Promise<TicketView[]> {
    const queue = await this.queue(venueId);
    if (!queue) return [];
    const waiting = ticketIds.filter((id) => queue.state.tickets[id]?.status === 'waiting');
    const estimates = waiting.length > 0 ? estimateWaiting(queue.estimator, queue.state, this.now(), waiting) : {};
    return ticketIds.flatMap((id) => this.ticketView(queue, id, estimates[id]) ?? []);
  }

  /**
   * Every ticket called since `from`: the promise it was given beside the wait it had, for the
   * manager's "posted vs actual" chart.
   */
  async waits(venueId: string, from: number): Promise<WaitRecord[]> {
    const queue = await this.queue(venueId);
    if (!queue) return [];
    return Object.values(queue.state.tickets)
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
  async locateTicket(ticketId: string): Promise<string | undefined> {
    return this.store.ticketVenue(ticketId);
  }

  /** The venue's configuration changed: rebuild its queue from the log under the new rules. */
  forget(venueId: string): void {
    this.queues.delete(venueId);
  }

  private queue(venueId: string): Promise<VenueQueue | undefined> {
    let loading = this.queues.get(venueId);
    if (!loading) {
      loading = this.load(venueId);
      this.queues.set(venueId, loading);
      loading.catch(() => this.queues.delete(venueId));
    }
    return loading;
  }

  /**
   * Applies the delivered commits that follow what `queue` holds, in version order; drops those it
   * already holds. What follows a gap stays (the missing delivery may still come). True if any
   * event was applied.
   */
  private drainInbox(venueId: string, queue: VenueQueue): boolean {
    const inbox = this.inboxes.get(venueId);
    if (!inbox || inbox.length === 0) return false;
    inbox.sort((a, b) => a.from - b.from);
    let applied = false;
    while (inbox.length > 0) {
      const { from, events } = inbox[0]!;
      if (from > queue.version) break;
      inbox.shift();
      const missing = events.slice(queue.version - from);
      for (const event of missing) this.applyEvent(queue, event);
      queue.version += missing.length;
      applied ||= missing.length > 0;
    }
    return applied;
  }

  /** Waits up to `ms` for deliveries that move `queue` on, and applies them; true if they did. */
  private async awaitDelivery(venueId: string, queue: VenueQueue, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    const waiters = this.inboxWaiters.get(venueId) ?? new Set<() => void>();
    this.inboxWaiters.set(venueId, waiters);
    for (;;) {
      if (this.drainInbox(venueId, queue)) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, left);
        function wake() {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        }
        waiters.add(wake);
      });
    }
  }

  /**
   * Brings a queue up to the store's log after a version conflict: applies only the events it
   * lacks (the log is append-only, so the first `version` are the ones it holds). Returns the
   * queue now holding them, or a freshly loaded one if the log is somehow shorter.
   */
  private async catchUp(venueId: string, queue: VenueQueue): Promise<VenueQueue | undefined> {
    const log = await this.store.queueEvents(venueId);
    // A venue saved meanwhile (forget) or a log shorter than what is held: start from the log.
    if (log.length < queue.version || (await this.queues.get(venueId)) !== queue) {
      this.queues.delete(venueId);
      return this.queue(venueId);
    }
    for (const event of log.slice(queue.version)) this.applyEvent(queue, event);
    queue.version = log.length;
    return queue;
  }

  /** Rebuilds a venue's live state and estimator from its whole log (after a restart, or a reload). */
  private async load(venueId: string): Promise<VenueQueue | undefined> {
    const venue = await this.store.getVenue(venueId);
    if (!venue) return undefined;
    const input = queueRulesOf(venue, utcOffsetMinutes(venue.timezone, this.now(), this.warn));
    if (!input) return undefined;
    const rules = createQueueRules(input);
    const events = await this.store.queueEvents(venueId);
    const empty = rebuild(rules, []);
    const queue: VenueQueue = {
      venue,
      state: empty,
      estimator: createEstimatorState({ priors: priorsFromRules(empty) }),
      version: 0,
      lastCall: null,
    };
    for (const event of events) this.applyEvent(queue, event);
    queue.version = events.length;
    return queue;
  }

  private applyEvent(queue: VenueQueue, event: QueueEvent): void {
    queue.state = apply(queue.state, event);
    queue.estimator = observe(queue.estimator, queue.state, event);
    if (event.type === 'ticket.called' || event.type === 'ticket.recalled') {
      const number = queue.state.tickets[event.ticketId]?.number;
      if (number) queue.lastCall = { number, counterId: event.counterId, at: event.at };
    }
  }

  /** A ticket is issued with the promise made to its holder, so promises can be checked later. */
  private async withPromise(queue: VenueQueue, command: QueueCommand, now: number): Promise<QueueCommand> {
    if (command.type !== 'issue' || command.postedWaitMin !== undefined || command.returnWindow) return command;
    if (!queue.state.rules.services.some((s) => s.id === command.serviceId)) return command;
    const estimate = estimateNewArrival(queue.estimator, queue.state, now, command);
    return {
      ...command,
      ...(estimate.postedMin === null ? {} : { postedWaitMin: estimate.postedMin }),
      ...(Number.isFinite(estimate.pointMin) ? { pointWaitMin: estimate.pointMin } : {}),
    };
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

  private snapshotOf(queue: VenueQueue): QueueSnapshot {
    const now = this.now();
    const board = boardView(queue.state, now);
    return {
      venueId: queue.venue.id,
      version: queue.version,
      at: now,
      counters: board.counters,
      services: board.services.map((row) => {
        const estimate = estimateNewArrival(queue.estimator, queue.state, now, { serviceId: row.serviceId });
        return {
          ...row,
          postedWaitMin: estimate.postedMin,
          pointWaitMin: finiteOrNull(estimate.pointMin),
          returnWindow: this.returnOffer(queue, row.serviceId, estimate.postedMin, estimate.pointMin, now),
        };
      }),
      lastCall: queue.lastCall,
    };
  }

  /** The ticket a command was about: named in it, or the one its events moved (a counter's ticket). */
  private ticketOf(queue: VenueQueue, command: QueueCommand, events: readonly QueueEvent[] = []): TicketView | null {
    const moved = events.find(
      (event): event is Extract<QueueEvent, { ticketId: string }> => 'ticketId' in event,
    )?.ticketId;
    const ticketId =
      'ticketId' in command
        ? command.ticketId
        : (moved ?? ('counterId' in command ? queue.state.counters[command.counterId]?.ticketId : undefined));
    return ticketId ? this.ticketView(queue, ticketId) : null;
  }

  private ticketView(queue: VenueQueue, ticketId: string, known?: WaitEstimate): TicketView | null {
    const ticket = queue.state.tickets[ticketId];
    const position = ticketPosition(queue.state, ticketId);
    if (!ticket || !position) return null;
    const estimate =
      ticket.status !== 'waiting'
        ? undefined
        : (known ?? estimateWaiting(queue.estimator, queue.state, this.now(), [ticketId])[ticketId]);
    return {
      ticketId,
      number: ticket.number,
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

  private serialize<T>(venueId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(venueId) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.tails.set(
      venueId,
      next.catch(() => undefined),
    );
    return next;
  }
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? Math.round(value * 10) / 10 : null;
}

/**
 * The catch of a queue call made for a client (kiosk, clerk, phone): a failure of the hub's own
 * (the store, most likely) is reported as a hub fault, and the client is told to try again.
 */
export function queueBusyReported(events: HubEvents): (error: Error) => QueueFailure {
  return (error) => {
    events.emit('fault', { where: 'queue', error });
    return { ok: false, code: 'busy', message: `the hub could not carry this out (${error.message}); try again` };
  };
}

function noQueue(venueId: string): QueueFailure {
  return {
    ok: false,
    code: 'no-queue',
    message: `venue ${venueId} has no services to queue for; add services (and counters) to its configuration`,
  };
}
