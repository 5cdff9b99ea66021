import { transform, type Printer } from 'receiptline';
import type { Language } from '../../core/languages.ts';
import type { TicketToPrint } from '../device.ts';
import { ticketDocument, type TicketLayoutOptions } from './ticket-template.ts';

/**
 * A ticket rendered by receiptline: ESC/POS bytes for the printer, SVG and plain text for
 * previews (`waitwell ticket preview`). Korean and Chinese print as text in the printer's
 * multi-byte mode (FS &) with KS C 5601 / GB18030 bytes, not as images; English in code page 437.
 */
export type TicketFormat = 'escpos' | 'svg' | 'text';
export const TICKET_FORMATS: readonly TicketFormat[] = ['escpos', 'svg', 'text'];

type Encoding = NonNullable<Printer['encoding']>;

const ENCODING_OF: Record<Language, Encoding> = { ko: 'ksc5601', zh: 'gb18030', en: 'cp437' };

export interface RenderOptions extends TicketLayoutOptions {
  /** Characters per line: 48 on 80 mm paper (font A), 42 on some 80 mm models, 32 on 58 mm. */
  cpl?: number;
  /**
   * receiptline's escpos output starts with `ESC @ GS a 0`, which switches automatic status back
   * off for the whole ticket; the driver passes its own `GS a n` flags so a mid-print paper-out
   * is still reported. Absent: left as receiptline wrote it (previews).
   */
  autoStatusBack?: number;
  /** 'escpos' (GS 8 L / GS ( L graphics, TM-T88 and later) or 'generic' (GS v 0, older clones). */
  commandSet?: 'escpos' | 'generic';
  /** Cut after the ticket (default true). */
  cut?: boolean;
}

const DEFAULT_CPL = 48;
const RECEIPTLINE_OPEN = '\x1b@\x1da\x00';

function printerOf(ticket: TicketToPrint, options: RenderOptions, command: Printer['command']): Printer {
  return {
    command,
    encoding: ENCODING_OF[ticket.language],
    cpl: options.cpl ?? DEFAULT_CPL,
    cutting: options.cut ?? true,
    gradient: false,
  };
}

export function renderEscpos(ticket: TicketToPrint, options: RenderOptions = {}): Buffer {
  const out = transform(ticketDocument(ticket, options), printerOf(ticket, options, options.commandSet ?? 'escpos'));
  let bytes = out;
  if (options.autoStatusBack !== undefined) {
    if (!out.startsWith(RECEIPTLINE_OPEN)) {
      throw new Error(
        'receiptline no longer starts its ESC/POS output with "ESC @ GS a 0": ' +
          'check render.ts against the installed receiptline version',
      );
    }
    bytes = `\x1b@\x1da${String.fromCharCode(options.autoStatusBack & 0xff)}${out.slice(RECEIPTLINE_OPEN.length)}`;
  }
  // receiptline returns one char per byte ("binary" string).
  return Buffer.from(bytes, 'latin1');
}

export function renderSvg(ticket: TicketToPrint, options: RenderOptions = {}): string {
  return transform(ticketDocument(ticket, options), printerOf(ticket, options, 'svg'));
}

export function renderText(ticket: TicketToPrint, options: RenderOptions = {}): string {
  return transform(ticketDocument(ticket, options), printerOf(ticket, options, 'text'));
}

export function renderTicket(ticket: TicketToPrint, format: TicketFormat, options: RenderOptions = {}): Buffer {
  switch (format) {
    case 'escpos':
      return renderEscpos(ticket, options);
    case 'svg':
      return Buffer.from(renderSvg(ticket, options), 'utf8');
    case 'text':
      return Buffer.from(renderText(ticket, options), 'utf8');
  }
}
