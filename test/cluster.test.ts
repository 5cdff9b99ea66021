import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { describe, expect } from 'vitest';
import { newEventId } from '../core/ids.ts';
import type {
  BoardServerToClient,
  BoardSnapshot,
  DeviceHealth,
  KioskClientToServer,
  KioskServerToClient,
  QueueCommandResult,
  QueueSnapshot,
  StaffClientToServer,
  StaffCommand,
  StaffServerToClient,
  TicketServerToClient,
  TicketView,
  TouchpointCounts,
} from '../core/protocol.ts';
import type { QueueEvent } from '../core/queue/types.ts';
import type { VenueInput } from '../core/venue.ts';
import { LocalStore } from '../kiosk/local-store.ts';
import { SyncClient } from '../kiosk/sync-client.ts';
import { type Chain, type HubProcess, provisionChain, startHubProcess, tcpBalancer } from './support/cluster.ts';
import { TEST_QUEUE_VENUE, withPostgres } from './support/fixtures.ts';
import { waitFor } from './support/wait.ts';
import { type Cleanup, test } from './support/test-fixtures.ts';

/**
 * Several hubs: real `waitwell hub` processes on one PostgreSQL schema and one Redis (a prefix of
 * their own per test, so test files running at once never hear each other), with kiosks, boards,
 * staff and phones connected to different hubs.
 */

const VENUE_ID = TEST_QUEUE_VENUE.id;
const fastBackoff = { baseMs: 50, maxMs: 300, jitter: 0.5 };

