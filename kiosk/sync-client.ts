import { EventEmitter } from 'node:events';
import { io, type Socket } from 'socket.io-client';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from '../core/backoff.ts';
import { measureClockOffset } from '../core/clock.ts';
import type { AnyEventEnvelope } from '../core/events.ts';
import type {
  AuthErrorData,
  BatchFailure,
  BatchOk,
  KioskClientToServer,
  KioskAuth,
  KioskServerToClient,
  NumbersReserved,
  PublicNoteView,
  QueueCommandResult,
  QueueFailure,
  QueueSnapshot,
  TicketQuote,
  TicketQuoteRequest,
  TicketTakeRequest,
} from '../core/protocol.ts';
import type { Venue } from '../core/venue.ts';
import type { LocalStore } from './local-store.ts';
import { systemClock } from '../core/logger.ts';

export type SyncState = 'connecting' | 'online' | 'offline' | 'refused';

export interface SyncClientEvents {
  state: [state: SyncState, reason?: string];
  /** The hub now holds every event up to `contiguousSeq`; `events` are those this ack confirmed. */
  acked: [info: { contiguousSeq: number; events: readonly AnyEventEnvelope[]; ackedAt: number }];
  /** The hub refused a batch: the kiosk keeps the events and retries with backoff. */
  rejected: [failure: BatchFailure];
  venue: [venue: Venue];
  /** The venue's public notes for customers (hello, and whenever they change). */
  notes: [notes: PublicNoteView[]];
  /** The venue's queue changed on the hub (wait displays, the ticket screen). */
  queue: [snapshot: QueueSnapshot];
}

export interface SyncClientOptions {
  hubUrl: string;
  deviceId: string;
  token: string;
  store: LocalStore;
  maxBatchEvents?: number;
  maxBatchBytes?: number;
  /** Batches sent before the first is acked; hides the round trip during catch-up. */
  maxInFlight?: number;
  ackTimeoutMs?: number;
  backoff?: BackoffPolicy;
  /** The kiosk's clock (tests run kiosks whose clock is minutes off). */
  now?: () => number;
}

/**
 * Drains the kiosk's outbox to the hub. socket.io delivers at most once, so durability lives in
 * the local store: events are resent from the hub's contiguousSeq after any doubt (timeout,
 * disconnect, refusal) and the hub drops what it already holds.
 */
/** A request that needs the hub now could not reach it; events still queue in the outbox. */
export class HubUnreachableError extends Error {
  constructor(readonly syncState: SyncState) {
    super(`the hub is not reachable (sync is ${syncState}); the kiosk keeps recording and sends when it is back`);
    this.name = 'HubUnreachableError';
  }
}

export class SyncClient extends EventEmitter<SyncClientEvents> {
  private readonly socket: Socket<KioskServerToClient, KioskClientToServer>;
  private readonly store: LocalStore;
  private readonly limits;
  private readonly maxInFlight: number;
  private readonly ackTimeoutMs: number;
  private readonly backoff: BackoffPolicy;
  private readonly now: () => number;

  private currentState: SyncState = 'connecting';
  private ready = false;
  /** Highest seq the hub confirmed holding. */
  private acked = 0;
  /** Highest seq handed to the socket in the current send generation. */
  private sent = 0;
  private inFlight = 0;
  /** Bumped whenever sending restarts from `acked`, so late answers to old batches cannot move `sent`. */
  private generation = 0;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private clockOffsetMs = 0;
  private stopped = false;
  private readonly onAppended = () => this.pump();

  constructor(options: SyncClientOptions) {
    super();
    this.store = options.store;
    this.limits = { maxEvents: options.maxBatchEvents ?? 1000, maxBytes: options.maxBatchBytes ?? 512 * 1024 };
    this.maxInFlight = options.maxInFlight ?? 4;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.now = options.now ?? systemClock.now;
    this.acked = this.store.hubContiguousSeq;
    this.socket = io(new URL('/kiosk', options.hubUrl).toString(), {
      auth: { deviceId: options.deviceId, token: options.token } satisfies KioskAuth,
      transports: ['websocket'],
      autoConnect: false,
      // Its own connection: a shared one, opened by another socket in the same process, would
      // connect on its own and then again at start().
      forceNew: true,
      reconnectionDelay: this.backoff.baseMs,
      reconnectionDelayMax: this.backoff.maxMs,
      randomizationFactor: this.backoff.jitter,
    });
    this.socket.on('connect', () => void this.hello());
    this.socket.on('disconnect', (reason) => {
      this.ready = false;
      this.restartFromAcked();
      this.setState('offline', `disconnected: ${reason}`);
    });
    this.socket.on('connect_error', (error) => {
      const data = (error as Error & { data?: AuthErrorData }).data;
      if (data?.code) {
        // The hub refused this device; socket.io does not retry refusals by itself, so we do,
        // slowly, in case the token is fixed on the hub.
        this.setState('refused', `${data.code}: ${error.message}`);
        this.scheduleRetry(() => this.socket.connect());
      } else {
        this.setState('offline', `hub unreachable: ${error.message}`);
      }
    });
    this.socket.on('venue.updated', (venue) => this.emit('venue', venue));
    this.socket.on('queue.snapshot', (snapshot) => this.emit('queue', snapshot));
    this.socket.on('notes', (notes) => this.emit('notes', notes));
  }

  get state(): SyncState {
    return this.currentState;
  }

  get contiguousSeq(): number {
    return this.acked;
  }

  /** hub clock - kiosk clock, measured at the last hello. */
  get clockOffset(): number {
    return this.clockOffsetMs;
  }

