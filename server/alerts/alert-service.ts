import { type Logger, silentLogger } from '../../core/logger.ts';
import { EventEmitter } from 'node:events';
import { DEFAULT_ALERT_RULES, evaluate, type AlertRule, type Observations } from '../../core/alerts/rules.ts';
import {
  DEFAULT_TASK_OWNER,
  advance,
  DEFAULT_TASK_POLICY,
  escalate,
  openTask,
  type Task,
  type TaskPolicy,
  type TaskState,
} from '../../core/alerts/tasks.ts';
import type { EventEnvelope } from '../../core/events.ts';
import { newEventId } from '../../core/ids.ts';
import { MINUTE_MS } from '../../core/queue/types.ts';
import type { HubEvents } from '../hub-events.ts';
import type { LiveQueues } from '../queue/live-queues.ts';
import type { HubStore } from '../store/hub-store.ts';

export type AlertServiceEvents = {
  /** A task was opened, moved or escalated (already saved). */
  task: [info: { venueId: string; task: Task }];
};

interface VenueWatch {
  presses: Observations['presses'][number][];
  calls: Observations['calls'][number][];
  offline: Map<string, { deviceId: string; since: number; detail?: string }>;
  promises: Map<string, { serviceId: string; joinedAt: number | null; postedWaitMin: number | null }>;
}

/** Observations older than this cannot matter to any rule's window. */
const KEEP_MS = 3 * 60 * MINUTE_MS;

/**
 * The closed loop on the hub (docs/customer-experience.md rule 7): watches what is stored and what happens in the
 * queues, evaluates the alert rules, opens one task per cause for the owner of the touchpoint,
 * escalates passed deadlines, and pushes every change live and to the venue's webhooks.
 */
export class AlertService extends EventEmitter<AlertServiceEvents> {
  private readonly watches = new Map<string, VenueWatch>();
  private readonly timer: NodeJS.Timeout;
  private readonly running = new Map<string, Promise<void>>();
  /** A run queued behind the one in progress, not started yet. */
  private readonly waiting = new Map<string, Promise<void>>();