async function signIn(hub: HubProcess, chain: Chain, username: string): Promise<string> {
  const response = await fetch(`${hub.url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: chain.passwords.get(username) }),
  });
  return ((await response.json()) as { token: string }).token;
}

/**
 * Every socket the test opens itself gets its own connection (`forceNew`): socket.io-client would
 * otherwise share one per hub between them and the kiosks' sync clients, and a sync client on a
 * shared connection inherits its auto-connect, then connects a second time on start().
 */
function connected<S extends Socket>(socket: S, cleanups: Cleanup[]): Promise<S> {
  cleanups.push(() => void socket.disconnect());
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** A board and everything it was told, in order. */
async function watchBoard(hub: HubProcess, chain: Chain, cleanups: Cleanup[]) {
  const socket: Socket<BoardServerToClient> = io(`${hub.url}/board`, {
    auth: { venueId: VENUE_ID, token: chain.boardToken },
    transports: ['websocket'],
    forceNew: true,
  });
  const seen = {
    snapshot: undefined as BoardSnapshot | undefined,
    queues: [] as QueueSnapshot[],
    counts: [] as TouchpointCounts[],
    health: [] as DeviceHealth[],
  };
  socket.on('snapshot', (snapshot) => (seen.snapshot = snapshot));
  socket.on('queue.snapshot', (snapshot) => seen.queues.push(snapshot));
  socket.on('touchpoint.counts', ({ touchpoints }) => seen.counts.push(...touchpoints));
  socket.on('device.health', (health) => seen.health.push(health));
  await connected(socket, cleanups);
  await waitFor(() => seen.snapshot, { what: 'the board snapshot' });
  return seen;
}

/** A staff console on `hub` with a session (signed in on any hub: sessions live in the shared store). */
async function staffSocket(hub: HubProcess, session: string, cleanups: Cleanup[]) {
  const socket: Socket<StaffServerToClient, StaffClientToServer> = io(`${hub.url}/staff`, {
    auth: { venueId: VENUE_ID, session },
    transports: ['websocket'],
    forceNew: true,
  });
  await connected(socket, cleanups);
  return (command: StaffCommand) => socket.emitWithAck('queue.command', command) as Promise<QueueCommandResult>;
}

async function kioskSocket(hub: HubProcess, chain: Chain, deviceId: string, cleanups: Cleanup[]) {
  const socket: Socket<KioskServerToClient, KioskClientToServer> = io(`${hub.url}/kiosk`, {
    auth: { deviceId, token: chain.tokens.get(deviceId) },
    transports: ['websocket'],
    forceNew: true,
  });
  await connected(socket, cleanups);
  await socket.emitWithAck('hello', { lastSeq: 0, clientTime: Date.now() });
  return (serviceId: string) =>
    socket.emitWithAck('ticket.take', { ticketId: newEventId(), serviceId }) as Promise<QueueCommandResult>;
}

function syncingKiosk(hubUrl: string, chain: Chain, dir: string, deviceId: string, cleanups: Cleanup[]) {
  const store = new LocalStore(join(dir, `${deviceId}.db`), { venueId: VENUE_ID, deviceId });
  const sync = new SyncClient({
    hubUrl,
    deviceId,
    token: chain.tokens.get(deviceId)!,
    store,
    backoff: fastBackoff,
    maxBatchEvents: 25,
    ackTimeoutMs: 2000,
  });
  sync.start();
  cleanups.push(async () => {
    await sync.stop();
    store.close();
  });
  return { deviceId, store, sync };
}

const press = (level: number) => ({
  touchpointId: 'counter-1',
  level: ((level % 4) + 1) as 1 | 2 | 3 | 4,
  source: 'serial' as const,
  misuse: false,
});

/** The venue's queue log as PostgreSQL holds it. */
async function queueLog(chain: Chain): Promise<{ version: number; event: QueueEvent }[]> {
  const schema = new URL(chain.storeUrl).searchParams.get('schema')!;
  return withPostgres(async (client) => {
    const { rows } = await client.query<{ version: string; body: string }>(
      `SELECT version, body FROM ${schema}.queue_events WHERE venue_id = $1 ORDER BY version`,
      [VENUE_ID],
    );
    return rows.map((row) => ({ version: Number(row.version), event: JSON.parse(row.body) as QueueEvent }));
  });
}

const latestTotal = (counts: readonly TouchpointCounts[], touchpointId: string) =>
  Math.max(0, ...counts.filter((c) => c.touchpointId === touchpointId).map((c) => c.total));

describe('several hubs on one PostgreSQL and one Redis', () => {
  test('shows a board on hub B, live, what a kiosk did on hub A: presses, tickets, calls, device health', async ({
    cleanups,
    dir,
  }) => {
    const chain = await provisionChain(cleanups, { venue: TEST_QUEUE_VENUE, kiosks: ['k1'], staff: ['mina'] });
    const [hubA, hubB] = await Promise.all([startHubProcess(chain, cleanups), startHubProcess(chain, cleanups)]);

    const boardB = await watchBoard(hubB, chain, cleanups);
    const boardA = await watchBoard(hubA, chain, cleanups);
    const staffB = await staffSocket(hubB, await signIn(hubB, chain, 'mina'), cleanups);
    expect(await staffB({ type: 'open-counter', counterId: 'c1' })).toMatchObject({ ok: true });

    // A kiosk (the real sync client) on hub A: hub A announces it, boards on B see it.
    const kiosk = syncingKiosk(hubA.url, chain, dir, 'k1', cleanups);
    await waitFor(() => boardB.health.some((h) => h.deviceId === 'k1' && h.connected), {
      what: 'board B to see kiosk k1 connect to hub A',
    });
    // A board that connects to B later learns it from hub A (asked over Redis), not from B's own sockets.
    const lateBoardB = await watchBoard(hubB, chain, cleanups);
    expect(lateBoardB.snapshot!.devices.find((d) => d.deviceId === 'k1')?.connected).toBe(true);

    // Presses stored by hub A reach boards on hub B.
    for (let i = 0; i < 5; i += 1) kiosk.store.append('feedback.pressed', press(i));
    await waitFor(() => latestTotal(boardB.counts, 'counter-1') === 5, {
      what: 'board B to count 5 presses sent to hub A',
    });

    // A ticket taken on hub A: B's staff calls it (B learned of it from A), and a phone watching
    // on hub A hears the call made on B.
    const taken = await kiosk.sync.takeTicket({ ticketId: newEventId(), serviceId: 'deposits' });
    expect(taken.ok).toBe(true);
    const ticketId = (taken as Extract<QueueCommandResult, { ok: true }>).ticket!.ticketId;
    const phone: Socket<TicketServerToClient> = io(`${hubA.url}/ticket`, {
      auth: { venueId: VENUE_ID, ticketId },
      transports: ['websocket'],
      forceNew: true,
    });
    const phoneViews: TicketView[] = [];
    phone.on('ticket.updated', (view) => phoneViews.push(view));
    await connected(phone, cleanups);
    await waitFor(() => phoneViews.length > 0, { what: 'the phone page on hub A to get its ticket' });
    await waitFor(
      () => boardB.queues.some((s) => s.services.find((row) => row.serviceId === 'deposits')?.waiting === 1),
      { what: 'board B to show the ticket taken on hub A' },
    );

    const called = await staffB({ type: 'call-next', counterId: 'c1' });
    expect(called).toMatchObject({ ok: true, ticket: { ticketId, status: 'called' } });
    await waitFor(() => phoneViews.some((v) => v.status === 'called' && v.counterId === 'c1'), {
      what: 'the phone on hub A to hear the call made on hub B',
    });
    await waitFor(() => boardA.queues.some((s) => s.lastCall?.counterId === 'c1'), {
      what: 'board A to show the call made on hub B',
    });
    await waitFor(() => boardB.queues.some((s) => s.lastCall?.counterId === 'c1'), {
      what: "board B to show its own hub's call",
    });

    // Each hub pushes a queue change to its own screens once: never one copy per hub.
    for (const board of [boardA, boardB]) {
      const versions = board.queues.map((s) => s.version);
      expect(new Set(versions).size).toBe(versions.length);
    }
    expect(new Set(phoneViews.map((v) => JSON.stringify(v))).size).toBe(phoneViews.length);
  });

  test("opens one task, not two and not none, for bad moments spread over the venue's kiosks on two hubs", async ({
    cleanups,
    dir,
  }) => {
    const venue: VenueInput = {
      ...TEST_QUEUE_VENUE,
      analytics: { alertRules: [{ kind: 'unhappy-share', windowMin: 30, minVolume: 10, maxShare: 0.4 }] },
    };
    const chain = await provisionChain(cleanups, { venue, kiosks: ['k1', 'k2'], staff: ['mina'] });
    const [hubA, hubB] = await Promise.all([startHubProcess(chain, cleanups), startHubProcess(chain, cleanups)]);
    const k1 = syncingKiosk(hubA.url, chain, dir, 'k1', cleanups);
    const k2 = syncingKiosk(hubB.url, chain, dir, 'k2', cleanups);
    const unhappy = { touchpointId: 'counter-1', level: 1, source: 'serial', misuse: false } as const;
    // Six unhappy presses reach each hub: under the rule's ten on either alone, twelve at the venue.
    for (let i = 0; i < 6; i += 1) {
      k1.store.append('feedback.pressed', unhappy);
      k2.store.append('feedback.pressed', unhappy);
    }
    const schema = new URL(chain.storeUrl).searchParams.get('schema')!;
    const openTasks = () =>
      withPostgres(
        async (client) =>
          (
            await client.query<{ id: string; cause_key: string }>(
              `SELECT id, cause_key FROM ${schema}.tasks WHERE venue_id = $1 AND state <> 'verified'`,
              [VENUE_ID],
            )
          ).rows,
      );
    await waitFor(async () => ((await openTasks()).length > 0 ? true : undefined), {
      what: 'a task from presses split over two hubs',
    });
    // More bad presses on both hubs while it is open: both run the rules again, neither opens another.
    for (let i = 0; i < 4; i += 1) {
      k1.store.append('feedback.pressed', unhappy);
      k2.store.append('feedback.pressed', unhappy);
    }
    await waitFor(() => (k1.sync.contiguousSeq === 10 && k2.sync.contiguousSeq === 10 ? true : undefined), {
      what: 'every press stored',
    });
    const session = await signIn(hubB, chain, 'mina');
    const listed = (await (
      await fetch(`${hubB.url}/api/venues/${VENUE_ID}/tasks`, { headers: { authorization: `Bearer ${session}` } })
    ).json()) as { causeKey: string; facts: { presses: number } }[];
    expect(listed).toHaveLength(1);
    expect(listed[0]!.causeKey).toBe('unhappy-share:counter-1');
    expect(listed[0]!.facts.presses).toBeGreaterThanOrEqual(10);
    expect(await openTasks()).toHaveLength(1);
  });

  test('never gives two hubs one number nor two counters one ticket under hundreds of commands at once', async ({
    cleanups,
  }) => {
    const counters = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
    const venue: VenueInput = {
      ...TEST_QUEUE_VENUE,
      services: [TEST_QUEUE_VENUE.services[0]!],
      counters: counters.map((id) => ({ id, name: { ko: id, zh: id, en: id }, services: ['deposits'] })),
    };
    const kiosks = ['k1', 'k2', 'k3', 'k4'];
    const chain = await provisionChain(cleanups, { venue, kiosks, staff: ['mina'] });
    const hubs = await Promise.all([startHubProcess(chain, cleanups), startHubProcess(chain, cleanups)]);
    const hubOf = (i: number) => hubs[i % 2]!;

    const takers = await Promise.all(kiosks.map((deviceId, i) => kioskSocket(hubOf(i), chain, deviceId, cleanups)));
    // Signed in on hub A, working on both.
    const session = await signIn(hubs[0]!, chain, 'mina');
    const staff = await Promise.all(counters.map((_, i) => staffSocket(hubOf(i), session, cleanups)));
    for (const [i, counterId] of counters.entries())
      expect(await staff[i]!({ type: 'open-counter', counterId })).toMatchObject({ ok: true });

    const TICKETS = 200;
    // Until every take is answered, "nothing waiting" may only mean "not yet".
    let toCall = Number.POSITIVE_INFINITY;
    const calledBy = new Map<string, string[]>(counters.map((c) => [c, []]));
    // Six counters, three on each hub, call and serve as fast as they can while tickets arrive.
    const counterLoops = counters.map(async (counterId, i) => {
      const act = staff[i]!;
      for (;;) {
        const call = await act({ type: 'call-next', counterId });
        if (call.ok) {
          calledBy.get(counterId)!.push(call.ticket!.ticketId);
          const served = await act({ type: 'serve', counterId });
          expect(served.ok, JSON.stringify(served)).toBe(true);
        } else {
          expect(call.code, call.message).toBe('no-ticket-waiting');
          if ([...calledBy.values()].flat().length >= toCall) return;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }
    });
    // All 200 takes are sent at once, spread over four kiosks on two hubs.
    const takes = await Promise.all(Array.from({ length: TICKETS }, (_, n) => takers[n % takers.length]!('deposits')));
    toCall = takes.filter((t) => t.ok).length;
    await Promise.all(counterLoops);

    const issued = takes.map((t) => (t.ok ? t.ticket : undefined));
    expect(takes.filter((t) => !t.ok)).toEqual([]);
    expect(new Set(issued.map((t) => t!.number)).size).toBe(TICKETS);
    const called = [...calledBy.values()].flat();
    expect(called).toHaveLength(TICKETS);
    expect(new Set(called).size).toBe(TICKETS);
    expect(new Set(called)).toEqual(new Set(issued.map((t) => t!.ticketId)));
    // Both hubs took part (the test would prove nothing with one hub doing all the work).
    expect(calledBy.get('c1')!.length + calledBy.get('c3')!.length + calledBy.get('c5')!.length).toBeGreaterThan(0);
    expect(calledBy.get('c2')!.length + calledBy.get('c4')!.length + calledBy.get('c6')!.length).toBeGreaterThan(0);

    // The one log: gap-free versions, each number issued once, each ticket called once.
    const log = await queueLog(chain);
    expect(log.map((row) => row.version)).toEqual(log.map((_, i) => i + 1));
    const issuedInLog = log
      .filter((row) => row.event.type === 'ticket.issued')
      .map((row) => (row.event as Extract<QueueEvent, { type: 'ticket.issued' }>).number);
    expect(issuedInLog).toHaveLength(TICKETS);
    expect(new Set(issuedInLog).size).toBe(TICKETS);
    const calledInLog = log
      .filter((row) => row.event.type === 'ticket.called')
      .map((row) => (row.event as Extract<QueueEvent, { type: 'ticket.called' }>).ticketId);
    expect(calledInLog).toHaveLength(TICKETS);
    expect(new Set(calledInLog).size).toBe(TICKETS);

    // And both hubs hold that same log live, at its last version.
    for (const hub of hubs) {
      await waitFor(
        async () =>
          (
            (await (
              await fetch(`${hub.url}/api/venues/${VENUE_ID}/queue`, {
                headers: { authorization: `Bearer ${session}` },
              })
            ).json()) as QueueSnapshot
          ).version === log.length,
        { what: `hub ${hub.url} to hold the queue at version ${log.length}` },
      );
    }
  }, 120_000); // 600 contended commands: seconds alone, up to a minute on a loaded 2-core machine

  test('loses nothing when a hub is SIGKILLed and its kiosks reconnect to the other through the balancer', async ({
    cleanups,
    dir,
  }) => {
    const kioskIds = ['k1', 'k2', 'k3'];
    const chain = await provisionChain(cleanups, { venue: TEST_QUEUE_VENUE, kiosks: kioskIds, staff: ['mina'] });
    const [hubA, hubB] = await Promise.all([startHubProcess(chain, cleanups), startHubProcess(chain, cleanups)]);
    // The kiosks know one address, the load balancer's; it sends new connections to hub A until
    // its health check fails, then to hub B.
    const balancer = await tcpBalancer(hubA.port, cleanups);

    const boardB = await watchBoard(hubB, chain, cleanups);
    const staffB = await staffSocket(hubB, await signIn(hubB, chain, 'mina'), cleanups);
    expect(await staffB({ type: 'open-counter', counterId: 'c1' })).toMatchObject({ ok: true });
    const kiosks = kioskIds.map((deviceId) => syncingKiosk(balancer.url, chain, dir, deviceId, cleanups));
    await waitFor(() => kiosks.every((k) => k.sync.state === 'online'), {
      what: 'every kiosk online through the balancer',
    });

    let level = 0;
    const producer = setInterval(() => {
      for (const { store } of kiosks) store.append('feedback.pressed', press(level++));
    }, 5);
    cleanups.push(() => clearInterval(producer));

    // Tickets taken on hub A before it dies.
    const before = [];
    for (let i = 0; i < 3; i += 1)
      before.push(await kiosks[i]!.sync.takeTicket({ ticketId: newEventId(), serviceId: 'deposits' }));
    expect(before.every((t) => t.ok)).toBe(true);
    await waitFor(() => kiosks.every((k) => k.sync.contiguousSeq > 20), { what: 'presses to flow through hub A' });

    const lostLink = new Set<string>();
    for (const k of kiosks) k.sync.on('state', (state) => state === 'offline' && lostLink.add(k.deviceId));
    await hubA.process.kill('SIGKILL');
    balancer.sendTo(hubB.port);
    await waitFor(() => lostLink.size === kiosks.length && kiosks.every((k) => k.sync.state === 'online'), {
      what: 'every kiosk to lose hub A and reconnect, through the balancer, to hub B',
    });

    // Hub B serves on from the shared log: the tickets taken on A are there, numbering goes on.
    const after = await kiosks[0]!.sync.takeTicket({ ticketId: newEventId(), serviceId: 'deposits' });
    expect(after.ok).toBe(true);
    const numbers = [...before, after].map((t) => (t as Extract<QueueCommandResult, { ok: true }>).ticket!.number);
    expect(new Set(numbers).size).toBe(4);
    const call = await staffB({ type: 'call-next', counterId: 'c1' });
    expect(call).toMatchObject({ ok: true, ticket: { number: numbers[0] } });

    clearInterval(producer);
    const lastSeqs = kiosks.map((k) => k.store.lastSeq);
    await waitFor(() => kiosks.every((k, i) => k.sync.contiguousSeq >= lastSeqs[i]!), {
      what: 'every kiosk to drain into hub B',
    });

    // Every press each kiosk recorded is stored exactly once, at its seq...
    const schema = new URL(chain.storeUrl).searchParams.get('schema')!;
    for (const k of kiosks) {
      const held = await withPostgres(
        async (client) =>
          (
            await client.query<{ id: string; seq: string }>(
              `SELECT id, seq FROM ${schema}.events WHERE device_id = $1 ORDER BY seq`,
              [k.deviceId],
            )
          ).rows,
      );
      const expected = k.store.readAfter(0, { maxEvents: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER });
      expect(held.map((row) => [row.id, Number(row.seq)])).toEqual(expected.map((e) => [e.id, e.seq]));
    }
    // ...and the board on B, which watched the whole time, counts all of them.
    const presses = kiosks.reduce((sum, k) => sum + k.store.lastSeq, 0);
    await waitFor(() => latestTotal(boardB.counts, 'counter-1') === presses, {
      what: `board B to count all ${presses} presses`,
    });
  });
});
