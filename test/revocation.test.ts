import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Venues } from '../server/venues.ts';
import { signedInUser, startTestHub, tempDir, TEST_QUEUE_VENUE } from './support/fixtures.ts';
import { POLL } from './support/test-fixtures.ts';

/** A connected socket that records why it was disconnected, or the refusal if it never connected. */
async function connect(url: string, auth: Record<string, unknown>): Promise<{ socket: Socket; reason(): string }> {
  const socket = io(url, { auth, transports: ['websocket'], reconnection: false });
  let reason = '';
  socket.on('disconnect', (why) => (reason = why));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', (error: Error & { data?: { code?: string } }) =>
      reject(new Error(`${error.data?.code}: ${error.message}`)),
    );
  });
  return { socket, reason: () => reason };
}

/** Resolves with the refusal code of a handshake (or 'connected'). */
function handshake(url: string, auth: Record<string, unknown>): Promise<string> {
  return new Promise((resolve) => {
    const socket = io(url, { auth, transports: ['websocket'], reconnection: false });
    socket.once('connect', () => {
      socket.disconnect();
      resolve('connected');
    });
    socket.once('connect_error', (error: Error & { data?: { code?: string } }) => {
      socket.disconnect();
      resolve(error.data?.code ?? error.message);
    });
  });
}

/** socket.io's reason when the server, not the client or the network, ended the connection. */
const CUT_BY_HUB = 'io server disconnect';

describe('revoking a session or a token disconnects what it admitted', () => {
  const dir = tempDir();
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  const sockets: Socket[] = [];
  const api = (path: string, session: string, method = 'POST') =>
    fetch(`${hub.url}/api${path}`, { method, headers: { authorization: `Bearer ${session}` } });

  beforeAll(async () => {
    // A short check interval: what is revoked beside the hub (another process) is found by it.
    hub = await startTestHub({ file: join(dir.path, 'hub.db'), venue: TEST_QUEUE_VENUE, credentialCheckMs: 200 });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await hub.close();
    dir.remove();
  });
  const track = async (url: string, auth: Record<string, unknown>) => {
    const connection = await connect(url, auth);
    sockets.push(connection.socket);
    return connection;
  };

  it('a sign-out cuts the open /staff console, so it can act no more', async () => {
    const session = await signedInUser(hub, { username: 'mina', role: 'staff' });
    const staff = await track(`${hub.url}/staff`, { venueId: 'venue-a', session });
    expect(
      await staff.socket.timeout(5000).emitWithAck('queue.command', { type: 'open-counter', counterId: 'c1' }),
    ).toMatchObject({ ok: true });
    expect((await api('/logout', session)).status).toBe(200);
    await expect.poll(() => staff.reason(), POLL).toBe(CUT_BY_HUB); // the staff socket cut at sign-out
    expect(await handshake(`${hub.url}/staff`, { venueId: 'venue-a', session })).toBe('session-invalid');
    const snapshot = await hub.queues.reads.snapshot('venue-a');
    expect(snapshot?.counters.find((c) => c.counterId === 'c1')?.status).toBe('open');
  });

  it('a new board link cuts the boards on the old one, not a signed-in board', async () => {
    const oldToken = await hub.venues.newBoardToken('venue-a');
    const manager = await signedInUser(hub, { username: 'boss', role: 'manager' });
    const wall = await track(`${hub.url}/board`, { venueId: 'venue-a', token: oldToken });
    const desk = await track(`${hub.url}/board`, { venueId: 'venue-a', session: manager });
    const rotated = await api('/venues/venue-a/board-token', manager);
    expect(rotated.status).toBe(201);
    const { token: newToken } = (await rotated.json()) as { token: string };
    await expect.poll(() => wall.reason(), POLL).toBe(CUT_BY_HUB); // the board on the old link cut
    expect(desk.socket.connected).toBe(true);
    expect(await handshake(`${hub.url}/board`, { venueId: 'venue-a', token: oldToken })).toBe('board-token-invalid');
    expect(await handshake(`${hub.url}/board`, { venueId: 'venue-a', token: newToken })).toBe('connected');
  });

  it('rotate-token gives a kiosk a new token and cuts it off the old one', async () => {
    const oldToken = await hub.addKiosk('k1');
    const manager = await signedInUser(hub, { username: 'lee', role: 'manager' });
    const kiosk = await track(`${hub.url}/kiosk`, { deviceId: 'k1', token: oldToken });
    const rotated = await api('/venues/venue-a/devices/k1/rotate-token', manager);
    expect(rotated.status).toBe(201);
    const body = (await rotated.json()) as { deviceId: string; token: string };
    expect(body.deviceId).toBe('k1');
    await expect.poll(() => kiosk.reason(), POLL).toBe(CUT_BY_HUB); // the kiosk on the old token cut
    expect(await handshake(`${hub.url}/kiosk`, { deviceId: 'k1', token: oldToken })).toBe('device-token-invalid');
    expect(await handshake(`${hub.url}/kiosk`, { deviceId: 'k1', token: body.token })).toBe('connected');
    // Another venue's kiosk is not this manager's to rotate, and an unknown one is said to be unknown.
    expect((await api('/venues/venue-a/devices/ghost/rotate-token', manager)).status).toBe(404);
  });

  it("an admin's sign-out of a user cuts every screen of theirs", async () => {
    const admin = await signedInUser(hub, { username: 'root', role: 'admin', venueIds: [] });
    const first = await signedInUser(hub, { username: 'jun', role: 'manager' });
    const second = (await (
      await fetch(`${hub.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'jun', password: 'jun-password-1' }),
      })
    ).json()) as { token: string };
    const dashboard = await track(`${hub.url}/manage`, { venueId: 'venue-a', session: first });
    const console = await track(`${hub.url}/staff`, { venueId: 'venue-a', session: second.token });
    expect((await api('/users/jun/sign-out', first)).status).toBe(403);
    const response = await api('/users/jun/sign-out', admin);
    expect(await response.json()).toEqual({ username: 'jun', sessionsEnded: 2 });
    await expect.poll(() => [dashboard.reason(), console.reason()], POLL).toEqual([CUT_BY_HUB, CUT_BY_HUB]);
    expect((await api('/users/nobody/sign-out', admin)).status).toBe(404);
  });

  it('a token replaced by another process on the same store is found by the periodic check', async () => {
    const token = await hub.addKiosk('k2');
    const kiosk = await track(`${hub.url}/kiosk`, { deviceId: 'k2', token });
    // A second Venues over the hub's store, as `waitwell hub --rotate-token` run beside the hub is.
    await new Venues(hub.store).rotateDeviceToken('k2', 'venue-a');
    await expect.poll(() => kiosk.reason(), POLL).toBe(CUT_BY_HUB); // the kiosk cut by the periodic credential check
  });
});
