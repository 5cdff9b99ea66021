/**
 * The Alpha sign communications protocol (Alpha/BetaBrite LED signs; README.md "Alpha
 * protocol LED signs"). One packet:
 *
 *   NUL x5 | SOH | type 'Z' | address "00" | STX | command | data | ETX | checksum (4 hex) | EOT
 *
 * The checksum is the sum of the bytes from STX to ETX inclusive, mod 65536, as 4 upper-case hex
 * digits. The NULs let the sign find the baud rate; a pause of about a second ends a packet, so a
 * packet goes out in one write.
 *
 * To change a number without the sign blanking, memory is configured once (`E$`) with a TEXT file
 * and locked STRING files; the TEXT file calls the strings (`10 <label>`), and later updates
 * rewrite only a STRING (`G`), which the sign swaps in place. Rewriting the TEXT file restarts
 * its display (a visible blank).
 */
const NUL = 0x00;
const SOH = 0x01;
const STX = 0x02;
const ETX = 0x03;
const EOT = 0x04;
const ESC = 0x1b;
/** Inside a TEXT file: "show STRING file <label> here". */
const CALL_STRING = 0x10;

const ALL_SIGNS = 'Z';
const BROADCAST = '00';
const SYNC_NULS = 5;

const COMMAND = { writeText: 'A', writeSpecial: 'E', writeString: 'G' } as const;
/** Special function `E$`: memory configuration (clears every file). */
const SET_MEMORY = '$';

/** Display positions (the byte after ESC in a TEXT file). */
export const POSITION = { middle: 0x20, top: 0x22, bottom: 0x26, fill: 0x30 } as const;
/** Display modes: 'a' rotate, 'b' hold, ... */
export const MODE = { rotate: 0x61, hold: 0x62, flash: 0x63, rollUp: 0x65, scroll: 0x6d, automode: 0x6f } as const;

export function alphaChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const byte of bytes) sum = (sum + byte) & 0xffff;
  return sum;
}

function hex4(value: number): string {
  return value.toString(16).toUpperCase().padStart(4, '0');
}

function checkLabel(label: string): string {
  if (label.length !== 1 || label < ' ' || label > '~')
    throw new RangeError(`Alpha file label must be one printable ASCII character, got ${JSON.stringify(label)}`);
  return label;
}

function ascii(text: string, what: string): Buffer {
  const bytes = Buffer.from(text, 'latin1');
  const bad = bytes.findIndex((b) => b < 0x20 || b > 0x7e);
  if (bad >= 0 || bytes.length !== text.length)
    throw new RangeError(
      `Alpha ${what} must be printable ASCII; reduce it with toDisplayAscii() first (got ${JSON.stringify(text)})`,
    );
  return bytes;
}

export interface AlphaAddress {
  /** Sign type code: 'Z' = every sign type. */
  type?: string;
  /** Two hex digits; "00" = every sign on the line. */
  address?: string;
}

/** A whole packet for one command: `command` is its code byte(s) and data. */
export function encodeAlphaPacket(command: Uint8Array, to: AlphaAddress = {}): Buffer {
  const type = to.type ?? ALL_SIGNS;
  const address = to.address ?? BROADCAST;
  if (!/^[0-9A-Fa-f]{2}$/.test(address))
    throw new RangeError(
      `Alpha sign address must be two hex digits ("00" = all signs), got ${JSON.stringify(address)}`,
    );
  checkLabel(type);
  const body = Buffer.concat([Buffer.from([STX]), command, Buffer.from([ETX])]);
  for (const byte of command) {
    if (byte <= EOT)
      throw new RangeError(`Alpha command data cannot contain framing byte 0x0${byte} (it would end the packet early)`);
  }
  return Buffer.concat([
    Buffer.alloc(SYNC_NULS, NUL),
    Buffer.from([SOH]),
    Buffer.from(type + address, 'latin1'),
    body,
    Buffer.from(hex4(alphaChecksum(body)), 'latin1'),
    Buffer.from([EOT]),
  ]);
}

/** One piece of a TEXT file: plain text, a STRING call, or a position/mode switch. */
export type AlphaTextPart = { text: string } | { string: string } | { position: number; mode: number };

function encodeTextBody(parts: readonly AlphaTextPart[]): Buffer {
  return Buffer.concat(
    parts.map((part) => {
      if ('text' in part) return ascii(part.text, 'text');
      if ('string' in part) return Buffer.from([CALL_STRING, checkLabel(part.string).charCodeAt(0)]);
      return Buffer.from([ESC, part.position, part.mode]);
    }),
  );
}

