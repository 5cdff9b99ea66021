import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SerialPort } from 'serialport';
import { describe, expect, it } from 'vitest';
import { ticketTexts } from '../core/ticket-texts.ts';
import type { DeviceStatus, TicketToPrint } from '../drivers/device.ts';
import { runPrinterEmulator, type PrinterEmulatorHandle } from '../drivers/emulators/printer-emulator.ts';
import { createPtyPair, type PtyPair } from '../drivers/emulators/pty-pair.ts';
import { EscposPrinter, type PrinterProblem } from '../drivers/ticket-printer/escpos-printer.ts';
import { PrinterError } from '../drivers/ticket-printer/printer-error.ts';
import { printerModel } from '../drivers/ticket-printer/printer-models.ts';
import { SerialTransport } from '../drivers/transport/serial-transport.ts';
import { TcpTransport } from '../drivers/transport/tcp-transport.ts';
import type { Transport } from '../drivers/transport/transport.ts';
import { type Cleanup, test } from './support/test-fixtures.ts';
import { waitFor } from './support/wait.ts';

/**
 * EscposPrinter against the printer emulator, over a real pseudo-terminal pair (socat) and over
 * real TCP on loopback: the bytes a venue's printer would get, decoded back into text and PNG.
 */
const FAST = { baseMs: 20, maxMs: 200, jitter: 0.2 };

const SERVICE = { ko: '여권 발급', zh: '护照办理', en: 'Passports' } as const;
const VENUE = { ko: '강남구청 민원실', zh: '上海市民中心', en: 'City Hall' } as const;

function ticket(language: TicketToPrint['language'], number = 'A-042'): TicketToPrint {
  const ticketId = `0196a1b2-c3d4-7e5f-8a9b-${number.replace(/\W/g, '').padStart(12, '0')}`;
  return {
    ticketId,
    language,
    venueName: VENUE[language],
    serviceName: SERVICE[language],
    number,
    postedWaitMin: 15,
    position: 3,
    issuedAt: Date.UTC(2025, 2, 8, 5, 7),
    url: `https://hub.example/t/${ticketId}`,
    timeZone: 'Asia/Seoul',
  };
}

type Link = 'pty' | 'tcp';

interface Rig {
  printer: EscposPrinter;
  emulator: PrinterEmulatorHandle;
  transport: Transport;
  statuses: DeviceStatus[];
  problems: PrinterProblem[];
  outDir: string;
  line?: PtyPair;
  /** Pull the cable (pty) or cut the socket (TCP), then put it back. */
  unplug(): Promise<void>;
  replug(): Promise<void>;
}

/** modelId: the printer the driver renders for (the default prints Korean and Chinese as images). */
async function rig(cleanups: Cleanup[], outDir: string, link: Link, modelId?: string): Promise<Rig> {
  let line: PtyPair | undefined;
  let emulator: PrinterEmulatorHandle;
  let transport: Transport;
  if (link === 'pty') {
    line = await createPtyPair();
    cleanups.push(() => line!.dispose());
    // The printer's end first, as a printer is on before the kiosk opens its port.
    emulator = await runPrinterEmulator({ path: line.b, outDir });
    transport = new SerialTransport({ path: line.a, baudRate: 115_200, backoff: FAST });
  } else {
    emulator = await runPrinterEmulator({ tcpPort: 0, outDir });
    transport = new TcpTransport({ host: '127.0.0.1', port: emulator.tcpPort!, backoff: FAST, connectTimeoutMs: 2000 });
  }
  cleanups.push(() => emulator.close());
  const printer = new EscposPrinter({
    id: 'printer-entrance',
    transport,
    pollMs: 0,
    noReplyRetryMs: 300,
    model: printerModel(modelId),
  });
  const statuses: DeviceStatus[] = [];
  const problems: PrinterProblem[] = [];
  printer.on('status', (status) => statuses.push(status));
  printer.diagnostics.on('problem', (problem) => problems.push(problem));
  cleanups.push(() => printer.stop());
  await printer.start();
  await waitFor(() => printer.status.state === 'ready', { what: 'the printer ready after start', timeoutMs: 5000 });
  return {
    printer,
    emulator,
    transport,
    statuses,
    problems,
    outDir,
    line,
    unplug: async () => {
      if (line) await line.unplug();
      else emulator.dropConnections();
    },
    replug: async () => {
      if (line) await line.plug();
    },
  };
}

