import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { DEFAULT_BACKOFF } from '../core/backoff.ts';
import type { EventEnvelope, FeedbackLevel, PRESS_SOURCES } from '../core/events.ts';
import { type Clock, type Logger, silentLogger, systemClock } from '../core/logger.ts';
import type { PublicNoteView, QueueSnapshot, TicketQuote, TicketView } from '../core/protocol.ts';
import { RepeatPressFilter } from '../core/repeat-press.ts';
import { touchpointOfDevice, type Venue } from '../core/venue.ts';
import type { ForwardedKey } from '../drivers/feedback-buttons/keyboard-keys.ts';
import type { PrintResult } from '../drivers/device.ts';
import { testTicket } from '../drivers/test-ticket.ts';
import type { KioskConfig } from './config.ts';
import { createKioskDevices } from './device-factory.ts';
import { DeviceHost, type DeviceSummary } from './device-host.ts';
import { startLocalApi } from './local-api.ts';
import { LocalStore } from './local-store.ts';
import { SimulatedFeedbackSource } from './simulated-source.ts';
import { SyncClient, type SyncState } from './sync-client.ts';
import { type TakenTicket, TicketDesk, type TakeTicketRequest } from './ticket-desk.ts';

export interface KioskStatus {
  venueId: string;
  deviceId: string;
  sync: SyncState;
  syncReason: string | null;
  lastSeq: number;
  hubContiguousSeq: number;
  outbox: number;
  localUrl: string | null;
}

export interface KioskRuntimeEvents {
  status: [status: KioskStatus];
  /** A device's state changed (deviceSummaries() has it). */
  devices: [];
  /** The hub described the venue (hello, or a saved journey map). */
  venue: [venue: Venue];
  /** A queue snapshot from the hub. */
  queue: [snapshot: QueueSnapshot];
  /** What the venue tells customers it changed (shown on the idle screen). */
  notes: [notes: PublicNoteView[]];
}

export type ReasonRefusal = 'unknown-press' | 'press-elsewhere' | 'press-not-on-screen' | 'unknown-reason';

/** A follow-up reason the kiosk will not record: it must answer a press made on this screen, from the map's list. */
export class ReasonRefused extends Error {
  constructor(
    readonly code: ReasonRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'ReasonRefused';
  }
}

/**
 * One kiosk: its store, its sync to the hub, its devices and ticket desk, the local API for its
 * screen, and its sources of events. What the screen (local-api.ts) and the shell may do is a
 * method here; the parts stay inside.
 */
export class KioskRuntime extends EventEmitter<KioskRuntimeEvents> {
  private readonly store: LocalStore;
  private readonly sync: SyncClient;
  private readonly devices: DeviceHost;
  private readonly tickets: TicketDesk;
  private readonly clock: Clock;
  private readonly log: Logger;
  private venue: Venue | undefined;
  private notes: PublicNoteView[] = [];
  private syncReason: string | null = null;
  private localServer: Server | undefined;
  private localUrl: string | null = null;
  private simulator: SimulatedFeedbackSource | undefined;
  private readonly repeatPresses: RepeatPressFilter;

