import { CP437_HIGH } from '../ticket-printer/text-repertoire.ts';

/**
 * The printer's side of ESC/POS: a streaming parser that turns the bytes a host sends into what
 * an Epson thermal printer would do with them: lines of text (code page 437, or KS C 5601 /
 * GB18030 / Big5 in multi-byte mode), raster images (GS v 0, GS 8 L / GS ( L graphics), cuts,
 * and the commands that talk back (GS a, GS r). Commands may be cut anywhere between chunks.
 * Real-time commands (DLE EOT) are answered by the emulator as bytes arrive, not here: here they
 * are only skipped where a command may start, as a printer's command interpreter does.
 */
export type MultibyteEncoding = 'euc-kr' | 'gb18030' | 'big5';

export interface RasterImage {
  width: number;
  height: number;
  /** Row-major, 1 = black, (width + 7) >> 3 bytes per row, most significant bit leftmost. */
  bits: Uint8Array;
  /** Which command carried it. */
  command: 'GS v 0' | 'GS ( L' | 'GS 8 L';
}

export interface PrintedLine {
  text: string;
  /** The largest character scale on the line (GS !), e.g. 4 for the ticket number. */
  scale: number;
}

export type EscposEvent =
  | { kind: 'line'; line: PrintedLine }
  | { kind: 'image'; image: RasterImage }
  | { kind: 'cut' }
  | { kind: 'initialize' }
  /** GS a n: automatic status back flags (0 = off). */
  | { kind: 'auto-status-back'; flags: number }
  /** GS r n: the host asks for a status byte once the data before has been processed. */
  | { kind: 'transmit-status'; n: number }
  /** GS ( k: the printer's own QR symbol (receiptline prints QR as images; other hosts may not). */
  | { kind: 'native-qr'; data: Buffer }
  /** GS W: the print area, from the left margin (GS L), in dots. */
  | { kind: 'print-area'; left: number; width: number }
  /** A command the model being played is reported to mishandle (EscposDecoderOptions.mishandles). */
  | { kind: 'mishandled'; command: string }
  | { kind: 'unknown'; bytes: number[] };

export interface EscposDecoderOptions {
  /**
   * What the multi-byte mode (FS &) decodes as. A real printer's model decides (Korean models KS C
   * 5601, Chinese GB18030); 'none' is a model without a multi-byte font, which ignores FS & (its
   * bytes 0x80-0xFF stay code page characters); 'auto' follows the host's international character
   * set: ESC R 13 (Korea) means KS C 5601, anything else GB18030.
   */
  multibyte?: MultibyteEncoding | 'auto' | 'none';
  /** Command names ("FS ( A", "GS 8 L") the model prints as garbage: each occurrence is reported. */
  mishandles?: readonly string[];
}

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const DLE = 0x10;
const LF = 0x0a;
const CR = 0x0d;
const HT = 0x09;
/** Font A is 12 dots wide: relative moves in dots become spaces in the decoded text. */
const CHAR_DOTS = 12;
const MAX_PENDING = 4 * 1024 * 1024;

/** receiptline draws rules with Epson page 1 (Katakana) graphics 0x8F-0x9F; shown as box drawing. */
function page1Char(byte: number): string {
  if (byte === 0x95) return '─';
  if (byte === 0x96) return '│';
  if (byte >= 0x8f && byte <= 0x9f) return '┼';
  return byte < 0x80 ? String.fromCharCode(byte) : '?';
}

type Run = { decoder: 'cp437' | 'page1' | MultibyteEncoding; bytes: number[] };

/** Bytes a fixed-length command takes, by its first two (or three) bytes; undefined = variable/unknown. */
const ESC_LENGTHS: Record<number, number> = {
  0x40: 2, // @ initialize
  0x21: 3, // ! print mode
  0x24: 4, // $ absolute position
  0x5c: 4, // \ relative position
  0x2d: 3, // - underline
  0x32: 2, // 2 default line spacing
  0x33: 3, // 3 line spacing
  0x61: 3, // a justification
  0x64: 3, // d feed lines
  0x4a: 3, // J feed dots
  0x45: 3, // E emphasis
  0x47: 3, // G double strike
  0x4d: 3, // M font
  0x52: 3, // R international set
  0x74: 3, // t code table
  0x20: 3, // SP right spacing
  0x7b: 3, // { upside down
  0x56: 3, // V rotation
  0x72: 3, // r color
  0x3d: 3, // = select peripheral
  0x55: 3, // U unidirectional
  0x25: 3, // % user-defined chars on/off
  0x3f: 3, // ? cancel user-defined char
  0x69: 2, // i partial cut (old)
  0x6d: 2, // m partial cut (old)
  0x4c: 2, // L page mode
  0x53: 2, // S standard mode
  0x54: 3, // T print direction in page mode
  0x57: 10, // W print area in page mode
  0x70: 5, // p drawer pulse
  0x0c: 2, // FF print in page mode
};

