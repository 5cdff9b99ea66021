import { formatIssued, formatWindow, ticketTexts, waitLine } from '../../core/ticket-texts.ts';
import type { TicketToPrint } from '../device.ts';

/**
 * A ticket as a receiptline document (https://receiptline.github.io: markdown for receipts), so
 * one template renders to ESC/POS bytes, SVG and plain text. Layout, top to bottom: venue,
 * service, "your number" and the number in 4x size, the posted wait and the position, the return
 * window when the customer took one, the QR code to the phone page, issue time, footer.
 */
export interface TicketLayoutOptions {
  /** QR cell size in printer dots (receiptline allows 3-8); 4 keeps a ticket near 3 KB. */
  qrCell?: number;
}

export const DEFAULT_QR_CELL = 4;

/** One line of words, with receiptline's decoration: emphasis (") and size (a count of ^). */
interface TextLine {
  text: string;
  bold: boolean;
  /** receiptline's ^ count: 0 normal, 1 double width, 2 double height, 3 both, n >= 3 (n - 1) times each way. */
  size: number;
}

/** How a text line becomes receiptline markup: as text (textMarkup), or as an image (render.ts). */
export type LineWriter = (line: TextLine) => string;

/** The GS ! scale of a receiptline ^ count. */
export function scaleOf(size: number): { widthScale: number; heightScale: number } {
  if (size <= 0) return { widthScale: 1, heightScale: 1 };
  if (size === 1) return { widthScale: 2, heightScale: 1 };
  if (size === 2) return { widthScale: 1, heightScale: 2 };
  return { widthScale: size - 1, heightScale: size - 1 };
}

/** Characters receiptline reads as markup in text: \ | { } ~ _ " ` ^, and leading - or = (rules). */
export function escapeText(text: string): string {
  // Control characters (Unicode Cc) would reach the printer as commands; they have no place on a ticket.
  const clean = text.replace(/\p{Cc}/gu, ' ');
  return clean.replace(/[\\|{}~_"`^\-=]/g, (ch) => `\\${ch}`);
}

/** Property values (the QR data) reserve \ | { } ; (a ':' after the key is part of the value). */
export function escapeProperty(value: string): string {
  return value.replace(/\p{Cc}/gu, '').replace(/[\\|{};]/g, (ch) => `\\${ch}`);
}

export const textMarkup: LineWriter = (line) =>
  `${line.bold ? '"' : ''}${'^'.repeat(line.size)}${escapeText(line.text)}`;

const plain = (text: string): TextLine => ({ text, bold: false, size: 0 });

export function ticketDocument(
  ticket: TicketToPrint,
  options: TicketLayoutOptions = {},
  write: LineWriter = textMarkup,
): string {
  const texts = ticketTexts(ticket.language);
  const cell = Math.min(8, Math.max(3, Math.round(options.qrCell ?? DEFAULT_QR_CELL)));
  const lines: string[] = [
    write({ text: ticket.venueName, bold: true, size: 2 }),
    write(plain(ticket.serviceName)),
    '-',
    write(plain(texts.yourNumber)),
    write({ text: ticket.number, bold: false, size: 5 }),
    '-',
    write({ text: waitLine(ticket.language, ticket.postedWaitMin), bold: true, size: 0 }),
    write(plain(texts.ahead(ticket.position))),
  ];
  if (ticket.returnWindow) {
    lines.push(
      write(plain(texts.returnBetween)),
      write({ text: formatWindow(ticket.returnWindow, ticket.timeZone), bold: true, size: 2 }),
    );
  }
  lines.push(
    '',
    `{code:${escapeProperty(ticket.url)}; option:qrcode,${cell},m}`,
    write(plain(texts.scanToFollow)),
    '',
    write(plain(`${texts.issued} ${formatIssued(ticket.issuedAt, ticket.timeZone)}`)),
    '-',
    ...texts.footer.map((line) => write(plain(line))),
    '',
  );
  return `${lines.join('\n')}\n`;
}
