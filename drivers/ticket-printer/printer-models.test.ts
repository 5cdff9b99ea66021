import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { LANGUAGES, type Language } from '../../core/languages.ts';
import { test } from '../../test/support/test-fixtures.ts';
import { formatIssued, ticketTexts, waitLine } from '../../core/ticket-texts.ts';
import type { TicketToPrint } from '../device.ts';
import { PrinterEngine, type PrintedImage, type PrintedTicket } from '../emulators/printer-emulator.ts';
import {
  FONT_A_DOTS,
  maxCharactersPerLine,
  PRINTER_MODELS,
  type PrinterModel,
  printerModel,
} from './printer-models.ts';
import { MIN_QR_MODULE_MM, QR_QUIET_MODULES, renderTicket } from './render.ts';

/**
 * Every model in the table, every language: the bytes a kiosk sends are read back by the
 * printer emulator playing that model (its resident font decodes multi-byte text; a model
 * without one ignores FS &), and the QR is decoded by zbarimg from the raster the printer got.
 */
const SERVICE = { ko: '여권 발급', zh: '护照办理', en: 'Passports' } as const;
const VENUE = { ko: '강남구청 민원실', zh: '上海市民服务中心', en: 'City Hall' } as const;

/** What each model prints as text and as images: the point of the table. */
const EXPECTED: Record<string, Record<Language, 'text' | 'image'>> = {
  'epson-tm-t20iii-kr': { ko: 'text', zh: 'image', en: 'text' },
  'epson-tm-t20iii-sc': { ko: 'image', zh: 'text', en: 'text' },
  'epson-tm-t88vi': { ko: 'image', zh: 'image', en: 'text' },
  'xprinter-xp-80': { ko: 'image', zh: 'text', en: 'text' },
  'generic-80mm': { ko: 'image', zh: 'image', en: 'text' },
  'generic-58mm': { ko: 'image', zh: 'image', en: 'text' },
};

const CLONE_TROUBLE = ['FS ( A', 'FS C', 'GS 8 L', 'GS ( L'];

function ticket(language: Language): TicketToPrint {
  const ticketId = '0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
  return {
    ticketId,
    language,
    venueName: VENUE[language],
    serviceName: SERVICE[language],
    number: 'A-042',
    postedWaitMin: 15,
    position: 3,
    issuedAt: Date.UTC(2025, 2, 8, 5, 7),
    url: `https://hub.example/t/${ticketId}`,
    timeZone: 'Asia/Seoul',
  };
}

/** The words of the ticket, line by line, as the template writes them. */
function words(t: TicketToPrint): string[] {
  const texts = ticketTexts(t.language);
  return [
    t.venueName,
    t.serviceName,
    texts.yourNumber,
    waitLine(t.language, t.postedWaitMin),
    texts.ahead(t.position),
    texts.scanToFollow,
    ...texts.footer,
  ];
}

