import type { QueueEvent } from '../../core/queue/index.ts';
import type { HubStore } from '../store/hub-store.ts';
import type { LiveQueues, VenueQueue } from './live-queues.ts';
import type { QueueReadModel } from './queue-read-model.ts';

/** Queue events another hub committed right after version `from`, not applied here yet. */
interface Delivery {
  from: number;
  events: readonly QueueEvent[];
}

/**
 * Other hubs' commits (cluster mode), per venue, until applied here in log order, so this hub's
 * quotes, snapshots and ticket views stay current. A command in progress takes them in before it
 * decides, or when its commit lost to them (QueueCommands); otherwise they are applied in the
 * venue's line with commands. A venue not held here yet, or a missed delivery, is read from the log.
 */
export class ClusterInbox {
  private readonly inboxes = new Map<string, Delivery[]>();
  /** Commands waiting for a delivery after a version conflict, per venue. */
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(
    private readonly queues: LiveQueues,
    private readonly reads: QueueReadModel,
    private readonly store: HubStore,
  ) {}

  /** Another hub committed `events` right after version `from`: apply them, then tell this hub's screens (`synced`). */
  applyCommitted(venueId: string, from: number, events: readonly QueueEvent[]): Promise<void> {
    this.inboxOf(venueId).push({ from, events });
    for (const wake of this.waiters.get(venueId) ?? []) wake();
    return this.queues.exclusive(venueId, async () => {
      let queue = this.queues.isHeld(venueId) ? await this.queues.get(venueId) : undefined;
      let applied = queue !== undefined && this.drain(venueId, queue);
      if (!queue || this.inboxOf(venueId).length > 0) {
        queue = await this.queues.reload(venueId);
        if (queue) this.drain(venueId, queue); // drops what the log already held
        applied = true;
      }
      if (queue && applied) this.queues.emit('synced', { venueId, events, snapshot: this.reads.snapshotOf(queue) });
    });
  }

  /** Reads every venue this hub holds again from the store (after messages may have been missed). */
  async resyncAll(): Promise<void> {
    await Promise.all(this.queues.heldVenues().map((venueId) => this.resync(venueId)));
  }

  /** Reads a venue again from the store (a message about it was missed or could not be read). */
  resync(venueId: string): Promise<void> {
    return this.queues.exclusive(venueId, async () => {
      const queue = await this.queues.reload(venueId);
      if (queue) this.queues.emit('synced', { venueId, events: [], snapshot: this.reads.snapshotOf(queue) });
    });
  }

  /**
   * Applies the delivered commits that follow what `queue` holds, in version order; drops those it
   * already holds. What follows a gap stays (the missing delivery may still come). True if any
   * event was applied. Call it in the venue's line.
   */
  drain(venueId: string, queue: VenueQueue): boolean {
    const inbox = this.inboxes.get(venueId);
    if (!inbox || inbox.length === 0) return false;
    inbox.sort((a, b) => a.from - b.from);
    let applied = false;
    while (inbox.length > 0) {
      const { from, events } = inbox[0]!;
      if (from > queue.version) break;
      inbox.shift();
      const missing = events.slice(queue.version - from);
      for (const event of missing) this.queues.apply(queue, event);
      applied ||= missing.length > 0;
    }
    return applied;
  }

  /** Waits up to `ms` for deliveries that move `queue` on, and applies them; true if they did. */
  async awaitDelivery(venueId: string, queue: VenueQueue, ms: number): Promise<boolean> {
    const waiters = this.waiters.get(venueId) ?? new Set<() => void>();
    this.waiters.set(venueId, waiters);
    let wake = () => {};
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      wake();
    }, ms);
    try {
      while (!this.drain(venueId, queue)) {
        if (timedOut) return false;
        await new Promise<void>((resolve) => {
          wake = resolve;
          waiters.add(resolve);
        });
        waiters.delete(wake);
      }
      return true;
    } finally {
      clearTimeout(timer);
      waiters.delete(wake);
    }
  }

  /**
   * Brings a queue up to the store's log after a version conflict: applies only the events it
   * lacks (the log is append-only, so the first `version` are the ones it holds). Returns the
   * queue now holding them, or a freshly loaded one if the log is somehow shorter.
   */
  async catchUp(venueId: string, queue: VenueQueue): Promise<VenueQueue | undefined> {
    const log = await this.store.queueEvents(venueId);
    // A venue saved meanwhile (forget) or a log shorter than what is held: start from the log.
    if (log.length < queue.version || !(await this.queues.holds(venueId, queue))) return this.queues.reload(venueId);
    for (const event of log.slice(queue.version)) this.queues.apply(queue, event);
    return queue;
  }

  private inboxOf(venueId: string): Delivery[] {
    let inbox = this.inboxes.get(venueId);
    if (!inbox) {
      inbox = [];
      this.inboxes.set(venueId, inbox);
    }
    return inbox;
  }
}
