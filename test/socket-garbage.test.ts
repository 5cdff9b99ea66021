import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEventId } from '../core/ids.ts';
import type { BatchFailure, BatchOk, KioskClientToServer, KioskServerToClient } from '../core/protocol.ts';
import { signedInUser, startTestHub, tempDir, TEST_QUEUE_VENUE } from './support/fixtures.ts';
import { POLL } from './support/test-fixtures.ts';

type KioskSocket = Socket<KioskServerToClient, KioskClientToServer>;

/** A raw socket.io client speaking /kiosk by hand, so it can send what no real kiosk would. */
describe('garbage on the /kiosk socket', () => {
  const dir = tempDir();
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  let socket: KioskSocket;
  let nextSeq = 1;

  const event = (overrides: Record<string, unknown> = {}) => ({
    id: newEventId(),
    type: 'feedback.pressed',
    v: 1,
    venueId: 'venue-a',
    deviceId: 'k1',
    seq: nextSeq,
    occurredAt: Date.now(),
    payload: { touchpointId: 'entrance', level: 3, source: 'serial' },
    ...overrides,
  });
  // The typed map says what a good kiosk sends; these tests send anything.
  const send = (name: string, ...args: unknown[]): Promise<BatchOk | BatchFailure> =>
    (
      socket as unknown as {
        timeout(ms: number): { emitWithAck(n: string, ...a: unknown[]): Promise<BatchOk | BatchFailure> };
      }
    )
      .timeout(5000)
      .emitWithAck(name, ...args);

  /** After each bad message, a good one must still be stored on the same connection. */
  async function expectStillServing(): Promise<void> {
    const good = await send('events.batch', { events: [event()] });
    expect(good).toMatchObject({ ok: true, accepted: 1, contiguousSeq: nextSeq });
    nextSeq += 1;
  }

  async function storedCount(): Promise<number> {
    return (await hub.store.deviceEvents('k1')).length;
  }

  beforeAll(async () => {
    hub = await startTestHub({ file: join(dir.path, 'hub.db') });
    const token = await hub.addKiosk('k1');
    await hub.addKiosk('k2');
    socket = io(`${hub.url}/kiosk`, { auth: { deviceId: 'k1', token }, transports: ['websocket'] });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
  });
  afterAll(async () => {
    socket.disconnect();
    await hub.close();
    dir.remove();
  });

  it('asks for hello before the first batch', async () => {
    expect(await send('events.batch', { events: [event()] })).toMatchObject({ ok: false, code: 'hello-required' });
    const hello = await socket.timeout(5000).emitWithAck('hello', { lastSeq: 0, clientTime: Date.now() });
    expect(hello).toMatchObject({ ok: true, contiguousSeq: 0, venue: { id: 'venue-a' } });
    await expectStillServing();
  });

  it.each([
    ['a batch that is not an object', () => 'garbage', 'invalid-message'],
    ['a batch without events', () => ({ evts: [] }), 'invalid-message'],
    ['an empty batch', () => ({ events: [] }), 'invalid-message'],
    ['a clock offset that is not a number', () => ({ events: [event()], clockOffsetMs: 'soon' }), 'invalid-message'],
    ['a seq of the wrong type', () => ({ events: [event({ seq: 'one' })] }), 'invalid-envelope'],
    [
      'a missing payload field',
      () => ({ events: [event({ payload: { level: 3, source: 'serial' } })] }),
      'invalid-payload',
    ],
    ['a missing envelope field', () => ({ events: [{ ...event(), id: undefined }] }), 'invalid-envelope'],
    ['an unknown event type', () => ({ events: [event({ type: 'feedback.teleported' })] }), 'unknown-type'],
    ['an unsupported version', () => ({ events: [event({ v: 42 })] }), 'unsupported-version'],
    ['an event claiming another device', () => ({ events: [event({ deviceId: 'k2' })] }), 'device-mismatch'],
    ['an event claiming another venue', () => ({ events: [event({ venueId: 'venue-b' })] }), 'venue-mismatch'],
    ['non-consecutive seqs in one batch', () => ({ events: [event(), event({ seq: nextSeq + 2 })] }), 'seq-order'],
    ['a seq gap after what the hub holds', () => ({ events: [event({ seq: nextSeq + 5 })] }), 'seq-gap'],
  ])('refuses %s with a code, stores nothing, keeps serving', async (_name, makeBatch, code) => {
    const before = await storedCount();
    const reply = await send('events.batch', makeBatch());
    expect(reply).toMatchObject({ ok: false, code });
    expect((reply as BatchFailure).message.length).toBeGreaterThan(10);
    expect(await storedCount()).toBe(before);
    await expectStillServing();
  });

  it('refuses a batch over 1 MB and keeps the connection', async () => {
    const before = await storedCount();
    const huge = Array.from({ length: 1500 }, (_, i) =>
      event({
        seq: nextSeq + i,
        payload: { touchpointId: 'entrance', level: 3, source: 'serial', misuse: false },
        padding: 'x'.repeat(700),
      }),
    );
    const reply = await send('events.batch', { events: huge });
    expect(reply).toMatchObject({ ok: false, code: 'batch-too-large' });
    expect(await storedCount()).toBe(before);
    await expectStillServing();
  });

  it('refuses the whole batch when one event in the middle is bad (never half-stored)', async () => {
    const before = await storedCount();
    const reply = await send('events.batch', {
      events: [
        event(),
        event({ seq: nextSeq + 1, payload: { touchpointId: 'entrance', level: 'very', source: 'serial' } }),
        event({ seq: nextSeq + 2 }),
      ],
    });
    expect(reply).toMatchObject({ ok: false, code: 'invalid-payload', eventIndex: 1 });
    expect(await storedCount()).toBe(before);
    await expectStillServing();
  });

  it('answers an unknown message name with unknown-message', async () => {
    expect(await send('events.delete', { all: true })).toMatchObject({ ok: false, code: 'unknown-message' });
    await expectStillServing();
  });

  it('survives messages without an ack callback and with odd argument shapes', async () => {
    (socket as unknown as { emit(...a: unknown[]): void }).emit('events.batch', { events: [event()] });
    (socket as unknown as { emit(...a: unknown[]): void }).emit('hello');
    expect(await send('hello', null)).toMatchObject({ ok: false, code: 'invalid-message' });
    await expectStillServing();
  });

  it('acks a replayed batch as duplicates, stored once', async () => {
    const batch = { events: [event()] };
    const first = await send('events.batch', batch);
    const second = await send('events.batch', batch);
    expect(first).toMatchObject({ ok: true, accepted: 1, duplicates: 0 });
    expect(second).toMatchObject({ ok: true, accepted: 0, duplicates: 1 });
    nextSeq += 1;
    const ids = (await hub.store.deviceEvents('k1')).map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain(batch.events[0]!.id);
  });

  it('ends with every stored seq contiguous from 1', async () => {
    const seqs = (await hub.store.deviceEvents('k1')).map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(seqs.length).toBe(nextSeq - 1);
  });
});

