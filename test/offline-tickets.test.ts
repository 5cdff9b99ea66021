import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { newEventId } from '../core/ids.ts';
import { formatNumber } from '../core/queue/numbering.ts';
import { kioskConfigSchema } from '../kiosk/config.ts';
import { LocalStore } from '../kiosk/local-store.ts';
import { KioskRuntime } from '../kiosk/runtime.ts';
import type { TakenTicket } from '../kiosk/ticket-desk.ts';
import { startTestHub, TEST_QUEUE_VENUE } from './support/fixtures.ts';
import { waitFor } from './support/wait.ts';
import { freePort } from '../bin/free-port.ts';
import { test } from './support/test-fixtures.ts';

/** docs/kiosk.md, "Offline tickets": a kiosk cut off from the hub issues from its reserved block. */
describe('tickets while the hub is unreachable', () => {
  test.override({ hubOptions: { venue: TEST_QUEUE_VENUE } });

  test('issues from the kiosk’s reserved numbers, and the hub merges them in issue order when it is back', async ({
    cleanups,
    dir,
  }) => {
    const file = join(dir, 'hub.db');
    const port = await freePort();
    let hub = await startTestHub({ file, port, venue: TEST_QUEUE_VENUE });
    cleanups.push(() => hub.close());
    const token = await hub.addKiosk('k1');
    await hub.queues.commands.execute('venue-a', { type: 'open-counter', counterId: 'c1' });
    const config = kioskConfigSchema.parse({
      hubUrl: hub.url,
      venueId: 'venue-a',
      deviceId: 'k1',
      token,
      store: join(dir, 'k1.db'),
      sync: { ackTimeoutMs: 2000 },
    });
    let kiosk = new KioskRuntime(config);
    cleanups.push(() => kiosk.stop());
    await kiosk.start();
    await waitFor(() => kiosk.offlineNumbersLeft('deposits') > 0 || undefined, {
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
        const snapshot = await hub.queues.reads.snapshot('venue-a');
        const deposits = snapshot?.services.find((s) => s.serviceId === 'deposits');
        return deposits && deposits.waiting === 4 ? deposits : undefined;
      },
      { what: 'the offline tickets in the hub queue' },
    );
    expect(merged.next).toEqual([hubNumber, ...blockNumbers]);
    const view = await hub.queues.reads.ticket('venue-a', second.ticket.ticketId);
    expect(view).toMatchObject({ number: second.ticket.number, status: 'waiting', position: 3 });
  });

  test('syncs and merges the ticket.issued records an older kiosk left in its outbox', async ({
    cleanups,
    dir,
    hub,
  }) => {
    const token = await hub.addKiosk('k1');
    await hub.queues.commands.execute('venue-a', { type: 'open-counter', counterId: 'c1' });
    const storeFile = join(dir, 'k1.db');
    const config = kioskConfigSchema.parse({
      hubUrl: hub.url,
      venueId: 'venue-a',
      deviceId: 'k1',
      token,
      store: storeFile,
    });
    const kiosk = new KioskRuntime(config);
    await kiosk.start();
    await waitFor(() => kiosk.offlineNumbersLeft('deposits') > 0 || undefined, {
      what: 'numbers reserved for offline use',
    });
    await kiosk.stop();

    // What the kiosk software before ticket.taken wrote: a ticket the hub numbered, then one
    // from the reserved block, the number only as printed.
    const identity = { venueId: 'venue-a', deviceId: 'k1' };
    const local = new LocalStore(storeFile, identity);
    const reserved = local.takeReservedNumber('deposits', Date.now())!;
    const firstSeq = local.lastSeq + 1;
    local.close();
    const online = await hub.queues.commands.execute('venue-a', {
      type: 'issue',
      ticketId: newEventId(),
      serviceId: 'deposits',
      kioskId: 'k1',
    });
    if (!online.ok) throw new Error(online.message);
    const offlineNumber = formatNumber(reserved.prefix, reserved.seq, reserved.digits);
    const legacy = [
      { ticketId: online.ticket!.ticketId, serviceId: 'deposits', number: online.ticket!.number, lang: 'ko' },
      { ticketId: newEventId(), serviceId: 'deposits', number: offlineNumber, lang: 'en', offline: true },
    ].map((payload, i) => ({ id: newEventId(), seq: firstSeq + i, payload: { offline: false, ...payload } }));
    const db = new Database(storeFile);
    const insert = db.prepare('INSERT INTO events (seq, id, type, v, occurred_at, payload) VALUES (?, ?, ?, 1, ?, ?)');
    for (const event of legacy)
      insert.run(event.seq, event.id, 'ticket.issued', Date.now(), JSON.stringify(event.payload));
    db.close();

    const restarted = new KioskRuntime(config);
    cleanups.push(() => restarted.stop());
    await restarted.start();
    await waitFor(() => restarted.status().hubContiguousSeq >= firstSeq + 1 || undefined, {
      what: 'the old records to reach the hub',
    });
    const stored = await hub.store.deviceEvents('k1');
    const kept = stored.filter((e) => legacy.some((l) => l.id === e.id));
    expect(kept.map((e) => e.type)).toEqual(['ticket.issued', 'ticket.issued']);
    const merged = await waitFor(
      async () => {
        const deposits = (await hub.queues.reads.snapshot('venue-a'))?.services.find((s) => s.serviceId === 'deposits');
        return deposits?.waiting === 2 ? deposits : undefined;
      },
      { what: 'the offline ticket in the hub queue' },
    );
    expect(merged.next).toEqual([online.ticket!.number, offlineNumber]);
    expect(await hub.queues.reads.ticket('venue-a', legacy[1]!.payload.ticketId)).toMatchObject({
      number: offlineNumber,
      seq: reserved.seq,
      status: 'waiting',
    });
  });
});
