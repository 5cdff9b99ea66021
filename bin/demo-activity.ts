import { exponential, lognormal } from '../core/simulation/random.ts';
import type { Hub } from '../server/hub.ts';
import { DEMO_PACE, type DemoPace, type DemoVenueShape } from './demo-venue.ts';

const LANGUAGES = ['ko', 'zh', 'en'] as const;
const MINUTE_MS = 60_000;
/** How often an idle clerk looks for someone waiting. */
const IDLE_CHECK_MS = 15_000;
/** A clerk whose counter a person worked stays aside this long after the person's last command. */
const PERSON_AWAY_MS = 5 * MINUTE_MS;
/** setTimeout's longest delay: a longer one fires at once (Node warns), so it is not scheduled (24 days). */
const LONGEST_TIMEOUT_MS = 2 ** 31 - 1;

export interface DemoActivityOptions {
  /** The counters simulated clerks work; a person signing in to one of them makes its clerk step aside. */
  clerkCounters: readonly string[];
  pace?: DemoPace;
  random?: () => number;
}

/**
 * Customers and clerks for the demo, in real time, so every screen has something true to show:
 * customers take tickets at the kiosks' real local API (printed on their emulated printers) at a
 * steady rate, and clerks at their own counters call, serve for the venue's expected service
 * minutes, and now and then mark a no-show. A clerk steps aside while a person works their counter
 * from the staff console; the counter the printed staff link opens is never simulated.
 */
