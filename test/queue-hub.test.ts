import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { describe, expect } from 'vitest';
import { newEventId } from '../core/ids.ts';
import type {
  BoardServerToClient,
  KioskClientToServer,
  KioskServerToClient,
  QueueCommandResult,
  QueueSnapshot,
  StaffClientToServer,
  StaffCommand,
  StaffServerToClient,
  TicketQuote,
  TicketServerToClient,
  TicketView,
} from '../core/protocol.ts';
import type { Hub } from '../server/hub.ts';
import { SqliteHubStore } from '../server/store/sqlite-store.ts';
import { signedInUser, startTestHub, TEST_QUEUE_VENUE } from './support/fixtures.ts';
import { waitFor } from './support/wait.ts';
import { type Cleanup, type TestHub, test } from './support/test-fixtures.ts';

/** The queue through the real hub: kiosks take tickets, staff act over /staff and HTTP, boards watch. */

const QUEUE_VENUE = TEST_QUEUE_VENUE;

describe('queues on the hub', () => {
  test.override({ hubOptions: { venue: QUEUE_VENUE } });

  const login = (hub: Hub, username: string, venueIds: string[]) =>
    signedInUser(hub, { username, role: 'staff', venueIds });

  function connect<S extends Socket>(socket: S, cleanups: Cleanup[]): Promise<S> {
    cleanups.push(() => void socket.disconnect());
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  async function kioskSocket(hub: TestHub, deviceId: string, cleanups: Cleanup[]) {
    const token = await hub.addKiosk(deviceId);
    const socket: Socket<KioskServerToClient, KioskClientToServer> = io(`${hub.url}/kiosk`, {
      auth: { deviceId, token },
      transports: ['websocket'],
    });
    await connect(socket, cleanups);
    await socket.emitWithAck('hello', { lastSeq: 0, clientTime: Date.now() });
    return socket;
  }

  const staffDo = (socket: Socket<StaffServerToClient, StaffClientToServer>, command: StaffCommand) =>
    socket.emitWithAck('queue.command', command) as Promise<QueueCommandResult>;

  test('issues numbered tickets to kiosks, lets staff call them, and shows every change on the board', async ({
    cleanups,
    hub,
  }) => {
    const session = await login(hub, 'mina', ['venue-a']);
    const boardToken = await hub.venues.newBoardToken('venue-a');

    const board: Socket<BoardServerToClient> = io(`${hub.url}/board`, {
      auth: { venueId: 'venue-a', token: boardToken },
      transports: ['websocket'],
    });
    const boardSnapshots: QueueSnapshot[] = [];
    board.on('queue.snapshot', (snapshot) => boardSnapshots.push(snapshot));
    await connect(board, cleanups);
    const staff: Socket<StaffServerToClient, StaffClientToServer> = io(`${hub.url}/staff`, {
      auth: { venueId: 'venue-a', session },
      transports: ['websocket'],
    });
    await connect(staff, cleanups);
    const kiosk = await kioskSocket(hub, 'k1', cleanups);

    // Nobody at a counter yet: the kiosk can say so instead of inventing a wait.
    const closedQuote = (await kiosk.emitWithAck('ticket.quote', { serviceId: 'deposits' })) as TicketQuote;
    expect(closedQuote).toMatchObject({ ok: true, position: 1, postedWaitMin: null });

    expect(await staffDo(staff, { type: 'open-counter', counterId: 'c1' })).toMatchObject({ ok: true });
    const quote = (await kiosk.emitWithAck('ticket.quote', { serviceId: 'deposits' })) as TicketQuote;
    expect(quote.ok).toBe(true);
    expect(quote.postedWaitMin).not.toBeNull();

    const ids = [newEventId(), newEventId(), newEventId()];
    const taken: QueueCommandResult[] = [];
    for (const ticketId of ids) taken.push(await kiosk.emitWithAck('ticket.take', { ticketId, serviceId: 'deposits' }));
    expect(taken.map((r) => r.ok && r.ticket?.number)).toEqual(['A-001', 'A-002', 'A-003']);
    expect(taken.map((r) => r.ok && r.ticket?.position)).toEqual([1, 2, 3]);
    // A kiosk that never heard the answer asks again with the same id: same ticket, no new number.
    const retried = await kiosk.emitWithAck('ticket.take', { ticketId: ids[1]!, serviceId: 'deposits' });
    expect(retried).toMatchObject({ ok: true, events: [], ticket: { number: 'A-002' } });

    const called = await staffDo(staff, { type: 'call-next', counterId: 'c1' });
    expect(called).toMatchObject({ ok: true, ticket: { number: 'A-001', status: 'called', counterId: 'c1' } });
    // The call names the signed-in clerk (from the session, not the command) for the operations report.
    expect(called).toMatchObject({ events: [{ type: 'ticket.called', calledBy: 'mina' }] });
    const afterCall = await waitFor(() => boardSnapshots.find((s) => s.lastCall?.number === 'A-001'), {
      what: 'the board hearing the call',
    });
    expect(afterCall.counters.find((c) => c.counterId === 'c1')?.nowServing).toBe('A-001');
    expect(afterCall.services.find((s) => s.serviceId === 'deposits')).toMatchObject({
      waiting: 2,
      next: ['A-002', 'A-003'],
      openCounters: 1,
    });

    // The holder of A-003 sees one fewer ahead.
    const phone = await fetch(`${hub.url}/api/venues/venue-a/tickets/${ids[2]}`);
    expect(await phone.json()).toMatchObject({ number: 'A-003', status: 'waiting', position: 2, ahead: 1 });

    // Refusals say why, and change nothing.
    expect(await staffDo(staff, { type: 'call-next', counterId: 'c2' })).toMatchObject({
      ok: false,
      code: 'counter-closed',
    });
    // The ids and the number come apart from the English sentence, for screens to say in their language.
    expect(await staffDo(staff, { type: 'call-next', counterId: 'c1' })).toMatchObject({
      ok: false,
      code: 'counter-busy',
      params: { counter: 'c1', ticket: 'A-001' },
    });
    expect(await staff.emitWithAck('queue.command', { type: 'call-next' } as never)).toMatchObject({
      ok: false,
      code: 'invalid-command',
      message: expect.stringMatching(/counterId/),
    });
    expect(await staffDo(staff, { type: 'serve', counterId: 'c1' })).toMatchObject({
      ok: true,
      ticket: { number: 'A-001', status: 'served' },
    });
  });

  test('serves the same commands over HTTP, to staff of that venue only', async ({ cleanups, hub }) => {
    await hub.venues.upsert({
      id: 'venue-b',
      name: 'Branch B',
      services: QUEUE_VENUE.services,
      counters: QUEUE_VENUE.counters,
    });
    const mina = await login(hub, 'mina', ['venue-a']);
    const other = await login(hub, 'jun', ['venue-b']);
    const command = (session: string, venueId: string, body: unknown) =>
      fetch(`${hub.url}/api/venues/${venueId}/queue/commands`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` },
        body: JSON.stringify(body),
      });

    const opened = await command(mina, 'venue-a', { type: 'open-counter', counterId: 'c2' });
    expect(opened.status).toBe(200);
    const idle = await command(mina, 'venue-a', { type: 'call-next', counterId: 'c2' });
    expect(idle.status).toBe(409);
    expect(await idle.json()).toMatchObject({ error: { code: 'no-ticket-waiting', params: { counter: 'c2' } } });

    // A rota over HTTP: accepted in order, refused (with the reason) when shifts overlap.
    const hour = 60 * 60_000;
    const start = Date.now() + hour;
    const planned = await command(mina, 'venue-a', {
      type: 'plan-counter',
      counterId: 'c2',
      shifts: [
        { from: start, to: start + hour },
        { from: start + 2 * hour, to: start + 3 * hour },
      ],
    });
    expect(planned.status).toBe(200);
    const overlapping = await command(mina, 'venue-a', {
      type: 'plan-counter',
      counterId: 'c2',
      shifts: [
        { from: start, to: start + 2 * hour },
        { from: start + hour, to: start + 3 * hour },
      ],
    });
    expect(overlapping.status).toBe(409);
    expect(await overlapping.json()).toMatchObject({
      error: { code: 'invalid-time', message: expect.stringMatching(/overlap/) },
    });

    // Staff of branch B can run branch B, and nothing of branch A.
    const forbidden = await command(other, 'venue-a', { type: 'close-counter', counterId: 'c2' });
    expect(forbidden.status).toBe(403);
    const snapshot = (await (
      await fetch(`${hub.url}/api/venues/venue-a/queue`, { headers: { authorization: `Bearer ${mina}` } })
    ).json()) as QueueSnapshot;
    expect(snapshot.counters.find((c) => c.counterId === 'c2')?.status).toBe('open');
    expect((await command(other, 'venue-b', { type: 'open-counter', counterId: 'c1' })).status).toBe(200);

    // The socket refuses them at the door.
    const intruder = io(`${hub.url}/staff`, {
      auth: { venueId: 'venue-a', session: other },
      transports: ['websocket'],
    });
    cleanups.push(() => void intruder.disconnect());
    const refusal = await new Promise<Error & { data?: { code: string } }>((resolve) =>
      intruder.once('connect_error', resolve),
    );
    expect(refusal.data?.code).toBe('forbidden-venue');
  });

  test('rebuilds the live queue from its log after a restart, numbering on where it stopped', async ({
    cleanups,
    dir,
  }) => {
    const file = join(dir, 'hub.db');
    const first = await startTestHub({ file, venue: QUEUE_VENUE });
    const session = await login(first, 'mina', ['venue-a']);
    const kioskToken = await first.addKiosk('k1');
    const act = (hub: Hub, body: unknown) =>
      fetch(`${hub.url}/api/venues/venue-a/queue/commands`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` },
        body: JSON.stringify(body),
      });
    const take = async (hub: Hub, serviceId: string) => {
      const kiosk: Socket<KioskServerToClient, KioskClientToServer> = io(`${hub.url}/kiosk`, {
        auth: { deviceId: 'k1', token: kioskToken },
        transports: ['websocket'],
      });
      await connect(kiosk, cleanups);
      await kiosk.emitWithAck('hello', { lastSeq: 0, clientTime: Date.now() });
      const result = await kiosk.emitWithAck('ticket.take', { ticketId: newEventId(), serviceId });
      kiosk.disconnect();
      return result;
    };
    await act(first, { type: 'open-counter', counterId: 'c2' });
    for (const service of ['deposits', 'loans', 'deposits']) await take(first, service);
    await act(first, { type: 'call-next', counterId: 'c2' });
    const before = (await first.queues.reads.snapshot('venue-a'))!;
    await first.close();

    const second = await startTestHub({ file, venue: QUEUE_VENUE });
    cleanups.push(() => second.close());
    const after = (await second.queues.reads.snapshot('venue-a'))!;
    expect(after.version).toBe(before.version);
    expect(after.counters).toEqual(before.counters);
    expect(after.services.map(({ serviceId, waiting, next }) => ({ serviceId, waiting, next }))).toEqual(
      before.services.map(({ serviceId, waiting, next }) => ({ serviceId, waiting, next })),
    );
    const next = await take(second, 'deposits');
    expect(next).toMatchObject({ ok: true, ticket: { number: 'A-003' } });
  });

  test('offers a return window when the line is long, keeps the holder posted on the phone, checks them in', async ({
    cleanups,
    dir,
  }) => {
    const venue = {
      ...QUEUE_VENUE,
      services: QUEUE_VENUE.services.map((s) => (s.id === 'loans' ? { ...s, returnTimes: { thresholdMin: 15 } } : s)),
    };
    const hub = await startTestHub({ file: join(dir, 'hub.db'), venue });
    cleanups.push(() => hub.close());
    await hub.queues.commands.execute('venue-a', { type: 'open-counter', counterId: 'c2' });
    const kiosk = await kioskSocket(hub, 'k1', cleanups);
    for (let i = 0; i < 4; i += 1)
      await kiosk.emitWithAck('ticket.take', { ticketId: newEventId(), serviceId: 'loans' });

    const quote = (await kiosk.emitWithAck('ticket.quote', { serviceId: 'loans' })) as TicketQuote;
    expect(quote.postedWaitMin).toBeGreaterThan(15);
    expect(quote.returnWindow).not.toBeNull();
    const window = quote.returnWindow!;
    expect(window.to - window.from).toBe(15 * 60_000);
    expect(window.from).toBeGreaterThan(Date.now());

    const ticketId = newEventId();
    const taken = await kiosk.emitWithAck('ticket.take', { ticketId, serviceId: 'loans', returnWindow: window });
    expect(taken).toMatchObject({ ok: true, ticket: { number: 'B-005', returnWindow: window } });
    const snapshot = (await hub.queues.reads.snapshot('venue-a'))!;
    expect(snapshot.services.find((s) => s.serviceId === 'loans')).toMatchObject({ waiting: 4, away: 1 });

    // The phone page behind the QR code: live position and wait.
    const phone: Socket<TicketServerToClient> = io(`${hub.url}/ticket`, {
      auth: { venueId: 'venue-a', ticketId },
      transports: ['websocket'],
    });
    const updates: TicketView[] = [];
    phone.on('ticket.updated', (view) => updates.push(view));
    await connect(phone, cleanups);
    await waitFor(() => updates[0], { what: 'the first update on the phone' });
    await hub.queues.commands.execute('venue-a', { type: 'call-next', counterId: 'c2' });
    const afterCall = await waitFor(() => updates.find((u) => u.ahead === 3), { what: 'one fewer ahead on the phone' });
    expect(afterCall).toMatchObject({ number: 'B-005', status: 'waiting' });

    // Back too early: the kiosk is told when to come back instead of silently queueing them.
    const early = await kiosk.emitWithAck('ticket.check-in', { ticketId });
    expect(early).toMatchObject({ ok: false, code: 'return-window-not-open' });

    const unknown = io(`${hub.url}/ticket`, {
      auth: { venueId: 'venue-a', ticketId: newEventId() },
      transports: ['websocket'],
    });
    cleanups.push(() => void unknown.disconnect());
    const refusal = await new Promise<Error & { data?: { code: string } }>((resolve) =>
      unknown.once('connect_error', resolve),
    );
    expect(refusal.data?.code).toBe('ticket-unknown');
  });

  test('tells a clerk to try again when the store cannot take a command, and reports it as a hub fault', async ({
    cleanups,
    dir,
  }) => {
    // a real store whose next queue write fails, as a full disk would make it
    class FailingOnce extends SqliteHubStore {
      failNext = false;
      override async appendQueueEvents(...args: Parameters<SqliteHubStore['appendQueueEvents']>): Promise<number> {
        if (this.failNext) {
          this.failNext = false;
          throw new Error('SQLITE_FULL: database or disk is full');
        }
        return super.appendQueueEvents(...args);
      }
    }
    const store = new FailingOnce(join(dir, 'hub.db'));
    const hub = await startTestHub({ store, venue: QUEUE_VENUE });
    cleanups.push(() => hub.close());
    const faults: string[] = [];
    hub.events.on('fault', ({ where, error }) => faults.push(`${where}: ${error.message}`));
    const session = await login(hub, 'mina', ['venue-a']);
    const staff: Socket<StaffServerToClient, StaffClientToServer> = await connect(
      io(`${hub.url}/staff`, { auth: { venueId: 'venue-a', session }, transports: ['websocket'] }),
      cleanups,
    );

    store.failNext = true;
    expect(await staffDo(staff, { type: 'open-counter', counterId: 'c2' })).toMatchObject({
      ok: false,
      code: 'busy',
      message: expect.stringMatching(/disk is full.*try again/),
    });
    expect(faults).toEqual(['queue: SQLITE_FULL: database or disk is full']);
    // nothing was half-done: the same command goes through once the store takes writes again
    expect(await staffDo(staff, { type: 'open-counter', counterId: 'c2' })).toMatchObject({ ok: true });
  });
});
