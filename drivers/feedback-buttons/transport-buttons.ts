import { EventEmitter } from 'node:events';
import type { ButtonPress, DeviceStatus, FeedbackButtons, FeedbackButtonsEvents } from '../device.ts';
import type { Transport, TransportState } from '../transport/transport.ts';
import { TransportLink } from '../transport/transport-link.ts';
import { DEFAULT_BUTTON_LEVELS, levelOfButton, validateButtonLevels, type ButtonLevels } from './button-levels.ts';
import { Debouncer, DEFAULT_DEBOUNCE_MS } from './debounce.ts';
import { DEFAULT_GARBAGE_RULE, ErrorRate, type ErrorRateRule } from './error-rate.ts';
import { systemClock } from '../../core/logger.ts';

/** Something the driver could not use: a garbage line, a short report, an unmapped button. */
export interface ButtonProblem {
  reason: string;
  detail: string;
  /** Problems that are expected once in a while (a half line cut by an unplug) do not degrade. */
  counts: boolean;
}

/**
 * Diagnostics live on their own emitter: a wider event map on the driver itself would stop it
 * from being a FeedbackButtons (EventEmitter<A> and EventEmitter<A & B> are not assignable).
 */
export type ButtonDiagnosticsEvents = {
  problem: [problem: ButtonProblem];
  /** The box introduced itself (serial hello). */
  firmware: [firmware: string];
};

export interface ButtonDriverOptions {
  /** The device id used in device.status events, e.g. "buttons-exit". */
  id: string;
  transport: Transport;
  /** Button number -> level; default buttons 1..4 = levels 1..4. */
  levels?: ButtonLevels;
  debounceMs?: number;
  /** When garbage is frequent enough to report the device degraded. */
  garbage?: ErrorRateRule;
  /** Wall clock, ms since the epoch; injected by tests. */
  now?: () => number;
}

/**
 * What every transport-backed button driver shares: status from the transport's state and from
 * the rate of garbage, button -> level mapping, debounce, and never throwing into the kiosk.
 * A concrete driver only turns incoming bytes into button edges (`receive`).
 */
export abstract class TransportButtons extends EventEmitter<FeedbackButtonsEvents> implements FeedbackButtons {
  readonly id: string;
  /** Garbage lines, short reports, unmapped buttons, firmware ids: for logs and the devices screen. */
  readonly diagnostics = new EventEmitter<ButtonDiagnosticsEvents>();
  protected readonly transport: Transport;
  protected readonly now: () => number;
  private readonly levels: ButtonLevels;
  private readonly debouncer: Debouncer;
  private readonly garbage: ErrorRate;
  private currentStatus: DeviceStatus = { state: 'offline', code: 'stopped', detail: 'not started' };
  private recheck: NodeJS.Timeout | undefined;
  private readonly link: TransportLink;

  protected abstract readonly source: ButtonPress['source'];

  constructor(options: ButtonDriverOptions) {
    super();
    this.id = options.id;
    this.transport = options.transport;
    this.link = new TransportLink(this.transport, {
      data: (chunk) => this.safely(() => this.receive(chunk)),
      state: (state, reason) => this.safely(() => this.transportChanged(state, reason)),
    });
    this.now = options.now ?? systemClock.now;
    this.levels = validateButtonLevels(options.levels ?? DEFAULT_BUTTON_LEVELS);
    this.debouncer = new Debouncer(options.debounceMs ?? DEFAULT_DEBOUNCE_MS);
    this.garbage = new ErrorRate(options.garbage ?? DEFAULT_GARBAGE_RULE);
  }

  get status(): DeviceStatus {
    return this.currentStatus;
  }

  async start(): Promise<void> {
    if (!this.link.attach()) return;
    await this.transport.open();
  }

  async stop(): Promise<void> {
    if (!this.link.detach()) return;
    clearTimeout(this.recheck);
    await this.transport.close();
    this.setStatus(this.link.stoppedStatus());
  }

  /** Bytes from the transport: decode and call `edge`/`problem` for what they hold. */
  protected abstract receive(chunk: Buffer): void;

  /** The link dropped or came back: drop half-read state. */
  protected linkChanged(_open: boolean): void {}

  /**
   * A button went down. `deviceMs` is the device's own clock when it sends one (immune to how the
   * OS batched the bytes); otherwise the host's clock at arrival is used for debouncing.
   */
  protected edge(button: number, deviceMs?: number): void {
    const at = this.now();
    const level = levelOfButton(this.levels, button);
    if (level === undefined) {
      this.problem({
        reason: 'unmapped-button',
        detail: `button ${button} is not mapped to a level (mapped: ${Object.keys(this.levels).join(', ')})`,
        counts: true,
      });
      return;
    }
    if (!this.debouncer.accept(button, deviceMs ?? at)) return;
    // Caught per press: a failing listener must not cost the presses later in the same chunk.
    this.safely(() => this.emit('press', { level, button, at, source: this.source }));
  }

  /** The box (re)started: its uptime began again, so earlier edges say nothing about bounce. */
  protected boxRestarted(): void {
    this.debouncer.reset();
  }

  protected problem(problem: ButtonProblem): void {
    this.diagnostics.emit('problem', problem);
    if (!problem.counts) return;
    this.garbage.record(this.now());
    this.evaluate();
  }

  private transportChanged(state: TransportState, reason?: string): void {
    this.linkChanged(state === 'open');
    this.evaluate(state, reason);
  }

  private evaluate(state: TransportState = this.transport.state, reason?: string): void {
    const what = this.transport.description;
    clearTimeout(this.recheck);
    switch (state) {
      case 'connecting':
        this.setStatus({ state: 'offline', code: 'connecting', detail: `${what}: opening` });
        return;
      case 'reconnecting':
        this.setStatus({
          state: 'offline',
          code: 'disconnected',
          detail: `${what}: ${reason ?? 'link lost'}; reconnecting by itself (check the cable and the box's power)`,
        });
        return;
      case 'closed':
        this.setStatus({ state: 'offline', code: 'stopped', detail: `${what}: closed` });
        return;
      case 'open':
        break;
    }
    const now = this.now();
    if (!this.garbage.unhealthy(now)) {
      this.setStatus({ state: 'ready' });
      return;
    }
    const { threshold, windowMs } = this.garbage.rule;
    this.setStatus({
      state: 'degraded',
      code: 'garbage',
      detail:
        `${what}: ${this.garbage.count(now)} unreadable messages in the last ${Math.round(windowMs / 1000)} s ` +
        `(${threshold} degrade): check the baud rate, the cable and the box's firmware`,
    });
    const next = this.garbage.nextChangeAt();
    if (next !== undefined) {
      this.recheck = setTimeout(() => this.safely(() => this.evaluate()), Math.max(0, next - now) + 1);
      this.recheck.unref();
    }
  }

  private setStatus(status: DeviceStatus): void {
    const previous = this.currentStatus;
    this.currentStatus = status;
    // One device.status event per change of state or cause, not per retry of the same outage.
    if (previous.state !== status.state || previous.code !== status.code) this.emit('status', status);
  }

  /** A listener's bug or a decoder surprise must not take the transport (and the kiosk) down. */
  private safely(work: () => void): void {
    try {
      work();
    } catch (error) {
      // Not the device's fault (most likely a listener's), so it does not degrade the device.
      try {
        this.diagnostics.emit('problem', {
          reason: 'driver-error',
          detail: (error as Error).stack ?? String(error),
          counts: false,
        });
      } catch {
        // A throwing problem listener has nowhere left to report to.
      }
    }
  }
}