const GS_LENGTHS: Record<number, number> = {
  0x21: 3, // ! character size
  0x42: 3, // B reverse
  0x48: 3, // H HRI position
  0x66: 3, // f HRI font
  0x68: 3, // h barcode height
  0x77: 3, // w barcode width
  0x62: 3, // b smoothing
  0x45: 3, // E head energy (some models)
  0x49: 3, // I printer id
  0x4c: 4, // L left margin
  0x57: 4, // W print area width
  0x50: 4, // P motion units
  0x24: 4, // $ absolute vertical position
  0x5c: 4, // \ relative vertical position
  0x61: 3, // a automatic status back
  0x72: 3, // r transmit status
  0x3a: 2, // : macro start/end
  0x5e: 5, // ^ run macro
  0x2f: 3, // / print downloaded bit image
};

const FS_LENGTHS: Record<number, number> = {
  0x26: 2, // & multi-byte mode on
  0x2e: 2, // . multi-byte mode off
  0x21: 3, // ! multi-byte print mode
  0x2d: 3, // - multi-byte underline
  0x43: 3, // C code system (Shift JIS / JIS)
  0x53: 4, // S multi-byte spacing
  0x57: 3, // W quadruple size
  0x70: 4, // p print NV bit image
};

type Step = { consumed: number; events?: EscposEvent[] } | 'more';

const PREFIX: Record<number, string> = { [ESC]: 'ESC', [GS]: 'GS', [FS]: 'FS' };

/** "ESC @", "GS v 0", "GS ( L", "FS C": the prefix, the command byte, and the function byte where one selects the
 * command. */
function commandName(buf: Buffer, at: number): string {
  const show = (b: number | undefined) =>
    b === undefined ? '' : b > 0x20 && b < 0x7f ? String.fromCharCode(b) : `0x${b.toString(16).padStart(2, '0')}`;
  const op = buf[at + 1];
  const withFunction =
    (buf[at] === GS && (op === 0x28 || op === 0x38 || op === 0x76)) || (buf[at] === FS && op === 0x28);
  return [PREFIX[buf[at]!] ?? show(buf[at]), show(op), ...(withFunction ? [show(buf[at + 2])] : [])].join(' ');
}

