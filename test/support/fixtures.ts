import type { Task } from '../../core/alerts/tasks.ts';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHub, type Hub, type HubOptions } from '../../server/hub.ts';
import { SqliteHubStore } from '../../server/store/sqlite-store.ts';
import { Venues } from '../../server/venues.ts';
import type { HubStore } from '../../server/store/hub-store.ts';
import type pg from 'pg';
import { inject } from 'vitest';
import type { Clock } from '../../core/logger.ts';
import type { VenueInput } from '../../core/venue.ts';
import { LocalStore } from '../../kiosk/local-store.ts';
import { SyncClient } from '../../kiosk/sync-client.ts';
import { withPostgresAt } from './postgres.ts';

export function tempDir(prefix = 'waitwell-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export const TEST_VENUE = {
  id: 'venue-a',
  name: 'Test Branch A',
  touchpoints: [
    { id: 'entrance', name: { ko: '입구', zh: '入口', en: 'Entrance' } },
    { id: 'counter-1', name: { ko: '1번 창구', zh: '1号窗口', en: 'Counter 1' } },
  ],
};

/** A real hub on port 0 over a real SQLite file, with one venue provisioned. */
/** TEST_VENUE with two services and two counters, for queue tests. */
export const TEST_QUEUE_VENUE = {
  ...TEST_VENUE,
  services: [
    { id: 'deposits', prefix: 'A', name: { ko: '예금', zh: '存款', en: 'Deposits' }, expectedServiceMin: 4 },
    { id: 'loans', prefix: 'B', name: { ko: '대출', zh: '贷款', en: 'Loans' }, expectedServiceMin: 10 },
  ],
  counters: [
    { id: 'c1', name: { ko: '1번 창구', zh: '1号窗口', en: 'Counter 1' }, services: ['deposits'] },
    { id: 'c2', name: { ko: '2번 창구', zh: '2号窗口', en: 'Counter 2' }, services: ['deposits', 'loans'] },
  ],
};

/** A real hub over a SQLite `file`, or over an opened `store` (e.g. PostgreSQL), which it closes. */
export async function startTestHub(options: {
  file?: string;
  store?: HubStore;
  port?: number;
  venue?: VenueInput;
  credentialCheckMs?: number;
  /** The hub's clock, for tests that move time by hand. */
  clock?: Clock;
  smtp?: HubOptions['smtp'];
}): Promise<Hub & { addKiosk(deviceId: string, venueId?: string): Promise<string> }> {
  const store =
    options.store ?? (options.file ? new SqliteHubStore(options.file, { clock: options.clock }) : undefined);
  if (!store) throw new Error('startTestHub needs a SQLite file or a store');
  const hub = await startHub({
    store,
    port: options.port ?? 0,
    credentialCheckMs: options.credentialCheckMs,
    clock: options.clock,
    ...(options.smtp ? { smtp: options.smtp } : {}),
  });
  await hub.venues.upsert(options.venue ?? TEST_VENUE);
  return Object.assign(hub, {
    async addKiosk(deviceId: string, venueId = TEST_VENUE.id) {
      return (await hub.venues.addDevice({ venueId, deviceId })).token;
    },
  });
}

/**
 * A hub's SQLite file with a venue and its kiosks, written before any hub process opens it (tests
 * that run the hub as a child process they kill); returns each kiosk's token.
 */
export async function provisionHubFile(
  file: string,
  venue: VenueInput,
  deviceIds: readonly string[],
): Promise<Map<string, string>> {
  const store = new SqliteHubStore(file);
  try {
    const venues = new Venues(store);
    await venues.upsert(venue);
    const tokens = new Map<string, string>();
    for (const deviceId of deviceIds)
      tokens.set(deviceId, (await venues.addDevice({ venueId: venue.id, deviceId })).token);
    return tokens;
  } finally {
    await store.close();
  }
}

/** Creates a user of the venue(s) and signs them in over HTTP; returns the session token. */
export async function signedInUser(
  hub: Hub,
  user: { username: string; role: 'staff' | 'manager' | 'admin'; venueIds?: string[] },
): Promise<string> {
  await hub.accounts.createUser({
    username: user.username,
    password: passwordOf(user.username),
    role: user.role,
    venueIds: user.venueIds ?? [TEST_VENUE.id],
  });
  return signIn(hub, user.username);
}

const passwordOf = (username: string) => `${username}-password-1`;

/** A fresh session of a user signedInUser made (sessions expire on the hub's clock). */
export async function signIn(hub: Hub, username: string): Promise<string> {
  const response = await fetch(`${hub.url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: passwordOf(username) }),
  });
  return ((await response.json()) as { token: string }).token;
}

/** A kiosk's store syncing to the hub (no runtime around it); stopped and closed by `cleanups`. */
export function syncingKioskStore(
  hub: Hub,
  options: { file: string; deviceId: string; token: string; venueId?: string },
  cleanups: (() => Promise<void> | void)[],
): LocalStore {
  const store = new LocalStore(options.file, { venueId: options.venueId ?? TEST_VENUE.id, deviceId: options.deviceId });
  const sync = new SyncClient({ hubUrl: hub.url, deviceId: options.deviceId, token: options.token, store });
  sync.start();
  cleanups.push(async () => {
    await sync.stop();
    store.close();
  });
  return store;
}

/**
 * The PostgreSQL and Redis of this test run (test/global-setup.ts): the servers named by
 * WAITWELL_TEST_POSTGRES_URL / WAITWELL_TEST_REDIS_URL, or throwaway ones started for the run.
 */
export const TEST_POSTGRES_URL = inject('postgresUrl');
export const TEST_REDIS_URL = inject('redisUrl');

/**
 * A schema name no other test file uses, so test files running in parallel on one database never
 * see each other's rows; drop it with dropPostgresSchema when done.
 */
export function freshPostgresSchema(prefix = 'waitwell_test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** Runs SQL on the test run's PostgreSQL outside any store (set-up, inspection, clean-up). */
export function withPostgres<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  return withPostgresAt(TEST_POSTGRES_URL, work);
}

export async function dropPostgresSchema(schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`refusing to drop schema "${schema}"`);
  await withPostgres((client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
}

/** A task its owner fixed and a manager verified at `at`: one a public note can be written on. */
export function verifiedTask(id: string, at: number): Task {
  return {
    id,
    causeKey: `unhappy-share:entrance#${id}`,
    rule: 'unhappy-share',
    subject: 'entrance',
    summary: 'too many unhappy presses',
    owner: 'facilities',
    state: 'verified',
    openedAt: at,
    acknowledgedAt: at,
    resolvedAt: at,
    verifiedAt: at,
    ackDeadline: at + 60_000,
    resolveDeadline: at + 120_000,
    escalation: 0,
  };
}
