/**
 * Why a ticket did not print, with a sentence staff can act on. `code` is stable for the kiosk
 * (it picks the customer's message by it: core/ticket-texts.ts PRINTER_TROUBLE_TEXTS) and for
 * device.status events; `printed` says whether a customer may hold a partial ticket.
 */
export type PrinterErrorCode =
  | 'paper-out'
  | 'cover-open'
  | 'offline'
  | 'fault'
  | 'disconnected'
  | 'no-reply'
  | 'not-confirmed'
  | 'stopped'
  /** The ticket could not be made for this printer (e.g. no CJK font to draw text it has no font for). */
  | 'cannot-render';

export type PrintedAmount = 'nothing' | 'partial' | 'unknown';

export class PrinterError extends Error {
  constructor(
    readonly code: PrinterErrorCode,
    message: string,
    readonly printed: PrintedAmount,
    /** The ticket number concerned ("A-042"), when the error happened while printing one. */
    readonly ticketNumber?: string,
  ) {
    super(message);
    this.name = 'PrinterError';
  }
}
