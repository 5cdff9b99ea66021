import { type BaseCommand, commands, type Printer, transform } from 'receiptline';
import type { TicketToPrint } from '../device.ts';
import {
  type CommandSet,
  FONT_A_DOTS,
  maxCharactersPerLine,
  type PrinterModel,
  printerModel,
} from './printer-models.ts';
import { printsAsText, textEncoding } from './text-repertoire.ts';
import { rasteriseLine } from './text-raster.ts';
import {
  DEFAULT_QR_CELL,
  type LineWriter,
  scaleOf,
  type TicketLayoutOptions,
  textMarkup,
  ticketDocument,
} from './ticket-template.ts';

/**
 * A ticket rendered by receiptline for one printer model: ESC/POS bytes for the printer, SVG and
 * plain text for previews (`waitwell ticket preview`). A line prints as text in the model's
 * resident font when every character is in it (Korean in KS X 1001, Chinese in GB18030 on
 * models that have them, English in code page 437), and as a raster image otherwise
 * (text-raster.ts), sent with the model's raster command. The SVG shows the same images.
 */
export type TicketFormat = 'escpos' | 'svg' | 'text';
export const TICKET_FORMATS: readonly TicketFormat[] = ['escpos', 'svg', 'text'];

export interface RenderOptions extends TicketLayoutOptions {
  /** The printer the ticket is for (printer-models.ts); the default is an unnamed 80 mm printer. */
  model?: PrinterModel;
  /** Characters per line in font A; default: what fits the model's head (48 at 576 dots, 42 at 512). */
  cpl?: number;
  /** Overrides the model's receiptline command set. */
  commandSet?: CommandSet;
  /**
   * receiptline's escpos output starts with `ESC @ GS a 0`, which switches automatic status back
   * off for the whole ticket; the driver passes its own `GS a n` flags so a mid-print paper-out
   * is still reported. Absent: left as receiptline wrote it (previews).
   */
  autoStatusBack?: number;
  /** Cut after the ticket (default: the model has a cutter). */
  cut?: boolean;
}

/**
 * What went to the printer: 'text' when every line printed in the model's fonts, 'image' when some lines are images.
 */
export interface RenderedTicket {
  bytes: Buffer;
  model: string;
  renderedAs: 'text' | 'image';
  /** Lines sent as images (the QR code not counted). */
  imageLines: number;
}

const ALL_FONTS = { fonts: ['ks-x-1001', 'gb18030'] } as const;
const RECEIPTLINE_OPEN = '\x1b@\x1da\x00';
/** A QR module of at least 0.4 mm, and 4 modules of quiet zone around it on paper (ISO/IEC 18004). */
export const MIN_QR_MODULE_MM = 0.4;
export const QR_QUIET_MODULES = 4;

/** The smallest QR cell (dots per module) that is at least 0.4 mm at this head's resolution. */
function minQrCell(dpi: number): number {
  return Math.ceil((MIN_QR_MODULE_MM * dpi) / 25.4 - 1e-9);
}

/** The characters per line to print with: the option, checked against the model's head. */
export function charactersPerLine(model: PrinterModel, cpl?: number): number {
  const most = maxCharactersPerLine(model);
  if (cpl === undefined) return most;
  if (cpl * FONT_A_DOTS > model.dotsPerLine)
    throw new Error(
      `${cpl} characters per line need ${cpl * FONT_A_DOTS} dots, but the ${model.name} prints ` +
        `${model.dotsPerLine}: use at most ${most}`,
    );
  return cpl;
}

/**
 * receiptline's command set with the QR's quiet zone drawn into its image (so nothing printed
 * above or below can touch it), and, for 'generic', rules drawn with code page 437's box line
 * instead of FS C and Epson's page 1 graphics, which clones print as a stray "0".
 */
function commandsFor(set: CommandSet | 'svg' | 'text'): BaseCommand {
  // receiptline copies the command object on every transform: one template per set is enough.
  let command = commandSets.get(set);
  if (!command) {
    command = makeCommands(set);
    commandSets.set(set, command);
  }
  return command;
}

const commandSets = new Map<string, BaseCommand>();