  constructor(
    readonly config: KioskConfig,
    /** `log`: where the kiosk's modules log (`kiosk:sync`, `kiosk:devices`, ...); silent when not given. */
    options: { clock?: Clock; log?: Logger } = {},
  ) {
    super();
    this.clock = options.clock ?? systemClock;
    const root = options.log ?? silentLogger;
    this.log = root.child({ module: 'kiosk' });
    const syncLog = root.child({ module: 'kiosk:sync' });
    const ticketLog = root.child({ module: 'kiosk:tickets' });
    this.repeatPresses = new RepeatPressFilter(config.repeatPress);
    this.store = new LocalStore(
      config.store,
      { venueId: config.venueId, deviceId: config.deviceId },
      { clock: this.clock },
    );
    this.sync = new SyncClient({
      hubUrl: config.hubUrl,
      deviceId: config.deviceId,
      token: config.token,
      store: this.store,
      maxBatchEvents: config.sync.maxBatchEvents,
      maxInFlight: config.sync.maxInFlight,
      ackTimeoutMs: config.sync.ackTimeoutMs,
      backoff: { ...DEFAULT_BACKOFF, maxMs: config.sync.retryMaxMs },
      now: () => this.clock.now(),
    });
    // The one copy of the venue on this kiosk. Until the hub answers, the one it described last
    // time (a restart while it is down). Registered before the ticket desk's own 'venue' handler,
    // which reads it.
    this.venue = this.store.cachedVenue();
    this.sync.on('venue', (venue) => {
      this.venue = venue;
      try {
        this.store.saveVenue(venue);
      } catch (error) {
        this.log.warn(`could not keep the venue for offline starts: ${(error as Error).message}`);
      }
      this.emit('venue', venue);
    });
    this.sync.on('queue', (snapshot) => this.emit('queue', snapshot));
    this.sync.on('notes', (notes) => {
      this.notes = notes;
      this.emit('notes', notes);
    });
    this.devices = new DeviceHost(
      createKioskDevices(config.devices, this.clock),
      {
        press: (press, meta) => this.recordPress(press, meta),
        status: (component, status) =>
          void this.store.append('device.status', { component, ...status }, this.clock.now()),
      },
      root.child({ module: 'kiosk:devices' }),
    );
    this.devices.on('status', () => this.emit('devices'));
    this.tickets = new TicketDesk({
      sync: this.sync,
      store: this.store,
      devices: this.devices,
      hubUrl: config.hubUrl,
      venue: () => this.venue,
      log: (line) => ticketLog.warn(line),
      clock: this.clock,
      takeDeadlineMs: config.sync.takeDeadlineMs,
    });
    let lastSync = '';
    this.sync.on('state', (state, reason) => {
      this.syncReason = reason ?? null;
      // Retries report the same state again and again: the log keeps the changes.
      if (`${state}|${reason}` !== lastSync)
        syncLog.info({ state, reason }, `sync ${state}${reason ? `: ${reason}` : ''}`);
      lastSync = `${state}|${reason}`;
      this.emit('status', this.status());
    });
    this.sync.on('rejected', (failure) =>
      syncLog.error({ code: failure.code }, `hub refused a batch: ${failure.message}`),
    );
  }

  /**
   * Starts syncing, the devices and the screen API. A kiosk that cannot serve its screen (its port
   * is taken) is of no use: start rejects after stopping what it started, so its supervisor sees
   * the process exit and can restart it.
   */
  async start(): Promise<void> {
    try {
      this.sync.start();
      await this.devices.start();
      const local = await startLocalApi(this, this.config.localPort);
      this.localServer = local.server;
      this.localUrl = local.url;
    } catch (error) {
      await this.stop().catch(() => undefined);
      const port =
        (error as { code?: string }).code === 'EADDRINUSE' ? ` (port ${this.config.localPort} is taken)` : '';
      throw new Error(`kiosk ${this.config.deviceId} could not start${port}: ${(error as Error).message}`);
    }
    if (this.config.simulate) {
      const configured = this.config.simulate.touchpoints;
      this.simulator = new SimulatedFeedbackSource({
        pressesPerMinute: this.config.simulate.pressesPerMinute,
        touchpoints: () => configured ?? this.venue?.touchpoints.map((t) => t.id) ?? [],
      });
      this.simulator.on('press', (press) => this.recordPress({ ...press, source: 'simulated' }));
      this.simulator.start();
    }
    this.log.info(`kiosk ${this.config.deviceId} of ${this.config.venueId} up; screen API at ${this.localUrl}`);
  }

  /**
   * Records a smiley press. Repeats are judged per physical device when there is one (one box, one
   * person at a time) and per touchpoint for the screen; flagged presses are kept, marked misuse.
   */
  recordPress(
    press: { touchpointId: string; level: FeedbackLevel; source: (typeof PRESS_SOURCES)[number] },
    options: { deviceId?: string; at?: number } = {},
  ): EventEnvelope<'feedback.pressed'> {
    // The journey map may attach this box to another touchpoint than the kiosk's own file says.
    const mapped =
      options.deviceId && this.venue
        ? touchpointOfDevice(this.venue, this.config.deviceId, options.deviceId)
        : undefined;
    if (mapped) press = { ...press, touchpointId: mapped };
    const key = options.deviceId ? `device:${options.deviceId}` : `touchpoint:${press.touchpointId}`;
    const { misuse } = this.repeatPresses.check(key, options.at ?? this.clock.now());
    return this.store.append('feedback.pressed', { ...press, misuse }, this.clock.now());
  }

  /**
   * Whether the journey map has this touchpoint (true until the kiosk has a map at all: it cannot
   * judge, and the hub flags presses at touchpoints it does not know).
   */
  onJourneyMap(touchpointId: string): boolean {
    return this.venue === undefined || this.venue.touchpoints.some((tp) => tp.id === touchpointId);
  }

