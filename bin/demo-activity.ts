import type { Hub } from '../server/hub.ts';
import type { DemoVenueShape } from './demo-venue.ts';

const LANGUAGES = ['ko', 'zh', 'en'] as const;

/**
 * Customers and staff for the demo, so every screen and device has something to show: customers
 * take tickets at the kiosks' real local API (the kiosk prints them on its emulated printer), and
 * a member of staff at each counter calls, serves, and now and then marks a no-show. Time runs
 * at `speed` x real time.
 */
export class DemoActivity {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly hub: Hub,
    private readonly venue: DemoVenueShape,
    private readonly kioskUrls: readonly string[],
    private readonly log: (line: string) => void,
    private readonly random: () => number = Math.random,
  ) {}

  async start(): Promise<void> {
    for (const counter of this.venue.counters) {
      const opened = await this.hub.queues.execute(this.venue.id, { type: 'open-counter', counterId: counter.id });
      if (!opened.ok && opened.code !== 'counter-already-in-state') this.log(`demo: ${counter.id}: ${opened.message}`);
      this.later(2_000 + this.random() * 3_000, () => this.staffTurn(counter.id));
    }
    this.later(1_000, () => this.customerArrives());
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
  }

  private later(ms: number, work: () => Promise<void>): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work().catch((error: Error) => this.log(`demo: ${error.message}`));
    }, ms);
    this.timers.add(timer);
  }

  /** About one customer every 6 s, at a random kiosk, in a random language. */
  private async customerArrives(): Promise<void> {
    const url = this.kioskUrls[Math.floor(this.random() * this.kioskUrls.length)];
    const service = this.venue.services[this.random() < 0.75 ? 0 : 1] ?? this.venue.services[0]!;
    const segment = this.random() < 0.1 ? this.venue.segments[0]?.id : undefined;
    const language = LANGUAGES[Math.floor(this.random() * LANGUAGES.length)]!;
    if (url) {
      const response = await fetch(`${url}/local/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ serviceId: service.id, language, ...(segment ? { segmentId: segment } : {}) }),
      }).catch(() => undefined);
      if (response && response.status !== 201)
        this.log(`demo: a customer could not take a ticket (${response.status}): ${await response.text()}`);
    }
    this.later(-Math.log(1 - this.random()) * 6_000, () => this.customerArrives());
  }

  /** Serve whoever is at the desk, then call the next; a short pause when nobody waits. */
  private async staffTurn(counterId: string): Promise<void> {
    const venueId = this.venue.id;
    await this.hub.queues.execute(venueId, { type: this.random() < 0.05 ? 'no-show' : 'serve', counterId });
    const called = await this.hub.queues.execute(venueId, { type: 'call-next', counterId });
    const serviceMs = called.ok ? 4_000 + -Math.log(1 - this.random()) * 8_000 : 3_000;
    this.later(serviceMs, () => this.staffTurn(counterId));
  }
}
