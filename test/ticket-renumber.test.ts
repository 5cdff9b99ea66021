import { io, type Socket } from 'socket.io-client';
import { describe, expect } from 'vitest';
import type { AnyEventEnvelope } from '../core/events.ts';
import { newEventId } from '../core/ids.ts';
import type { KioskClientToServer, KioskServerToClient, NumbersReserved } from '../core/protocol.ts';
import { TEST_QUEUE_VENUE } from './support/fixtures.ts';
import { POLL, test } from './support/test-fixtures.ts';

/** docs/queues.md, "One ticket, one number": the hub adopts the number on the customer's paper. */
describe('a ticket the hub numbered while its kiosk printed an offline number', () => {
  test.override({ hubOptions: { venue: TEST_QUEUE_VENUE } });

  test('takes the printed number at the kiosk’s next hello, even if its record was stored unmerged', async ({
    hub,
    cleanups,
  }) => {
    const token = await hub.addKiosk('k1');
    const venueId = TEST_QUEUE_VENUE.id;
    await hub.queues.commands.execute(venueId, { type: 'open-counter', counterId: 'c1' });
    const block = (await hub.queues.commands.reserveNumbers(venueId, 'k1', 'deposits', 5)) as NumbersReserved;
    expect(block.ok).toBe(true);

    // The hub committed the kiosk's online take, then died before the kiosk heard the answer ...
    const ticketId = newEventId();
    const online = await hub.queues.commands.execute(venueId, {
      type: 'issue',
      ticketId,
      serviceId: 'deposits',
      kioskId: 'k1',
    });
    expect(online.ok && online.ticket?.number).toBe('A-001');
    await hub.queues.commands.execute(venueId, { type: 'call-next', counterId: 'c1' });
    // ... so the kiosk printed A-500 for the same id, and a later hub stored that record but was
    // killed before merging it (stored straight into the store: no merge runs).
    const printed: AnyEventEnvelope = {
      id: newEventId(),
      type: 'ticket.taken',
      v: 1,
      venueId,
      deviceId: 'k1',
      seq: 1,
      occurredAt: Date.now(),
      payload: {
        ticketId,
        serviceId: 'deposits',
        number: `A-${block.from}`,
        seq: block.from,
        day: block.day,
        lang: 'ko',
        offline: true,
      },
    };
    await hub.store.ingest('k1', [printed], { receivedAt: Date.now(), clockOffsetMs: 0 });
    expect((await hub.queues.reads.ticket(venueId, ticketId))?.number).toBe('A-001');

    // The kiosk comes back: its hello is enough for the hub to take the printed number.
    const socket: Socket<KioskServerToClient, KioskClientToServer> = io(`${hub.url}/kiosk`, {
      auth: { deviceId: 'k1', token },
      transports: ['websocket'],
      forceNew: true,
    });
    cleanups.push(() => void socket.disconnect());
    const hello = await socket.timeout(10_000).emitWithAck('hello', { lastSeq: 1, clientTime: Date.now() });
    expect(hello).toMatchObject({ ok: true, contiguousSeq: 1 });
    await expect.poll(async () => (await hub.queues.reads.ticket(venueId, ticketId))?.number, POLL).toBe('A-500');
    expect(await hub.queues.reads.ticket(venueId, ticketId)).toMatchObject({ status: 'called', counterId: 'c1' });
    const snapshot = (await hub.queues.reads.snapshot(venueId))!;
    expect(snapshot.counters.find((c) => c.counterId === 'c1')?.nowServing).toBe('A-500');
    expect(snapshot.lastCall?.number).toBe('A-500');
    const log = await hub.store.queueEvents(venueId);
    expect(log.filter((e) => e.type === 'ticket.renumbered')).toEqual([
      expect.objectContaining({ ticketId, from: 'A-001', to: 'A-500', kioskId: 'k1' }),
    ]);

    // A repeat of the online take (the kiosk asking again under the same id) gets the printed number.
    const repeat = await socket.timeout(10_000).emitWithAck('ticket.take', { ticketId, serviceId: 'deposits' });
    expect(repeat).toMatchObject({ ok: true, events: [], ticket: { number: 'A-500' } });
    // A second hello changes nothing: the ticket is in the queue under its printed number.
    await socket.timeout(10_000).emitWithAck('hello', { lastSeq: 1, clientTime: Date.now() });
    const next = await hub.queues.commands.execute(venueId, {
      type: 'issue',
      ticketId: newEventId(),
      serviceId: 'deposits',
    });
    expect(next.ok && next.ticket?.number).toBe('A-002');
    expect((await hub.store.queueEvents(venueId)).filter((e) => e.type === 'ticket.renumbered')).toHaveLength(1);
  });
});
