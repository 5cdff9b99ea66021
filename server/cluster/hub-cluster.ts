import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Server } from 'socket.io';
import { z } from 'zod';
import { type Clock, type Logger, silentLogger, systemClock } from '../../core/logger.ts';
import { parseQueueEvent, type QueueEvent } from '../../core/queue/index.ts';
import type { HubEvents } from '../hub-events.ts';
import type { HubQueues } from '../queue/hub-queues.ts';
import type { Venues } from '../venues.ts';
import { type CountsUpdate, readSharedCounts } from '../sockets/touchpoint-counts.ts';
import type { DevicePresence } from './device-presence.ts';
import { describeRedisLocation, parseRedisLocation } from './redis-location.ts';

/** How long a hub waits for the others' answers (which kiosks they hold) before going on without. */
const ASK_TIMEOUT_MS = 2000;
const CONNECT_TIMEOUT_MS = 5000;
/** A claim Redis has not answered by then is taken as won: doing the work twice beats not at all. */
const CLAIM_TIMEOUT_MS = 500;

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
  /** A hub's touchpoint counts of one window, every venue pressed in it: for the others' screens. */
  countsShared: 'waitwell:touchpoint.counts',
} as const;

/**
 * A hub committed queue events: `events` is their JSON, the same text the store keeps, so a hub
 * that applies them holds exactly what a hub that reloads the log would.
 */
const queueCommittedSchema = z.strictObject({
  venueId: z.string().min(1),
  /** The venue's log version the events follow. */
  from: z.number().int().nonnegative(),
  events: z.string(),
});

/**
 * The events of a queueCommitted message, each checked against the queue log's schemas; throws
 * naming the venue and the log version of what cannot be read.
 */
export function readQueueCommitted(message: unknown): { venueId: string; from: number; events: QueueEvent[] } {
  const parsed = queueCommittedSchema.safeParse(message);
  if (!parsed.success) throw new Error(`a queue.committed message that is not one: ${z.prettifyError(parsed.error)}`);
  const { venueId, from } = parsed.data;
  let raw: unknown;
  try {
    raw = JSON.parse(parsed.data.events);
  } catch {
    throw new Error(`the queue events of venue ${venueId} after version ${from} are not JSON`);
  }
  if (!Array.isArray(raw)) throw new Error(`the queue events of venue ${venueId} after version ${from} are not a list`);
  return { venueId, from, events: raw.map((event, i) => parseQueueEvent(event, { venueId, version: from + i + 1 })) };
}

export interface HubCluster {
  /** The socket.io adapter: rooms and broadcasts span every hub on this Redis and prefix. */
  readonly adapter: ReturnType<typeof createAdapter>;
  readonly prefix: string;
  /** Wires the hub's services to the other hubs; call once, after the namespaces are attached. */
  attach(hub: {
    io: Server;
    queues: HubQueues;
    venues: Venues;
    events: HubEvents;
    presence: DevicePresence;
    counts: { deliver(updates: readonly CountsUpdate[]): void };
  }): void;
  /** Sends this hub's touchpoint counts to the other hubs, one message for many venues (once attached). */
  shareCounts(updates: CountsUpdate[]): void;
  /**
   * Claims a piece of work for `ms` across the hubs: true for the first hub to ask, false for the
   * others until it lapses. True when Redis does not answer in time (the work done twice is safe).
   */
  claim(key: string, ms: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Joins the hubs that share a Redis (and a PostgreSQL store): connects the publishing and the
 * subscribing client (ioredis: it restores subscriptions after a reconnect, which socket.io's
 * guide says the `redis` package may not) and builds the Redis adapter on them.
 */
export async function joinCluster(
  location: string,
  options: { log?: Logger; clock?: Clock } = {},
): Promise<HubCluster> {
  const log = options.log ?? silentLogger;
  const clock = options.clock ?? systemClock;
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
      log.error(`Redis at ${where}: ${error.message}; retrying (hubs do not see each other's changes meanwhile)`);
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
  let attachedIo: Server | undefined;
  return {
    adapter,
    prefix,
    shareCounts(updates) {
      attachedIo?.serverSideEmit(MESSAGES.countsShared, updates);
    },
    claim(key, ms) {
      return withTimeout(pub.set(`${prefix}#claim#${key}`, '1', 'PX', ms, 'NX'), CLAIM_TIMEOUT_MS).then(
        (reply) => reply === 'OK',
        () => true,
      );
    },
    attach({ io, queues, venues, events, presence, counts }) {
      attachedIo = io;
      const main = io.of('/');
      const warn = (where: string) => (error: Error) => log.warn(`${where}: ${error.message}`);

      // Sent as soon as committed, before this hub computes its own views: a hub whose command lost
      // to this commit waits for it (QueueCommands). JSON, not MessagePack, which would keep
      // undefined fields JSON drops.
      queues.live.on('committed', ({ venueId, from, events: committed }) => {
        io.serverSideEmit(MESSAGES.queueCommitted, { venueId, from, events: JSON.stringify(committed) });
      });
      main.on(MESSAGES.queueCommitted, (message: unknown) => {
        let commit: ReturnType<typeof readQueueCommitted>;
        try {
          commit = readQueueCommitted(message);
        } catch (error) {
          warn('a queue commit from another hub, dropped')(error as Error);
          // What it held is in the store's log: read the venue from there.
          const venueId =
            typeof message === 'object' && message !== null && 'venueId' in message ? message.venueId : undefined;
          if (typeof venueId === 'string') queues.inbox.resync(venueId).catch(warn(`reading ${venueId} again`));
          return;
        }
        queues.inbox
          .applyCommitted(commit.venueId, commit.from, commit.events)
          .catch(warn(`queue of ${commit.venueId} from another hub`));
      });

      main.on(MESSAGES.countsShared, (message: unknown) => {
        try {
          counts.deliver(readSharedCounts(message));
        } catch (error) {
          warn('touchpoint counts from another hub, dropped')(error as Error);
        }
      });

      venues.on('updated', (venue) => io.serverSideEmit(MESSAGES.venueUpdated, venue.id));
      main.on(MESSAGES.venueUpdated, (venueId: string) => queues.live.forget(venueId));

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
          if (clock.now() - lastAskWarning > 60_000) {
            lastAskWarning = clock.now();
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
        log.info(`Redis at ${where} is back: reloading every queue from the store`);
        queues.inbox.resyncAll().catch(warn('reloading queues after a Redis outage'));
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