function makeCommands(set: CommandSet | 'svg' | 'text'): BaseCommand {
  const base = commands[set];
  const command: BaseCommand = {
    ...base,
    qrcode(this: BaseCommand, symbol, encoding) {
      return base.qrcode.call(this, { ...symbol, quietZone: true }, encoding);
    },
  };
  // FS . leaves multi-byte mode (a GB18030 clone starts in it), ESC t 0 selects code page 437, 0xC4 is its "─".
  if (set === 'generic') command.hr = (width: number) => `\x1c.\x1bt\x00${'\xc4'.repeat(width)}`;
  return command;
}

interface Plan {
  model: PrinterModel;
  printer: Printer;
  qrCell: number;
}

function plan(ticket: TicketToPrint, options: RenderOptions, format: TicketFormat): Plan {
  const model = options.model ?? printerModel();
  const commandSet = options.commandSet ?? model.commandSet;
  return {
    model,
    qrCell: Math.max(options.qrCell ?? DEFAULT_QR_CELL, minQrCell(model.dpi)),
    printer: {
      command: commandsFor(format === 'escpos' ? commandSet : format),
      // The plain-text preview measures widths as the language's own code page does.
      encoding: format === 'text' ? textEncoding(ticket.language, ALL_FONTS) : textEncoding(ticket.language, model),
      cpl: charactersPerLine(model, options.cpl),
      cutting: options.cut ?? model.cutter,
      gradient: false,
    },
  };
}

/** Writes each line as text when the model's font has it, else as an image line; counts the images. */
function imageWriter(ticket: TicketToPrint, p: Plan): { write: LineWriter; images: () => number } {
  let images = 0;
  const encoding = textEncoding(ticket.language, p.model);
  const maxWidth = p.printer.cpl! * FONT_A_DOTS;
  const write: LineWriter = (line) => {
    if (printsAsText(line.text, encoding)) return textMarkup(line);
    images += 1;
    // Control characters have no place on a ticket (escapeText does the same for text lines).
    const text = line.text.replace(/\p{Cc}/gu, ' ');
    const png = rasteriseLine(text, ticket.language, { bold: line.bold, ...scaleOf(line.size) }, maxWidth);
    return `{image:${png.toString('base64')}}`;
  };
  return { write, images: () => images };
}

export function renderTicket(ticket: TicketToPrint, format: TicketFormat, options: RenderOptions = {}): RenderedTicket {
  const p = plan(ticket, options, format);
  const layout = { qrCell: p.qrCell };
  // The plain-text preview says what the ticket says; images are for paper and the SVG.
  const writer = format === 'text' ? { write: textMarkup, images: () => 0 } : imageWriter(ticket, p);
  let doc = ticketDocument(ticket, layout, writer.write);
  // A blank line above the venue, so the SVG preview's title does not touch its top edge.
  if (format === 'svg') doc = `\n${doc}`;
  let out = transform(doc, p.printer);
  if (format === 'escpos' && options.autoStatusBack !== undefined) {
    if (!out.startsWith(RECEIPTLINE_OPEN)) {
      throw new Error(
        'receiptline no longer starts its ESC/POS output with "ESC @ GS a 0": ' +
          'check render.ts against the installed receiptline version',
      );
    }
    out = `\x1b@\x1da${String.fromCharCode(options.autoStatusBack & 0xff)}${out.slice(RECEIPTLINE_OPEN.length)}`;
  }
  const imageLines = writer.images();
  return {
    // receiptline returns ESC/POS as one char per byte ("binary" string); SVG and text are Unicode.
    bytes: Buffer.from(out, format === 'escpos' ? 'latin1' : 'utf8'),
    model: p.model.id,
    renderedAs: imageLines > 0 ? 'image' : 'text',
    imageLines,
  };
}

export function renderEscpos(ticket: TicketToPrint, options: RenderOptions = {}): Buffer {
  return renderTicket(ticket, 'escpos', options).bytes;
}

export function renderSvg(ticket: TicketToPrint, options: RenderOptions = {}): string {
  return renderTicket(ticket, 'svg', options).bytes.toString('utf8');
}

export function renderText(ticket: TicketToPrint, options: RenderOptions = {}): string {
  return renderTicket(ticket, 'text', options).bytes.toString('utf8');
}