  start(): void {
    this.stopped = false;
    this.store.on('appended', this.onAppended);
    this.socket.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.store.off('appended', this.onAppended);
    this.socket.disconnect();
  }

  /** What a new ticket would be promised now; rejects with HubUnreachableError when offline. */
  async quoteTicket(request: TicketQuoteRequest): Promise<TicketQuote | QueueFailure> {
    this.requireOnline();
    return this.socket.timeout(this.ackTimeoutMs).emitWithAck('ticket.quote', request);
  }

  /**
   * Takes a ticket from the hub (the queue's authority); rejects with HubUnreachableError when
   * offline, and when no answer comes within `timeoutMs` (the ack timeout at most).
   */
  async takeTicket(request: TicketTakeRequest, timeoutMs = this.ackTimeoutMs): Promise<QueueCommandResult> {
    this.requireOnline();
    return this.socket.timeout(Math.min(timeoutMs, this.ackTimeoutMs)).emitWithAck('ticket.take', request);
  }

  /** Resolves when sync is online (at once if it is), or after `timeoutMs` if it is not by then. */
  waitUntilOnline(timeoutMs: number): Promise<void> {
    if (this.ready && !this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.off('state', onState);
        resolve();
      };
      const onState = (state: SyncState) => state === 'online' && done();
      const timer = setTimeout(done, timeoutMs);
      this.on('state', onState);
    });
  }

  /** A return-time holder is back: they join the line now. */
  async checkInTicket(ticketId: string): Promise<QueueCommandResult> {
    this.requireOnline();
    return this.socket.timeout(this.ackTimeoutMs).emitWithAck('ticket.check-in', { ticketId });
  }

  /** Asks the hub for a block of numbers to issue from while offline. */
  async reserveNumbers(serviceId: string, size: number): Promise<NumbersReserved | QueueFailure> {
    this.requireOnline();
    return this.socket.timeout(this.ackTimeoutMs).emitWithAck('numbers.reserve', { serviceId, size });
  }

  private requireOnline(): void {
    if (!this.ready || this.stopped) throw new HubUnreachableError(this.state);
  }

  private async hello(): Promise<void> {
    const sentAt = this.now();
    try {
      const result = await this.socket
        .timeout(this.ackTimeoutMs)
        .emitWithAck('hello', { lastSeq: this.store.lastSeq, clientTime: sentAt, software: 'waitwell-kiosk' });
      if (!result.ok) {
        this.setState('refused', `${result.code}: ${result.message}`);
        this.scheduleRetry(() => void this.hello()); // hello catches its own failures
        return;
      }
      this.clockOffsetMs = measureClockOffset({ sentAt, hubTime: result.hubTime, receivedAt: this.now() }).offsetMs;
      this.confirm(result.contiguousSeq);
      this.restartFromAcked();
      this.failures = 0;
      this.ready = true;
      this.setState('online');
      this.emit('venue', result.venue);
      this.pump();
    } catch (error) {
      this.setState('offline', `hello not answered: ${(error as Error).message}`);
      this.scheduleRetry(() => void this.hello()); // hello catches its own failures
    }
  }

  private pump(): void {
    while (this.ready && !this.stopped && this.inFlight < this.maxInFlight && this.sent < this.store.lastSeq) {
      const events = this.store.readAfter(this.sent, this.limits);
      if (events.length === 0) return;
      this.sent = events[events.length - 1]!.seq;
      this.inFlight += 1;
      void this.sendBatch(events, this.generation);
    }
  }

  private async sendBatch(events: AnyEventEnvelope[], generation: number): Promise<void> {
    let result: BatchOk | BatchFailure;
    try {
      result = await this.socket
        .timeout(this.ackTimeoutMs)
        .emitWithAck('events.batch', { events, clockOffsetMs: this.clockOffsetMs });
    } catch (error) {
      result = {
        ok: false,
        code: 'internal',
        message: `no ack within ${this.ackTimeoutMs} ms (${(error as Error).message})`,
      };
    }
    const current = generation === this.generation;
    if (current) this.inFlight -= 1;
    if (result.ok) this.confirm(result.contiguousSeq, events);
    if (result.ok) {
      this.failures = 0;
      this.pump();
      return;
    }
    if (!current) return; // already restarting for an earlier failure
    if (result.code === 'seq-gap' && result.contiguousSeq !== undefined) {
      // The hub holds less than we thought (e.g. it was restored from a backup): resend from there.
      this.acked = result.contiguousSeq;
      this.restartFromAcked();
      this.pump();
      return;
    }
    this.restartFromAcked();
    this.emit('rejected', result);
    this.scheduleRetry(() => this.pump());
  }

  private confirm(contiguousSeq: number, events: readonly AnyEventEnvelope[] = []): void {
    if (contiguousSeq <= this.acked && events.length === 0) return;
    const previous = this.acked;
    this.acked = Math.max(this.acked, contiguousSeq);
    if (this.acked > previous) this.store.recordHubContiguousSeq(this.acked);
    const confirmed = events.filter((e) => e.seq > previous && e.seq <= this.acked);
    if (confirmed.length > 0) this.emit('acked', { contiguousSeq: this.acked, events: confirmed, ackedAt: this.now() });
  }

  private restartFromAcked(): void {
    this.generation += 1;
    this.inFlight = 0;
    this.sent = this.acked;
  }

  private scheduleRetry(action: () => void): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.failures += 1;
    this.retryTimer = setTimeout(
      () => {
        if (!this.stopped) action();
      },
      backoffDelay(this.failures, this.backoff),
    );
  }

  private setState(state: SyncState, reason?: string): void {
    if (state === this.currentState && state === 'online') return;
    this.currentState = state;
    this.emit('state', state, reason);
  }
}
