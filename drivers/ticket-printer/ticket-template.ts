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

const DEFAULT_QR_CELL = 4;

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

export function ticketDocument(ticket: TicketToPrint, options: TicketLayoutOptions = {}): string {
  const texts = ticketTexts(ticket.language);
  const cell = Math.min(8, Math.max(3, Math.round(options.qrCell ?? DEFAULT_QR_CELL)));
  const lines: string[] = [
    `"^^${escapeText(ticket.venueName)}`,
    escapeText(ticket.serviceName),
    '-',
    escapeText(texts.yourNumber),
    `^^^^^${escapeText(ticket.number)}`,
    '-',
    `"${escapeText(waitLine(ticket.language, ticket.postedWaitMin))}`,
    escapeText(texts.ahead(ticket.position)),
  ];
  if (ticket.returnWindow) {
    lines.push(escapeText(texts.returnBetween), `^^"${escapeText(formatWindow(ticket.returnWindow, ticket.timeZone))}`);
  }
  lines.push(
    '',
    `{code:${escapeProperty(ticket.url)}; option:qrcode,${cell},m}`,
    escapeText(texts.scanToFollow),
    '',
    `${escapeText(texts.issued)} ${escapeText(formatIssued(ticket.issuedAt, ticket.timeZone))}`,
    '-',
    ...texts.footer.map(escapeText),
    '',
  );
  return `${lines.join('\n')}\n`;
}
