import { join } from 'node:path';
import { describe, expect, vi } from 'vitest';
import { runButtonsEmulator } from '../drivers/emulators/buttons-emulator.ts';
import { runDisplayEmulator } from '../drivers/emulators/display-emulator.ts';
import { runPrinterEmulator } from '../drivers/emulators/printer-emulator.ts';
import { createPtyPair } from '../drivers/emulators/pty-pair.ts';
import { kioskConfigSchema } from '../kiosk/config.ts';
import { KioskRuntime } from '../kiosk/runtime.ts';
import type { TakenTicket } from '../kiosk/ticket-desk.ts';
import { TEST_VENUE } from './support/fixtures.ts';
import { POLL, test } from './support/test-fixtures.ts';

/**
 * A kiosk on its devices, configured from data, end to end: a smiley box and a 2x20 display on
 * real pseudo-terminals, an ESC/POS printer on real TCP, the hub's queue behind it.
 */
describe('a kiosk with a button box, a printer and a wait display', () => {
  test('records presses, prints numbered tickets, shows calls, tells customer and staff of paper out', async ({
    hub,
    dir,
    cleanups,
  }) => {
    await hub.venues.upsert({
      ...TEST_VENUE,
      services: [{ id: 'deposits', prefix: 'A', name: { ko: '예금', zh: '存款', en: 'Deposits' } }],
      counters: [{ id: 'c1', name: { ko: '1번 창구', zh: '1号窗口', en: 'Counter 1' }, services: ['deposits'] }],
    });
    const token = await hub.addKiosk('k1');
    await hub.queues.commands.execute('venue-a', { type: 'open-counter', counterId: 'c1' });

    const buttonLine = await createPtyPair();
    cleanups.push(() => buttonLine.dispose());
    const displayLine = await createPtyPair();
    cleanups.push(() => displayLine.dispose());
    const stop = new AbortController();
    cleanups.push(() => stop.abort());
    const printer = await runPrinterEmulator({ tcpPort: 0, outDir: join(dir, 'printed'), signal: stop.signal });
    cleanups.push(() => printer.close());
    const display = await runDisplayEmulator({ path: displayLine.b, kind: 'dmd', signal: stop.signal });
    cleanups.push(() => display.close());

    const kiosk = new KioskRuntime(
      kioskConfigSchema.parse({
        hubUrl: hub.url,
        venueId: 'venue-a',
        deviceId: 'k1',
        token,
        store: join(dir, 'k1.db'),
        devices: [
          {
            kind: 'buttons',
            id: 'exit-smileys',
            touchpointId: 'entrance',
            connection: { type: 'serial', path: buttonLine.a },
          },
          {
            kind: 'printer',
            id: 'ticket-printer',
            // A Korean-font printer: the Korean ticket's words arrive as text the emulator reads back.
            model: 'epson-tm-t20iii-kr',
            connection: { type: 'tcp', port: printer.tcpPort },
          },
          { kind: 'display', id: 'wait-display', protocol: 'dmd', connection: { type: 'serial', path: displayLine.a } },
        ],
      }),
    );
    cleanups.push(() => kiosk.stop());
    await kiosk.start();
    await expect
      .poll(() => kiosk.deviceSummaries().map((d) => d.status.state), POLL)
      .toEqual(['ready', 'ready', 'ready']);

    // A press on the box reaches the hub as feedback at the box's touchpoint.
    await runButtonsEmulator({ path: buttonLine.b, script: '4@50' });
    const counts = await vi.waitFor(async () => {
      const entrance = (await hub.store.touchpointCounts('venue-a')).find((c) => c.touchpointId === 'entrance');
      expect(entrance?.total).toBe(1); // the press on the hub
      return entrance!;
    }, POLL);
    expect(counts.counts[4]).toBe(1);

    const take = async () => {
      const response = await fetch(`${kiosk.status().localUrl}/local/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ serviceId: 'deposits', language: 'ko' }),
      });
      expect(response.status).toBe(201);
      return (await response.json()) as TakenTicket;
    };
    const first = await take();
    expect(first).toMatchObject({
      offline: false,
      ticket: { number: 'A-001', position: 1 },
      print: { printed: true, printerId: 'ticket-printer' },
    });
    const paper = await printer.nextTicket(10_000).catch(() => printer.tickets.at(-1)!);
    expect(paper.text).toContain('예금');
    expect(paper.text.replace(/\s+/g, '')).toContain('A-001');

    // Staff call it: the display at the kiosk shows who is being served.
    await hub.queues.commands.execute('venue-a', { type: 'call-next', counterId: 'c1' });
    await expect.poll(() => display.screen().join('\n'), POLL).toContain('A-001'); // on the 2x20 display

    // Out of paper: the ticket still exists, the customer gets the number on screen in three
    // languages, and staff see the printer's state on the hub.
    printer.paperOut();
    const printerCode = () => kiosk.deviceSummaries().find((d) => d.id === 'ticket-printer')?.status.code;
    await expect.poll(printerCode, POLL).toBe('paper-out'); // the kiosk noticing
    const second = await take();
    expect(second.ticket.number).toBe('A-002');
    expect(second.print).toMatchObject({ printed: false, code: 'paper-out' });
    if (second.print.printed) throw new Error('unreachable');
    expect(second.print.customerMessage.ko).toContain('A-002');
    expect(second.print.customerMessage.zh).toContain('A-002');
    expect(second.print.customerMessage.en).toContain('A-002');
    // Staff find the printer's state among the component statuses the hub holds.
    const printerHealth = async () =>
      (await hub.store.componentHealth('venue-a')).find((c) => c.component === 'ticket-printer');
    await expect.poll(async () => (await printerHealth())?.code, POLL).toBe('paper-out'); // reported to the hub
    expect(await printerHealth()).toMatchObject({ component: 'ticket-printer', state: 'offline', code: 'paper-out' });
  });
});
