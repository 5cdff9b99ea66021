import { randomBytes } from 'node:crypto';
import { createServer, connect as tcpConnect, type Server as TcpServer, type Socket as TcpSocket } from 'node:net';
import type { VenueInput } from '../../core/venue.ts';
import { Accounts } from '../../server/auth/access.ts';
import { openHubStore } from '../../server/open-store.ts';
import { Venues } from '../../server/venues.ts';
import type { Cleanup } from './test-fixtures.ts';
import { dropPostgresSchema, freshPostgresSchema, TEST_POSTGRES_URL, TEST_REDIS_URL } from './fixtures.ts';
import { type RunningProcess, spawnWaitwell } from './processes.ts';

/**
 * Several hubs as a chain runs them: real `waitwell hub` processes on one PostgreSQL schema and one
 * Redis (a prefix of their own per test, so test files running at once never hear each other).
 */

export interface Chain {
  storeUrl: string;
  redisUrl: string;
  /** Kiosk tokens by device id. */
  tokens: Map<string, string>;
  boardToken: string;
  /** Staff passwords by username. */
  passwords: Map<string, string>;
}

export interface HubProcess {
  url: string;
  port: number;
  process: RunningProcess;
}

/**
 * A fresh schema and Redis prefix with one venue, its kiosks, a board link and staff, provisioned
 * as an admin would.
 */
export async function provisionChain(
  cleanups: Cleanup[],
  options: { venue: VenueInput; kiosks: string[]; staff: string[] },
): Promise<Chain> {
  const schema = freshPostgresSchema('cluster_test');
  cleanups.push(() => dropPostgresSchema(schema));
  const storeUrl = `${TEST_POSTGRES_URL}?schema=${schema}`;
  const redisUrl = `${TEST_REDIS_URL}?prefix=waitwell_test_${randomBytes(6).toString('hex')}`;
  const store = await openHubStore(storeUrl);
  try {
    const venues = new Venues(store);
    await venues.upsert(options.venue);
    const tokens = new Map<string, string>();
    for (const deviceId of options.kiosks)
      tokens.set(deviceId, (await venues.addDevice({ venueId: options.venue.id, deviceId })).token);
    const boardToken = await venues.newBoardToken(options.venue.id);
    const accounts = new Accounts(store);
    const passwords = new Map<string, string>();
    for (const username of options.staff) {
      passwords.set(username, `${username}-password-1`);
      await accounts.createUser({
        username,
        password: passwords.get(username)!,
        role: 'staff',
        venueIds: [options.venue.id],
      });
    }
    return { storeUrl, redisUrl, tokens, boardToken, passwords };
  } finally {
    await store.close();
  }
}

export async function startHubProcess(chain: Chain, cleanups: Cleanup[]): Promise<HubProcess> {
  const child = spawnWaitwell(['hub', '--store', chain.storeUrl, '--redis', chain.redisUrl, '--port', '0']);
  cleanups.push(() => child.kill('SIGKILL'));
  const [, url] = await child.waitForLine(/waitwell hub listening on (http:\/\/\S+)/, 30_000);
  return { url: url!, port: Number(new URL(url!).port), process: child };
}

/**
 * A load balancer in miniature: a TCP proxy to one hub's port at a time. Killing the hub closes
 * the connections it carried; the kiosks reconnect to the same address and land on the new target.
 */
export async function tcpBalancer(
  initialPort: number,
  cleanups: Cleanup[],
): Promise<{ url: string; sendTo(port: number): void }> {
  let target = initialPort;
  const open = new Set<TcpSocket>();
  const server: TcpServer = createServer((client) => {
    const upstream = tcpConnect(target, '127.0.0.1');
    open.add(client).add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.pipe(upstream).pipe(client);
    for (const socket of [client, upstream]) {
      socket.on('error', close);
      socket.on('close', close);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const socket of open) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, sendTo: (next) => (target = next) };
}
