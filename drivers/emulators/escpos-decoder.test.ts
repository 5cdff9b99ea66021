import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../core/languages.ts';
import { ticketTexts } from '../../core/ticket-texts.ts';
import type { TicketToPrint } from '../device.ts';
import { printerModel } from '../ticket-printer/printer-models.ts';
import { renderEscpos } from '../ticket-printer/render.ts';
import { EscposDecoder, type EscposEvent } from './escpos-decoder.ts';
import { splitChunks } from '../testing/split-chunks.ts';

const SERVICE = { ko: '여권 발급', zh: '护照办理', en: 'Passports' } as const;
const VENUE = { ko: '강남구청 민원실', zh: '上海市民中心', en: 'City Hall' } as const;

function ticket(language: TicketToPrint['language'], extra: Partial<TicketToPrint> = {}): TicketToPrint {
  return {
    ticketId: '0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    language,
    venueName: VENUE[language],
    serviceName: SERVICE[language],
    number: 'A-042',
    postedWaitMin: 15,
    position: 3,
    issuedAt: Date.UTC(2025, 2, 8, 5, 7),
    url: 'https://hub.example/t/0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    timeZone: 'Asia/Seoul',
    ...extra,
  };
}

const split = splitChunks;

/** An Epson with the language's resident font, so the ticket's text is text. */
const MODEL_FOR = {
  ko: { model: printerModel('epson-tm-t20iii-kr') },
  zh: { model: printerModel('epson-tm-t20iii-sc') },
  en: { model: printerModel('epson-tm-t20iii-kr') },
} as const;
const render = (t: TicketToPrint) => renderEscpos(t, MODEL_FOR[t.language]);

const decodeAll = (chunks: Buffer[], decoder = new EscposDecoder()): EscposEvent[] => [
  ...chunks.flatMap((c) => decoder.feed(c)),
  ...decoder.flush(),
];
const lines = (events: EscposEvent[]) => events.flatMap((e) => (e.kind === 'line' && e.line.text ? [e.line.text] : []));

describe('ESC/POS decoder (the printer emulator side)', () => {
  it.each(LANGUAGES)('decodes a %s ticket rendered by receiptline back to its text, image and cut', (language) => {
    const events = decodeAll([render(ticket(language))]);
    const text = lines(events).join('\n');
    const texts = ticketTexts(language);
    for (const expected of [
      VENUE[language],
      SERVICE[language],
      texts.yourNumber,
      texts.waitAbout(15),
      texts.ahead(3),
      texts.scanToFollow,
      ...texts.footer,
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).toContain('2025-03-08 14:07');
    // The number is the biggest thing on the ticket.
    const number = events.find((e) => e.kind === 'line' && e.line.text.replace(/\s/g, '') === 'A-042');
    expect(number).toMatchObject({ line: { scale: 4 } });
    const images = events.filter((e) => e.kind === 'image');
    expect(images).toHaveLength(1);
    expect(images[0]).toMatchObject({ image: { command: 'GS 8 L' } });
    expect(events.filter((e) => e.kind === 'cut')).toHaveLength(1);
    expect(events.filter((e) => e.kind === 'transmit-status')).toEqual([{ kind: 'transmit-status', n: 1 }]);
    expect(events.filter((e) => e.kind === 'unknown')).toEqual([]);
  });

  it('reads GS v 0 raster images (the generic command set)', () => {
    const events = decodeAll([renderEscpos(ticket('en'), { commandSet: 'generic' })]);
    const image = events.find((e) => e.kind === 'image');
    expect(image).toMatchObject({ image: { command: 'GS v 0' } });
  });

  it('reports the host turning automatic status back on', () => {
    const events = decodeAll([renderEscpos(ticket('en'), { autoStatusBack: 0x0e })]);
    expect(events.find((e) => e.kind === 'auto-status-back')).toEqual({ kind: 'auto-status-back', flags: 0x0e });
  });

  it('the same events however the bytes are cut', () => {
    const whole = render(
      ticket('ko', { returnWindow: { from: Date.UTC(2025, 2, 8, 6), to: Date.UTC(2025, 2, 8, 6, 15) } }),
    );
    const reference = decodeAll([whole]);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (points) => {
        expect(decodeAll(split(whole, points))).toEqual(reference);
      }),
      { numRuns: 60 },
    );
  });

  it('two tickets joined in one chunk decode as two', () => {
    const both = Buffer.concat([render(ticket('zh')), render(ticket('en'))]);
    const events = decodeAll([both]);
    expect(events.filter((e) => e.kind === 'cut')).toHaveLength(2);
    const text = lines(events).join('\n');
    expect(text).toContain(SERVICE.zh);
    expect(text).toContain(SERVICE.en);
  });

  it('a ticket cut off by a dropped link is dropped on reset, and the next one decodes whole', () => {
    fc.assert(
      fc.property(fc.nat(), (at) => {
        const first = render(ticket('ko'));
        const decoder = new EscposDecoder();
        decoder.feed(first.subarray(0, at % first.length));
        decoder.reset();
        const events = decodeAll([render(ticket('zh'))], decoder);
        expect(lines(events).join('\n')).toContain(SERVICE.zh);
        expect(events.filter((e) => e.kind === 'image')).toHaveLength(1);
      }),
      { numRuns: 40 },
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(), { maxLength: 10 }), (raw, points) => {
        const decoder = new EscposDecoder();
        for (const chunk of split(Buffer.from(raw), points)) decoder.feed(chunk);
        decoder.reset();
        // And it still reads a good ticket afterwards.
        expect(lines(decodeAll([renderEscpos(ticket('en'))], decoder)).join('\n')).toContain('Passports');
      }),
      { numRuns: 100 },
    );
  });
});
