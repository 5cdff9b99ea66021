/**
 * Epson DM-D customer displays (DM-D110/D210, 2x20 VFD), ESC/POS display command set
 * (README.md "Epson DM-D customer displays"). The encoder builds what the driver sends; the decoder is a
 * small model of the display itself, used by the emulator: bytes in, in whatever chunks they
 * arrive, two lines of 20 characters out.
 */
const DMD_COLUMNS = 20;
const DMD_ROWS = 2;

const ESC = 0x1b;
const US = 0x1f;
const FF = 0x0c;
const CAN = 0x18;
const HOME = 0x0b;
const BS = 0x08;
const HT = 0x09;
const LF = 0x0a;
const CR = 0x0d;

export type DmdScrollMode = 'overwrite' | 'vertical' | 'horizontal';
const MODE_BYTES: Record<DmdScrollMode, number> = { overwrite: 0x01, vertical: 0x02, horizontal: 0x03 };

function byteIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new RangeError(`DM-D ${name} must be an integer ${min}..${max}, got ${value}`);
  return value;
}

/** ESC @: clears the screen, cursor home, every setting back to its default. */
export const dmdInitialize = (): Buffer => Buffer.from([ESC, 0x40]);
/** US 1/2/3: what happens at the end of a line. Overwrite never scrolls what is already shown. */
export const dmdScrollMode = (mode: DmdScrollMode): Buffer => Buffer.from([US, MODE_BYTES[mode]]);
export const dmdClear = (): Buffer => Buffer.from([FF]);
/** CAN: blanks the cursor's line and puts the cursor at its first column. */
export const dmdClearLine = (): Buffer => Buffer.from([CAN]);
/** US $ x y, 1-based: column 1..20, row 1..2. */
export const dmdCursorTo = (column: number, row: number): Buffer =>
  Buffer.from([US, 0x24, byteIn('column', column, 1, DMD_COLUMNS), byteIn('row', row, 1, DMD_ROWS)]);
const dmdCursorVisible = (visible: boolean): Buffer => Buffer.from([US, 0x43, visible ? 1 : 0]);
/** US X n, 1 (dim) .. 4 (brightest). */
export const dmdBrightness = (level: number): Buffer => Buffer.from([US, 0x58, byteIn('brightness', level, 1, 4)]);
/** US E n: the whole screen blinks with n x 50 ms on and off; 0 stops blinking. */
export const dmdBlink = (interval: number): Buffer =>
  Buffer.from([US, 0x45, byteIn('blink interval', interval, 0, 255)]);
/** ESC t n: character code table (0 = PC437). */
export const dmdCodeTable = (table: number): Buffer => Buffer.from([ESC, 0x74, byteIn('code table', table, 0, 255)]);
/**
 * ESC = n: for a display chained behind a printer on one line, which of them takes the bytes
 * that follow (bit 0 printer, bit 1 display). 2 = the display only.
 */
export const dmdSelectPeripheral = (n: number): Buffer => Buffer.from([ESC, 0x3d, byteIn('peripheral', n, 0, 255)]);
const DMD_SELECT_DISPLAY = 2;

/** Characters for the screen: printable ASCII only, anything else (a control byte would be a command) as "?". */
export function dmdText(text: string): Buffer {
  return Buffer.from([...text].map((ch) => (ch >= ' ' && ch <= '~' ? ch.charCodeAt(0) : 0x3f)));
}

export interface DmdSetupOptions {
  brightness?: number;
  codeTable?: number;
  /** Behind a printer: select the display first (ESC = 2). */
  selectDisplay?: boolean;
}

/** Sent once per connection: a known state whatever the display did before (it may have been powered all along). */
export function encodeDmdSetup(options: DmdSetupOptions = {}): Buffer {
  return Buffer.concat([
    ...(options.selectDisplay ? [dmdSelectPeripheral(DMD_SELECT_DISPLAY)] : []),
    dmdInitialize(),
    dmdScrollMode('overwrite'),
    dmdCursorVisible(false),
    dmdBlink(0),
    dmdBrightness(options.brightness ?? 4),
    dmdCodeTable(options.codeTable ?? 0),
    dmdClear(),
  ]);
}

