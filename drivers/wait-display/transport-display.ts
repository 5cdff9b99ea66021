import { EventEmitter } from 'node:events';
import type { DeviceEvents, DeviceStatus, WaitDisplay, WaitView } from '../device.ts';
import type { Transport, TransportState } from '../transport/transport.ts';
import { TransportLink } from '../transport/transport-link.ts';

/** Rare enough to cost nothing on the line, soon enough that a display switched on shows the queue within a minute. */
const DEFAULT_REFRESH_MS = 30_000;

export interface DisplayDriverOptions {
  /** The device id used in device.status events, e.g. "display-entrance". */
  id: string;
  transport: Transport;
  /**
   * Rewrite the last view in place this often (0 = never). A display switched on after the kiosk
   * wrote to it (or one on a line whose far end reopened late) missed those bytes and would stay
   * blank until the queue next changes; a rewrite in place is invisible on a display that has it.
   */
  refreshMs?: number;
}

/** Diagnostics on their own emitter, so the driver stays a plain WaitDisplay (see transport-buttons.ts). */
export type DisplayDiagnosticsEvents = {
  /** A write that failed on an open line, or a listener's bug. */
  problem: [problem: { reason: string; detail: string }];
  /** Bytes went out: what for ('setup' once per connection, 'view' per update). */
  wrote: [what: 'setup' | 'view', bytes: number];
};

/**
 * What both wait-display drivers share: status from the transport's state, a setup once per
 * connection, and the latest view written whenever the line is (back) up. Views are coalesced:
 * while one write is on the line, newer views replace each other and only the last goes out.
 */
export abstract class TransportDisplay extends EventEmitter<DeviceEvents> implements WaitDisplay {
  readonly id: string;
  readonly diagnostics = new EventEmitter<DisplayDiagnosticsEvents>();
  protected readonly transport: Transport;
  private currentStatus: DeviceStatus = { state: 'offline', code: 'stopped', detail: 'not started' };
  private readonly link: TransportLink;
  private wanted: WaitView | undefined;
  private wantedVersion = 0;
  private writtenVersion = 0;
  /** Bumped on every (re)connection; setup is owed to each one. */
  private linkEpoch = 0;
  private preparedEpoch = -1;
  private pumping: Promise<void> | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  /** The next render rewrites everything, even what the driver believes is already shown. */
  private forceNext = false;
  private readonly refreshMs: number;

  constructor(options: DisplayDriverOptions) {
    super();
    this.id = options.id;
    this.transport = options.transport;
    this.link = new TransportLink(this.transport, {
      // Displays talk little back; what they do send is not needed, but a listener keeps it flowing.
      data: () => undefined,
      state: (state, reason) => this.transportChanged(state, reason),
    });
    this.refreshMs = options.refreshMs ?? DEFAULT_REFRESH_MS;
    if (!Number.isFinite(this.refreshMs) || this.refreshMs < 0)
      throw new RangeError(
        `display ${options.id}: refreshMs must be 0 (off) or a positive number of ms, got ${options.refreshMs}`,
      );
  }

  get status(): DeviceStatus {
    return this.currentStatus;
  }

  /** The view the display shows (or will show once its line is back). */
  get lastView(): WaitView | undefined {
    return this.wanted;
  }

  async start(): Promise<void> {
    if (!this.link.attach()) return;
    if (this.refreshMs > 0) {
      this.refreshTimer = setInterval(() => this.refresh(), this.refreshMs);
      this.refreshTimer.unref();
    }
    await this.transport.open();
  }

  async stop(): Promise<void> {
    if (!this.link.detach()) return;
    clearInterval(this.refreshTimer);
    await this.pumping?.catch(() => undefined);
    await this.transport.close();
    this.setStatus(this.link.stoppedStatus());
  }

