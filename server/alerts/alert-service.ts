import { Mutex } from 'async-mutex';
import { type Logger, silentLogger, systemClock } from '../../core/logger.ts';
import { EventEmitter } from 'node:events';
import { DEFAULT_ALERT_RULES, evaluate, type AlertRule, type Observations } from '../../core/alerts/rules.ts';
import {
  DEFAULT_TASK_OWNER,
  advance,
  countCustomers,
  DEFAULT_TASK_POLICY,
  escalate,
  escalationChain,
  openTask,
  publicNotes,
  resolveDeviceBack,
  withPublicNote,
  type Task,
  type TaskPolicy,
  type TaskState,
} from '../../core/alerts/tasks.ts';
import type { Venue } from '../../core/venue.ts';
import { PromiseTracker } from '../../core/alerts/promises.ts';
import { newEventId } from '../../core/ids.ts';
import { MINUTE_MS } from '../../core/queue/types.ts';
import type { HubEvents } from '../hub-events.ts';
import type { LiveQueues } from '../queue/live-queues.ts';
import type { HubStore } from '../store/hub-store.ts';

export type AlertServiceEvents = {
  /** A task was opened, moved or escalated (already saved). */
  task: [info: { venueId: string; task: Task }];
};

/**
 * What this hub alone sees of a venue: the calls it committed (each call is reported by exactly one
 * hub) and the kiosks whose link it lost or heard come back (relayed between hubs). Presses and
 * component states are read from the store, which holds every hub's (docs/scale-out.md).
 */
interface VenueWatch {
  calls: Observations['calls'][number][];
  offline: Map<string, { deviceId: string; since: number; detail?: string }>;
  /** Kiosks known connected to some hub (device.connected is relayed in a cluster). */
  connected: Set<string>;
  promises: PromiseTracker;
}

/** How far back the rules look: the longest window any of them uses. */
function lookbackMs(rules: readonly AlertRule[]): number {
  let minutes = 0;
  for (const rule of rules) {
    if (rule.kind === 'feedback-anomaly') minutes = Math.max(minutes, rule.windowMin * (rule.history + 1));
    else if ('windowMin' in rule) minutes = Math.max(minutes, rule.windowMin);
  }
  return minutes * MINUTE_MS;
}

