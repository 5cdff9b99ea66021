import type { TicketToPrint } from '../drivers/device.ts';
import { type PrinterModel, printerModel } from '../drivers/ticket-printer/printer-models.ts';
import { renderEscpos } from '../drivers/ticket-printer/render.ts';
import { pressLatency } from './devices-press.ts';

/**
 * `npm run bench -- devices [--presses 300] [--renders 200] [--lang ko|zh|en] [--printer MODEL]`:
 * press-to-event latency over a real pseudo-terminal (bench/devices-press.ts; target p99 < 20 ms)
 * and the median time to render one ticket to ESC/POS bytes with receiptline for a printer model
 * (template, text in the model's fonts or lines drawn as images, QR as a raster image).
 */
const LANGUAGES = ['ko', 'zh', 'en'] as const;

function sampleTicket(language: TicketToPrint['language'], i: number): TicketToPrint {
  const id = `0196a1b2-c3d4-7e5f-8a9b-${String(i).padStart(12, '0')}`;
  return {
    ticketId: id,
    language,
    venueName: { ko: '강남구청 민원실', zh: '上海市民服务中心', en: 'City Hall' }[language],
    serviceName: { ko: '여권 발급', zh: '护照办理', en: 'Passports' }[language],
    number: `A-${String(i % 1000).padStart(3, '0')}`,
    postedWaitMin: 5 + (i % 40),
    position: i % 17,
    issuedAt: Date.UTC(2025, 2, 8, 5, 7) + i * 60_000,
    url: `https://hub.example/t/${id}`,
    timeZone: 'Asia/Seoul',
  };
}

function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function wholeNumber(options: Record<string, string>, key: string, fallback: number): number {
  const text = options[key];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${key} must be a whole number above 0, got "${text}"`);
  return value;
}

export async function ticketRender(options: {
  renders: number;
  languages: readonly TicketToPrint['language'][];
  model: PrinterModel;
}): Promise<{ ticketRenderMs: number; ticketBytes: number }> {
  const model = { model: options.model };
  // Warm-up: receiptline's first call compiles its tables; the first image line loads the CJK font.
  for (let i = 0; i < 10; i += 1)
    renderEscpos(sampleTicket(options.languages[i % options.languages.length]!, i), model);
  const samples: number[] = [];
  let bytes = 0;
  for (let i = 0; i < options.renders; i += 1) {
    const ticket = sampleTicket(options.languages[i % options.languages.length]!, i);
    const t0 = performance.now();
    bytes += renderEscpos(ticket, model).length;
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return {
    ticketRenderMs: Math.round(median(samples) * 1000) / 1000,
    ticketBytes: Math.round(bytes / options.renders),
  };
}

export default async function run(
  options: Record<string, string>,
  log: (line: string) => void,
): Promise<Record<string, unknown>> {
  const presses = wholeNumber(options, 'presses', 300);
  const renders = wholeNumber(options, 'renders', 200);
  const lang = options.lang;
  if (lang !== undefined && !(LANGUAGES as readonly string[]).includes(lang))
    throw new Error(`--lang must be one of ${LANGUAGES.join(', ')}, got "${lang}"`);
  const languages = lang === undefined ? LANGUAGES : [lang as TicketToPrint['language']];
  const model = printerModel(options.printer);

  log(`press-to-event latency: ${presses} presses over a pseudo-terminal pair`);
  const press = await pressLatency({ presses });
  log(`  p50 ${press.p50Ms} ms, p99 ${press.p99Ms} ms, max ${press.maxMs} ms`);
  log(`ticket render: ${renders} tickets (${languages.join(', ')}) to ESC/POS bytes for the ${model.name}`);
  const render = await ticketRender({ renders, languages, model });
  log(`  median ${render.ticketRenderMs} ms, ${render.ticketBytes} bytes per ticket`);
  return {
    p50Ms: press.p50Ms,
    p99Ms: press.p99Ms,
    maxMs: press.maxMs,
    presses: press.presses,
    ticketRenderMs: render.ticketRenderMs,
    ticketBytes: render.ticketBytes,
    printer: model.id,
    renders,
  };
}
