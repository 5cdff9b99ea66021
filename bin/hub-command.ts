import { join } from 'node:path';
import { rootLogger } from './root-logger.ts';
import { systemClock } from '../core/logger.ts';
import { ROLES, type Role } from '../core/protocol.ts';
import { Accounts } from '../server/auth/access.ts';
import { newPassword } from '../server/auth/secrets.ts';
import { loadHubConfig } from '../server/config.ts';
import { type Hub, startHub } from '../server/hub.ts';
import { describeStoreLocation, isPostgresUrl, openHubStore } from '../server/open-store.ts';
import { describeRedisLocation } from '../server/cluster/redis-location.ts';
import { Venues } from '../server/venues.ts';
import { Server } from 'socket.io';
import { joinCluster } from '../server/cluster/hub-cluster.ts';
import { disconnectRevoked, type Revoked } from '../server/sockets/revocations.ts';
import type { Command } from './cli.ts';
import { onShutdown } from './shutdown.ts';

export const runHubCommand: Command = {
  summary: 'run the hub (HTTP, socket.io, screens), or provision it and exit',
  usage: `waitwell hub [--config FILE] [--port N] [--host ADDR] [--data DIR]
                    [--store FILE|postgres://URL] [--redis redis://HOST:PORT]
       waitwell hub --create-admin NAME [--password P]      create an admin (a password is generated if none is given)
       waitwell hub --create-user NAME --role staff|manager --venue ID [--password P]
       waitwell hub --add-venue ID [--name "Venue name"]
       waitwell hub --add-device VENUE/DEVICE                 register a kiosk and print its token
       waitwell hub --board-token VENUE                       print a new board link token (old links are cut)
       waitwell hub --rotate-token VENUE/DEVICE               print a new token for a kiosk (the old one is cut)
       waitwell hub --sign-out NAME                           end every session of a user (their screens are cut)
--redis runs this hub beside others sharing the same Redis and PostgreSQL store (several hubs for a chain).
Environment: WAITWELL_HUB_PORT, WAITWELL_HUB_HOST, WAITWELL_DATA_DIR, WAITWELL_STORE, WAITWELL_REDIS.`,
  options: {
    config: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    data: { type: 'string' },
    store: { type: 'string' },
    redis: { type: 'string' },
    'create-admin': { type: 'string' },
    'create-user': { type: 'string' },
    role: { type: 'string' },
    venue: { type: 'string' },
    password: { type: 'string' },
    'add-venue': { type: 'string' },
    name: { type: 'string' },
    'add-device': { type: 'string' },
    'board-token': { type: 'string' },
    'rotate-token': { type: 'string' },
    'sign-out': { type: 'string' },
  },
  async run(values) {
    const str = (key: string) => values[key] as string | undefined;
    const config = loadHubConfig({
      file: str('config'),
      overrides: {
        port: str('port') === undefined ? undefined : Number(str('port')),
        host: str('host'),
        dataDir: str('data'),
        store: str('store'),
        redis: str('redis'),
      },
    });
    // Hubs with their own SQLite files would each hand out the same ticket numbers.
    if (config.redis && !isPostgresUrl(config.store))
      throw new Error('--redis joins hubs that share one store: give them all the same --store postgres://URL');
    const log = rootLogger();
    // The one system clock of this process: the store and the hub read the same time.
    const clock = systemClock;
    const store = await openHubStore(config.store, { log: log.child({ module: 'hub:store' }), clock });
    const provisioning = [
      'create-admin',
      'create-user',
      'add-venue',
      'add-device',
      'board-token',
      'rotate-token',
      'sign-out',
    ].some((k) => values[k] !== undefined);
    if (provisioning) {
      const accounts = new Accounts(store);
      const venues = new Venues(store);
      const cutter = await revocationsReachHubs(config.redis, [accounts, venues]).catch(async (error: Error) => {
        await store.close();
        throw error;
      });
      try {
        await provision(values as Record<string, string | undefined>, accounts, venues);
      } finally {
        await cutter.close();
        await store.close();
      }
      return;
    }
    let hub: Hub;
    try {
      hub = await startHub({
        store,
        port: config.port,
        host: config.host,
        redis: config.redis,
        ...(config.smtpUrl ? { smtp: { url: config.smtpUrl, from: config.smtpFrom } } : {}),
        venueClipsDir: join(config.dataDir, 'clips'),
        log,
        clock,
      });
    } catch (error) {
      await store.close();
      throw error;
    }
    const joined = config.redis ? `, with the hubs on ${describeRedisLocation(config.redis)}` : '';
    console.log(`waitwell hub listening on ${hub.url} (store ${describeStoreLocation(config.store)}${joined})`);
    if ((await store.countUsers()) === 0)
      console.log('no users yet: create the first admin with "waitwell hub --create-admin NAME"');
    onShutdown(async () => {
      console.log('stopping hub');
      await hub.close();
    });
  },
};