export class EscposDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private line = '';
  private lineScale = 1;
  private run: Run | undefined;
  private multibyteMode = false;
  private codeTable = 0;
  private international = 0;
  private scale = 1;
  private leftMargin = 0;
  /** Commands seen, by name ("GS v 0", "FS ( A"), since the decoder was made. */
  readonly commandCounts = new Map<string, number>();
  /** Graphics stored by GS ( L / GS 8 L fn 112, printed by fn 50. */
  private stored: RasterImage[] = [];
  private readonly textDecoders = new Map<MultibyteEncoding, TextDecoder>();

  private readonly mishandles: ReadonlySet<string>;

  constructor(private readonly options: EscposDecoderOptions = {}) {
    this.mishandles = new Set(options.mishandles ?? []);
  }

  /** Decodes as much as the bytes so far allow; the rest waits for the next chunk. */
  feed(chunk: Uint8Array): EscposEvent[] {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const events: EscposEvent[] = [];
    let offset = 0;
    while (offset < this.pending.length) {
      const step = this.step(this.pending, offset, events);
      if (step === 'more') break;
      offset += step.consumed;
      if (step.events) events.push(...step.events);
    }
    this.pending = this.pending.subarray(offset);
    if (this.pending.length > MAX_PENDING) {
      // A length field gone wrong (line noise) would otherwise hold everything after it forever.
      events.push({ kind: 'unknown', bytes: [...this.pending.subarray(0, 16)] });
      this.pending = Buffer.alloc(0);
    }
    return events;
  }

  /** The link dropped or the printer reset: a half command is gone, and so is the half line. */
  reset(): EscposEvent[] {
    const events: EscposEvent[] = [];
    this.endLine(events, false);
    this.pending = Buffer.alloc(0);
    this.multibyteMode = false;
    this.codeTable = 0;
    this.international = 0;
    this.scale = 1;
    this.leftMargin = 0;
    this.stored = [];
    return events;
  }

  /** Ends a text line still open (a host that never sends LF before the cut). */
  flush(): EscposEvent[] {
    const events: EscposEvent[] = [];
    this.endLine(events, false);
    return events;
  }

  private step(buf: Buffer, at: number, events: EscposEvent[]): Step {
    const byte = buf[at]!;
    if (byte >= 0x20) {
      this.text(byte);
      return { consumed: 1 };
    }
    switch (byte) {
      case LF:
        this.endLine(events, true);
        return { consumed: 1 };
      case HT:
        this.appendText(' ');
        return { consumed: 1 };
      case CR:
      case 0x00:
        return { consumed: 1 };
      case ESC:
        return this.seen(buf, at, this.esc(buf, at));
      case GS:
        return this.seen(buf, at, this.gs(buf, at, events));
      case FS:
        return this.seen(buf, at, this.fs(buf, at));
      case DLE:
        return this.dle(buf, at);
      default:
        // Other control codes (FF, CAN, ...) change nothing we decode.
        return { consumed: 1 };
    }
  }

  /** Counts a whole command by name, and reports it when the model mishandles it. */
  private seen(buf: Buffer, at: number, step: Step): Step {
    if (step === 'more') return step;
    const name = commandName(buf, at);
    this.commandCounts.set(name, (this.commandCounts.get(name) ?? 0) + 1);
    if (!this.mishandles.has(name)) return step;
    return { consumed: step.consumed, events: [...(step.events ?? []), { kind: 'mishandled', command: name }] };
  }

  private esc(buf: Buffer, at: number): Step {
    if (at + 1 >= buf.length) return 'more';
    const op = buf[at + 1]!;
    if (op === 0x2a) {
      // ESC * m nL nH d: column bit image, 8-dot (m 0, 1) or 24-dot (m 32, 33) columns.
      if (at + 4 >= buf.length) return 'more';
      const m = buf[at + 2]!;
      const columns = buf[at + 3]! + buf[at + 4]! * 256;
      const total = 5 + columns * (m >= 32 ? 3 : 1);
      return at + total > buf.length ? 'more' : { consumed: total };
    }
    if (op === 0x63) {
      // ESC c 3/4/5 n: paper sensors and panel buttons.
      return at + 3 >= buf.length ? 'more' : { consumed: 4 };
    }
    if (op === 0x44) {
      // ESC D n1 ... NUL: tab stops.
      const end = buf.indexOf(0x00, at + 2);
      return end === -1 ? 'more' : { consumed: end - at + 1 };
    }
    const length = ESC_LENGTHS[op];
    if (length === undefined) return { consumed: 2, events: [{ kind: 'unknown', bytes: [ESC, op] }] };
    if (at + length > buf.length) return 'more';
    const n = buf[at + 2] ?? 0;
    switch (op) {
      case 0x40:
        this.multibyteMode = false;
        this.codeTable = 0;
        this.international = 0;
        this.scale = 1;
        return { consumed: length, events: [{ kind: 'initialize' }] };
      case 0x74:
        this.codeTable = n;
        break;
      case 0x52:
        this.international = n;
        break;
      case 0x5c: {
        const dots = buf[at + 2]! + buf[at + 3]! * 256;
        if (this.line.length > 0 || this.run) this.appendText(' '.repeat(Math.max(1, Math.round(dots / CHAR_DOTS))));
        break;
      }
      case 0x24:
        if (this.line.length > 0 || this.run) this.appendText(' ');
        break;
      case 0x64:
      case 0x4a:
        break;
    }
    return { consumed: length };
  }

  private gs(buf: Buffer, at: number, events: EscposEvent[]): Step {
    if (at + 1 >= buf.length) return 'more';
    const op = buf[at + 1]!;
    switch (op) {
      case 0x28: {
        // GS ( x pL pH ...: length-prefixed functions.
        if (at + 4 >= buf.length) return 'more';
        const fn = buf[at + 2]!;
        const size = buf[at + 3]! + buf[at + 4]! * 256;
        const total = 5 + size;
        if (at + total > buf.length) return 'more';
        const body = buf.subarray(at + 5, at + total);
        if (fn === 0x4c) return { consumed: total, events: this.graphics(body, 'GS ( L') };
        if (fn === 0x6b) return { consumed: total, events: this.nativeQr(body) };
        return { consumed: total };
      }
      case 0x38: {
        // GS 8 L p1 p2 p3 p4 ...: graphics with a 4-byte length.
        if (at + 6 >= buf.length) return 'more';
        const fn = buf[at + 2]!;
        const size = buf.readUInt32LE(at + 3);
        const total = 7 + size;
        if (size > MAX_PENDING)
          return { consumed: 3, events: [{ kind: 'unknown', bytes: [...buf.subarray(at, at + 7)] }] };
        if (at + total > buf.length) return 'more';
        if (fn !== 0x4c) return { consumed: total };
        return { consumed: total, events: this.graphics(buf.subarray(at + 7, at + total), 'GS 8 L') };
      }
      case 0x76: {
        // GS v 0 m xL xH yL yH d: raster bit image, printed at once.
        if (at + 7 >= buf.length) return 'more';
        if (buf[at + 2] !== 0x30 && buf[at + 2] !== 0x00)
          return { consumed: 3, events: [{ kind: 'unknown', bytes: [GS, op, buf[at + 2]!] }] };
        const bytesPerRow = buf[at + 4]! + buf[at + 5]! * 256;
        const rows = buf[at + 6]! + buf[at + 7]! * 256;
        const total = 8 + bytesPerRow * rows;
        if (at + total > buf.length) return 'more';
        const image: RasterImage = {
          width: bytesPerRow * 8,
          height: rows,
          bits: new Uint8Array(buf.subarray(at + 8, at + total)),
          command: 'GS v 0',
        };
        this.endLine(events, false);
        return { consumed: total, events: [{ kind: 'image', image }] };
      }
      case 0x56: {
        // GS V m [n]: cut; function B (m 65, 66, 97, 98, 103, 104) carries a feed amount.
        if (at + 2 >= buf.length) return 'more';
        const m = buf[at + 2]!;
        const total = [65, 66, 97, 98, 103, 104].includes(m) ? 4 : 3;
        if (at + total > buf.length) return 'more';
        this.endLine(events, false);
        return { consumed: total, events: [{ kind: 'cut' }] };
      }
      case 0x6b: {
        // GS k m ...: barcode, NUL-terminated (m 0-6) or counted (m 65-79).
        if (at + 2 >= buf.length) return 'more';
        const m = buf[at + 2]!;
        if (m <= 6) {
          const end = buf.indexOf(0x00, at + 3);
          return end === -1 ? 'more' : { consumed: end - at + 1 };
        }
        if (at + 3 >= buf.length) return 'more';
        const total = 4 + buf[at + 3]!;
        return at + total > buf.length ? 'more' : { consumed: total };
      }
      default: {
        const length = GS_LENGTHS[op];
        if (length === undefined) return { consumed: 2, events: [{ kind: 'unknown', bytes: [GS, op] }] };
        if (at + length > buf.length) return 'more';
        const n = buf[at + 2] ?? 0;
        if (op === 0x21) {
          this.scale = Math.max((n >> 4) & 0x07, n & 0x07) + 1;
        } else if (op === 0x4c) {
          this.leftMargin = n + buf[at + 3]! * 256;
        } else if (op === 0x57) {
          const width = n + buf[at + 3]! * 256;
          return { consumed: length, events: [{ kind: 'print-area', left: this.leftMargin, width }] };
        } else if (op === 0x61) {
          return { consumed: length, events: [{ kind: 'auto-status-back', flags: n }] };
        } else if (op === 0x72) {
          return { consumed: length, events: [{ kind: 'transmit-status', n: n >= 0x30 ? n - 0x30 : n }] };
        }
        return { consumed: length };
      }
    }
  }

  private fs(buf: Buffer, at: number): Step {
    if (at + 1 >= buf.length) return 'more';
    const op = buf[at + 1]!;
    if (op === 0x28) {
      if (at + 4 >= buf.length) return 'more';
      const total = 5 + buf[at + 3]! + buf[at + 4]! * 256;
      return at + total > buf.length ? 'more' : { consumed: total };
    }
    const length = FS_LENGTHS[op];
    if (length === undefined) return { consumed: 2, events: [{ kind: 'unknown', bytes: [FS, op] }] };
    if (at + length > buf.length) return 'more';
    if (op === 0x26) this.multibyteMode = this.options.multibyte !== 'none';
    if (op === 0x2e) this.multibyteMode = false;
    return { consumed: length };
  }

  private dle(buf: Buffer, at: number): Step {
    if (at + 1 >= buf.length) return 'more';
    const op = buf[at + 1]!;
    // DLE EOT n, DLE ENQ n: real-time, already answered on arrival.
    if (op === 0x04 || op === 0x05) return at + 2 >= buf.length ? 'more' : { consumed: 3 };
    // DLE DC4 fn a b: real-time pulse, power-off, buffer clear.
    if (op === 0x14) return at + 4 >= buf.length ? 'more' : { consumed: 5 };
    return { consumed: 1 };
  }

  /** GS ( L / GS 8 L body: m fn [params]. fn 112 stores a raster, fn 50 (or 2) prints what is stored. */
  private graphics(body: Buffer, command: RasterImage['command']): EscposEvent[] {
    const fn = body[1];
    if (fn === 112 && body.length >= 10) {
      const width = body[6]! + body[7]! * 256;
      const height = body[8]! + body[9]! * 256;
      const bytesPerRow = (width + 7) >> 3;
      const bits = new Uint8Array(bytesPerRow * height);
      bits.set(body.subarray(10, 10 + bits.length));
      this.stored.push({ width, height, bits, command });
      return [];
    }
    if (fn === 50 || fn === 2) {
      const events: EscposEvent[] = [];
      this.endLine(events, false);
      for (const image of this.stored.splice(0)) events.push({ kind: 'image', image });
      return events;
    }
    return [];
  }

  /** GS ( k cn=49 (QR): fn 80 stores the data; the printer prints it on fn 81. */
  private nativeQr(body: Buffer): EscposEvent[] {
    if (body[0] === 49 && body[1] === 80) return [{ kind: 'native-qr', data: Buffer.from(body.subarray(3)) }];
    return [];
  }

  private text(byte: number): void {
    this.lineScale = Math.max(this.lineScale, this.scale);
    const decoder: Run['decoder'] =
      this.multibyteMode && byte >= 0x80
        ? this.multibyteEncoding()
        : byte >= 0x80 && this.codeTable === 1
          ? 'page1'
          : 'cp437';
    // In multi-byte mode the trail bytes of a character (0x30-0xFE) stay with its lead byte.
    if (
      this.multibyteMode &&
      this.run &&
      this.run.decoder !== 'cp437' &&
      this.run.decoder !== 'page1' &&
      this.openMultibyte()
    ) {
      this.run.bytes.push(byte);
      return;
    }
    if (!this.run || this.run.decoder !== decoder) {
      this.flushRun();
      this.run = { decoder, bytes: [] };
    }
    this.run.bytes.push(byte);
  }

  /** True while the current multi-byte run ends inside a character (a lead byte waits for its trail). */
  private openMultibyte(): boolean {
    const bytes = this.run!.bytes;
    let i = 0;
    while (i < bytes.length) {
      const b = bytes[i]!;
      if (b < 0x80) {
        i += 1;
        continue;
      }
      if (this.run!.decoder === 'gb18030' && i + 1 < bytes.length && bytes[i + 1]! >= 0x30 && bytes[i + 1]! <= 0x39) {
        i += 4;
      } else {
        i += 2;
      }
    }
    return i > bytes.length;
  }

  private multibyteEncoding(): MultibyteEncoding {
    const wanted = this.options.multibyte ?? 'auto';
    // 'none' never enters multi-byte mode (FS & is ignored), so only 'auto' and an encoding reach here.
    if (wanted !== 'auto' && wanted !== 'none') return wanted;
    return this.international === 13 ? 'euc-kr' : 'gb18030';
  }

  private flushRun(): void {
    const run = this.run;
    this.run = undefined;
    if (!run || run.bytes.length === 0) return;
    let text: string;
    switch (run.decoder) {
      case 'cp437':
        text = run.bytes.map((b) => (b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80]!)).join('');
        break;
      case 'page1':
        text = run.bytes.map(page1Char).join('');
        break;
      default: {
        let decoder = this.textDecoders.get(run.decoder);
        if (!decoder) {
          decoder = new TextDecoder(run.decoder);
          this.textDecoders.set(run.decoder, decoder);
        }
        text = decoder.decode(Uint8Array.from(run.bytes));
      }
    }
    this.line += text;
  }

  private appendText(text: string): void {
    this.flushRun();
    this.line += text;
  }

  private endLine(events: EscposEvent[], always: boolean): void {
    this.flushRun();
    const text = this.line.trim();
    if (text.length > 0 || always) events.push({ kind: 'line', line: { text, scale: this.lineScale } });
    this.line = '';
    this.lineScale = 1;
  }
}