const codes = (statuses: DeviceStatus[]) => statuses.map((s) => `${s.state}${s.code ? `:${s.code}` : ''}`);

function zbarPng(png: Buffer): string {
  const file = join(mkdtempSync(join(tmpdir(), 'waitwell-qr-')), 'qr.png');
  writeFileSync(file, png);
  try {
    return zbar(file);
  } catch {
    return '';
  } finally {
    rmSync(dirname(file), { recursive: true, force: true });
  }
}

function zbar(file: string): string {
  return execFileSync('zbarimg', ['-q', '--raw', file], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
}

describe.each<Link>(['pty', 'tcp'])('EscposPrinter over %s', (link) => {
  test('prints a Korean ticket: the text decodes from KS C 5601 and the QR decodes to the ticket URL', async ({
    cleanups,
    dir,
  }) => {
    const { printer, emulator, statuses } = await rig(cleanups, dir, link, 'epson-tm-t20iii-kr');
    expect(codes(statuses)).toEqual(['offline:connecting', 'ready']);
    const korean = ticket('ko');
    const printed = emulator.nextTicket();
    expect(await printer.print(korean)).toMatchObject({
      model: 'epson-tm-t20iii-kr',
      renderedAs: 'text',
      imageLines: 0,
    });
    const decoded = await printed;
    const texts = ticketTexts('ko');
    for (const expected of [
      VENUE.ko,
      SERVICE.ko,
      texts.yourNumber,
      texts.waitAbout(15),
      texts.ahead(3),
      ...texts.footer,
    ])
      expect(decoded.text).toContain(expected);
    expect(decoded.lines.find((l) => l.text.replace(/\s/g, '') === 'A-042')?.scale).toBe(4);
    expect(decoded.cut).toBe(true);
    expect(decoded.interrupted).toBe(false);
    expect(decoded.images).toHaveLength(1);
    expect(zbar(decoded.images[0]!.file!)).toBe(korean.url);
    // receiptline's GS r 49 ends the ticket; the driver adds no second one.
    expect(decoded.commands['GS r']).toBe(1);
    expect(readFileSync(decoded.textFile!, 'utf8')).toContain(SERVICE.ko);
    expect(printer.status).toEqual({ state: 'ready' });
  });

  test('prints a Chinese ticket whose text decodes from GB18030, then an English one', async ({ cleanups, dir }) => {
    const { printer, emulator } = await rig(cleanups, dir, link, 'epson-tm-t20iii-sc');
    await printer.print(ticket('zh', 'B-007'));
    await printer.print(ticket('en', 'C-100'));
    await waitFor(() => emulator.tickets.length === 2, { what: 'two printed tickets', timeoutMs: 5000 });
    const [zh, en] = emulator.tickets;
    for (const expected of [
      VENUE.zh,
      SERVICE.zh,
      ticketTexts('zh').yourNumber,
      ticketTexts('zh').waitAbout(15),
      ticketTexts('zh').ahead(3),
    ])
      expect(zh!.text).toContain(expected);
    expect(en!.text).toContain('Wait about 15 min');
    expect(zbar(zh!.images[0]!.file!)).toBe(ticket('zh', 'B-007').url);
  });

  test('status changes the printer reports by itself become status events', async ({ cleanups, dir }) => {
    const { printer, emulator, statuses } = await rig(cleanups, dir, link);
    emulator.paperNearEnd();
    await waitFor(() => printer.status.code === 'paper-near-end', { what: 'paper near end', timeoutMs: 5000 });
    expect(printer.status.state).toBe('degraded');
    expect(printer.status.detail).toMatch(/nearly used up: put in a new roll soon/);
    emulator.openCover();
    await waitFor(() => printer.status.code === 'cover-open', { what: 'cover open', timeoutMs: 5000 });
    expect(printer.status.detail).toMatch(/cover is open: close it/);
    emulator.closeCover();
    await waitFor(() => printer.status.code === 'paper-near-end', { what: 'back to paper near end', timeoutMs: 5000 });
    emulator.goOffline();
    await waitFor(() => printer.status.code === 'offline', { what: 'offline', timeoutMs: 5000 });
    expect(printer.status.detail).toMatch(/waiting for recovery: press its FEED button/);
    emulator.goOnline();
    emulator.refill();
    await waitFor(() => printer.status.state === 'ready', { what: 'ready after the refill', timeoutMs: 5000 });
    expect(codes(statuses)).toEqual([
      'offline:connecting',
      'ready',
      'degraded:paper-near-end',
      'offline:cover-open',
      'degraded:paper-near-end',
      'offline:offline',
      'degraded:paper-near-end',
      'ready',
    ]);
  });

  test('printing to a printer out of paper fails with a clear error and prints nothing', async ({ cleanups, dir }) => {
    const { printer, emulator } = await rig(cleanups, dir, link);
    emulator.paperOut();
    await waitFor(() => printer.status.code === 'paper-out', { what: 'paper out', timeoutMs: 5000 });
    const error = await printer.print(ticket('en')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrinterError);
    expect(error).toMatchObject({ code: 'paper-out', printed: 'nothing', ticketNumber: 'A-042' });
    expect((error as Error).message).toMatch(
      /the printer is out of paper: put in a new roll and close the cover; ticket A-042 was not printed/,
    );
    expect(emulator.tickets).toHaveLength(0);
    expect(emulator.engine.inProgress).toBeUndefined();
  });

  test('out of paper mid-print: the print fails as partial, the status says paper out; a refill recovers', async ({
    cleanups,
    dir,
  }) => {
    const { printer, emulator, statuses } = await rig(cleanups, dir, link);
    emulator.paperOut(600);
    const error = await printer.print(ticket('ko')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'paper-out', printed: 'partial' });
    expect((error as Error).message).toMatch(
      /out of paper.*ticket A-042 stopped part way: give the customer a new ticket/,
    );
    expect(printer.status.code).toBe('paper-out');
    expect(statuses.at(-1)).toMatchObject({ state: 'offline', code: 'paper-out' });
    expect(emulator.engine.inProgress?.interrupted).toBe(true);

    emulator.refill();
    await waitFor(() => printer.status.state === 'ready', { what: 'ready after the refill', timeoutMs: 5000 });
    // The printer finishes what was in its buffer; the driver already told the kiosk it was partial.
    await waitFor(() => emulator.tickets.length === 1, { what: 'the interrupted ticket to finish', timeoutMs: 5000 });
    expect(emulator.tickets[0]!.interrupted).toBe(true);
    await printer.print(ticket('ko', 'A-043'));
    expect(emulator.tickets).toHaveLength(2);
    expect(emulator.tickets[1]!.interrupted).toBe(false);
  });

  test(
    link === 'pty'
      ? 'unplug and replug: offline while unplugged, prints again after'
      : 'a dropped socket: reconnects by itself and prints again',
    async ({ cleanups, dir }) => {
      const { printer, emulator, statuses, unplug, replug } = await rig(cleanups, dir, link);
      await printer.print(ticket('en', 'A-001'));
      await unplug();
      await waitFor(() => statuses.some((s) => s.code === 'disconnected'), {
        what: 'a disconnected status',
        timeoutMs: 5000,
      });
      if (link === 'pty') {
        const error = await printer.print(ticket('en', 'A-002')).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'disconnected', printed: 'nothing' });
        expect((error as Error).message).toMatch(
          /is not connected \(reconnecting\): check the printer's cable or network .*; ticket A-002 was not printed/,
        );
      }
      await replug();
      await waitFor(() => printer.status.state === 'ready', {
        what: 'ready after the link came back',
        timeoutMs: 10_000,
      });
      await printer.print(ticket('en', 'A-003'));
      await waitFor(() => emulator.tickets.some((t) => t.text.includes('A-003')), {
        what: 'the ticket after recovery',
        timeoutMs: 5000,
      });
      // Reopened, then asked for its status (unanswered while the far end is still reopening), then ready.
      const seen = codes(statuses);
      const after = seen.slice(seen.lastIndexOf('offline:disconnected') + 1);
      expect(after.at(-1)).toBe('ready');
      expect(after.slice(0, -1).every((code) => code === 'offline:connecting' || code === 'offline:no-reply')).toBe(
        true,
      );
    },
  );
});

