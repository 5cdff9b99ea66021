/**
 * Framing for line protocols: bytes in whatever chunks the serial driver hands over, lines out.
 * CR, LF and CRLF all end a line (Arduino's println sends CRLF, some terminals only CR); empty
 * lines are skipped. Lines are printable ASCII (tabs allowed). The framer never throws and never
 * lets a bad line swallow the next good one: an overlong line is reported once and dropped up to
 * its terminator.
 */
export type FramingErrorReason = 'line-too-long' | 'truncated' | 'non-ascii';

export interface FrameError<Reason extends string = FramingErrorReason> {
  reason: Reason;
  /** The offending bytes as text (latin1, cut to 80 characters), for logs. */
  line: string;
}

export type LineFrame = { kind: 'line'; text: string } | { kind: 'error'; error: FrameError };

const CR = 0x0d;
const LF = 0x0a;
const TAB = 0x09;
const SHOWN_CHARACTERS = 80;

export const DEFAULT_MAX_LINE_LENGTH = 128;

function showBytes(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return text.length > SHOWN_CHARACTERS ? `${text.slice(0, SHOWN_CHARACTERS)}...` : text;
}

export class LineFramer {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** Inside an overlong line already reported: drop bytes until its terminator. */
  private discarding = false;

  constructor(readonly maxLineLength: number = DEFAULT_MAX_LINE_LENGTH) {}

  feed(chunk: Uint8Array): LineFrame[] {
    const frames: LineFrame[] = [];
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (let i = 0; i < bytes.length; i += 1) {
      const byte = bytes[i]!;
      if (byte !== CR && byte !== LF) continue;
      this.take(bytes.subarray(start, i), frames);
      this.endLine(frames);
      start = i + 1;
    }
    this.take(bytes.subarray(start), frames);
    return frames;
  }

  /**
   * The link dropped: whatever half line is pending will never be completed (the device resent
   * nothing of it after a replug), so it is reported as truncated and forgotten.
   */
  reset(): LineFrame[] {
    const frames: LineFrame[] = [];
    if (this.pendingLength > 0 && !this.discarding) {
      frames.push({ kind: 'error', error: { reason: 'truncated', line: showBytes(Buffer.concat(this.pending)) } });
    }
    this.clear();
    return frames;
  }

  private take(part: Buffer, frames: LineFrame[]): void {
    if (part.length === 0 || this.discarding) return;
    if (this.pendingLength + part.length > this.maxLineLength) {
      const shown = Buffer.concat([...this.pending, part]);
      frames.push({ kind: 'error', error: { reason: 'line-too-long', line: showBytes(shown) } });
      this.clear();
      this.discarding = true;
      return;
    }
    // Copied: the caller may reuse its chunk buffer (serialport's read pool does).
    this.pending.push(Buffer.from(part));
    this.pendingLength += part.length;
  }

  private endLine(frames: LineFrame[]): void {
    if (this.discarding) {
      this.discarding = false;
      return;
    }
    if (this.pendingLength === 0) return;
    const line = Buffer.concat(this.pending);
    this.clear();
    if (line.some((byte) => (byte < 0x20 && byte !== TAB) || byte > 0x7e)) {
      frames.push({ kind: 'error', error: { reason: 'non-ascii', line: showBytes(line) } });
      return;
    }
    frames.push({ kind: 'line', text: line.toString('latin1') });
  }

  private clear(): void {
    this.pending = [];
    this.pendingLength = 0;
    this.discarding = false;
  }
}
