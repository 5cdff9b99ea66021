import { SerialPort } from 'serialport';
import type { BackoffPolicy } from '../../core/backoff.ts';
import { hangupAwareBinding } from './hangup-binding.ts';
import { ReconnectingTransport, type Link, type LinkHandlers } from './reconnecting-transport.ts';

/** Ports opened through this binding report an unplug instead of spinning (see hangup-binding.ts). */
const BINDING = hangupAwareBinding();

/** serialport's options type hides `binding`, though its constructor honours one. */
export function withHangupBinding<T extends object>(options: T): T {
  return { ...options, binding: BINDING };
}

export interface SerialTransportOptions {
  /** /dev/ttyACM0, /dev/serial/by-id/... (stable across replugs), COM3, or a pty link in tests. */
  path: string;
  baudRate: number;
  dataBits?: 5 | 6 | 7 | 8;
  parity?: 'none' | 'even' | 'odd' | 'mark' | 'space';
  stopBits?: 1 | 1.5 | 2;
  backoff?: BackoffPolicy;
}

function describeSerial(options: SerialTransportOptions): string {
  const frame = `${options.dataBits ?? 8}${(options.parity ?? 'none')[0]!.toUpperCase()}${options.stopBits ?? 1}`;
  return `serial ${options.path} @ ${options.baudRate} ${frame}`;
}

/** An open failure in words staff can act on; the raw message stays at the end for support. */
export function explainSerialOpenError(error: Error & { code?: string }, path: string): string {
  const raw = error.message;
  if (error.code === 'ENOENT' || /no such file/i.test(raw))
    return `${path} is not there (unplugged, or the wrong path): ${raw}`;
  if (error.code === 'EACCES' || /permission denied/i.test(raw))
    return `no permission to open ${path}: add the kiosk's user to the "dialout" group (${raw})`;
  if (/lock|busy|EBUSY|EAGAIN|temporarily unavailable/i.test(raw))
    return `${path} is in use by another program (a serial monitor?): ${raw}`;
  return `cannot open ${path}: ${raw}`;
}

async function openSerialLink(options: SerialTransportOptions, handlers: LinkHandlers): Promise<Link> {
  const port = new SerialPort(
    withHangupBinding({
      path: options.path,
      baudRate: options.baudRate,
      dataBits: options.dataBits ?? 8,
      parity: options.parity ?? 'none',
      stopBits: options.stopBits ?? 1,
      autoOpen: false,
    }),
  );
  // Always listened to: an 'error' without a listener would crash the kiosk.
  port.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    port.open((error) => (error ? reject(new Error(explainSerialOpenError(error, options.path))) : resolve()));
  });

  let gone = false;
  const lost = (reason: string) => {
    if (gone) return;
    gone = true;
    port.off('data', handlers.onData);
    handlers.onClose(reason);
  };
  port.on('data', handlers.onData);
  // An unplug (or the far end of a pty closing) ends the pending read (hangup-binding.ts);
  // serialport then closes the port with a DisconnectedError. Any other error also leaves the
  // port unusable.
  port.on('close', (error: Error | null) =>
    lost(error ? `${options.path} disconnected: ${error.message}` : `${options.path} closed`),
  );
  port.on('error', (error) => {
    lost(`${options.path}: ${error.message}`);
    if (port.isOpen) port.close(() => undefined);
  });

  return {
    write: (data) =>
      new Promise<void>((resolve, reject) => {
        port.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength), (error) => {
          if (error) reject(error);
          else port.drain((drainError) => (drainError ? reject(drainError) : resolve()));
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        gone = true;
        port.off('data', handlers.onData);
        if (!port.isOpen) return resolve();
        port.close(() => resolve());
      }),
  };
}

/**
 * A serial line (USB CDC, FTDI, RS-232, or a pseudo-terminal) that reopens by itself when the
 * device comes back after an unplug.
 */
export class SerialTransport extends ReconnectingTransport {
  constructor(readonly options: SerialTransportOptions) {
    super(describeSerial(options), (handlers) => openSerialLink(options, handlers), options.backoff);
  }
}
