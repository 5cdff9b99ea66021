import { describe, expect, it } from 'vitest';
import type { TicketToPrint } from '../device.ts';
import { printerModel } from './printer-models.ts';
import { renderEscpos, renderSvg, renderText } from './render.ts';
import { escapeProperty, escapeText, ticketDocument } from './ticket-template.ts';

const base: TicketToPrint = {
  ticketId: 't-1',
  language: 'ko',
  venueName: '강남구청',
  serviceName: '여권 발급',
  number: 'A-042',
  postedWaitMin: 15,
  position: 3,
  issuedAt: Date.UTC(2025, 2, 8, 5, 7),
  url: 'https://hub.example/t/t-1',
  timeZone: 'Asia/Seoul',
};

/** Printers with a resident font for the language: its text prints as text. */
const KOREAN_MODEL = { model: printerModel('epson-tm-t20iii-kr') };
const CHINESE_MODEL = { model: printerModel('epson-tm-t20iii-sc') };

/** A language's bytes for a string, as the printer's code page has them (TextEncoder cannot write these). */
function contains(haystack: Buffer, text: string, encoding: 'euc-kr' | 'gb18030'): boolean {
  // Search by decoding windows: the decoder is the reference for what the printer shows.
  const decoder = new TextDecoder(encoding);
  return decoder.decode(haystack.filter((b) => b >= 0x20)).includes(text);
}

describe('ticket rendering', () => {
  it('Korean prints as KS C 5601 text in multi-byte mode, not as an image', () => {
    const bytes = renderEscpos(base, KOREAN_MODEL);
    expect(bytes.includes(Buffer.from([0x1c, 0x26]))).toBe(true); // FS &: multi-byte mode
    expect(bytes.includes(Buffer.from([0x1b, 0x52, 0x0d]))).toBe(true); // ESC R 13: Korea
    expect(contains(bytes, '여권 발급', 'euc-kr')).toBe(true);
    // Only one image: the QR code.
    expect(bytes.toString('latin1').split('\x1d8L').length - 1).toBe(1);
  });

  it('Chinese prints as GB18030 text', () => {
    const bytes = renderEscpos({ ...base, language: 'zh', serviceName: '护照办理', venueName: '上海' }, CHINESE_MODEL);
    expect(contains(bytes, '护照办理', 'gb18030')).toBe(true);
    expect(contains(bytes, '您的号码', 'gb18030')).toBe(true);
  });

  it('keeps automatic status back on when asked, and ends with GS r 1', () => {
    const preview = renderEscpos(base, KOREAN_MODEL);
    expect([...preview.subarray(0, 5)]).toEqual([0x1b, 0x40, 0x1d, 0x61, 0x00]);
    const driver = renderEscpos(base, { ...KOREAN_MODEL, autoStatusBack: 0x0e });
    expect([...driver.subarray(0, 5)]).toEqual([0x1b, 0x40, 0x1d, 0x61, 0x0e]);
    expect([...driver.subarray(-3)]).toEqual([0x1d, 0x72, 0x31]);
    expect(driver.length).toBe(preview.length);
  });

  it('escapes receiptline markup in names and urls, and drops control characters', () => {
    expect(escapeText('A-042 | "VIP" ^_^ {x} ~ = \\')).toBe('A\\-042 \\| \\"VIP\\" \\^\\_\\^ \\{x\\} \\~ \\= \\\\');
    expect(escapeText('a\x1b@b\n')).toBe('a @b ');
    expect(escapeProperty('https://x/t/1;a|b')).toBe('https://x/t/1\\;a\\|b');
    const text = renderText({ ...base, language: 'en', venueName: '---', serviceName: 'Desk | 2 "east"' });
    expect(text).toContain('---');
    expect(text).toContain('Desk | 2 "east"');
  });

  it('shows the return window only when the customer took one', () => {
    const plain = ticketDocument({ ...base, language: 'en' });
    expect(plain).not.toContain('Return between');
    const withWindow = renderText({
      ...base,
      language: 'en',
      returnWindow: { from: Date.UTC(2025, 2, 8, 6, 0), to: Date.UTC(2025, 2, 8, 6, 15) },
    });
    expect(withWindow).toContain('Return between');
    expect(withWindow).toContain('15:00 - 15:15');
  });

  it('renders an SVG preview with the QR drawn', () => {
    const svg = renderSvg(base, KOREAN_MODEL);
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('lang="ko"');
    expect(svg).toContain('<path d="M');
  });
});
