import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { LANGUAGES, type Language } from '../core/languages.ts';
import type { TicketToPrint } from '../drivers/device.ts';
import {
  DEFAULT_PRINTER_MODEL_ID,
  type PrinterModel,
  PRINTER_MODEL_IDS,
  findPrinterModel,
} from '../drivers/ticket-printer/printer-models.ts';
import {
  charactersPerLine,
  renderTicket,
  TICKET_FORMATS,
  type TicketFormat,
} from '../drivers/ticket-printer/render.ts';
import type { Command } from './cli.ts';

/**
 * `waitwell ticket preview`: renders a sample ticket with the same template and renderer the
 * printer driver uses, for one printer model, so an installer can check a layout (language,
 * paper width, QR size, which lines the model prints as images) without a printer: ESC/POS bytes
 * to send to a printer by hand (`nc printer 9100 < file`), SVG for a browser (what that model
 * prints), plain text for a terminal.
 */
const SAMPLE_VENUE: Record<Language, string> = {
  ko: '데모 서비스 센터',
  zh: '演示服务中心',
  en: 'Demo Service Centre',
};
const SAMPLE_SERVICE: Record<Language, string> = { ko: '여권 발급', zh: '护照办理', en: 'Passports' };

export interface TicketPreviewValues {
  lang?: string;
  service?: string;
  venue?: string;
  number?: string;
  url?: string;
  format?: string;
  out?: string;
  wait?: string;
  position?: string;
  cpl?: string;
  'qr-cell'?: string;
  'return-in'?: string;
  timezone?: string;
  printer?: string;
}

/** The machine's own zone, as the kiosk uses when its venue names none. */
export function machineTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function positiveInteger(
  flag: string,
  text: string | undefined,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`--${flag} must be a whole number from ${min} to ${max}, got "${text}"`);
  return value;
}

/** Builds the sample ticket from the flags; throws with the flag's name on bad input. */
export function previewTicket(
  values: TicketPreviewValues,
  now = Date.now(),
): { ticket: TicketToPrint; format: TicketFormat; model: PrinterModel; cpl: number; qrCell: number | undefined } {
  const language = (values.lang ?? 'en') as Language;
  if (!LANGUAGES.includes(language))
    throw new Error(`--lang must be one of ${LANGUAGES.join(', ')}, got "${values.lang}"`);
  const format = (values.format ?? 'text') as TicketFormat;
  if (!TICKET_FORMATS.includes(format))
    throw new Error(`--format must be one of ${TICKET_FORMATS.join(', ')}, got "${values.format}"`);
  const ticketId = randomUUID();
  const url = values.url ?? `http://localhost:8080/t/${ticketId}`;
  if (!/^https?:\/\/\S+$/.test(url))
    throw new Error(`--url must be an http(s) address (the phone page, e.g. https://hub.example/t/<id>), got "${url}"`);
  const number = values.number ?? 'A-042';
  if (number.trim().length === 0 || number.length > 12)
    throw new Error(`--number must be 1 to 12 characters (e.g. A-042), got "${number}"`);
  const waitText = values.wait;
  const postedWaitMin = waitText === 'none' ? null : positiveInteger('wait', waitText, 15, 0, 24 * 60);
  const returnIn =
    values['return-in'] === undefined ? undefined : positiveInteger('return-in', values['return-in'], 0, 1, 24 * 60);
  const timeZone = values.timezone ?? machineTimeZone();
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new Error(`--timezone must be an IANA zone such as Asia/Seoul, got "${timeZone}"`);
  }
  const model = findPrinterModel(values.printer ?? DEFAULT_PRINTER_MODEL_ID);
  if (!model)
    throw new Error(
      `--printer must be one of ${PRINTER_MODEL_IDS.join(', ')} (waitwell devices lists them), got "${values.printer}"`,
    );
  const ticket: TicketToPrint = {
    ticketId,
    language,
    venueName: values.venue ?? SAMPLE_VENUE[language],
    serviceName: values.service ?? SAMPLE_SERVICE[language],
    number,
    postedWaitMin,
    position: positiveInteger('position', values.position, 3),
    issuedAt: now,
    url,
    ...(returnIn === undefined
      ? {}
      : { returnWindow: { from: now + returnIn * 60_000, to: now + (returnIn + 15) * 60_000 } }),
    timeZone,
  };
  const cpl = charactersPerLine(model, positiveInteger('cpl', values.cpl, Math.floor(model.dotsPerLine / 12), 24, 64));
  const qrCell = values['qr-cell'] === undefined ? undefined : positiveInteger('qr-cell', values['qr-cell'], 4, 3, 8);
  return { ticket, format, model, cpl, qrCell };
}

export const ticketCommand: Command = {
  summary: 'render a sample ticket (escpos, svg or text) to check a layout without a printer',
  usage: `waitwell ticket preview [--printer MODEL] [--lang ko|zh|en] [--service NAME] [--venue NAME] [--number A-042]
                        [--url URL] [--format escpos|svg|text] [--out FILE] [--wait MIN|none] [--position N]
                        [--return-in MIN] [--cpl N] [--qr-cell 3-8] [--timezone Asia/Seoul]
--printer: ${PRINTER_MODEL_IDS.join(', ')} (default ${DEFAULT_PRINTER_MODEL_ID}); svg shows what it
prints, images included. --timezone defaults to this machine's. Without --out, text and svg go to the
terminal; escpos needs --out (it is binary).`,
  options: {
    lang: { type: 'string' },
    service: { type: 'string' },
    venue: { type: 'string' },
    number: { type: 'string' },
    url: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    wait: { type: 'string' },
    position: { type: 'string' },
    'return-in': { type: 'string' },
    cpl: { type: 'string' },
    'qr-cell': { type: 'string' },
    timezone: { type: 'string' },
    printer: { type: 'string' },
  },
  async run(values, positionals) {
    const [action, ...rest] = positionals;
    if (action !== 'preview' || rest.length > 0) {
      throw new Error(
        `usage: waitwell ticket preview [options] (got "${positionals.join(' ')}"); see waitwell ticket --help`,
      );
    }
    const { ticket, format, model, cpl, qrCell } = previewTicket(values as TicketPreviewValues);
    const out = values.out as string | undefined;
    if (out === undefined && format === 'escpos')
      throw new Error('--format escpos writes printer bytes: give --out FILE (then e.g. "nc <printer> 9100 < FILE")');
    const rendered = renderTicket(ticket, format, { model, cpl, qrCell });
    if (out === undefined) {
      process.stdout.write(rendered.bytes);
      return;
    }
    writeFileSync(out, rendered.bytes);
    const how =
      format === 'text'
        ? 'the words only (--format svg shows what it prints)'
        : rendered.renderedAs === 'text'
          ? 'every line as text in its own fonts'
          : `${rendered.imageLines} lines as images (it has no font for them)`;
    console.log(
      `${format} ticket ${ticket.number} (${ticket.language}, ${rendered.bytes.length} bytes) ` +
        `for the ${model.name}: ${how}; written to ${out}; QR: ${ticket.url}; times in ${ticket.timeZone}`,
    );
  },
};
