import { LineFramer, DEFAULT_MAX_LINE_LENGTH, type FrameError, type FramingErrorReason } from './line-framer.ts';

/**
 * The serial button-box protocol, version 1 (README.md "Serial line protocol"), one ASCII line
 * per message:
 *   P <button> [<uptime-ms>] [*hh]   a press
 *   H <firmware> [<uptime-ms>] [*hh] hello at boot, and a heartbeat every few seconds
 *   # <anything>                     firmware debug output, ignored
 * `*hh` is an optional checksum: two hex digits, the XOR of every byte before the `*`.
 * The host may send `?` to ask for a hello.
 */
export type ButtonBoxMessage =
  | { type: 'press'; button: number; uptimeMs?: number }
  | { type: 'hello'; firmware: string; uptimeMs?: number }
  | { type: 'comment'; text: string };

type ButtonBoxErrorReason =
  | FramingErrorReason
  | 'unknown-command'
  | 'bad-button'
  | 'bad-time'
  | 'bad-firmware'
  | 'bad-checksum'
  | 'extra-fields';

type ButtonBoxError = FrameError<ButtonBoxErrorReason>;

export type DecodeResult = { ok: true; message: ButtonBoxMessage } | { ok: false; error: ButtonBoxError };

export const MAX_BUTTON = 32;
/** Arduino's millis() is an unsigned 32-bit counter: it wraps after 49.7 days. */
export const MAX_UPTIME_MS = 0xffff_ffff;
export const HELLO_REQUEST = '?';
const FIRMWARE = /^[A-Za-z0-9._+/-]{1,32}$/;
const DECIMAL = /^(0|[1-9][0-9]*)$/;

function xorChecksum(text: string): number {
  let sum = 0;
  for (let i = 0; i < text.length; i += 1) sum ^= text.charCodeAt(i);
  return sum;
}

function fail(reason: ButtonBoxErrorReason, line: string): DecodeResult {
  return { ok: false, error: { reason, line: line.length > 80 ? `${line.slice(0, 80)}...` : line } };
}

function parseUptime(field: string | undefined): number | undefined | null {
  if (field === undefined) return undefined;
  if (!DECIMAL.test(field) || field.length > 10) return null;
  const value = Number(field);
  return value <= MAX_UPTIME_MS ? value : null;
}

/** Decodes one line (without its terminator). Pure; never throws. */
export function decodeButtonBoxLine(line: string): DecodeResult {
  if (line.startsWith('#')) return { ok: true, message: { type: 'comment', text: line.slice(1).trim() } };
  let body = line;
  const star = line.lastIndexOf('*');
  if (star !== -1) {
    const sum = line.slice(star + 1).trim();
    if (!/^[0-9A-Fa-f]{2}$/.test(sum)) return fail('bad-checksum', line);
    body = line.slice(0, star);
    if (xorChecksum(body) !== Number.parseInt(sum, 16)) return fail('bad-checksum', line);
  }
  const [command, first, second, ...rest] = body.trim().split(/[ \t]+/);
  if (rest.length > 0) return fail('extra-fields', line);
  const uptimeMs = parseUptime(second);
  switch (command) {
    case 'P': {
      if (first === undefined || !DECIMAL.test(first)) return fail('bad-button', line);
      const button = Number(first);
      if (button < 1 || button > MAX_BUTTON) return fail('bad-button', line);
      if (uptimeMs === null) return fail('bad-time', line);
      return {
        ok: true,
        message: uptimeMs === undefined ? { type: 'press', button } : { type: 'press', button, uptimeMs },
      };
    }
    case 'H': {
      if (first === undefined || !FIRMWARE.test(first)) return fail('bad-firmware', line);
      if (uptimeMs === null) return fail('bad-time', line);
      return {
        ok: true,
        message:
          uptimeMs === undefined ? { type: 'hello', firmware: first } : { type: 'hello', firmware: first, uptimeMs },
      };
    }
    default:
      return fail('unknown-command', line);
  }
}

/** One message as the bytes a box sends, terminator included. */
export function encodeButtonBoxMessage(message: ButtonBoxMessage, options: { checksum?: boolean } = {}): Buffer {
  let body: string;
  switch (message.type) {
    case 'press':
      body = message.uptimeMs === undefined ? `P ${message.button}` : `P ${message.button} ${message.uptimeMs}`;
      break;
    case 'hello':
      body = message.uptimeMs === undefined ? `H ${message.firmware}` : `H ${message.firmware} ${message.uptimeMs}`;
      break;
    case 'comment':
      body = `# ${message.text}`;
      break;
  }
  if (options.checksum && message.type !== 'comment')
    body += `*${xorChecksum(body).toString(16).toUpperCase().padStart(2, '0')}`;
  return Buffer.from(`${body}\n`, 'latin1');
}

/** Framing plus decoding: feed it chunks as they arrive, get messages and errors in order. */
export class ButtonBoxDecoder {
  private readonly framer: LineFramer;

  constructor(maxLineLength: number = DEFAULT_MAX_LINE_LENGTH) {
    this.framer = new LineFramer(maxLineLength);
  }

  feed(chunk: Uint8Array): DecodeResult[] {
    return this.framer
      .feed(chunk)
      .map((frame) => (frame.kind === 'line' ? decodeButtonBoxLine(frame.text) : { ok: false, error: frame.error }));
  }

  /** Call when the link drops: a pending half line is reported as truncated. */
  reset(): DecodeResult[] {
    return this.framer
      .reset()
      .map((frame) => (frame.kind === 'line' ? decodeButtonBoxLine(frame.text) : { ok: false, error: frame.error }));
  }
}
