import type { EventEmitter } from 'node:events';

/**
 * The bottom layer of every device stack (transport -> framing -> codec -> driver): bytes in and
 * out over serial, TCP or HID, with a state a driver can report. A transport reconnects by itself
 * after an unplug or a dropped socket and never throws into the kiosk for that.
 */
export type TransportState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface TransportEvents {
  data: [chunk: Buffer];
  state: [state: TransportState, reason?: string];
}

export interface Transport extends EventEmitter<TransportEvents> {
  /** Human-readable, for logs and status screens: "serial /dev/ttyUSB0 @ 38400", "tcp 10.0.0.5:9100". */
  readonly description: string;
  readonly state: TransportState;
  /** Starts connecting; resolves after the first attempt whether or not it succeeded (see `state`). */
  open(): Promise<void>;
  /** Rejects with TransportClosedError while not open; the bytes are not queued. */
  write(data: Uint8Array): Promise<void>;
  /** Stops for good: no more reconnects. */
  close(): Promise<void>;
}

export class TransportClosedError extends Error {
  constructor(
    readonly description: string,
    readonly state: TransportState,
  ) {
    super(`${description} is not connected (${state}): check the cable and the device's power`);
    this.name = 'TransportClosedError';
  }
}
