import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { test } from '../test/support/test-fixtures.ts';
import { EscposDecoder } from '../drivers/emulators/escpos-decoder.ts';
import { machineTimeZone, previewTicket, ticketCommand } from './ticket-command.ts';

describe('waitwell ticket preview', () => {
  test('writes escpos bytes that decode back to the Korean ticket', async ({ dir }) => {
    const file = join(dir, 'ticket.bin');
    await ticketCommand.run(
      {
        printer: 'epson-tm-t20iii-kr',
        lang: 'ko',
        service: '여권 발급',
        number: 'A-042',
        url: 'https://hub.example/t/abc',
        format: 'escpos',
        out: file,
      },
      ['preview'],
    );
    const decoder = new EscposDecoder();
    const text = decoder
      .feed(readFileSync(file))
      .flatMap((e) => (e.kind === 'line' ? [e.line.text] : []))
      .join('\n');
    expect(text).toContain('여권 발급');
    expect(text).toContain('대기번호');
    expect(text.replace(/\s/g, '')).toContain('A-042');
  });

  test('writes svg and text previews', async ({ dir }) => {
    await ticketCommand.run(
      { printer: 'epson-tm-t20iii-sc', lang: 'zh', service: '护照办理', format: 'svg', out: join(dir, 't.svg') },
      ['preview'],
    );
    const svg = readFileSync(join(dir, 't.svg'), 'utf8');
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('护');
    await ticketCommand.run(
      { lang: 'en', service: 'Passports', number: 'B-7', format: 'text', out: join(dir, 't.txt') },
      ['preview'],
    );
    const text = readFileSync(join(dir, 't.txt'), 'utf8');
    expect(text).toContain('Passports');
    expect(text).toContain('Wait about 15 min');
  });

  test('renders for the printer model: images where it has no font, its width, and says which', async ({ dir }) => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await ticketCommand.run({ printer: 'epson-tm-t88vi', lang: 'ko', format: 'svg', out: join(dir, 'ko.svg') }, [
        'preview',
      ]);
      expect(log.mock.calls.at(-1)![0]).toMatch(
        /for the Epson TM-T88VI, international \(ANK\) model: \d+ lines as images/,
      );
      await ticketCommand.run({ printer: 'epson-tm-t20iii-kr', lang: 'ko', format: 'svg', out: join(dir, 'kr.svg') }, [
        'preview',
      ]);
      expect(log.mock.calls.at(-1)![0]).toMatch(/every line as text in its own fonts/);
    } finally {
      log.mockRestore();
    }
    const images = readFileSync(join(dir, 'ko.svg'), 'utf8');
    expect(images).toMatch(/^<svg width="504px"/);
    expect(images).toContain('<image href="data:image/png;base64,');
    const text = readFileSync(join(dir, 'kr.svg'), 'utf8');
    expect(text).toMatch(/^<svg width="576px"/);
    expect(text).not.toContain('<image');
    expect(text).toContain('>데<');
    // A blank line first: the title keeps clear of the top edge.
    for (const svg of [images, text])
      expect(svg).toMatch(/<g font-family[^>]*><g transform="translate\(0,24\)"><text><tspan x="\d+">&#xa0;<\/tspan>/);
    expect(previewTicket({ printer: 'epson-tm-t88vi' }).cpl).toBe(42);
    expect(previewTicket({ printer: 'generic-58mm' }).cpl).toBe(32);
  });

  it('prints times in the given zone, the machine zone by default, under a neutral demo venue', () => {
    const at = Date.UTC(2025, 2, 8, 5, 7);
    expect(previewTicket({}, at).ticket.timeZone).toBe(machineTimeZone());
    const seoul = previewTicket({ timezone: 'Asia/Seoul', lang: 'zh' }, at).ticket;
    expect(seoul.timeZone).toBe('Asia/Seoul');
    expect(seoul.venueName).toBe('演示服务中心');
    expect(previewTicket({}, at).ticket.venueName).toBe('Demo Service Centre');
  });

  it('says what is wrong with bad flags', async () => {
    expect(() => previewTicket({ lang: 'fr' })).toThrow('--lang must be one of ko, zh, en, got "fr"');
    expect(() => previewTicket({ format: 'pdf' })).toThrow('--format must be one of escpos, svg, text, got "pdf"');
    expect(() => previewTicket({ url: 'ftp://x' })).toThrow(/--url must be an http\(s\) address/);
    expect(() => previewTicket({ cpl: '10' })).toThrow('--cpl must be a whole number from 24 to 64, got "10"');
    expect(() => previewTicket({ timezone: 'Mars/Base' })).toThrow(/--timezone must be an IANA zone/);
    expect(() => previewTicket({ printer: 'tm-99' })).toThrow(
      /--printer must be one of epson-tm-t20iii-kr, .*, got "tm-99"/,
    );
    expect(() => previewTicket({ printer: 'epson-tm-t88vi', cpl: '48' })).toThrow(/use at most 42/);
    expect(previewTicket({ wait: 'none' }).ticket.postedWaitMin).toBeNull();
    expect(previewTicket({ 'return-in': '30' }, 0).ticket.returnWindow).toEqual({ from: 30 * 60_000, to: 45 * 60_000 });
    await expect(ticketCommand.run({}, ['print'])).rejects.toThrow(/usage: waitwell ticket preview/);
    await expect(ticketCommand.run({ format: 'escpos' }, ['preview'])).rejects.toThrow(/give --out FILE/);
  });
});
