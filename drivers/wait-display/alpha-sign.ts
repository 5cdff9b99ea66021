import { setTimeout as sleep } from 'node:timers/promises';
import type { WaitView } from '../device.ts';
import {
  encodeMemoryConfiguration,
  encodeWriteString,
  encodeWriteText,
  MODE,
  POSITION,
  type AlphaAddress,
  type AlphaTextPart,
} from './alpha-codec.ts';
import { TransportDisplay, type DisplayDriverOptions } from './transport-display.ts';
import { fitText, waitViewParts } from './wait-view-text.ts';

export interface AlphaSignOptions extends DisplayDriverOptions {
  /** Sign type and address on a shared line; default every sign ('Z', "00"). */
  address?: AlphaAddress;
  /** Where and how the text shows (the bytes after ESC); default middle line, hold. */
  position?: number;
  mode?: number;
  /**
   * Pause after the memory configuration: the sign rebuilds its memory and drops bytes meanwhile.
   * One second is the protocol's packet gap; tests over a pty set 0.
   */
  configureDelayMs?: number;
}

/** The sign's files: one TEXT file calling two STRING files, which are all that changes afterwards. */
const SIGN_TEXT_LABEL = 'A';
const SERVING_STRING_LABEL = '1';
const WAIT_STRING_LABEL = '2';
const SERVING_STRING_SIZE = 20;
const WAIT_STRING_SIZE = 24;
const TEXT_FILE_SIZE = 64;

/**
 * An Alpha-protocol LED sign over any byte transport. Once per connection it configures memory
 * (a TEXT file and two locked STRING files) and writes the TEXT file "NOW SERVING <1>  <2>";
 * every later view rewrites only the STRING files that changed, which the sign swaps in without
 * blanking or restarting its display.
 */
export class AlphaSign extends TransportDisplay {
  private readonly configureBytes: Buffer;
  private readonly textBytes: Buffer;
  /** What each STRING file holds on this connection. */
  private readonly strings = new Map<string, string>();

  constructor(private readonly options: AlphaSignOptions) {
    super(options);
    const to = options.address;
    this.configureBytes = encodeMemoryConfiguration(
      [
        { label: SIGN_TEXT_LABEL, type: 'text', size: TEXT_FILE_SIZE },
        { label: SERVING_STRING_LABEL, type: 'string', size: SERVING_STRING_SIZE },
        { label: WAIT_STRING_LABEL, type: 'string', size: WAIT_STRING_SIZE },
      ],
      to,
    );
    const layout: AlphaTextPart[] = [
      { position: options.position ?? POSITION.middle, mode: options.mode ?? MODE.hold },
      { text: 'NOW SERVING ' },
      { string: SERVING_STRING_LABEL },
      { text: '  ' },
      { string: WAIT_STRING_LABEL },
    ];
    this.textBytes = encodeWriteText(SIGN_TEXT_LABEL, layout, to);
  }

  protected override async setup(): Promise<void> {
    // The configuration empties every file, so nothing written before counts any more.
    this.strings.clear();
    await this.write('setup', this.configureBytes);
    const delay = this.options.configureDelayMs ?? 1000;
    if (delay > 0) await sleep(delay);
    await this.write('setup', this.textBytes);
  }

  protected override async render(view: WaitView, force: boolean): Promise<void> {
    const parts = waitViewParts(view);
    const serving = fitText(parts.counter ? `${parts.serving}  ${parts.counter}` : parts.serving, SERVING_STRING_SIZE);
    const wait = fitText(parts.waitLine, WAIT_STRING_SIZE);
    for (const [label, text] of [
      [SERVING_STRING_LABEL, serving],
      [WAIT_STRING_LABEL, wait],
    ] as const) {
      if (!force && this.strings.get(label) === text) continue;
      await this.write('view', encodeWriteString(label, text, this.options.address));
      this.strings.set(label, text);
    }
  }
}
