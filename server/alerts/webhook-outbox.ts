import { EventEmitter } from 'node:events';
import { backoffDelay, type BackoffPolicy } from '../../core/backoff.ts';
import { type Logger, silentLogger, systemClock } from '../../core/logger.ts';
import type { Venue } from '../../core/venue.ts';
import type { HubStore, WebhookDelivery } from '../store/hub-store.ts';
import { attemptDelivery } from './webhooks.ts';

const DAY_MS = 24 * 60 * 60_000;

export interface WebhookOutboxOptions {
  now?: () => number;
  log?: Logger;
  /** How often the outbox looks for due deliveries. */
  tickMs?: number;
  /** How long a hub holds a delivery it is attempting; a hub that dies lets go after this. */
  leaseMs?: number;
  backoff?: BackoffPolicy;
  /** A delivery still failing this long after it was queued is given up (dead). */
  deadAfterMs?: number;
  timeoutMs?: number;
  /** Deliveries attempted per pass. */
  batch?: number;
}

export type WebhookOutboxEvents = {
  /** A delivery failed and waits for its next attempt. */
  failed: [delivery: WebhookDelivery, error: string];
  /** A delivery was given up: admins see it among the venue's dead deliveries. */
  dead: [delivery: WebhookDelivery, error: string];
};

/** Retries back off from 5 s to an hour: a receiver down for a night still gets every task. */
const OUTBOX_BACKOFF: BackoffPolicy = { baseMs: 5000, maxMs: 60 * 60_000, jitter: 0.3 };

/**
 * Drains the store's webhook outbox: whichever hub is up claims due deliveries, attempts each once
 * and records the outcome, so a delivery survives the hub that queued it (at least once, with the
 * same delivery id every time).
 */
export class WebhookOutbox extends EventEmitter<WebhookOutboxEvents> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private readonly log: Logger;

  constructor(
    private readonly store: HubStore,
    private readonly options: WebhookOutboxOptions = {},
  ) {
    super();
    this.log = options.log ?? silentLogger;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.drain(), this.options.tickMs ?? 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass over the due deliveries; a pass already running is joined, not doubled. */
  drain(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<number> {
    try {
      const due = await this.store.claimWebhookDeliveries(this.now(), {
        limit: this.options.batch ?? 20,
        leaseMs: this.options.leaseMs ?? 60_000,
      });
      // Each venue read once per pass, however many of its deliveries are due.
      const venues = new Map<string, Promise<Venue | undefined>>();
      const venueOf = (venueId: string) => {
        if (!venues.has(venueId)) venues.set(venueId, this.store.getVenue(venueId));
        return venues.get(venueId)!;
      };
      await Promise.all(due.map((delivery) => this.attempt(delivery, venueOf)));
      return due.length;
    } catch (error) {
      this.log.error(`webhook outbox: ${(error as Error).message}`);
      return 0;
    }
  }

  private async attempt(
    delivery: WebhookDelivery,
    venueOf: (venueId: string) => Promise<Venue | undefined>,
  ): Promise<void> {
    // The secret is read now, not kept in the outbox: a rotated secret signs the retries.
    const webhook = (await venueOf(delivery.venueId))?.webhooks.find((w) => w.url === delivery.url);
    const result = webhook
      ? await attemptDelivery(webhook, delivery.payload, { deliveryId: delivery.id, timeoutMs: this.options.timeoutMs })
      : { ok: false, error: 'the venue no longer has this webhook' };
    const at = this.now();
    const status = result.status === undefined ? {} : { status: result.status };
    if (result.ok) {
      await this.store.settleWebhookDelivery(delivery, { state: 'delivered', at, ...status });
      return;
    }
    const error = result.error ?? `HTTP ${result.status}`;
    const attempts = delivery.attempts + 1;
    const giveUp = !webhook || at - delivery.createdAt >= (this.options.deadAfterMs ?? 3 * DAY_MS);
    if (giveUp) {
      await this.store.settleWebhookDelivery(delivery, { state: 'dead', at, error, ...status });
      this.emit('dead', { ...delivery, attempts }, error);
      return;
    }
    const nextAttemptAt = at + backoffDelay(attempts, this.options.backoff ?? OUTBOX_BACKOFF);
    await this.store.settleWebhookDelivery(delivery, { state: 'pending', at, nextAttemptAt, error, ...status });
    this.emit('failed', { ...delivery, attempts }, error);
  }

  private now(): number {
    return (this.options.now ?? systemClock.now)();
  }
}
