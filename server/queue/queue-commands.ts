import { type Clock, type Logger, silentLogger, systemClock } from '../../core/logger.ts';
import type { NumbersReserved, QueueCommandResult, QueueFailure, TicketView } from '../../core/protocol.ts';
import { dayOf } from '../../core/queue/numbering.ts';
import {
  decide,
  isRefusal,
  type QueueCommand,
  type QueueEvent,
  type QueueEventOf,
  ticketById,
} from '../../core/queue/index.ts';
import { type HubStore, QueueVersionConflict } from '../store/hub-store.ts';
import type { ClusterInbox } from './cluster-inbox.ts';
import type { LiveQueues, VenueQueue } from './live-queues.ts';
import { noQueue, type QueueReadModel } from './queue-read-model.ts';

/**
 * Another hub wrote the same venue first: take in its events and decide again, for as long as
 * this (a burst of hundreds of commands on two hubs can hold one back for a while; a time budget
 * waits the burst out where a count of tries would give up).
 */
const CONFLICT_BUDGET_MS = 10_000;
/**
 * After a conflict, how long to wait for the winner's events to arrive from the other hub
 * (usually well under a millisecond after its commit) before reading them from the store's log.
 */
const INBOX_WAIT_MS = 50;
/**
 * Most commands of a venue decided and committed together. Under a burst, one append, one
 * snapshot and one relay then serve a group; alone, a command is a group of one.
 */
const MAX_GROUP = 16;

/** A command waiting for its venue's line. */
interface Waiting {
  command: QueueCommand;
  /** The command with the wait an issue is promised, estimated once and kept through conflicts. */
  prepared?: QueueCommand;
  resolve(result: QueueCommandResult): void;
  reject(error: unknown): void;
}

/**
 * The hub's queue authority (docs/scale-out.md, "Two hubs, one queue"): commands are decided on
 * the live state, committed to the store's queue log, then applied to memory, then announced
 * (commit, change memory, notify). A venue's commands run in its line, in groups: the commands
 * waiting when the line comes to them are decided in order and committed in one append. A version
 * conflict (a second hub) takes in the other hub's events and decides again, so two hubs can
 * never fork the log.
 *
 * Deciding is pure and quick; what is slow is the wait an issue is promised (a Monte Carlo
 * forecast). It is estimated once per command and kept through conflicts, so a retry only
 * decides again and commits: one store round trip, which a hub that forecasts between its own
 * commits does not outrun. The promise may be a few events older than the log; the queue's
 * guarantees (unique numbers, one call per ticket) come from `decide`, which sees the whole log.
 */
export class QueueCommands {
  private readonly clock: Clock;
  private readonly log: Logger;
  /** Per venue: commands waiting for the venue's line, taken in groups. */
  private readonly waiting = new Map<string, Waiting[]>();

  constructor(
    private readonly deps: { queues: LiveQueues; reads: QueueReadModel; inbox: ClusterInbox; store: HubStore },
    options: { clock?: Clock; log?: Logger } = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLogger;
  }

  /** Runs a command for a venue; refusals come back as failures with a sentence, never thrown. */
  execute(venueId: string, command: QueueCommand): Promise<QueueCommandResult> {
    return new Promise((resolve, reject) => {
      let waiting = this.waiting.get(venueId);
      if (!waiting) {
        waiting = [];
        this.waiting.set(venueId, waiting);
        this.scheduleGroup(venueId, waiting);
      }
      waiting.push({ command, resolve, reject });
    });
  }

  /** Runs the next group of the venue's waiting commands when the venue's line comes to it. */
  private scheduleGroup(venueId: string, waiting: Waiting[]): void {
    void this.deps.queues.exclusive(venueId, async () => {
      const group = waiting.splice(0, MAX_GROUP);
      if (waiting.length > 0) this.scheduleGroup(venueId, waiting);
      else this.waiting.delete(venueId);
      try {
        await this.commit(venueId, group);
      } catch (error) {
        for (const { reject } of group) reject(error);
      }
    });
  }

