import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, tempDir } from './support/fixtures.ts';

/** Connects to a namespace and resolves with how the hub answered: connected, or the refusal. */
function tryConnect(
  url: string,
  auth: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ connected: boolean; code?: string; message?: string }> {
  return new Promise((resolve) => {
    const socket = io(url, { auth, transports: ['websocket'], reconnection: false, extraHeaders: headers });
    socket.once('connect', () => {
      socket.disconnect();
      resolve({ connected: true });
    });
    socket.once('connect_error', (error: Error & { data?: { code?: string } }) => {
      socket.disconnect();
      resolve({ connected: false, code: error.data?.code, message: error.message });
    });
  });
}

describe('authentication and venue scope', () => {
  const dir = tempDir();
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  let kioskToken: string;
  let staffSession: string;
  let adminSession: string;

  const api = async (path: string, init: { method?: string; body?: unknown; session?: string } = {}) => {
    const response = await fetch(`${hub.url}/api${path}`, {
      method: init.method ?? 'GET',
      headers: {
        'content-type': 'application/json',
        ...(init.session ? { authorization: `Bearer ${init.session}` } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: response.status, body: (await response.json()) as { token: string } & Record<string, unknown> };
  };

  beforeAll(async () => {
    hub = await startTestHub({ file: join(dir.path, 'hub.db') });
    await hub.venues.upsert({ id: 'venue-b', name: 'Branch B' });
    kioskToken = await hub.addKiosk('k1');
    await hub.accounts.createUser({ username: 'root', password: 'correct horse', role: 'admin' });
    await hub.accounts.createUser({ username: 'mina', password: 'staff-pass-1', role: 'staff', venueIds: ['venue-a'] });
    adminSession = (await api('/login', { method: 'POST', body: { username: 'root', password: 'correct horse' } })).body
      .token;
    staffSession = (await api('/login', { method: 'POST', body: { username: 'mina', password: 'staff-pass-1' } })).body
      .token;
  });
  afterAll(async () => {
    await hub.close();
    dir.remove();
  });

  describe('device tokens on /kiosk', () => {
    it('accepts the registered token', async () => {
      expect(await tryConnect(`${hub.url}/kiosk`, { deviceId: 'k1', token: kioskToken })).toEqual({ connected: true });
    });

    it('refuses a wrong token, saying what to do', async () => {
      const result = await tryConnect(`${hub.url}/kiosk`, { deviceId: 'k1', token: `${kioskToken}x` });
      expect(result).toMatchObject({ connected: false, code: 'device-token-invalid' });
      expect(result.message).toMatch(/register it .*token/);
    });

    it('refuses a missing token', async () => {
      expect(await tryConnect(`${hub.url}/kiosk`, { deviceId: 'k1' })).toMatchObject({
        connected: false,
        code: 'device-token-missing',
      });
      expect(await tryConnect(`${hub.url}/kiosk`, {})).toMatchObject({
        connected: false,
        code: 'device-token-missing',
      });
    });

    it("refuses another device's token and an unknown device alike", async () => {
      await hub.addKiosk('k2');
      expect(await tryConnect(`${hub.url}/kiosk`, { deviceId: 'k2', token: kioskToken })).toMatchObject({
        connected: false,
        code: 'device-token-invalid',
      });
      expect(await tryConnect(`${hub.url}/kiosk`, { deviceId: 'ghost', token: kioskToken })).toMatchObject({
        connected: false,
        code: 'device-token-invalid',
      });
    });

    it('stores device tokens only as hashes', async () => {
      const device = await hub.store.getDevice('k1');
      expect(device?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(device?.tokenHash).not.toContain(kioskToken);
    });
  });

  describe('passwords and sessions', () => {
    it('refuses a wrong password and an unknown user with the same answer', async () => {
      const wrong = await api('/login', { method: 'POST', body: { username: 'mina', password: 'nope-nope' } });
      const unknown = await api('/login', { method: 'POST', body: { username: 'nobody', password: 'nope-nope' } });
      expect(wrong).toEqual({
        status: 401,
        body: { error: { code: 'login-failed', message: 'wrong username or password' } },
      });
      expect(unknown).toEqual(wrong);
    });

    it('hashes passwords with scrypt', async () => {
      const user = await hub.store.getUserByUsername('mina');
      expect(user?.passwordHash).toMatch(/^scrypt\$/);
      expect(user?.passwordHash).not.toContain('staff-pass-1');
    });

    it('refuses requests without a session or with a forged one', async () => {
      expect(await api('/me')).toMatchObject({ status: 401, body: { error: { code: 'session-missing' } } });
      expect(await api('/me', { session: 'forged' })).toMatchObject({
        status: 401,
        body: { error: { code: 'session-invalid' } },
      });
      expect(await api('/me', { session: staffSession })).toMatchObject({
        status: 200,
        body: { username: 'mina', role: 'staff' },
      });
    });

    it('ends a session at logout', async () => {
      const session = (await api('/login', { method: 'POST', body: { username: 'mina', password: 'staff-pass-1' } }))
        .body.token as string;
      expect((await api('/logout', { method: 'POST', session })).status).toBe(200);
      expect(await api('/me', { session })).toMatchObject({
        status: 401,
        body: { error: { code: 'session-invalid' } },
      });
    });

    it('answers malformed JSON with a clear 400', async () => {
      const response = await fetch(`${hub.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"username":',
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'invalid-json' } });
    });
  });

  describe('a staff member acts only for their venue', () => {
    it('reads their own venue', async () => {
      expect((await api('/venues/venue-a/touchpoints/counts', { session: staffSession })).status).toBe(200);
      expect((await api('/venues', { session: staffSession })).body).toEqual([
        expect.objectContaining({ id: 'venue-a' }),
      ]);
    });

    it('is refused for another venue over HTTP', async () => {
      expect(await api('/venues/venue-b/touchpoints/counts', { session: staffSession })).toMatchObject({
        status: 403,
        body: { error: { code: 'forbidden-venue' } },
      });
      expect(await api('/venues/venue-b/devices', { session: staffSession })).toMatchObject({ status: 403 });
    });

    it('is refused for another venue on /staff and /board', async () => {
      expect(await tryConnect(`${hub.url}/staff`, { venueId: 'venue-a', session: staffSession })).toEqual({
        connected: true,
      });
      expect(await tryConnect(`${hub.url}/staff`, { venueId: 'venue-b', session: staffSession })).toMatchObject({
        connected: false,
        code: 'forbidden-venue',
      });
      expect(await tryConnect(`${hub.url}/staff`, { venueId: 'venue-a' })).toMatchObject({
        connected: false,
        code: 'session-missing',
      });
      expect(await tryConnect(`${hub.url}/board`, { venueId: 'venue-b', session: staffSession })).toMatchObject({
        connected: false,
        code: 'forbidden-venue',
      });
    });

    it('uses the session cookie from a browser too', async () => {
      expect(
        await tryConnect(`${hub.url}/staff`, { venueId: 'venue-a' }, { cookie: `waitwell_session=${staffSession}` }),
      ).toEqual({ connected: true });
    });

    it("cannot do a manager's or an admin's work", async () => {
      expect(
        await api('/venues/venue-a/devices', { method: 'POST', session: staffSession, body: { deviceId: 'k9' } }),
      ).toMatchObject({ status: 403, body: { error: { code: 'forbidden-role' } } });
      expect(
        await api('/users', {
          method: 'POST',
          session: staffSession,
          body: { username: 'evil', password: 'evil-evil', role: 'admin' },
        }),
      ).toMatchObject({ status: 403 });
      expect(await hub.store.getDevice('k9')).toBeUndefined();
      expect(await hub.store.getUserByUsername('evil')).toBeUndefined();
    });
  });

  describe('board tokens', () => {
    it("opens the board with the venue's token and refuses a wrong one", async () => {
      const token = await hub.venues.newBoardToken('venue-a');
      expect(await tryConnect(`${hub.url}/board`, { venueId: 'venue-a', token })).toEqual({ connected: true });
      expect(await tryConnect(`${hub.url}/board`, { venueId: 'venue-b', token })).toMatchObject({
        connected: false,
        code: 'board-token-invalid',
      });
      expect(await tryConnect(`${hub.url}/board`, { venueId: 'venue-a', token: 'nope' })).toMatchObject({
        connected: false,
        code: 'board-token-invalid',
      });
    });
  });

  describe('an admin provisions', () => {
    it('registers a device whose token then works', async () => {
      const created = await api('/venues/venue-b/devices', {
        method: 'POST',
        session: adminSession,
        body: { deviceId: 'kb1', name: 'B kiosk' },
      });
      expect(created.status).toBe(201);
      expect(await tryConnect(`${hub.url}/kiosk`, { deviceId: 'kb1', token: created.body.token })).toEqual({
        connected: true,
      });
      expect(
        await api('/venues/venue-b/devices', { method: 'POST', session: adminSession, body: { deviceId: 'kb1' } }),
      ).toMatchObject({ status: 409 });
    });
  });
});
