import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kioskConfigSchema } from '../kiosk/config.ts';
import { KioskRuntime } from '../kiosk/runtime.ts';
import type { TakenTicket } from '../kiosk/ticket-desk.ts';
import { startTestHub, tempDir, TEST_QUEUE_VENUE } from './support/fixtures.ts';
import { waitFor } from './support/wait.ts';
import { useCleanups } from './support/cleanups.ts';
import { freePort } from '../bin/free-port.ts';

/** design.md "Queue authority": a kiosk cut off from the hub issues from its reserved block. */
describe('tickets while the hub is unreachable', () => {
  const cleanups = useCleanups();

  it('issues from the kiosk’s reserved numbers, and the hub merges them in issue order when it is back', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const file = join(dir.path, 'hub.db');
    const port = await freePort();
    let hub = await startTestHub({ file, port, venue: TEST_QUEUE_VENUE });
    cleanups.push(() => hub.close());
    const token = await hub.addKiosk('k1');
    await hub.queues.execute('venue-a', { type: 'open-counter', counterId: 'c1' });
    const config = kioskConfigSchema.parse({
      hubUrl: hub.url,
      venueId: 'venue-a',
      deviceId: 'k1',
      token,
      store: join(dir.path, 'k1.db'),
      sync: { ackTimeoutMs: 2000 },
    });
    let kiosk = new KioskRuntime(config);
    cleanups.push(() => kiosk.stop());
    await kiosk.start();
    await waitFor(() => kiosk.store.numbersLeft('deposits', Date.now()) > 0 || undefined, {
      what: 'numbers reserved for offline use',
    });

    const take = async () => {
      const response = await fetch(`${kiosk.status().localUrl}/local/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ serviceId: 'deposits', language: 'zh' }),
      });
      expect(response.status).toBe(201);
      return (await response.json()) as TakenTicket;
    };
    const online = await take();
    expect(online.offline).toBe(false);
    const hubNumber = online.ticket.number;
    // No printer on this kiosk: the number goes on screen, in the customer's language too.
    expect(online.print).toMatchObject({ printed: false, code: 'no-printer' });

    await hub.close();
    await waitFor(() => kiosk.status().sync !== 'online' || undefined, { what: 'the kiosk noticing the hub is gone' });
    const first = await take();
    const second = await take();
    expect([first.offline, second.offline]).toEqual([true, true]);
    // Numbers from the block: never one the hub handed out, never twice.
    const blockNumbers = [first.ticket.number, second.ticket.number];
    expect(new Set([...blockNumbers, hubNumber]).size).toBe(3);
    expect(blockNumbers.every((n) => /^A-\d{3}$/.test(n))).toBe(true);
    expect(second.ticket.position).toBe(first.ticket.position! + 1);

    // Restarted while the hub is still down: the kiosk still knows its venue and keeps issuing.
    await kiosk.stop();
    kiosk = new KioskRuntime(config);
    await kiosk.start();
    expect(kiosk.currentVenue?.services.map((s) => s.id)).toEqual(['deposits', 'loans']);
    const screen = await (
      await fetch(`${kiosk.status().localUrl}/local/events`, { signal: AbortSignal.timeout(1000) }).catch(
        () => undefined,
      )
    )?.body
      ?.getReader()
      .read();
    expect(new TextDecoder().decode(screen?.value)).toContain('event: venue');
    const third = await take();
    expect(third.offline).toBe(true);
    blockNumbers.push(third.ticket.number);

    hub = await startTestHub({ file, port, venue: TEST_QUEUE_VENUE });
    const merged = await waitFor(
      async () => {
        const snapshot = await hub.queues.snapshot('venue-a');
        const deposits = snapshot?.services.find((s) => s.serviceId === 'deposits');
        return deposits && deposits.waiting === 4 ? deposits : undefined;
      },
      { what: 'the offline tickets in the hub queue' },
    );
    expect(merged.next).toEqual([hubNumber, ...blockNumbers]);
    const view = await hub.queues.ticket('venue-a', second.ticket.ticketId);
    expect(view).toMatchObject({ number: second.ticket.number, status: 'waiting', position: 3 });
  });
});
