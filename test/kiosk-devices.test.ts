import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runButtonsEmulator } from '../drivers/emulators/buttons-emulator.ts';
import { runDisplayEmulator } from '../drivers/emulators/display-emulator.ts';
import { runPrinterEmulator } from '../drivers/emulators/printer-emulator.ts';
import { createPtyPair } from '../drivers/emulators/pty-pair.ts';
import { kioskConfigSchema } from '../kiosk/config.ts';
import { KioskRuntime } from '../kiosk/runtime.ts';
import type { TakenTicket } from '../kiosk/ticket-desk.ts';
import { startTestHub, tempDir, TEST_VENUE } from './support/fixtures.ts';
import { waitFor } from './support/wait.ts';
import { useCleanups } from './support/cleanups.ts';

/**
 * A kiosk on its devices, configured from data, end to end: a smiley box and a 2x20 display on
 * real pseudo-terminals, an ESC/POS printer on real TCP, the hub's queue behind it.
 */
describe('a kiosk with a button box, a printer and a wait display', () => {
  const cleanups = useCleanups();

  it('records presses, prints numbered tickets, shows calls, tells customer and staff of paper out', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const hub = await startTestHub({ file: join(dir.path, 'hub.db') });
    cleanups.push(() => hub.close());
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
    const printer = await runPrinterEmulator({ tcpPort: 0, outDir: join(dir.path, 'printed'), signal: stop.signal });
    cleanups.push(() => printer.close());
    const display = await runDisplayEmulator({ path: displayLine.b, kind: 'dmd', signal: stop.signal });
    cleanups.push(() => display.close());

    const kiosk = new KioskRuntime(
      kioskConfigSchema.parse({
        hubUrl: hub.url,
        venueId: 'venue-a',
        deviceId: 'k1',
        token,
        store: join(dir.path, 'k1.db'),
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
    await waitFor(() => kiosk.deviceSummaries().every((d) => d.status.state === 'ready'), {
      what: 'every device ready',
    });

    // A press on the box reaches the hub as feedback at the box's touchpoint.
    await runButtonsEmulator({ path: buttonLine.b, script: '4@50' });
    const counts = await waitFor(
      async () =>
        (await hub.store.touchpointCounts('venue-a')).find((c) => c.touchpointId === 'entrance' && c.total === 1),
      { what: 'the press on the hub' },
    );
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
    await waitFor(() => display.screen().join('\n').includes('A-001') || undefined, {
      what: 'A-001 on the 2x20 display',
    });

    // Out of paper: the ticket still exists, the customer gets the number on screen in three
    // languages, and staff see the printer's state on the hub.
    printer.paperOut();
    await waitFor(
      () => kiosk.deviceSummaries().find((d) => d.id === 'ticket-printer')?.status.code === 'paper-out' || undefined,
      { what: 'the kiosk noticing' },
    );
    const second = await take();
    expect(second.ticket.number).toBe('A-002');
    expect(second.print).toMatchObject({ printed: false, code: 'paper-out' });
    if (second.print.printed) throw new Error('unreachable');
    expect(second.print.customerMessage.ko).toContain('A-002');
    expect(second.print.customerMessage.zh).toContain('A-002');
    expect(second.print.customerMessage.en).toContain('A-002');
    // Staff find the printer's state among the component statuses the hub holds.
    const final = await waitFor(
      async () =>
        (await hub.store.componentHealth('venue-a')).find(
          (c) => c.component === 'ticket-printer' && c.code === 'paper-out',
        ),
      { what: 'paper-out reported to the hub' },
    );
    expect(final).toMatchObject({ component: 'ticket-printer', state: 'offline', code: 'paper-out' });
  });
});
