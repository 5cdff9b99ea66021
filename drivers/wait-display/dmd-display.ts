import type { WaitView } from '../device.ts';
import { encodeDmdLines, encodeDmdSetup } from './dmd-codec.ts';
import { TransportDisplay, type DisplayDriverOptions } from './transport-display.ts';
import { layoutWaitView } from './wait-view-text.ts';

export interface DmdDisplayOptions extends DisplayDriverOptions {
  /** 1 (dim) .. 4 (brightest, default). */
  brightness?: number;
  /** ESC t table, default 0 (PC437); the texts are ASCII, which every table shares. */
  codeTable?: number;
  /** The display hangs behind a printer on one line: select it (ESC = 2) before each write. */
  behindPrinter?: boolean;
}

/**
 * An Epson DM-D style 2x20 customer display over any byte transport: reset to a known state once
 * per connection, then each view rewrites both lines in place (padded, cursor placed explicitly),
 * so an update never blanks the screen.
 */
export class DmdDisplay extends TransportDisplay {
  private readonly setupBytes: Buffer;
  private shownLines: readonly [string, string] | undefined;

  constructor(private readonly options: DmdDisplayOptions) {
    super(options);
    // Encoded up front: a bad brightness is a configuration error at startup, not at the first update.
    this.setupBytes = encodeDmdSetup({
      brightness: options.brightness,
      codeTable: options.codeTable,
      selectDisplay: options.behindPrinter,
    });
  }

  /** The two lines last written (for the devices screen and tests). */
  get lines(): readonly [string, string] | undefined {
    return this.shownLines;
  }

  protected override async setup(): Promise<void> {
    this.shownLines = undefined;
    await this.write('setup', this.setupBytes);
  }

  protected override async render(view: WaitView): Promise<void> {
    const lines = layoutWaitView(view);
    await this.write('view', encodeDmdLines(lines, { selectDisplay: this.options.behindPrinter }));
    this.shownLines = lines;
  }
}
