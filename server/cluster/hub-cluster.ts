import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Server } from 'socket.io';
import type { QueueEvent } from '../../core/queue/index.ts';
import type { HubEvents } from '../hub-events.ts';
import type { QueueService } from '../queue/queue-service.ts';
import type { Venues } from '../venues.ts';
import type { DevicePresence } from './device-presence.ts';
import { describeRedisLocation, parseRedisLocation } from './redis-location.ts';

/** How long a hub waits for the others' answers (which kiosks they hold) before going on without. */
const ASK_TIMEOUT_MS = 2000;
const CONNECT_TIMEOUT_MS = 5000;

/** What hubs tell each other besides socket.io's own broadcasts (io.serverSideEmit over Redis). */
const MESSAGES = {
  /** A hub committed queue events: the others apply them and push to their own screens. */
  queueCommitted: 'waitwell:queue.committed',
  /** A venue's configuration was saved: the others rebuild its queue under the new rules. */
  venueUpdated: 'waitwell:venue.updated',
  /** A kiosk connected to a hub: the others stop counting it as gone (alert rules). */
  deviceConnected: 'waitwell:device.connected',
  /** "Which of this venue's kiosks are connected to you?" */
  devicesHere: 'waitwell:devices.here',
} as const;

export interface HubCluster {
  /** The socket.io adapter: rooms and broadcasts span every hub on this Redis and prefix. */
  readonly adapter: ReturnType<typeof createAdapter>;
  readonly prefix: string;
  /** Wires the hub's services to the other hubs; call once, after the namespaces are attached. */
  attach(hub: { io: Server; queues: QueueService; venues: Venues; events: HubEvents; presence: DevicePresence }): void;
  close(): Promise<void>;
}

/**
 * Joins the hubs that share a Redis (and a PostgreSQL store): connects the publishing and the
 * subscribing client (ioredis: it restores subscriptions after a reconnect, which socket.io's
 * guide says the `redis` package may not) and builds the Redis adapter on them.
 */
export async function joinCluster(
  location: string,
  log: (line: string) => void = (line) => console.error(`[hub] ${line}`),
): Promise<HubCluster> {
  const { url, prefix } = parseRedisLocation(location);
  const where = describeRedisLocation(url);
  // maxRetriesPerRequest: null keeps commands queued through a Redis outage instead of failing
  // them: the adapter publishes without awaiting, and a rejected publish would be unhandled.
  const pub = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  const sub = pub.duplicate();
  let reportedDown = false;
  for (const client of [pub, sub]) {
    client.on('error', (error: Error) => {
      if (reportedDown) return; // one line per outage, not one per retry
      reportedDown = true;
      log(`Redis at ${where}: ${error.message}; retrying (hubs do not see each other's changes meanwhile)`);
    });
  }
  try {
    await Promise.all([pub.connect(), sub.connect()]);
  } catch (error) {
    pub.disconnect();
    sub.disconnect();
    throw new Error(`cannot reach Redis at ${where}: ${(error as Error).message}`);
  }
  const adapter = createAdapter(pub, sub, {
    key: prefix,
    requestsTimeout: ASK_TIMEOUT_MS,
    publishOnSpecificResponseChannel: true,
  });
  return {
    adapter,
    prefix,
    attach({ io, queues, venues, events, presence }) {
      const main = io.of('/');
      const warn = (where: string) => (error: Error) => log(`${where}: ${error.message}`);

      // Queue events are sent as the JSON the store keeps, so a hub that applies them holds exactly
      // what a hub that reloads the log would (MessagePack would keep undefined fields JSON drops).
      queues.on('changed', ({ venueId, events: committed, snapshot }) => {
        io.serverSideEmit(MESSAGES.queueCommitted, {
          venueId,
          from: snapshot.version - committed.length,
          events: JSON.stringify(committed),
        });
      });
      main.on(MESSAGES.queueCommitted, (message: { venueId: string; from: number; events: string }) => {
        queues
          .applyCommitted(message.venueId, message.from, JSON.parse(message.events) as QueueEvent[])
          .catch(warn(`queue of ${message.venueId} from another hub`));
      });

      venues.on('updated', (venue) => io.serverSideEmit(MESSAGES.venueUpdated, venue.id));
      main.on(MESSAGES.venueUpdated, (venueId: string) => queues.forget(venueId));

      // Relayed connects reach this hub's alert rules; the flag keeps them from being relayed back.
      let relaying = false;
      events.on('device.connected', (info) => {
        if (!relaying) io.serverSideEmit(MESSAGES.deviceConnected, info);
      });
      main.on(MESSAGES.deviceConnected, (info: { venueId: string; deviceId: string }) => {
        relaying = true;
        try {
          events.emit('device.connected', info);
        } finally {
          relaying = false;
        }
      });

      main.on(MESSAGES.devicesHere, (venueId: string, answer: (ids: string[]) => void) =>
        answer(presence.here(venueId)),
      );
      // A hub closing (or Redis away) fails every ask at once, one per kiosk: say so once a minute.
      let lastAskWarning = 0;
      presence.lookElsewhereWith(async (venueId) => {
        try {
          const answers = (await withTimeout(
            io.serverSideEmitWithAck(MESSAGES.devicesHere, venueId),
            ASK_TIMEOUT_MS,
          )) as string[][];
          return answers.flat();
        } catch (error) {
          if (Date.now() - lastAskWarning > 60_000) {
            lastAskWarning = Date.now();
            warn("asking the other hubs for their kiosks (going on with this hub's own)")(error as Error);
          }
          return [];
        }
      });

      // Messages published while Redis was away are lost: read every queue again from the store.
      let wasReady = true;
      sub.on('end', () => (wasReady = false));
      sub.on('close', () => (wasReady = false));
      sub.on('ready', () => {
        reportedDown = false;
        if (wasReady) return;
        wasReady = true;
        log(`Redis at ${where} is back: reloading every queue from the store`);
        queues.resyncAll().catch(warn('reloading queues after a Redis outage'));
      });
    },
    async close() {
      // io.close() closed the adapters (their subscriptions); now the connections themselves. QUIT
      // waits for Redis, which may be away: give it a moment, then drop the sockets anyway.
      await withTimeout(Promise.allSettled([pub.quit(), sub.quit()]), 1000).catch(() => undefined);
      pub.disconnect();
      sub.disconnect();
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
