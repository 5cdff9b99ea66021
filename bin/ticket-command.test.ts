import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EscposDecoder } from '../drivers/emulators/escpos-decoder.ts';
import { previewTicket, ticketCommand } from './ticket-command.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function outDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'waitwell-ticket-'));
  dirs.push(dir);
  return dir;
}

describe('waitwell ticket preview', () => {
  it('writes escpos bytes that decode back to the Korean ticket', async () => {
    const file = join(outDir(), 'ticket.bin');
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

  it('writes svg and text previews', async () => {
    const dir = outDir();
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

  it('says what is wrong with bad flags', async () => {
    expect(() => previewTicket({ lang: 'fr' })).toThrow('--lang must be one of ko, zh, en, got "fr"');
    expect(() => previewTicket({ format: 'pdf' })).toThrow('--format must be one of escpos, svg, text, got "pdf"');
    expect(() => previewTicket({ url: 'ftp://x' })).toThrow(/--url must be an http\(s\) address/);
    expect(() => previewTicket({ cpl: '10' })).toThrow('--cpl must be a whole number from 24 to 64, got "10"');
    expect(() => previewTicket({ timezone: 'Mars/Base' })).toThrow(/--timezone must be an IANA zone/);
    expect(previewTicket({ wait: 'none' }).ticket.postedWaitMin).toBeNull();
    expect(previewTicket({ 'return-in': '30' }, 0).ticket.returnWindow).toEqual({ from: 30 * 60_000, to: 45 * 60_000 });
    await expect(ticketCommand.run({}, ['print'])).rejects.toThrow(/usage: waitwell ticket preview/);
    await expect(ticketCommand.run({ format: 'escpos' }, ['preview'])).rejects.toThrow(/give --out FILE/);
  });
});