/** The department answering for a subject: a touchpoint's or a service's owner. */
function ownerOf(venue: Venue, subject: string): string {
  if (subject.startsWith('wait:'))
    return venue.services.find((s) => s.id === subject.slice(5))?.owner ?? DEFAULT_TASK_OWNER;
  return venue.touchpoints.find((tp) => tp.id === subject)?.owner ?? DEFAULT_TASK_OWNER;
}

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
  /** A run asked for by stored batches, due shortly. */
  private readonly soon = new Map<string, NodeJS.Timeout>();
  /** Venues with batches stored here since their last run was tried. */
  private readonly storedSinceTry = new Set<string>();
  private stopped = false;
  /**
   * One venue's rules at a time on this hub: a second's runs of a hundred venues at once (four
   * reads each) held every pooled connection and kept kiosks' batches waiting (cluster p99 359 ms
   * at 1,902 presses/s, 83 ms without alert runs). Queued, they take turns between batches.
   */
  private readonly lane = new Mutex();

  constructor(
    private readonly store: HubStore,
    events: HubEvents,
    queues: LiveQueues,
    private readonly options: {
      rules?: AlertRule[];
      policy?: TaskPolicy;
      now?: () => number;
      tickMs?: number;
      /** How long stored batches gather before the rules run on them. */
      batchMs?: number;
      /**
       * In a cluster, every hub stores batches of the same venue; the first to claim a venue's run
       * for `batchMs` does it for all (hub-cluster.ts claim). Runs for queue changes and the
       * minute's tick are not claimed: they carry what only this hub saw.
       */
      claimRun?: (venueId: string, ms: number) => Promise<boolean>;
      log?: Logger;
    } = {},
  ) {
    super();
    // A stored batch may move a rule: presses and component states are read from the store, at
    // most once a second per venue however many batches arrive, on one hub of a cluster (a run
    // reads everything stored).
    const batchMs = options.batchMs ?? 1000;
    const claimRun = options.claimRun ?? (() => Promise.resolve(true));
    const runSoon = (venueId: string) => {
      if (this.stopped || this.soon.has(venueId)) return;
      this.soon.set(
        venueId,
        setTimeout(() => {
          this.soon.delete(venueId);
          const fresh = this.storedSinceTry.delete(venueId);
          // A claim never rejects (hub-cluster.ts); check reports its own failures.
          void claimRun(venueId, batchMs).then((mine) => {
            if (mine) return this.check(venueId);
            // The winner may have read before this hub's last batches: try once more when its claim
            // has lapsed; a claim held then was taken after them, so that run reads them.
            if (fresh) runSoon(venueId);
          });
        }, batchMs),
      );
    };
    events.on('events.stored', ({ venueId }) => {
      this.storedSinceTry.add(venueId);
      runSoon(venueId);
    });
    events.on('device.disconnected', ({ venueId, deviceId }) => {
      const watch = this.watch(venueId);
      watch.connected.delete(deviceId);
      watch.offline.set(deviceId, { deviceId, since: this.now(), detail: 'the kiosk lost its link to the hub' });
    });
    events.on('device.connected', ({ venueId, deviceId }) => {
      const watch = this.watch(venueId);
      watch.offline.delete(deviceId);
      watch.connected.add(deviceId);
    });
    queues.on('changed', ({ venueId, events: changes }) => {
      const watch = this.watch(venueId);
      for (const event of changes) {
        const call = watch.promises.track(event);
        if (call) watch.calls.push(call);
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
    this.stopped = true;
    clearInterval(this.timer);
    for (const timer of this.soon.values()) clearTimeout(timer);
    this.soon.clear();
  }

  /** Staff move a task along: acknowledged, resolved, verified. */
  async move(venueId: string, taskId: string, to: Exclude<TaskState, 'open'>): Promise<Task | undefined> {
    const task = (await this.store.tasks(venueId)).find((t) => t.id === taskId);
    if (!task) return undefined;
    const moved = advance(task, to, this.now());
    await this.publish(venueId, moved);
    return moved;
  }

  /** A manager's note to customers on a verified task (boards and kiosks show it for `days`). */
  async setPublicNote(
    venueId: string,
    taskId: string,
    text: { ko: string; zh: string; en: string },
    days: number,
  ): Promise<Task | undefined> {
    const task = (await this.store.tasks(venueId)).find((t) => t.id === taskId);
    if (!task) return undefined;
    const noted = withPublicNote(task, text, days, this.now());
    await this.store.saveTask(venueId, noted);
    this.emit('task', { venueId, task: noted });
    return noted;
  }

  /** The notes customers see at a venue now. */
  async publicNotes(venueId: string): Promise<ReturnType<typeof publicNotes>> {
    return publicNotes(await this.store.tasks(venueId), this.now());
  }

  /** Evaluates a venue as soon as the lane is free; runs are serialized, so a cause never opens two tasks. */
  check(venueId: string): Promise<void> {
    // A burst of batches while the rules run needs one more run afterwards, not one per batch:
    // a run reads everything seen so far when it starts.
    const waiting = this.waiting.get(venueId);
    if (waiting !== undefined) return waiting;
    const previous = this.running.get(venueId) ?? Promise.resolve();
    const next = previous
      .then(() =>
        this.lane.runExclusive(() => {
          this.waiting.delete(venueId);
          return this.evaluateVenue(venueId);
        }),
      )
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
    const watch = this.watch(venueId);
    const targets = Object.fromEntries(
      venue.touchpoints.filter((tp) => tp.target !== undefined).map((tp) => [tp.id, tp.target!]),
    );
    const rules = venue.analytics.alertRules ?? this.options.rules ?? DEFAULT_ALERT_RULES;
    // Whole minutes, the current one so far included: press_minutes answers them, however busy the venue.
    const range = {
      from: Math.floor((now - lookbackMs(rules)) / MINUTE_MS) * MINUTE_MS,
      to: (Math.floor(now / MINUTE_MS) + 1) * MINUTE_MS,
    };
    const groups = await this.store.feedbackSummary(venueId, range, { bucketMs: MINUTE_MS });
    const presses = groups
      .filter((g) => !g.misuse)
      .map((g) => ({ at: g.bucket, touchpointId: g.touchpointId, level: g.level, count: g.count }));
    const components = await this.store.componentHealth(venueId);
    const offline = [
      ...watch.offline.values(),
      ...components
        .filter((c) => c.state === 'offline')
        .map((c) => ({
          deviceId: `${c.deviceId}/${c.component}`,
          since: c.at,
          ...(c.detail ? { detail: c.detail } : {}),
        })),
    ];
    let tasks = await this.store.tasks(venueId);
    // A fix is judged on what came after it: moments before a cause's last resolution do not reopen it.
    const fixedAt: Record<string, number> = {};
    for (const task of tasks)
      if (task.resolvedAt !== null) fixedAt[task.causeKey] = Math.max(fixedAt[task.causeKey] ?? 0, task.resolvedAt);
    const causes = evaluate(rules, { presses, calls: watch.calls, offline }, now, targets, fixedAt);
    watch.calls = []; // each late call is counted once
    const policy = venue.analytics.taskPolicy ?? this.options.policy ?? DEFAULT_TASK_POLICY;
    for (const cause of causes) {
      const { task, created } = openTask(tasks, cause, ownerOf(venue, cause.subject), now, newEventId, policy);
      let open = task;
      if (created) {
        const opened = await this.store.openTask(venueId, task, this.deliveries(venue, task), now);
        open = opened.task;
        if (opened.created) {
          tasks = [task, ...tasks];
          this.emit('task', { venueId, task });
          continue;
        }
        tasks = [open, ...tasks.filter((t) => t.id !== open.id)]; // another hub opened it first
      }
      const counted = countCustomers(open, cause);
      if (counted) {
        tasks = tasks.map((t) => (t.id === counted.id ? counted : t));
        await this.publish(venueId, counted);
      }
    }
    // A device that is back closes its task; the task stays in the venue's history.
    const downNow = new Set(offline.map((d) => d.deviceId));
    const statusOf = new Map(components.map((c) => [`${c.deviceId}/${c.component}`, c.state]));
    for (const task of tasks) {
      const deviceId = task.facts?.deviceId;
      if (task.rule !== 'device-down' || task.state === 'verified' || deviceId === undefined) continue;
      const back = deviceId.includes('/')
        ? statusOf.has(deviceId) && statusOf.get(deviceId) !== 'offline'
        : watch.connected.has(deviceId);
      if (back && !downNow.has(deviceId)) await this.publish(venueId, resolveDeviceBack(task, now));
    }
    const chainOf = (task: Task) => escalationChain(task.owner, venue.analytics.escalation);
    for (const escalated of escalate(tasks, now, chainOf)) await this.publish(venueId, escalated);
  }

  /** The webhook deliveries of a task's change; an escalation names who it goes to. */
  private deliveries(venue: Venue, task: Task) {
    const payload = JSON.stringify({
      venueId: venue.id,
      task,
      ...(task.escalation > 0 && task.escalatedTo ? { escalatedTo: task.escalatedTo } : {}),
    });
    const id = `${task.id}:${task.state}:${task.escalation}`;
    return venue.webhooks.map((webhook) => ({ id, url: webhook.url, payload }));
  }

  /**
   * Save first (the task and its webhook deliveries in one transaction, so no hub crash can keep
   * one without the other), then tell screens; the webhook outbox delivers (webhook-outbox.ts).
   */
  private async publish(venueId: string, task: Task): Promise<void> {
    const venue = await this.store.getVenue(venueId);
    await this.store.saveTask(venueId, task, venue ? this.deliveries(venue, task) : [], this.now());
    this.emit('task', { venueId, task });
  }

  private watch(venueId: string): VenueWatch {
    let watch = this.watches.get(venueId);
    if (!watch) {
      watch = { calls: [], offline: new Map(), connected: new Set(), promises: new PromiseTracker() };
      this.watches.set(venueId, watch);
    }
    return watch;
  }

  /** The hub's clock (tests run it virtual). */
  now(): number {
    return (this.options.now ?? systemClock.now)();
  }
}