async function provision(
  values: Record<string, string | undefined>,
  accounts: Accounts,
  venues: Venues,
): Promise<void> {
  if (values['add-venue']) {
    const venue = await venues.upsert({ id: values['add-venue'], name: values.name ?? values['add-venue'] });
    console.log(`venue ${venue.id} ("${venue.name}") saved`);
  }
  for (const [flag, role] of [
    ['create-admin', 'admin'],
    ['create-user', values.role],
  ] as const) {
    const username = values[flag];
    if (!username) continue;
    if (!role || !(ROLES as readonly string[]).includes(role))
      throw new Error(`--create-user needs --role ${ROLES.join('|')}`);
    const password = values.password ?? newPassword();
    const venueIds = values.venue ? values.venue.split(',') : [];
    if (role !== 'admin' && venueIds.length === 0)
      throw new Error('staff and managers work for a venue: add --venue ID');
    await accounts.createUser({ username, password, role: role as Role, venueIds });
    console.log(`${role} "${username}" created${values.password ? '' : ` with password: ${password}`}`);
  }
  if (values['add-device']) {
    const [venueId, deviceId] = values['add-device'].split('/');
    if (!venueId || !deviceId) throw new Error('--add-device takes VENUE/DEVICE, e.g. --add-device gangnam/kiosk-1');
    const { token } = await venues.addDevice({ venueId, deviceId, name: values.name });
    console.log(
      `device ${deviceId} registered for ${venueId}; its token (shown once, put it in the kiosk config):\n${token}`,
    );
  }
  if (values['board-token']) {
    const token = await venues.newBoardToken(values['board-token']);
    console.log(`board token for ${values['board-token']} (older links stop working):\n${token}`);
  }
  if (values['rotate-token']) {
    const [venueId, deviceId] = values['rotate-token'].split('/');
    if (!venueId || !deviceId)
      throw new Error('--rotate-token takes VENUE/DEVICE, e.g. --rotate-token gangnam/kiosk-1');
    const token = await venues.rotateDeviceToken(deviceId, venueId);
    console.log(
      `new token for ${deviceId} of ${venueId} (the old one stops working; put this in its config):\n${token}`,
    );
  }
  if (values['sign-out']) {
    const ended = await accounts.signOutEverywhere(values['sign-out']);
    console.log(`${values['sign-out']} signed out: ${ended} session(s) ended`);
  }
}

/**
 * With --redis, what this command revokes is cut on every running hub at once: a socket.io server
 * that listens nowhere, on the hubs' Redis adapter, sends them the disconnect. Hubs alone on
 * their store find a revoked credential at their next check (server/sockets/revocations.ts).
 */
async function revocationsReachHubs(
  redis: string | undefined,
  sources: readonly { on(event: 'revoked', listener: (revoked: Revoked) => void): unknown }[],
): Promise<{ close(): Promise<void> }> {
  if (!redis) return { close: async () => undefined };
  const cluster = await joinCluster(redis);
  const io = new Server({ adapter: cluster.adapter });
  for (const source of sources) source.on('revoked', (revoked) => disconnectRevoked(io, revoked));
  // Quitting Redis sends what is queued first, the disconnects included; the server never listened.
  return { close: () => cluster.close() };
}