/** `A <label> <text>`: replaces a TEXT file; the sign restarts showing it (a blank). */
export function encodeWriteText(label: string, parts: readonly AlphaTextPart[], to?: AlphaAddress): Buffer {
  return encodeAlphaPacket(
    Buffer.concat([Buffer.from(COMMAND.writeText + checkLabel(label), 'latin1'), encodeTextBody(parts)]),
    to,
  );
}

/** `G <label> <text>`: replaces a STRING file's contents in place, without blanking. */
export function encodeWriteString(label: string, text: string, to?: AlphaAddress): Buffer {
  return encodeAlphaPacket(
    Buffer.concat([Buffer.from(COMMAND.writeString + checkLabel(label), 'latin1'), ascii(text, 'string')]),
    to,
  );
}

export type AlphaFile =
  | { label: string; type: 'text'; size: number; locked?: boolean }
  /** STRING files must be locked (keyboard-protected) by the protocol. */
  | { label: string; type: 'string'; size: number };

const MAX_FILE_SIZE = 0xffff;

/**
 * `E$` memory configuration. Each file: label, type ('A' TEXT, 'B' STRING), 'U'/'L' (unlocked /
 * locked), size as 4 hex digits, then 4 more: for TEXT the start and stop times ("FF00" = always
 * shown), for STRING "0000".
 */
export function encodeMemoryConfiguration(files: readonly AlphaFile[], to?: AlphaAddress): Buffer {
  if (files.length === 0) throw new RangeError('Alpha memory configuration needs at least one file');
  const seen = new Set<string>();
  const entries = files.map((file) => {
    checkLabel(file.label);
    if (seen.has(file.label)) throw new RangeError(`Alpha memory configuration: label ${file.label} is used twice`);
    seen.add(file.label);
    if (!Number.isInteger(file.size) || file.size < 1 || file.size > MAX_FILE_SIZE)
      throw new RangeError(`Alpha file ${file.label}: size must be 1..${MAX_FILE_SIZE} bytes, got ${file.size}`);
    return file.type === 'text'
      ? `${file.label}A${file.locked ? 'L' : 'U'}${hex4(file.size)}FF00`
      : `${file.label}BL${hex4(file.size)}0000`;
  });
  return encodeAlphaPacket(Buffer.from(COMMAND.writeSpecial + SET_MEMORY + entries.join(''), 'latin1'), to);
}

// ---------------------------------------------------------------------------------------------
// Decoding (what the emulator does with the bytes)

export interface AlphaCommand {
  /** The command code: 'A', 'E', 'G', ... */
  code: string;
  data: Buffer;
  /** False when the command came without a checksum (signs accept that). */
  checked: boolean;
}

export interface AlphaPacket {
  type: string;
  address: string;
  /** One command, or several in a nested packet (STX ... ETX cccc STX ... ETX cccc EOT). */
  commands: AlphaCommand[];
}

export type AlphaErrorReason = 'bad-checksum' | 'bad-header' | 'truncated' | 'too-long' | 'missing-eot' | 'garbage';

interface AlphaError {
  reason: AlphaErrorReason;
  /** What exactly was wrong, for the emulator's log. */
  detail: string;
}

export type AlphaFrame = { kind: 'packet'; packet: AlphaPacket } | { kind: 'error'; error: AlphaError };

/** Text files on real signs are up to a few KB; anything longer is a runaway stream. */
const MAX_COMMAND_BYTES = 8192;
const MAX_HEADER_BYTES = 8;
const SHOWN_BYTES = 24;

function show(bytes: readonly number[]): string {
  const shown = bytes
    .slice(0, SHOWN_BYTES)
    .map((b) => b.toString(16).padStart(2, '0').toUpperCase())
    .join(' ');
  return bytes.length > SHOWN_BYTES ? `${shown} ... (${bytes.length} bytes)` : shown;
}

type Phase = 'idle' | 'header' | 'command' | 'checksum' | 'after';

/**
 * A byte-stream state machine for Alpha packets: chunks may split or join packets anywhere;
 * garbage between packets and broken packets are reported with a reason, and the next SOH always
 * starts afresh, so one bad packet never costs the next good one. Never throws.
 */
export class AlphaDecoder {
  private phase: Phase = 'idle';
  private header: number[] = [];
  private command: number[] = [];
  private checksum: number[] = [];
  private garbage: number[] = [];
  private commands: AlphaCommand[] = [];
  /** After a failed packet its remaining bytes are expected noise, not fresh garbage. */
  private skipping = false;

  feed(chunk: Uint8Array): AlphaFrame[] {
    const frames: AlphaFrame[] = [];
    for (const byte of chunk) this.byte(byte, frames);
    return frames;
  }

