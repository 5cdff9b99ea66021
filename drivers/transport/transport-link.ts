import type { DeviceStatus } from '../device.ts';
import type { Transport, TransportState } from './transport.ts';

export interface TransportListeners {
  data(chunk: Buffer): void;
  state(state: TransportState, reason?: string): void;
}

/**
 * A driver's hold on its transport between start() and stop(): it listens to the transport's
 * bytes and state only while started, and hears the current state as soon as it attaches. Each
 * driver keeps its own timers and queues around it, and opens and closes the transport itself
 * (some have work between attaching and opening, or between detaching and closing).
 */
export class TransportLink {
  private attached = false;

  constructor(
    readonly transport: Transport,
    private readonly listeners: TransportListeners,
  ) {}

  get started(): boolean {
    return this.attached;
  }

  /** Starts listening; false (and nothing done) when already started. */
  attach(): boolean {
    if (this.attached) return false;
    this.attached = true;
    this.transport.on('data', this.listeners.data);
    this.transport.on('state', this.listeners.state);
    this.listeners.state(this.transport.state);
    return true;
  }

  /** Stops listening; false (and nothing done) when not started. */
  detach(): boolean {
    if (!this.attached) return false;
    this.attached = false;
    this.transport.off('data', this.listeners.data);
    this.transport.off('state', this.listeners.state);
    return true;
  }

  /** The status a driver reports once stopped. */
  stoppedStatus(): DeviceStatus {
    return { state: 'offline', code: 'stopped', detail: `${this.transport.description}: stopped` };
  }
}