export class DemoActivity {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly pace: DemoPace;
  private readonly random: () => number;
  /** When a person last sent a command for each clerk's counter. */
  private readonly personAt = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly hub: Hub,
    private readonly venue: DemoVenueShape,
    private readonly kioskUrls: readonly string[],
    private readonly log: (line: string) => void,
    private readonly options: DemoActivityOptions,
  ) {
    this.pace = options.pace ?? DEMO_PACE;
    this.random = options.random ?? Math.random;
  }

  async start(): Promise<void> {
    this.watchPeople();
    await this.sendHomeLastRunsCustomers();
    for (const counterId of this.options.clerkCounters) {
      const opened = await this.hub.queues.commands.execute(this.venue.id, { type: 'open-counter', counterId });
      if (!opened.ok && opened.code !== 'counter-already-in-state') this.log(`demo: ${counterId}: ${opened.message}`);
      // Whoever was at the desk when the demo stopped is served first.
      this.later(1_000 + this.random() * 2_000, () => this.clerkTurn(counterId, 'serve'));
    }
    for (let i = 0; i < this.pace.openingLine; i += 1)
      this.later(500 + this.random() * 30_000, () => this.customerArrives());
    this.scheduleArrival();
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
  }

  private later(ms: number, work: () => Promise<void>): void {
    if (this.stopped || ms > LONGEST_TIMEOUT_MS) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work().catch((error: Error) => this.log(`demo: ${error.message}`));
    }, ms);
    this.timers.add(timer);
  }

  /**
   * Commands a person sends from a staff console for a clerk's counter: that clerk steps aside. The
   * console's own handler still executes them; this only listens.
   */
  private watchPeople(): void {
    this.hub.io.of('/staff').on('connection', (socket) => {
      socket.on('queue.command', (raw: unknown) => {
        const counterId = (raw as { counterId?: unknown } | null)?.counterId;
        if (typeof counterId !== 'string' || !this.options.clerkCounters.includes(counterId)) return;
        if (!this.personAt.has(counterId))
          this.log(`demo: a person is working ${counterId}; its simulated clerk steps aside`);
        this.personAt.set(counterId, Date.now());
      });
    });
  }

  private personWorks(counterId: string): boolean {
    const at = this.personAt.get(counterId);
    if (at === undefined) return false;
    if (Date.now() - at < PERSON_AWAY_MS) return true;
    this.personAt.delete(counterId);
    this.log(`demo: nobody has worked ${counterId} for a while; its simulated clerk is back`);
    return false;
  }

  /** The demo stopped with customers still in line: they went home; their tickets are cancelled. */
  private async sendHomeLastRunsCustomers(): Promise<void> {
    const venueId = this.venue.id;
    const issued = (await this.hub.store.queueEvents(venueId)).flatMap((e) =>
      e.type === 'ticket.issued' ? [e.ticketId] : [],
    );
    const left = (await this.hub.queues.reads.tickets(venueId, issued)).filter(
      (t) => t.status === 'waiting' || t.status === 'parked',
    );
    for (const ticket of left)
      await this.hub.queues.commands.execute(venueId, { type: 'cancel', ticketId: ticket.ticketId });
    if (left.length > 0) this.log(`demo: ${left.length} customer(s) from the last run went home; tickets cancelled`);
  }

  private scheduleArrival(): void {
    this.later(exponential(this.random, MINUTE_MS / this.pace.arrivalsPerMin), async () => {
      this.scheduleArrival();
      await this.customerArrives();
    });
  }

  /** A customer takes a ticket at a random kiosk, in a random language. */
  private async customerArrives(): Promise<void> {
    const url = this.kioskUrls[Math.floor(this.random() * this.kioskUrls.length)];
    if (!url) return;
    const services = this.venue.services;
    const service = (this.random() < this.pace.firstServiceShare ? services[0] : services[1]) ?? services[0]!;
    const segment = this.random() < 0.1 ? this.venue.segments[0]?.id : undefined;
    const language = LANGUAGES[Math.floor(this.random() * LANGUAGES.length)]!;
    const response = await fetch(`${url}/local/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ serviceId: service.id, language, ...(segment ? { segmentId: segment } : {}) }),
    }).catch(() => undefined);
    if (response && response.status !== 201)
      this.log(`demo: a customer could not take a ticket (${response.status}): ${await response.text()}`);
  }

  /**
   * One turn of a clerk: finish with whoever is at the desk (served, or a no-show), call the next,
   * and come back when their service is done; look again shortly when nobody waits.
   */
  private async clerkTurn(counterId: string, finish?: 'serve' | 'no-show'): Promise<void> {
    if (this.personWorks(counterId)) return this.later(IDLE_CHECK_MS, () => this.clerkReturns(counterId));
    const venueId = this.venue.id;
    if (finish) await this.hub.queues.commands.execute(venueId, { type: finish, counterId });
    const called = await this.hub.queues.commands.execute(venueId, { type: 'call-next', counterId });
    const ticketId = called.ok ? called.events.find((e) => e.type === 'ticket.called')?.ticketId : undefined;
    if (!ticketId) return this.later(IDLE_CHECK_MS, () => this.clerkTurn(counterId));
    const { noShowShare, noShowWaitMin, serviceCv, timeScale } = this.pace;
    if (this.random() < noShowShare)
      return this.later(noShowWaitMin * MINUTE_MS * timeScale, () => this.clerkTurn(counterId, 'no-show'));
    const serviceId = (await this.hub.queues.reads.ticket(venueId, ticketId))?.serviceId;
    const meanMin = this.venue.services.find((s) => s.id === serviceId)?.expectedServiceMin ?? 3;
    const serviceMs = lognormal(this.random, meanMin, serviceCv) * MINUTE_MS * timeScale;
    this.later(serviceMs, () => this.clerkTurn(counterId, 'serve'));
  }

  /** Back after a person worked the counter: open it again if they closed it, and serve whoever they left. */
  private async clerkReturns(counterId: string): Promise<void> {
    if (this.personWorks(counterId)) return this.later(IDLE_CHECK_MS, () => this.clerkReturns(counterId));
    await this.hub.queues.commands.execute(this.venue.id, { type: 'open-counter', counterId });
    await this.clerkTurn(counterId, 'serve');
  }
}