  /**
   * The line dropped or went quiet for a second (which ends a packet on a real sign): a packet
   * in progress is reported as truncated and forgotten.
   */
  reset(): AlphaFrame[] {
    const frames: AlphaFrame[] = [];
    this.flushGarbage(frames);
    if (this.phase !== 'idle') this.fail(frames, 'truncated', `the packet stopped ${this.where()}`);
    return frames;
  }

  private byte(byte: number, frames: AlphaFrame[]): void {
    // SOH starts a packet wherever it appears: a sign resynchronises the same way.
    if (byte === SOH) {
      this.flushGarbage(frames);
      if (this.phase !== 'idle') this.fail(frames, 'truncated', `a new packet began ${this.where()}`);
      this.start();
      return;
    }
    switch (this.phase) {
      case 'idle':
        if (byte !== NUL) this.garbage.push(byte);
        return;
      case 'header':
        if (byte === STX) {
          this.endHeader(frames);
          return;
        }
        this.header.push(byte);
        if (this.header.length > MAX_HEADER_BYTES || byte < 0x20)
          this.fail(frames, 'bad-header', `the header before STX is not <type><2 hex address>: ${show(this.header)}`);
        return;
      case 'command':
        if (byte === ETX) {
          this.phase = 'checksum';
          this.checksum = [];
          return;
        }
        if (byte === EOT || byte === STX || byte === NUL) {
          this.fail(
            frames,
            'truncated',
            `byte ${show([byte])} arrived before the command's ETX (command so far: ${show(this.command)})`,
          );
          return;
        }
        this.command.push(byte);
        if (this.command.length > MAX_COMMAND_BYTES)
          this.fail(frames, 'too-long', `the command ran past ${MAX_COMMAND_BYTES} bytes without ETX`);
        return;
      case 'checksum':
        // ETX straight followed by EOT or STX: a command sent without a checksum.
        if (this.checksum.length === 0 && (byte === EOT || byte === STX)) {
          this.endCommand(false);
          this.after(byte, frames);
          return;
        }
        this.checksum.push(byte);
        if (this.checksum.length === 4) this.verify(frames);
        return;
      case 'after':
        this.after(byte, frames);
        return;
    }
  }

  private start(): void {
    this.phase = 'header';
    this.header = [];
    this.command = [];
    this.checksum = [];
    this.commands = [];
  }

  private endHeader(frames: AlphaFrame[]): void {
    const text = String.fromCharCode(...this.header);
    if (!/^[\x20-\x7e][0-9A-Fa-f]{2}$/.test(text)) {
      this.fail(frames, 'bad-header', `the header before STX is not <type><2 hex address>: ${JSON.stringify(text)}`);
      return;
    }
    this.beginCommand();
  }

  private beginCommand(): void {
    this.phase = 'command';
    this.command = [];
    this.checksum = [];
  }

  private verify(frames: AlphaFrame[]): void {
    const text = String.fromCharCode(...this.checksum);
    const expected = alphaChecksum(Buffer.from([STX, ...this.command, ETX]));
    if (!/^[0-9A-Fa-f]{4}$/.test(text)) {
      this.fail(frames, 'bad-checksum', `the checksum after ETX is not 4 hex digits: ${show(this.checksum)}`);
      return;
    }
    if (parseInt(text, 16) !== expected) {
      this.fail(
        frames,
        'bad-checksum',
        `checksum ${text.toUpperCase()} does not match the bytes (they sum to ${hex4(expected)}); ` +
          `command ${show(this.command)}`,
      );
      return;
    }
    this.endCommand(true);
    this.phase = 'after';
  }

  private endCommand(checked: boolean): void {
    const [code, ...data] = this.command;
    if (code !== undefined) this.commands.push({ code: String.fromCharCode(code), data: Buffer.from(data), checked });
    this.phase = 'after';
  }

  private after(byte: number, frames: AlphaFrame[]): void {
    if (byte === EOT) {
      const text = String.fromCharCode(...this.header);
      if (this.commands.length === 0)
        frames.push({
          kind: 'error',
          error: { reason: 'truncated', detail: 'a packet with an empty command (STX ETX)' },
        });
      else
        frames.push({
          kind: 'packet',
          packet: { type: text[0]!, address: text.slice(1).toUpperCase(), commands: this.commands },
        });
      this.phase = 'idle';
      this.commands = [];
      return;
    }
    if (byte === STX) {
      this.beginCommand();
      return;
    }
    this.fail(
      frames,
      'missing-eot',
      `expected EOT (or STX of a nested command) after the checksum, got ${show([byte])}`,
    );
  }