  /**
   * Decides a group of commands in order, each on the state the ones before it leave, and commits
   * their events in one append; on a version conflict, takes in the winner's events and decides
   * the group again (the promised waits are kept). Answers each command once its events are in.
   */
  private async commit(venueId: string, group: readonly Waiting[]): Promise<void> {
    const { queues, reads, inbox, store } = this.deps;
    // Set when this hub took in other hubs' events without committing after them: its screens are owed them.
    let caughtUp: VenueQueue | undefined;
    const started = this.clock.now();
    let conflicts = 0;
    try {
      for (;;) {
        const queue = await queues.get(venueId);
        if (!queue) {
          for (const { resolve } of group) resolve(noQueue(venueId));
          return;
        }
        // Decide on the freshest state this hub has: other hubs' commits that arrived meanwhile.
        if (inbox.drain(venueId, queue)) caughtUp = queue;
        const decisions = this.decideGroup(queue, group);
        const events = decisions.flatMap((decision) => (Array.isArray(decision) ? decision : []));
        const from = queue.version;
        if (events.length > 0) {
          try {
            await store.appendQueueEvents(venueId, from, events);
          } catch (error) {
            if (!(error instanceof QueueVersionConflict) || this.clock.now() - started > CONFLICT_BUDGET_MS) {
              if (conflicts > 0)
                this.log.warn({ venueId, conflicts }, `gave up on ${group.length} commands after conflicts`);
              throw error;
            }
            conflicts += 1;
            // The winner's events are on their way from its hub; the log is the slower way to them.
            caughtUp = (await inbox.awaitDelivery(venueId, queue, INBOX_WAIT_MS))
              ? queue
              : await inbox.catchUp(venueId, queue);
            continue;
          }
          for (const event of events) queues.apply(queue, event);
          queues.emit('committed', { venueId, from, events });
          caughtUp = undefined; // the snapshot below holds what was caught up with
          queues.emit('changed', { venueId, events, snapshot: reads.snapshotOf(queue) });
        }
        let version = from;
        group.forEach(({ command, resolve }, i) => {
          const decision = decisions[i]!;
          if (Array.isArray(decision)) {
            version += decision.length;
            resolve({ ok: true, version, events: decision, ticket: this.ticketOf(queue, command, decision) });
          } else resolve(decision);
        });
        return;
      }
    } finally {
      if (caughtUp) queues.emit('synced', { venueId, events: [], snapshot: reads.snapshotOf(caughtUp) });
    }
  }

  /** Each command's events (or its answer without any), deciding each on what the ones before it did. */
  private decideGroup(queue: VenueQueue, group: readonly Waiting[]): (QueueEvent[] | QueueCommandResult)[] {
    const { queues, reads } = this.deps;
    const now = this.clock.now();
    // A copy whose state and estimator move on as the group is decided; the live queue waits for the commit.
    const work: VenueQueue = { ...queue };
    return group.map((waiting) => {
      const { command } = waiting;
      // A kiosk retrying a take it never heard back about gets the ticket it already has; its offline
      // record of that ticket with another number renumbers it to the printed one (decide).
      if (command.type === 'issue' && isRepeat(work, command))
        return { ok: true, version: work.version, events: [], ticket: reads.ticketView(work, command.ticketId) };
      waiting.prepared ??= reads.withPostedWait(work, command, now);
      const decided = decide(work.state, waiting.prepared, now);
      if (isRefusal(decided))
        return { ok: false, code: decided.code, message: decided.message, params: decided.params };
      for (const event of decided) queues.apply(work, event);
      return decided;
    });
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
      (e): e is QueueEventOf<'numbers.block-reserved'> => e.type === 'numbers.block-reserved',
    )!;
    const queue = (await this.deps.queues.get(venueId))!;
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
   * The ticket a command was about: named in it, or the one its events moved (a counter's ticket).
   * A ticket just issued is shown with the wait it was promised, the one its holder is held to.
   */
  private ticketOf(queue: VenueQueue, command: QueueCommand, events: readonly QueueEvent[] = []): TicketView | null {
    const issued = events.find((event): event is QueueEventOf<'ticket.issued'> => event.type === 'ticket.issued');
    if (issued?.postedWaitMin != null && issued.pointWaitMin !== null)
      return this.deps.reads.ticketView(queue, issued.ticketId, {
        postedMin: issued.postedWaitMin,
        pointMin: issued.pointWaitMin,
      });
    const moved = events.find(
      (event): event is Extract<QueueEvent, { ticketId: string }> => 'ticketId' in event,
    )?.ticketId;
    const ticketId =
      'ticketId' in command
        ? command.ticketId
        : (moved ?? ('counterId' in command ? queue.state.counters[command.counterId]?.ticketId : undefined));
    return ticketId ? this.deps.reads.ticketView(queue, ticketId) : null;
  }
}

/** An issue of a ticket id the queue holds already, under the number it holds (or with none given). */
function isRepeat(queue: VenueQueue, command: Extract<QueueCommand, { type: 'issue' }>): boolean {
  const ticket = ticketById(queue.state, command.ticketId);
  if (!ticket) return false;
  if (!command.offline) return true;
  return ticket.seq === command.offline.seq && ticket.day === dayOf(queue.state.rules, command.offline.issuedAt);
}
