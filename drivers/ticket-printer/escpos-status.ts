/**
 * What an Epson-compatible ESC/POS printer sends back, read as a byte stream (README.md
 * "Reading what the printer sends"). Three kinds of message share the line, in any order and in whatever chunks
 * the transport hands over, and are told apart by their fixed bits (Epson's "transmission status
 * identification"):
 *   - a reply to a real-time query `DLE EOT n`: one byte, (b & 0x93) === 0x12;
 *   - automatic status back (enabled by `GS a n`): four bytes, the first (b & 0x93) === 0x10, the
 *     other three (b & 0x90) === 0x00; the printer sends one whenever its state changes;
 *   - a reply to `GS r 1` (paper sensor status, processed in line with the print data, so it also
 *     marks "everything before it has printed"): one byte, (b & 0x90) === 0x00.
 * A DLE EOT reply may arrive between the bytes of an ASB message. Anything else is garbage: it is
 * reported byte by byte and never swallows the next good message.
 */

export const DLE_EOT = (n: 1 | 2 | 3 | 4): Buffer => Buffer.from([0x10, 0x04, n]);
/** `GS a n`: bit 1 online/offline, bit 2 errors, bit 3 roll paper sensors (bit 0, the drawer, is not ours). */
export const ASB_FLAGS = 0x0e;
export const ENABLE_ASB = (flags: number = ASB_FLAGS): Buffer => Buffer.from([0x1d, 0x61, flags]);
/** `GS r 1`: paper sensor status, answered once the data before it has been processed. */
export const TRANSMIT_PAPER_STATUS = Buffer.from([0x1d, 0x72, 0x01]);
/** The same request with n as the ASCII digit (GS r 49), as receiptline's escpos command set writes it. */
export const TRANSMIT_PAPER_STATUS_ASCII = Buffer.from([0x1d, 0x72, 0x31]);

const XON = 0x11;
const XOFF = 0x13;

export type PrinterFault = 'recoverable' | 'autocutter' | 'unrecoverable' | 'auto-recoverable';

/** What the printer reported about itself, merged from ASB and DLE EOT replies. */
export interface PrinterCondition {
  offline: boolean;
  coverOpen: boolean;
  paperOut: boolean;
  paperNearEnd: boolean;
  /** Waiting for online recovery (e.g. after a paper change, until the cover is closed or a button pressed). */
  waitingForRecovery: boolean;
  faults: PrinterFault[];
}

export const GOOD_CONDITION: PrinterCondition = {
  offline: false,
  coverOpen: false,
  paperOut: false,
  paperNearEnd: false,
  waitingForRecovery: false,
  faults: [],
};

export type StatusFrame =
  /** One byte answering the oldest outstanding DLE EOT query; what it means depends on n. */
  | { kind: 'realtime'; byte: number }
  | { kind: 'asb'; bytes: [number, number, number, number]; condition: PrinterCondition }
  /** The GS r 1 reply: printing caught up with it; paper sensors as seen then. */
  | { kind: 'paper-status'; byte: number; paperNearEnd: boolean; paperOut: boolean }
  | { kind: 'garbage'; reason: 'unexpected-byte' | 'truncated-asb'; bytes: number[] };

const isRealtimeReply = (byte: number) => (byte & 0x93) === 0x12;
const isAsbHeader = (byte: number) => (byte & 0x93) === 0x10;
const isAsbBody = (byte: number) => (byte & 0x90) === 0x00;

function faultsOf(
  byte: number,
  bits: { recoverable: number; autocutter: number; unrecoverable: number; autoRecoverable: number },
): PrinterFault[] {
  const faults: PrinterFault[] = [];
  if (byte & bits.recoverable) faults.push('recoverable');
  if (byte & bits.autocutter) faults.push('autocutter');
  if (byte & bits.unrecoverable) faults.push('unrecoverable');
  if (byte & bits.autoRecoverable) faults.push('auto-recoverable');
  return faults;
}

/** Epson's GS a layout: byte 1 printer, byte 2 errors, byte 3 paper sensors, byte 4 model-specific. */
export function decodeAsb(bytes: readonly [number, number, number, number]): PrinterCondition {
  const [first, second, third] = bytes;
  return {
    offline: (first & 0x08) !== 0,
    coverOpen: (first & 0x20) !== 0,
    waitingForRecovery: (second & 0x01) !== 0,
    faults: faultsOf(second, { recoverable: 0x04, autocutter: 0x08, unrecoverable: 0x20, autoRecoverable: 0x40 }),
    paperNearEnd: (third & 0x03) !== 0,
    paperOut: (third & 0x0c) !== 0,
  };
}

