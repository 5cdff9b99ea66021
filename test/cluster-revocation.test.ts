import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { describe, expect } from 'vitest';
import { Accounts } from '../server/auth/access.ts';
import { openHubStore } from '../server/open-store.ts';
import { Venues } from '../server/venues.ts';
import {
  dropPostgresSchema,
  freshPostgresSchema,
  TEST_POSTGRES_URL,
  TEST_QUEUE_VENUE,
  TEST_REDIS_URL,
} from './support/fixtures.ts';
import { spawnWaitwell } from './support/processes.ts';
import { waitFor } from './support/wait.ts';
import { type Cleanup, test } from './support/test-fixtures.ts';

/**
 * Two `waitwell hub` processes on one PostgreSQL schema and one Redis (a prefix of its own): what
 * is revoked through one hub, or by the CLI beside them, disconnects the sockets held by the other.
 * The check interval is left at its default (a minute), so only the Redis path can pass in time.
 */
describe('revocations across hubs', () => {
  async function startHub(storeUrl: string, redisUrl: string, cleanups: Cleanup[]): Promise<string> {
    const child = spawnWaitwell(['hub', '--store', storeUrl, '--redis', redisUrl, '--port', '0']);
    cleanups.push(() => child.kill('SIGKILL'));
    const [, url] = await child.waitForLine(/waitwell hub listening on (http:\/\/\S+)/, 30_000);
    return url!;
  }

  function watch(url: string, auth: Record<string, unknown>, cleanups: Cleanup[]): Promise<{ reason(): string }> {
    const socket: Socket = io(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
    cleanups.push(() => void socket.disconnect());
    let reason = '';
    socket.on('disconnect', (why) => (reason = why));
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve({ reason: () => reason }));
      socket.once('connect_error', reject);
    });
  }
  const cut = (c: { reason(): string }) => c.reason() === 'io server disconnect';

  test('a board link rotated on hub A, a kiosk token rotated by CLI, a sign-out: each cuts hub B sockets', async ({
    cleanups,
  }) => {
    const schema = freshPostgresSchema('revocation_test');
    cleanups.push(() => dropPostgresSchema(schema));
    const storeUrl = `${TEST_POSTGRES_URL}?schema=${schema}`;
    const redisUrl = `${TEST_REDIS_URL}?prefix=waitwell_test_${randomBytes(6).toString('hex')}`;
    const store = await openHubStore(storeUrl);
    let boardToken: string;
    let kioskToken: string;
    try {
      const venues = new Venues(store);
      await venues.upsert(TEST_QUEUE_VENUE);
      kioskToken = (await venues.addDevice({ venueId: 'venue-a', deviceId: 'k1' })).token;
      boardToken = await venues.newBoardToken('venue-a');
      const accounts = new Accounts(store);
      await accounts.createUser({
        username: 'boss',
        password: 'boss-password-1',
        role: 'manager',
        venueIds: ['venue-a'],
      });
    } finally {
      await store.close();
    }
    const [hubA, hubB] = await Promise.all([
      startHub(storeUrl, redisUrl, cleanups),
      startHub(storeUrl, redisUrl, cleanups),
    ]);
    const login = await fetch(`${hubA}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'boss', password: 'boss-password-1' }),
    });
    const { token: session } = (await login.json()) as { token: string };

    const board = await watch(`${hubB}/board`, { venueId: 'venue-a', token: boardToken }, cleanups);
    const kiosk = await watch(`${hubB}/kiosk`, { deviceId: 'k1', token: kioskToken }, cleanups);
    const dashboard = await watch(`${hubB}/manage`, { venueId: 'venue-a', session }, cleanups);

    const rotated = await fetch(`${hubA}/api/venues/venue-a/board-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session}` },
    });
    expect(rotated.status).toBe(201);
    await waitFor(() => cut(board), { what: 'the board on hub B cut by a rotation on hub A', timeoutMs: 15_000 });
    expect(cut(kiosk) || cut(dashboard)).toBe(false);

    const cli = spawnWaitwell(['hub', '--store', storeUrl, '--redis', redisUrl, '--rotate-token', 'venue-a/k1']);
    cleanups.push(() => cli.kill('SIGKILL'));
    await cli.waitForLine(/new token for k1 of venue-a/, 30_000);
    expect((await cli.exited).code).toBe(0);
    await waitFor(() => cut(kiosk), { what: 'the kiosk on hub B cut by the CLI', timeoutMs: 15_000 });

    const logout = await fetch(`${hubA}/api/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session}` },
    });
    expect(logout.status).toBe(200);
    await waitFor(() => cut(dashboard), {
      what: 'the dashboard on hub B cut by a sign-out on hub A',
      timeoutMs: 15_000,
    });
  });
});