describe('EscposPrinter for a printer model', () => {
  test('a clone gets clone-safe bytes with one GS r, and the result says Korean went as images', async ({
    cleanups,
  }) => {
    const clone = printerModel('xprinter-xp-80');
    const emulator = await runPrinterEmulator({ tcpPort: 0, model: clone });
    cleanups.push(() => emulator.close());
    const transport = new TcpTransport({ host: '127.0.0.1', port: emulator.tcpPort!, backoff: FAST });
    const printer = new EscposPrinter({ id: 'p', transport, pollMs: 0, model: clone });
    cleanups.push(() => printer.stop());
    await printer.start();
    const korean = ticket('ko');
    const printed = emulator.nextTicket();
    const result = await printer.print(korean);
    expect(result).toMatchObject({ model: 'xprinter-xp-80', renderedAs: 'image' });
    expect(result.imageLines).toBeGreaterThan(5);
    const paper = await printed;
    expect(paper.mishandled).toEqual([]);
    expect(paper.commands['GS r']).toBe(1);
    expect(paper.commands['GS a']).toBeGreaterThanOrEqual(1);
    expect(paper.images).toHaveLength(result.imageLines + 1);
    expect(paper.images.filter((image) => zbarPng(image.png) === korean.url)).toHaveLength(1);

    // The same printer prints a Chinese ticket in its own GB18030 font.
    const chinese = await printer.print(ticket('zh', 'B-007'));
    expect(chinese).toMatchObject({ renderedAs: 'text', imageLines: 0 });
    await waitFor(() => emulator.tickets.length === 2, { what: 'the Chinese ticket', timeoutMs: 5000 });
    expect(emulator.tickets[1]!.text).toContain(SERVICE.zh);
  });

  test('a ticket that cannot be drawn fails as cannot-render and prints nothing', async ({ cleanups }) => {
    const emulator = await runPrinterEmulator({ tcpPort: 0 });
    cleanups.push(() => emulator.close());
    const transport = new TcpTransport({ host: '127.0.0.1', port: emulator.tcpPort!, backoff: FAST });
    // A width the head cannot print (a configuration mistake the kiosk's schema also catches).
    const printer = new EscposPrinter({ id: 'p', transport, pollMs: 0, model: printerModel('generic-58mm'), cpl: 40 });
    cleanups.push(() => printer.stop());
    await printer.start();
    const error = await printer.print(ticket('en')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'cannot-render', printed: 'nothing' });
    expect((error as Error).message).toMatch(
      /40 characters per line need 480 dots, but the .* prints 384: use at most 32/,
    );
    expect(emulator.tickets).toHaveLength(0);
  });
});