/** The part of the condition one DLE EOT n reply tells. */
export function decodeRealtimeReply(n: 1 | 2 | 3 | 4, byte: number): Partial<PrinterCondition> {
  switch (n) {
    case 1:
      return { offline: (byte & 0x08) !== 0, waitingForRecovery: (byte & 0x20) !== 0 };
    case 2: {
      // Bit 6 says "an error occurred"; which one is DLE EOT 3's answer.
      return { coverOpen: (byte & 0x04) !== 0, paperOut: (byte & 0x20) !== 0 };
    }
    case 3:
      return {
        faults: faultsOf(byte, { recoverable: 0x04, autocutter: 0x08, unrecoverable: 0x20, autoRecoverable: 0x40 }),
      };
    case 4:
      return { paperNearEnd: (byte & 0x0c) !== 0, paperOut: (byte & 0x60) !== 0 };
  }
}

/**
 * The byte-stream state machine. Feed it chunks as they arrive; it returns the frames completed by
 * each chunk, the same frames however the bytes were cut.
 */
export class EscposStatusReader {
  /** The ASB message being collected (header first), or empty between messages. */
  private asb: number[] = [];

  feed(chunk: Uint8Array): StatusFrame[] {
    const frames: StatusFrame[] = [];
    for (const byte of chunk) this.take(byte, frames);
    return frames;
  }

  /** The link dropped: an ASB message cut in half will never complete. */
  reset(): StatusFrame[] {
    const frames: StatusFrame[] = [];
    if (this.asb.length > 0) frames.push({ kind: 'garbage', reason: 'truncated-asb', bytes: this.asb });
    this.asb = [];
    return frames;
  }

  private take(byte: number, frames: StatusFrame[]): void {
    // Software flow control on a serial line, not status.
    if (byte === XON || byte === XOFF) return;
    if (this.asb.length > 0) {
      if (isAsbBody(byte)) {
        this.asb.push(byte);
        if (this.asb.length === 4) {
          const bytes = this.asb as [number, number, number, number];
          this.asb = [];
          frames.push({ kind: 'asb', bytes, condition: decodeAsb(bytes) });
        }
        return;
      }
      if (isRealtimeReply(byte)) {
        frames.push({ kind: 'realtime', byte });
        return;
      }
      // Neither a body byte nor an interleaved reply: the message was cut; the byte starts afresh.
      frames.push({ kind: 'garbage', reason: 'truncated-asb', bytes: this.asb });
      this.asb = [];
    }
    if (isAsbHeader(byte)) {
      this.asb = [byte];
    } else if (isRealtimeReply(byte)) {
      frames.push({ kind: 'realtime', byte });
    } else if ((byte & 0x90) === 0x00) {
      frames.push({ kind: 'paper-status', byte, paperNearEnd: (byte & 0x03) !== 0, paperOut: (byte & 0x0c) !== 0 });
    } else {
      frames.push({ kind: 'garbage', reason: 'unexpected-byte', bytes: [byte] });
    }
  }
}

/** The printer end of the same protocol: what a printer in `condition` sends (the emulator uses these). */
export function encodeAsb(condition: PrinterCondition, extra: { feeding?: boolean } = {}): Buffer {
  const faults = new Set(condition.faults);
  const first = 0x10 | (condition.offline ? 0x08 : 0) | (condition.coverOpen ? 0x20 : 0) | (extra.feeding ? 0x40 : 0);
  const second =
    (condition.waitingForRecovery ? 0x01 : 0) |
    (faults.has('recoverable') ? 0x04 : 0) |
    (faults.has('autocutter') ? 0x08 : 0) |
    (faults.has('unrecoverable') ? 0x20 : 0) |
    (faults.has('auto-recoverable') ? 0x40 : 0);
  const third = (condition.paperNearEnd ? 0x03 : 0) | (condition.paperOut ? 0x0c : 0);
  return Buffer.from([first, second, third, 0x00]);
}

export function encodeRealtimeReply(n: number, condition: PrinterCondition): number {
  const faults = new Set(condition.faults);
  switch (n) {
    case 1:
      return 0x12 | (condition.offline ? 0x08 : 0) | (condition.waitingForRecovery ? 0x20 : 0);
    case 2:
      return 0x12 | (condition.coverOpen ? 0x04 : 0) | (condition.paperOut ? 0x20 : 0) | (faults.size > 0 ? 0x40 : 0);
    case 3:
      return (
        0x12 |
        (faults.has('recoverable') ? 0x04 : 0) |
        (faults.has('autocutter') ? 0x08 : 0) |
        (faults.has('unrecoverable') ? 0x20 : 0) |
        (faults.has('auto-recoverable') ? 0x40 : 0)
      );
    default:
      return 0x12 | (condition.paperNearEnd ? 0x0c : 0) | (condition.paperOut ? 0x60 : 0);
  }
}

export function encodePaperStatus(condition: PrinterCondition): number {
  return (condition.paperNearEnd ? 0x03 : 0) | (condition.paperOut ? 0x0c : 0);
}