  /**
   * Resolves once this view (or a newer one) is on the display, or at once while the line is down:
   * the view is kept and shown when the line comes back, and the outage is reported by the status,
   * not by every update failing. Rejects only when a write fails on a line that is up.
   */
  show(view: WaitView): Promise<void> {
    this.wanted = view;
    this.wantedVersion += 1;
    return this.pump();
  }

  /** Bytes that bring the display into a known state after a (re)connection. */
  protected abstract setup(): Promise<void>;

  /**
   * Puts the view on the display (setup has been done on this connection). `force`: write all of
   * it, even parts the driver believes the display already holds.
   */
  protected abstract render(view: WaitView, force: boolean): Promise<void>;

  protected async write(what: 'setup' | 'view', bytes: Uint8Array): Promise<void> {
    await this.transport.write(bytes);
    this.diagnostics.emit('wrote', what, bytes.byteLength);
  }

  private pump(): Promise<void> {
    // A pump already running may be past its last check: queue behind it rather than join it.
    if (this.pumping !== undefined) return this.pumping.catch(() => undefined).then(() => this.pump());
    const run = this.drain().finally(() => {
      if (this.pumping === run) this.pumping = undefined;
    });
    this.pumping = run;
    return run;
  }

  private async drain(): Promise<void> {
    while (this.link.started && this.transport.state === 'open') {
      const epoch = this.linkEpoch;
      try {
        if (this.preparedEpoch !== epoch) {
          await this.setup();
          if (epoch === this.linkEpoch) this.preparedEpoch = epoch;
          continue;
        }
        if (this.wanted === undefined || this.writtenVersion === this.wantedVersion) return;
        const version = this.wantedVersion;
        const force = this.forceNext;
        this.forceNext = false;
        await this.render(this.wanted, force);
        if (epoch === this.linkEpoch) this.writtenVersion = version;
      } catch (error) {
        // The line dropped under the write: the reconnection redoes setup and the last view.
        if (this.transport.state !== 'open' || epoch !== this.linkEpoch) return;
        const detail = `${this.transport.description}: writing to the display failed: ${(error as Error).message}`;
        this.diagnostics.emit('problem', { reason: 'write-failed', detail });
        this.setStatus({
          state: 'degraded',
          code: 'write-failed',
          detail: `${detail}; check the cable and the display's settings (baud rate)`,
        });
        throw new Error(`display ${this.id}: ${detail}`);
      }
      if (this.currentStatus.code === 'write-failed') this.setStatus({ state: 'ready' });
    }
  }

  private refresh(): void {
    if (!this.link.started || this.transport.state !== 'open' || this.wanted === undefined) return;
    this.forceNext = true;
    this.writtenVersion = -1;
    this.pump().catch(() => undefined);
  }

  private transportChanged(state: TransportState, reason?: string): void {
    const what = this.transport.description;
    switch (state) {
      case 'open':
        this.linkEpoch += 1;
        // A fresh connection may reach a display that was power-cycled: everything is rewritten.
        this.writtenVersion = -1;
        this.setStatus({ state: 'ready' });
        this.pump().catch(() => undefined);
        return;
      case 'connecting':
        this.setStatus({ state: 'offline', code: 'connecting', detail: `${what}: opening` });
        return;
      case 'reconnecting':
        this.setStatus({
          state: 'offline',
          code: 'disconnected',
          detail:
            `${what}: ${reason ?? 'link lost'}; reconnecting by itself, and the display will show ` +
            `the latest queue once it is back (check the cable and the display's power)`,
        });
        return;
      case 'closed':
        this.setStatus({ state: 'offline', code: 'stopped', detail: `${what}: closed` });
        return;
    }
  }

  private setStatus(status: DeviceStatus): void {
    const previous = this.currentStatus;
    this.currentStatus = status;
    // One device.status event per change of state or cause, not per retry of the same outage.
    if (previous.state === status.state && previous.code === status.code) return;
    try {
      this.emit('status', status);
    } catch (error) {
      this.diagnostics.emit('problem', { reason: 'driver-error', detail: (error as Error).stack ?? String(error) });
    }
  }
}