describe('EscposPrinter edge cases', () => {
  test('a device that never answers is offline with "no-reply", and print says so', async ({ cleanups }) => {
    const line = await createPtyPair();
    cleanups.push(() => line.dispose());
    // Something on the far end that reads but never answers: the wrong device, or a printer at another baud rate.
    const silent = new SerialPort({ path: line.b, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => silent.open((error) => (error ? reject(error) : resolve())));
    cleanups.push(() => new Promise<void>((resolve) => (silent.isOpen ? silent.close(() => resolve()) : resolve())));
    const printer = new EscposPrinter({
      id: 'p',
      transport: new SerialTransport({ path: line.a, baudRate: 9600, backoff: FAST }),
      pollMs: 0,
      replyTimeoutMs: 200,
      noReplyRetryMs: 10_000,
    });
    cleanups.push(() => printer.stop());
    await printer.start();
    expect(printer.status).toMatchObject({ state: 'offline', code: 'no-reply' });
    expect(printer.status.detail).toMatch(
      /no reply to DLE EOT 1 \(printer status\) .* within 200 ms: is the printer switched on, .* baud rate\?/,
    );
    const error = await printer.print(ticket('en')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'no-reply', printed: 'nothing' });
  });

  test('the printer answering late (switched on after the kiosk) is picked up by the retry', async ({ cleanups }) => {
    const line = await createPtyPair();
    cleanups.push(() => line.dispose());
    const printer = new EscposPrinter({
      id: 'p',
      transport: new SerialTransport({ path: line.a, baudRate: 9600, backoff: FAST }),
      pollMs: 0,
      replyTimeoutMs: 200,
      noReplyRetryMs: 200,
    });
    cleanups.push(() => printer.stop());
    await printer.start();
    expect(printer.status.code).toBe('no-reply');
    const emulator = await runPrinterEmulator({ path: line.b });
    cleanups.push(() => emulator.close());
    await waitFor(() => printer.status.state === 'ready', { what: 'ready once the printer answers', timeoutMs: 5000 });
    await printer.print(ticket('en'));
    expect(emulator.tickets).toHaveLength(1);
  });

  it('a stopped driver refuses to print', async () => {
    const printer = new EscposPrinter({ id: 'p', transport: new TcpTransport({ host: '127.0.0.1', port: 9 }) });
    await expect(printer.print(ticket('en'))).rejects.toMatchObject({ code: 'stopped' });
  });
});