/** The same edge on the namespaces of people: a clerk's console and a ticket's phone page. */
describe('garbage on the /staff and /ticket sockets', () => {
  const dir = tempDir();
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  const sockets: Socket[] = [];

  const connect = async (namespace: string, auth: Record<string, string>) => {
    const socket = io(`${hub.url}${namespace}`, { auth, transports: ['websocket'], forceNew: true });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return (name: string, ...args: unknown[]) => socket.timeout(5000).emitWithAck(name, ...args);
  };

  beforeAll(async () => {
    hub = await startTestHub({ file: join(dir.path, 'hub.db'), venue: TEST_QUEUE_VENUE });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await hub.close();
    dir.remove();
  });

  it('answers a clerk’s bad command with the field at fault and an unknown one by name, and serves on', async () => {
    const session = await signedInUser(hub, { username: 'mina', role: 'staff' });
    const send = await connect('/staff', { venueId: 'venue-a', session });
    expect(await send('queue.command', { type: 'call-next' })).toMatchObject({
      ok: false,
      code: 'invalid-command',
      message: expect.stringContaining('counterId'),
    });
    expect(await send('queue.command', 'garbage')).toMatchObject({ ok: false, code: 'invalid-command' });
    expect(await send('queue.delete', {})).toMatchObject({
      ok: false,
      code: 'unknown-message',
      message: expect.stringContaining('queue.command'),
    });
    expect(await send('queue.command', { type: 'open-counter', counterId: 'c1' })).toMatchObject({ ok: true });
  });

  it('answers the phone page’s requests about its own ticket, and nothing else', async () => {
    const taken = await hub.queues.commands.execute('venue-a', {
      type: 'issue',
      ticketId: newEventId(),
      serviceId: 'deposits',
    });
    if (!taken.ok) throw new Error(taken.message);
    const send = await connect('/ticket', { venueId: 'venue-a', ticketId: taken.ticket!.ticketId });
    expect(await send('ticket.on-my-way')).toMatchObject({ ok: true, ticket: { onTheWay: true } });
    expect(await send('ticket.cancel')).toMatchObject({ ok: false, code: 'unknown-message' });
  });

  it('refuses a message sent without an ack by a message.refused event, on /staff and /ticket alike', async () => {
    const session = await signedInUser(hub, { username: 'jun', role: 'staff' });
    const socket = io(`${hub.url}/staff`, { auth: { venueId: 'venue-a', session }, transports: ['websocket'] });
    const refusals: { code: string; message: string }[] = [];
    socket.on('message.refused', (failure: { code: string; message: string }) => refusals.push(failure));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    socket.emit('queue.delete', { all: true });
    socket.emit('queue.command', { type: 'open-counter', counterId: 'c2' });
    await expect.poll(() => refusals.length, POLL).toBe(2);
    expect(refusals).toEqual([
      { ok: false, code: 'unknown-message', message: expect.stringContaining('queue.command') },
      { ok: false, code: 'invalid-message', message: expect.stringContaining('acknowledgement') },
    ]);
    socket.disconnect();
  });
});