  constructor(
    private readonly store: HubStore,
    events: HubEvents,
    queues: LiveQueues,
    private readonly options: {
      rules?: AlertRule[];
      policy?: TaskPolicy;
      now?: () => number;
      tickMs?: number;
      log?: Logger;
    } = {},
  ) {
    super();
    events.on('events.stored', ({ venueId, deviceId, events: stored }) => {
      const watch = this.watch(venueId);
      const now = this.now();
      for (const event of stored) {
        if (event.type === 'feedback.pressed') {
          const press = (event as EventEnvelope<'feedback.pressed'>).payload;
          if (!press.misuse) watch.presses.push({ at: now, touchpointId: press.touchpointId, level: press.level });
        } else if (event.type === 'device.status') {
          const status = (event as EventEnvelope<'device.status'>).payload;
          const key = `${deviceId}/${status.component}`;
          if (status.state !== 'offline') watch.offline.delete(key);
          else if (!watch.offline.has(key))
            watch.offline.set(key, {
              deviceId: status.component,
              since: now,
              ...(status.detail ? { detail: status.detail } : {}),
            });
        }
      }
      void this.check(venueId); // check reports its own failures
    });
    events.on('device.disconnected', ({ venueId, deviceId }) => {
      this.watch(venueId).offline.set(`${deviceId}/kiosk`, {
        deviceId,
        since: this.now(),
        detail: 'the kiosk lost its link to the hub',
      });
    });
    events.on('device.connected', ({ venueId, deviceId }) => {
      this.watch(venueId).offline.delete(`${deviceId}/kiosk`);
    });
    queues.on('changed', ({ venueId, events: changes }) => {
      const watch = this.watch(venueId);
      for (const event of changes) {
        if (event.type === 'ticket.issued') {
          watch.promises.set(event.ticketId, {
            serviceId: event.serviceId,
            joinedAt: event.returnWindow ? null : event.issuedAt,
            postedWaitMin: event.postedWaitMin,
          });
        } else if (event.type === 'ticket.checked-in') {
          const promise = watch.promises.get(event.ticketId);
          if (promise)
            Object.assign(promise, { joinedAt: event.at, postedWaitMin: event.postedWaitMin ?? promise.postedWaitMin });
        } else if (event.type === 'ticket.called') {
          const promise = watch.promises.get(event.ticketId);
          watch.promises.delete(event.ticketId);
          if (promise?.joinedAt != null && promise.postedWaitMin !== null) {
            watch.calls.push({
              at: event.at,
              ticketId: event.ticketId,
              serviceId: promise.serviceId,
              postedWaitMin: promise.postedWaitMin,
              actualMin: (event.at - promise.joinedAt) / MINUTE_MS,
            });
          }
        }
      }
      void this.check(venueId); // check reports its own failures
    });
    // Deadlines pass and devices stay down without any new event: look again every minute.
    this.timer = setInterval(() => {
      for (const venueId of this.watches.keys()) void this.check(venueId);
    }, options.tickMs ?? 60_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Staff move a task along: acknowledged, resolved, verified. */
  async move(venueId: string, taskId: string, to: Exclude<TaskState, 'open'>): Promise<Task | undefined> {
    const task = (await this.store.tasks(venueId)).find((t) => t.id === taskId);
    if (!task) return undefined;
    const moved = advance(task, to, this.now());
    await this.publish(venueId, moved);
    return moved;
  }

  /** Evaluates a venue now; runs are serialized per venue so a cause never opens two tasks. */
  check(venueId: string): Promise<void> {
    // A burst of batches while the rules run needs one more run afterwards, not one per batch:
    // a run reads everything seen so far when it starts.
    const waiting = this.waiting.get(venueId);
    if (waiting !== undefined) return waiting;
    const previous = this.running.get(venueId) ?? Promise.resolve();
    const next = previous
      .then(() => {
        this.waiting.delete(venueId);
        return this.evaluateVenue(venueId);
      })
      .catch((error: Error) =>
        (this.options.log ?? silentLogger).error({ venueId }, `alert rules failed: ${error.message}`),
      );
    this.waiting.set(venueId, next);
    this.running.set(venueId, next);
    return next;
  }

  private async evaluateVenue(venueId: string): Promise<void> {
    const venue = await this.store.getVenue(venueId);
    if (!venue) return;
    const now = this.now();
    const watch = this.prune(this.watch(venueId), now);
    const targets = Object.fromEntries(
      venue.touchpoints.filter((tp) => tp.target !== undefined).map((tp) => [tp.id, tp.target!]),
    );
    const rules = venue.analytics.alertRules ?? this.options.rules ?? DEFAULT_ALERT_RULES;
    const causes = evaluate(
      rules,
      { presses: watch.presses, calls: watch.calls, offline: [...watch.offline.values()] },
      now,
      targets,
    );
    watch.calls = []; // a late call is one cause, reported once
    let tasks = await this.store.tasks(venueId);
    for (const cause of causes) {
      const owner = venue.touchpoints.find((tp) => tp.id === cause.subject)?.owner ?? DEFAULT_TASK_OWNER;
      const { task, created } = openTask(
        tasks,
        cause,
        owner,
        now,
        newEventId,
        venue.analytics.taskPolicy ?? this.options.policy ?? DEFAULT_TASK_POLICY,
      );
      if (!created) continue;
      tasks = [task, ...tasks];
      await this.publish(venueId, task);
    }
    for (const escalated of escalate(tasks, now)) await this.publish(venueId, escalated);
  }

  /**
   * Save first (the task and its webhook deliveries in one transaction, so no hub crash can keep
   * one without the other), then tell screens; the webhook outbox delivers (webhook-outbox.ts).
   */
  private async publish(venueId: string, task: Task): Promise<void> {
    const venue = await this.store.getVenue(venueId);
    const payload = JSON.stringify({ venueId, task });
    const id = `${task.id}:${task.state}:${task.escalation}`;
    const deliveries = (venue?.webhooks ?? []).map((webhook) => ({ id, url: webhook.url, payload }));
    await this.store.saveTask(venueId, task, deliveries, this.now());
    this.emit('task', { venueId, task });
  }

  private watch(venueId: string): VenueWatch {
    let watch = this.watches.get(venueId);
    if (!watch) {
      watch = { presses: [], calls: [], offline: new Map(), promises: new Map() };
      this.watches.set(venueId, watch);
    }
    return watch;
  }

  private prune(watch: VenueWatch, now: number): VenueWatch {
    watch.presses = watch.presses.filter((p) => p.at > now - KEEP_MS);
    return watch;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
