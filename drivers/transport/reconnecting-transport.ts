import { EventEmitter } from 'node:events';
import { backoffDelay, type BackoffPolicy } from '../../core/backoff.ts';
import { TransportClosedError, type Transport, type TransportEvents, type TransportState } from './transport.ts';

/** One live connection made by a connector: serial port, socket, HID handle. */
export interface Link {
  write(data: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export interface LinkHandlers {
  onData(chunk: Buffer): void;
  /** The link is gone (unplugged, reset, error); the transport reconnects. */
  onClose(reason: string): void;
}

export type Connector = (handlers: LinkHandlers) => Promise<Link>;

/** Devices come back within seconds of a replug; a minute is the most a kiosk waits between tries. */
const DEVICE_BACKOFF: BackoffPolicy = { baseMs: 200, maxMs: 60_000, jitter: 0.3 };

/**
 * The reconnect loop shared by every transport: connect, and whenever the link drops, try again
 * with capped, jittered backoff until closed. Concrete transports only say how to connect.
 */
export class ReconnectingTransport extends EventEmitter<TransportEvents> implements Transport {
  private currentState: TransportState = 'closed';
  private link: Link | undefined;
  private attempts = 0;
  private timer: NodeJS.Timeout | undefined;
  private closing = false;
  /** Identifies the current connection so late events from a dropped one are ignored. */
  private epoch = 0;

  constructor(
    readonly description: string,
    private readonly connector: Connector,
    private readonly backoff: BackoffPolicy = DEVICE_BACKOFF,
  ) {
    super();
  }

  get state(): TransportState {
    return this.currentState;
  }

  async open(): Promise<void> {
    if (this.currentState !== 'closed') return;
    this.closing = false;
    this.setState('connecting');
    await this.attempt();
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.currentState !== 'open' || !this.link) throw new TransportClosedError(this.description, this.currentState);
    await this.link.write(data);
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    this.epoch += 1;
    const link = this.link;
    this.link = undefined;
    this.setState('closed');
    await link?.close().catch(() => undefined);
  }

  /** Resolves once open, or rejects after `timeoutMs` naming what it waited for. */
  waitUntilOpen(timeoutMs: number): Promise<void> {
    if (this.currentState === 'open') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('state', onState);
        reject(new Error(`${this.description} did not open within ${timeoutMs} ms (state ${this.currentState})`));
      }, timeoutMs);
      const onState = (state: TransportState) => {
        if (state !== 'open') return;
        clearTimeout(timer);
        this.off('state', onState);
        resolve();
      };
      this.on('state', onState);
    });
  }

  private async attempt(): Promise<void> {
    if (this.closing) return;
    const epoch = ++this.epoch;
    try {
      const link = await this.connector({
        onData: (chunk) => {
          if (epoch === this.epoch) this.emit('data', chunk);
        },
        onClose: (reason) => {
          if (epoch !== this.epoch || this.closing) return;
          this.link = undefined;
          this.scheduleReconnect(reason);
        },
      });
      if (epoch !== this.epoch || this.closing) {
        await link.close().catch(() => undefined);
        return;
      }
      this.link = link;
      this.attempts = 0;
      this.setState('open');
    } catch (error) {
      if (epoch === this.epoch) this.scheduleReconnect((error as Error).message);
    }
  }

  private scheduleReconnect(reason: string): void {
    if (this.closing) return;
    this.attempts += 1;
    this.setState('reconnecting', reason);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.attempt(), backoffDelay(this.attempts, this.backoff));
  }

  private setState(state: TransportState, reason?: string): void {
    if (state === this.currentState && state !== 'reconnecting') return;
    this.currentState = state;
    this.emit('state', state, reason);
  }
}
