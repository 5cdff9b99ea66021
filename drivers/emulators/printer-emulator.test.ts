import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DLE_EOT, encodeRealtimeReply, GOOD_CONDITION } from '../ticket-printer/escpos-status.ts';
import { renderEscpos } from '../ticket-printer/render.ts';
import { PrinterEngine } from './printer-emulator.ts';

const ticket = {
  ticketId: 't',
  language: 'en' as const,
  venueName: 'Hall',
  serviceName: 'Passports',
  number: 'A-1',
  postedWaitMin: 3,
  position: 1,
  issuedAt: 0,
  url: 'https://h/t/t',
};

function engine() {
  const printer = new PrinterEngine();
  const sent: number[] = [];
  printer.on('output', (bytes) => sent.push(...bytes));
  return { printer, sent };
}

describe('printer emulator engine', () => {
  it('answers DLE EOT even when split across chunks, once each', () => {
    const { printer, sent } = engine();
    printer.receive(Buffer.from([0x10]));
    printer.receive(Buffer.from([0x04]));
    printer.receive(Buffer.from([0x04, 0x10, 0x04, 0x01]));
    expect(sent).toEqual([encodeRealtimeReply(4, GOOD_CONDITION), encodeRealtimeReply(1, GOOD_CONDITION)]);
  });

  it('sends automatic status when enabled and the state changes, and answers while offline', () => {
    const { printer, sent } = engine();
    printer.paperNearEnd();
    expect(sent).toEqual([]); // ASB is off
    printer.receive(Buffer.from([0x1d, 0x61, 0x0e]));
    expect(sent).toEqual([0x10, 0x00, 0x03, 0x00]);
    sent.length = 0;
    printer.openCover();
    expect(sent).toEqual([0x38, 0x00, 0x03, 0x00]);
    sent.length = 0;
    printer.receive(DLE_EOT(2));
    expect(sent).toEqual([0x16]);
  });

  it("numbers on from the tickets already saved, so a restarted emulator keeps the last run's tickets", () => {
    const dir = { path: mkdtempSync(join(tmpdir(), 'waitwell-printed-')) };
    try {
      const first = new PrinterEngine({ outDir: dir.path });
      first.receive(renderEscpos(ticket));
      first.receive(renderEscpos({ ...ticket, number: 'A-2' }));
      const again = new PrinterEngine({ outDir: dir.path });
      again.receive(renderEscpos({ ...ticket, number: 'B-7' }));
      expect(again.tickets.map((t) => t.index)).toEqual([3]);
      const saved = readdirSync(dir.path).filter((name) => name.endsWith('.txt'));
      expect(saved).toEqual(['ticket-0001.txt', 'ticket-0002.txt', 'ticket-0003.txt']);
      const text = (name: string) => readFileSync(join(dir.path, name), 'utf8').replace(/\s+/g, '');
      expect([text(saved[0]!), text(saved[1]!), text(saved[2]!)].map((t) => t.match(/[AB]-\d/)?.[0])).toEqual([
        'A-1',
        'A-2',
        'B-7',
      ]);
      // The QR code images are numbered with their ticket, never over an earlier one.
      expect(readdirSync(dir.path).filter((name) => name.startsWith('ticket-0003-image'))).not.toHaveLength(0);
    } finally {
      rmSync(dir.path, { recursive: true, force: true });
    }
  });

  it('runs out of paper mid-ticket, holds the rest, and finishes it after a refill', () => {
    const { printer } = engine();
    printer.paperOut(300);
    printer.receive(renderEscpos(ticket));
    expect(printer.condition.paperOut).toBe(true);
    expect(printer.tickets).toHaveLength(0);
    expect(printer.inProgress?.interrupted).toBe(true);
    printer.refill();
    expect(printer.tickets).toHaveLength(1);
    expect(printer.tickets[0]!.text).toContain('Passports');
    expect(printer.tickets[0]!.interrupted).toBe(true);
  });

  it('a dropped link discards a half ticket but keeps the paper state', () => {
    const { printer } = engine();
    const bytes = renderEscpos(ticket);
    printer.receive(bytes.subarray(0, 200));
    printer.paperNearEnd();
    printer.linkLost();
    expect(printer.tickets.at(-1)?.cut).toBe(false);
    printer.receive(bytes);
    expect(printer.tickets.at(-1)).toMatchObject({ cut: true, interrupted: false });
    expect(printer.condition.paperNearEnd).toBe(true);
  });
});