function zbar(dir: string, png: Buffer): string {
  const file = join(dir, `qr-${process.hrtime.bigint()}.png`);
  writeFileSync(file, png);
  try {
    return execFileSync('zbarimg', ['-q', '--raw', file], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
}

/** Prints the bytes on an emulated printer of this model; a printer without a cutter is torn off by hand. */
function printOn(model: PrinterModel, bytes: Buffer): PrintedTicket {
  const engine = new PrinterEngine({ model, imageMargin: 0 });
  engine.receive(bytes);
  if (!model.cutter) engine.linkLost();
  expect(engine.tickets).toHaveLength(1);
  return engine.tickets[0]!;
}

interface Ink {
  width: number;
  height: number;
  dark(x: number, y: number): boolean;
}

function ink(image: PrintedImage): Ink {
  const png = PNG.sync.read(image.png);
  return { width: png.width, height: png.height, dark: (x, y) => png.data[(y * png.width + x) * 4]! < 128 };
}

/** Blank dots between the symbol and each edge of its image, and the module size (the finder pattern is 7 modules). */
function quietZone(qr: Ink): { top: number; bottom: number; left: number; right: number; module: number } {
  const rows = [...Array(qr.height).keys()].filter((y) => [...Array(qr.width).keys()].some((x) => qr.dark(x, y)));
  const cols = [...Array(qr.width).keys()].filter((x) => [...Array(qr.height).keys()].some((y) => qr.dark(x, y)));
  const top = rows[0]!;
  const left = cols[0]!;
  let run = 0;
  while (qr.dark(left + run, top)) run += 1;
  return { top, bottom: qr.height - 1 - rows.at(-1)!, left, right: qr.width - 1 - cols.at(-1)!, module: run / 7 };
}

describe.each(PRINTER_MODELS.map((model) => [model.id, model] as const))('printer model %s', (id, model) => {
  test.for(LANGUAGES)('prints a %s ticket the emulator reads back, with a QR zbarimg decodes', (language, { dir }) => {
    const t = ticket(language);
    const rendered = renderTicket(t, 'escpos', { model });
    expect(rendered.renderedAs).toBe(EXPECTED[id]![language]);
    const paper = printOn(model, rendered.bytes);

    // Text lines are read in the model's own code page; the rest arrived as images, not as garbage.
    const squeezed = (s: string) => s.replace(/\s+/g, '');
    if (rendered.renderedAs === 'text')
      for (const line of words(t)) expect(squeezed(paper.text)).toContain(squeezed(line));
    else expect(paper.text).toMatch(/^[\x20-\x7e\n─┼]*$/);
    expect(paper.lines.find((l) => l.text.replace(/\s/g, '') === 'A-042')?.scale).toBe(4);
    // The issue time shares its line with a label in the ticket's language.
    if (rendered.renderedAs === 'text') expect(paper.text).toContain(formatIssued(t.issuedAt, t.timeZone));
    expect(paper.images).toHaveLength(rendered.imageLines + 1);
    expect(paper.cut).toBe(model.cutter);

    // Every image and every print area fits the head.
    const printable = maxCharactersPerLine(model) * FONT_A_DOTS;
    for (const image of paper.images) expect(image.width).toBeLessThanOrEqual(printable);
    expect(paper.printAreas.length).toBeGreaterThan(0);
    for (const area of paper.printAreas) expect(area.left + area.width).toBeLessThanOrEqual(model.dotsPerLine);

    // The QR: decodes to the phone page from the raster alone, 4 modules of white all round, modules >= 0.4 mm.
    const squares = paper.images.filter((image) => Math.abs(image.width - image.height) < 8);
    expect(squares).toHaveLength(1);
    const qr = squares[0]!;
    expect(qr.command).toBe(model.commandSet === 'generic' ? 'GS v 0' : 'GS 8 L');
    expect(zbar(dir, qr.png)).toBe(t.url);
    const zone = quietZone(ink(qr));
    expect(Number.isInteger(zone.module)).toBe(true);
    expect((zone.module * 25.4) / model.dpi).toBeGreaterThanOrEqual(MIN_QR_MODULE_MM);
    for (const side of [zone.top, zone.bottom, zone.left, zone.right])
      expect(side).toBeGreaterThanOrEqual(QR_QUIET_MODULES * zone.module);

    // Text drawn as images has ink in it; images use the model's raster command.
    for (const image of paper.images.filter((i) => i !== qr)) {
      const drawn = ink(image);
      const dark = [...Array(drawn.width).keys()].some((x) =>
        [...Array(drawn.height).keys()].some((y) => drawn.dark(x, y)),
      );
      expect(dark).toBe(true);
      expect(image.command).toBe(qr.command);
    }

    // One GS r: the one the driver waits for. Clone-safe bytes for generic models.
    expect(paper.commands['GS r']).toBe(1);
    expect(paper.mishandled).toEqual([]);
    if (model.commandSet === 'generic') for (const name of CLONE_TROUBLE) expect(paper.commands[name]).toBeUndefined();
  });
});

describe('the emulator catches what a model would print wrong', () => {
  it('an Epson command set sent to a clone is reported command by command', () => {
    const clone = printerModel('xprinter-xp-80');
    const bytes = renderTicket(ticket('en'), 'escpos', { model: clone, commandSet: 'escpos' }).bytes;
    const paper = printOn(clone, bytes);
    expect(new Set(paper.mishandled)).toEqual(new Set(CLONE_TROUBLE));
  });

  it('Korean text sent to a model without a Korean font decodes as garbage, not as Korean', () => {
    const korean = renderTicket(ticket('ko'), 'escpos', { model: printerModel('epson-tm-t20iii-kr') }).bytes;
    const paper = printOn(printerModel('epson-tm-t88vi'), korean);
    expect(paper.text).not.toContain(SERVICE.ko);
    expect(paper.text).toMatch(/[^\x20-\x7e\n─┼]/);
  });
});