/**
 * Two lines, each padded to 20 columns and placed with an explicit cursor: no clear, so the
 * screen changes in place without a blank flash, and nothing of a longer old text remains.
 */
export function encodeDmdLines(lines: readonly [string, string], options: { selectDisplay?: boolean } = {}): Buffer {
  return Buffer.concat([
    ...(options.selectDisplay ? [dmdSelectPeripheral(DMD_SELECT_DISPLAY)] : []),
    ...lines.flatMap((line, index) => [
      dmdCursorTo(1, index + 1),
      dmdText(line.slice(0, DMD_COLUMNS).padEnd(DMD_COLUMNS, ' ')),
    ]),
  ]);
}

/** Something the display model could not make sense of; real displays ignore such bytes. */
export interface DmdProblem {
  reason: 'unknown-command' | 'unknown-control' | 'bad-parameter';
  /** The bytes, as hex, e.g. "1F 24 15 01". */
  bytes: string;
}

const hex = (bytes: readonly number[]) => bytes.map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');

/** How many parameter bytes follow each command (after its two command bytes). */
const ESC_PARAMETERS: Record<number, number> = { 0x40: 0, 0x74: 1, 0x3d: 1 };
const US_PARAMETERS: Record<number, number> = {
  0x01: 0,
  0x02: 0,
  0x03: 0,
  0x24: 2,
  0x43: 1,
  0x58: 1,
  0x45: 1,
  0x42: 0,
};

/**
 * A DM-D display as a state machine: every byte handled in order, commands that straddle chunks
 * completed when their last byte arrives, anything unknown reported and skipped. Never throws.
 */
export class DmdScreenDecoder {
  private cells: string[][] = [];
  private column = 0;
  private row = 0;
  private mode: DmdScrollMode = 'overwrite';
  private selected = true;
  /** A command begun but not yet complete. */
  private pending: number[] = [];
  brightness = 4;
  blinkInterval = 0;
  codeTable = 0;
  cursorVisible = true;
  /** Clears and initializations so far: each is a visible blank on a VFD. */
  clears = 0;

  constructor() {
    this.blank();
  }

  /** The two lines, each exactly 20 characters. */
  lines(): [string, string] {
    return [this.cells[0]!.join(''), this.cells[1]!.join('')];
  }

  /** False after ESC = without the display bit: bytes are for the printer in front of it. */
  get isSelected(): boolean {
    return this.selected;
  }

  cursor(): { column: number; row: number } {
    return { column: this.column + 1, row: this.row + 1 };
  }

  feed(chunk: Uint8Array): DmdProblem[] {
    const problems: DmdProblem[] = [];
    for (const byte of chunk) this.byte(byte, problems);
    return problems;
  }

  /** A new connection: a half command from the old one is forgotten (the screen stays). */
  resetStream(): void {
    this.pending = [];
  }

  private byte(byte: number, problems: DmdProblem[]): void {
    if (this.pending.length > 0) {
      this.pending.push(byte);
      this.continueCommand(problems);
      return;
    }
    if (byte === ESC || byte === US) {
      this.pending.push(byte);
      return;
    }
    // Deselected, the display still watches for ESC = (above) but shows nothing.
    if (!this.selected) return;
    if (byte >= 0x20) {
      this.put(String.fromCharCode(byte));
      return;
    }
    switch (byte) {
      case FF:
        this.blank();
        this.clears += 1;
        return;
      case CAN:
        this.cells[this.row] = Array<string>(DMD_COLUMNS).fill(' ');
        this.column = 0;
        return;
      case HOME:
        this.column = 0;
        this.row = 0;
        return;
      case BS:
        if (this.column > 0) this.column -= 1;
        else if (this.row > 0) [this.row, this.column] = [this.row - 1, DMD_COLUMNS - 1];
        return;
      case HT:
        this.advance();
        return;
      case LF:
        if (this.row < DMD_ROWS - 1) this.row += 1;
        else if (this.mode === 'vertical') this.scrollUp();
        return;
      case CR:
        this.column = 0;
        return;
      default:
        problems.push({ reason: 'unknown-control', bytes: hex([byte]) });
    }
  }