  /**
   * Records the reason a customer picked after pressing a smiley on this screen. Refused (nothing
   * recorded) unless `pressId` is a screen press of this kiosk at `touchpointId` and the journey
   * map lists `reasonId` for that touchpoint: a reason must never land on someone else's press.
   */
  recordReason(reason: { touchpointId: string; pressId: string; reasonId: string }): EventEnvelope<'feedback.reason'> {
    const { touchpointId, pressId, reasonId } = reason;
    const press = this.store.event(pressId);
    if (press?.type !== 'feedback.pressed')
      throw new ReasonRefused(
        'unknown-press',
        `this kiosk recorded no press "${pressId}": a reason answers a press made on this screen`,
      );
    if (press.payload.touchpointId !== touchpointId)
      throw new ReasonRefused(
        'press-elsewhere',
        `press "${pressId}" was at touchpoint "${press.payload.touchpointId}", not "${touchpointId}"`,
      );
    if (press.payload.source !== 'screen')
      throw new ReasonRefused(
        'press-not-on-screen',
        `press "${pressId}" came from a button box (${press.payload.source}): ` +
          'the screen asks for a reason only after its own presses',
      );
    const listed = this.venue?.touchpoints.find((tp) => tp.id === touchpointId)?.reasons ?? [];
    if (!listed.some((r) => r.id === reasonId))
      throw new ReasonRefused(
        'unknown-reason',
        `"${reasonId}" is not a follow-up reason of touchpoint "${touchpointId}" on the journey map (${
          listed.length ? `its reasons: ${listed.map((r) => r.id).join(', ')}` : 'it lists none'
        })`,
      );
    return this.store.append('feedback.reason', reason, this.clock.now());
  }

  /** What a new ticket would be promised now; rejects with HubUnreachableError when offline. */
  quoteTicket(serviceId: string, segmentId?: string): Promise<TicketQuote> {
    return this.tickets.quote(serviceId, segmentId);
  }

  /** Takes a ticket (from the hub, or from the reserved numbers while it is unreachable) and prints it. */
  takeTicket(request: TakeTicketRequest): Promise<TakenTicket> {
    return this.tickets.take(request);
  }

  /** A return-time holder is back: they join the line now. */
  checkInTicket(ticketId: string): Promise<TicketView> {
    return this.tickets.checkIn(ticketId);
  }

  /** The venue's public notes as the hub last sent them. */
  get publicNotes(): PublicNoteView[] {
    return this.notes;
  }

  /** The latest queue state the hub sent. */
  get queueSnapshot(): QueueSnapshot | undefined {
    return this.tickets.snapshot;
  }

  /** Numbers reserved for a service and not yet used today, to issue while the hub is unreachable. */
  offlineNumbersLeft(serviceId: string): number {
    return this.tickets.numbersLeft(serviceId);
  }

  deviceSummaries(): DeviceSummary[] {
    return this.devices.summaries();
  }

  /** Keys the kiosk screen must catch and forward (keyboard-mode keypads). */
  keysToCatch(): string[] {
    return this.devices.keysToCatch();
  }

  /** A key the kiosk screen caught; true when a keypad took it as a press. */
  forwardKey(key: ForwardedKey): boolean {
    return this.devices.forwardKey(key);
  }

  /** Prints a test ticket on one printer; rejects with NoPrinterError or the printer's own error. */
  testPrint(printerId: string): Promise<PrintResult> {
    return this.devices.testPrint(
      printerId,
      testTicket(this.venue?.name ?? this.config.venueId, this.config.hubUrl, this.clock.now()),
    );
  }

  /** The venue as the hub last described it (undefined until the first hello). */
  get currentVenue(): Venue | undefined {
    return this.venue;
  }

  status(): KioskStatus {
    return {
      venueId: this.config.venueId,
      deviceId: this.config.deviceId,
      sync: this.sync.state,
      syncReason: this.syncReason,
      lastSeq: this.store.lastSeq,
      hubContiguousSeq: this.sync.contiguousSeq,
      outbox: Math.max(0, this.store.lastSeq - this.sync.contiguousSeq),
      localUrl: this.localUrl,
    };
  }

  async stop(): Promise<void> {
    this.simulator?.stop();
    await this.devices.stop();
    await this.sync.stop();
    if (this.localServer) {
      this.localServer.closeAllConnections();
      await new Promise<void>((resolve) => this.localServer!.close(() => resolve()));
    }
    this.store.close();
  }
}
