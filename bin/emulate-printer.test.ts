import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { test } from '../test/support/test-fixtures.ts';
import { waitFor } from '../test/support/wait.ts';
import type { PrinterEmulatorHandle } from '../drivers/emulators/printer-emulator.ts';
import { EscposPrinter } from '../drivers/ticket-printer/escpos-printer.ts';
import { TcpTransport } from '../drivers/transport/tcp-transport.ts';
import { emulatePrinter } from './emulate-printer.ts';

describe('waitwell emulate printer', () => {
  test('prints what it decodes and takes commands from stdin', async ({ cleanups }) => {
    const input = new PassThrough();
    const output: string[] = [];
    const stop = new AbortController();
    let handle: PrinterEmulatorHandle | undefined;
    const running = emulatePrinter(
      { tcp: '127.0.0.1:0' },
      { out: (t) => output.push(t), input, signal: stop.signal, onReady: (h) => (handle = h) },
    );
    cleanups.push(async () => {
      stop.abort();
      await running;
    });
    await waitFor(() => handle, { what: 'the emulator to run', timeoutMs: 5000 });
    expect(output[0]).toMatch(/^Epson-style ticket printer on tcp 127\.0\.0\.1:\d+; Ctrl-C to stop$/);

    const printer = new EscposPrinter({
      id: 'p',
      transport: new TcpTransport({ host: '127.0.0.1', port: handle!.tcpPort! }),
      pollMs: 0,
    });
    cleanups.push(() => printer.stop());
    await printer.start();
    expect(printer.status.state).toBe('ready');
    await printer.print({
      ticketId: 't1',
      language: 'en',
      venueName: 'City Hall',
      serviceName: 'Passports',
      number: 'A-001',
      postedWaitMin: 5,
      position: 0,
      issuedAt: 0,
      url: 'https://hub.example/t/t1',
    });
    await waitFor(() => output.some((t) => t.includes('ticket 1') && t.includes('Passports')), {
      what: 'the decoded ticket printed',
      timeoutMs: 5000,
    });

    input.write('cover-open\n');
    await waitFor(() => printer.status.code === 'cover-open', {
      what: 'cover open reaching the driver',
      timeoutMs: 5000,
    });
    input.write('paper-out 12x\nfly\n');
    await waitFor(() => output.some((t) => t.startsWith('unknown command "fly"')), {
      what: 'the unknown command answered',
      timeoutMs: 5000,
    });
    expect(output).toContain('paper-out takes a whole number of bytes (e.g. paper-out 600), got "12x"');
    input.write('status\n');
    await waitFor(
      () =>
        output.some((t) =>
          /^printer: offline, cover open \(automatic status back on, 0xe\), 1 tickets printed$/.test(t),
        ),
      { what: 'the status line', timeoutMs: 5000 },
    );

    stop.abort();
    await running;
    expect(output.at(-1)).toBe('stopped; 1 tickets printed');
  });

  it('needs exactly one of --path and --tcp', async () => {
    await expect(emulatePrinter({})).rejects.toThrow(/give --path .* or --tcp/);
    await expect(emulatePrinter({ path: '/dev/null', tcp: '0' })).rejects.toThrow(/not both or neither/);
    await expect(emulatePrinter({ tcp: '0', model: 'tm-99' })).rejects.toThrow(
      /unknown printer model "tm-99"; known models: epson-tm-t20iii-kr, .*xprinter-xp-80/,
    );
  });
});