  private continueCommand(problems: DmdProblem[]): void {
    const [lead, code] = this.pending;
    if (code === undefined) return;
    const table = lead === ESC ? ESC_PARAMETERS : US_PARAMETERS;
    const parameters = table[code];
    if (parameters === undefined) {
      problems.push({ reason: 'unknown-command', bytes: hex(this.pending) });
      this.pending = [];
      return;
    }
    if (this.pending.length < 2 + parameters) return;
    const command = this.pending;
    this.pending = [];
    // ESC = is the one command a deselected display obeys: it is how it gets selected again.
    if (!this.selected && !(lead === ESC && code === 0x3d)) return;
    this.execute(lead!, code, command.slice(2), problems, command);
  }

  private execute(lead: number, code: number, parameters: number[], problems: DmdProblem[], command: number[]): void {
    const [n = 0, m = 0] = parameters;
    if (lead === ESC) {
      if (code === 0x40) this.initialize();
      else if (code === 0x74) this.codeTable = n;
      else if (code === 0x3d) this.selected = (n & DMD_SELECT_DISPLAY) !== 0;
      return;
    }
    switch (code) {
      case 0x01:
        this.mode = 'overwrite';
        return;
      case 0x02:
        this.mode = 'vertical';
        return;
      case 0x03:
        this.mode = 'horizontal';
        return;
      case 0x24:
        if (n < 1 || n > DMD_COLUMNS || m < 1 || m > DMD_ROWS) {
          problems.push({ reason: 'bad-parameter', bytes: hex(command) });
          return;
        }
        this.column = n - 1;
        this.row = m - 1;
        return;
      case 0x42:
        this.row = DMD_ROWS - 1;
        this.column = 0;
        return;
      case 0x43:
        this.cursorVisible = (n & 1) === 1;
        return;
      case 0x58:
        if (n < 1 || n > 4) problems.push({ reason: 'bad-parameter', bytes: hex(command) });
        else this.brightness = n;
        return;
      case 0x45:
        this.blinkInterval = n;
        return;
    }
  }

  private initialize(): void {
    this.blank();
    this.clears += 1;
    this.mode = 'overwrite';
    this.brightness = 4;
    this.blinkInterval = 0;
    this.codeTable = 0;
    this.cursorVisible = true;
  }

  private blank(): void {
    this.cells = Array.from({ length: DMD_ROWS }, () => Array<string>(DMD_COLUMNS).fill(' '));
    this.column = 0;
    this.row = 0;
  }

  private put(ch: string): void {
    if (this.mode === 'horizontal' && this.column >= DMD_COLUMNS) {
      // Horizontal scroll: the line moves left and the new character enters at the right edge.
      this.cells[this.row]!.shift();
      this.cells[this.row]!.push(ch);
      return;
    }
    this.cells[this.row]![this.column] = ch;
    this.advance();
  }

  /** After the last column: overwrite wraps to the next line (row 2 -> row 1), vertical scrolls. */
  private advance(): void {
    if (this.column < DMD_COLUMNS - 1) {
      this.column += 1;
      return;
    }
    if (this.mode === 'horizontal') {
      this.column = DMD_COLUMNS;
      return;
    }
    this.column = 0;
    if (this.row < DMD_ROWS - 1) this.row += 1;
    else if (this.mode === 'vertical') this.scrollUp();
    else this.row = 0;
  }

  private scrollUp(): void {
    this.cells.shift();
    this.cells.push(Array<string>(DMD_COLUMNS).fill(' '));
  }
}