  private where(): string {
    switch (this.phase) {
      case 'header':
        return 'in its header';
      case 'command':
        return `inside a command (${show(this.command)})`;
      case 'checksum':
        return 'inside its checksum';
      default:
        return 'before its EOT';
    }
  }

  private fail(frames: AlphaFrame[], reason: AlphaErrorReason, detail: string): void {
    frames.push({ kind: 'error', error: { reason, detail } });
    // What follows belongs to the broken packet: skipped until the next SOH.
    this.phase = 'idle';
    this.header = [];
    this.command = [];
    this.checksum = [];
    this.commands = [];
    this.skipping = true;
  }

  private flushGarbage(frames: AlphaFrame[]): void {
    if (this.garbage.length > 0 && !this.skipping)
      frames.push({
        kind: 'error',
        error: { reason: 'garbage', detail: `bytes outside any packet: ${show(this.garbage)}` },
      });
    this.garbage = [];
    this.skipping = false;
  }
}

// ---------------------------------------------------------------------------------------------
// Command contents

export type AlphaAction =
  | { type: 'write-text'; label: string; body: Buffer }
  | { type: 'write-string'; label: string; text: string }
  | { type: 'memory-configuration'; files: AlphaFile[] }
  | { type: 'other'; code: string; data: Buffer };

export class AlphaCommandError extends Error {
  constructor(
    readonly reason: 'bad-label' | 'bad-memory-configuration',
    message: string,
  ) {
    super(message);
    this.name = 'AlphaCommandError';
  }
}

/** What a command asks of the sign; throws AlphaCommandError saying what is malformed. */
export function parseAlphaCommand(command: AlphaCommand): AlphaAction {
  const { code, data } = command;
  if (code === COMMAND.writeText || code === COMMAND.writeString) {
    const label = data[0];
    if (label === undefined || label < 0x20 || label > 0x7e)
      throw new AlphaCommandError('bad-label', `command ${code} has no file label`);
    const rest = data.subarray(1);
    return code === COMMAND.writeText
      ? { type: 'write-text', label: String.fromCharCode(label), body: Buffer.from(rest) }
      : { type: 'write-string', label: String.fromCharCode(label), text: rest.toString('latin1') };
  }
  if (code === COMMAND.writeSpecial && data[0] === SET_MEMORY.charCodeAt(0))
    return { type: 'memory-configuration', files: parseMemoryConfiguration(data.subarray(1).toString('latin1')) };
  return { type: 'other', code, data: Buffer.from(data) };
}

function parseMemoryConfiguration(text: string): AlphaFile[] {
  if (text.length === 0 || text.length % 11 !== 0)
    throw new AlphaCommandError(
      'bad-memory-configuration',
      `E$ entries are 11 characters each; got ${text.length} characters: ${JSON.stringify(text)}`,
    );
  const files: AlphaFile[] = [];
  for (let i = 0; i < text.length; i += 11) {
    const entry = text.slice(i, i + 11);
    const match = /^([\x20-\x7e])([AB])([UL])([0-9A-Fa-f]{4})([0-9A-Fa-f]{4})$/.exec(entry);
    if (!match)
      throw new AlphaCommandError(
        'bad-memory-configuration',
        `E$ entry ${JSON.stringify(entry)} is not <label><A|B><U|L><size 4 hex><4 hex>`,
      );
    const [, label, type, lock, size] = match;
    if (type === 'B' && lock !== 'L')
      throw new AlphaCommandError(
        'bad-memory-configuration',
        `E$ entry ${JSON.stringify(entry)}: a STRING file must be locked ('L')`,
      );
    files.push(
      type === 'A'
        ? { label: label!, type: 'text', size: parseInt(size!, 16), locked: lock === 'L' }
        : { label: label!, type: 'string', size: parseInt(size!, 16) },
    );
  }
  return files;
}

/**
 * A TEXT file as a sign would show it: STRING calls replaced by the strings' contents, position
 * and mode switches, colours, fonts and other control codes dropped.
 */
export function renderTextBody(body: Uint8Array, strings: ReadonlyMap<string, string>): string {
  let out = '';
  for (let i = 0; i < body.length; i += 1) {
    const byte = body[i]!;
    if (byte === CALL_STRING) {
      out += strings.get(String.fromCharCode(body[i + 1] ?? 0)) ?? '';
      i += 1;
    } else if (byte === ESC) {
      i += 2; // position and mode
    } else if (byte === 0x1a || byte === 0x1c || byte === 0x1d || byte === 0x14 || byte === 0x1e) {
      i += 1; // font, colour, attribute, DOTS call, speed-like codes with one argument
    } else if (byte >= 0x20 && byte <= 0x7e) {
      out += String.fromCharCode(byte);
    }
  }
  return out;
}
