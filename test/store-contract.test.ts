import { HUB_MIGRATIONS } from '../server/store/migrations.ts';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Task } from '../core/alerts/tasks.ts';
import type { AnyEventEnvelope } from '../core/events.ts';
import { newEventId } from '../core/ids.ts';
import type { QueueEvent } from '../core/queue/types.ts';
import { venueSchema, type Venue } from '../core/venue.ts';
import { describeStoreLocation, openHubStore } from '../server/open-store.ts';
import { QueueVersionConflict, type HubStore, type IngestOutcome, type PressGroup } from '../server/store/hub-store.ts';
import { PostgresHubStore } from '../server/store/postgres-store.ts';
import { SqliteHubStore } from '../server/store/sqlite-store.ts';
import {
  dropPostgresSchema,
  freshPostgresSchema,
  startTestHub,
  syncingKioskStore,
  tempDir,
  TEST_POSTGRES_URL,
  withPostgres,
} from './support/fixtures.ts';
import { ticketIssued } from './support/queue-events.ts';
import { waitFor } from './support/wait.ts';
import { test } from './support/test-fixtures.ts';

/**
 * One contract, every store: each test below runs on SQLite (a fresh file) and on PostgreSQL (a
 * schema of its own for this file, emptied before each test, dropped at the end). `openAgain`
 * opens a second store over the same data, as a second hub process would.
 */
interface StoreKind {
  name: string;
  /** An empty store for one test. */
  open(): Promise<HubStore>;
  /** Another store over the data of the last `open()`. */
  openAgain(): Promise<HubStore>;
  /** Called after each test, once its stores are closed. */
  cleanUp(): Promise<void>;
}

const pgSchema = freshPostgresSchema('store_contract');
afterAll(() => dropPostgresSchema(pgSchema));

function sqliteKind(): StoreKind {
  let dir: { path: string; remove(): void } | undefined;
  return {
    name: 'SQLite',
    async open() {
      dir = tempDir();
      return new SqliteHubStore(join(dir.path, 'hub.db'));
    },
    async openAgain() {
      return new SqliteHubStore(join(dir!.path, 'hub.db'));
    },
    async cleanUp() {
      dir?.remove();
    },
  };
}

function postgresKind(): StoreKind {
  return {
    name: 'PostgreSQL',
    async open() {
      const store = await PostgresHubStore.open(TEST_POSTGRES_URL, { schema: pgSchema });
      await withPostgres(async (client) => {
        const { rows } = await client.query<{ t: string }>(
          `SELECT tablename AS t FROM pg_tables WHERE schemaname = $1 AND tablename <> 'schema_migrations'`,
          [pgSchema],
        );
        await client.query(`TRUNCATE ${rows.map((r) => `${pgSchema}.${r.t}`).join(', ')}`);
      });
      return store;
    },
    openAgain: () => PostgresHubStore.open(TEST_POSTGRES_URL, { schema: pgSchema }),
    async cleanUp() {},
  };
}

// ---------- building data ----------

const T0 = 6_000_000; // a multiple of a minute, so minute buckets start at T0
const context = { receivedAt: 9_000_000, clockOffsetMs: 500 };

function venue(id: string, version = 1, name = `Venue ${id}`): Venue {
  return venueSchema.parse({
    id,
    name,
    version,
    touchpoints: [{ id: 'entrance', name: { ko: '입구', zh: '入口', en: 'Entrance' } }],
  });
}

function press(
  seq: number,
  options: {
    deviceId?: string;
    venueId?: string;
    touchpointId?: string;
    level?: 1 | 2 | 3 | 4;
    misuse?: boolean;
    occurredAt?: number;
    source?: 'serial' | 'screen';
  } = {},
): AnyEventEnvelope {
  return {
    id: newEventId(),
    type: 'feedback.pressed',
    v: 1,
    venueId: options.venueId ?? 'venue-a',
    deviceId: options.deviceId ?? 'k1',
    seq,
    occurredAt: options.occurredAt ?? 1_000_000 + seq,
    payload: {
      touchpointId: options.touchpointId ?? 'entrance',
      level: options.level ?? 4,
      source: options.source ?? 'serial',
      misuse: options.misuse ?? false,
    },
  };
}

function deviceStatus(seq: number, detail: string, deviceId = 'k1'): AnyEventEnvelope {
  return {
    id: newEventId(),
    type: 'device.status',
    v: 1,
    venueId: 'venue-a',
    deviceId,
    seq,
    occurredAt: T0 + seq,
    payload: { component: 'printer', state: 'degraded', detail },
  };
}

function task(id: string, openedAt: number, state: Task['state'] = 'open'): Task {
  return {
    id,
    causeKey: `unhappy-share:${id}`,
    rule: 'unhappy-share',
    subject: 'entrance',
    summary: `task ${id}`,
    owner: 'operations',
    state,
    openedAt,
    acknowledgedAt: state === 'open' ? null : openedAt + 10,
    resolvedAt: null,
    verifiedAt: null,
    ackDeadline: openedAt + 60_000,
    resolveDeadline: openedAt + 120_000,
    escalation: 0,
  };
}

const opened = (counterId: string, at: number): QueueEvent => ({
  type: 'counter.opened',
  at,
  counterId,
  services: ['deposits'],
  closesAt: null,
});

/** Groups summed per key and sorted: a store may split a key over several rows (SQLite does, per payload). */
function normalized(groups: readonly PressGroup[]): PressGroup[] {
  const byKey = new Map<string, PressGroup>();
  for (const group of groups) {
    const key = `${group.touchpointId}|${group.level}|${group.misuse}|${group.bucket}`;
    const entry = byKey.get(key) ?? { ...group, count: 0 };
    entry.count += group.count;
    byKey.set(key, entry);
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, group]) => group);
}

function insertedSeqs(outcome: IngestOutcome): number[] | false {
  return outcome.kind === 'stored' && outcome.inserted.map((e) => e.seq);
}

describe.each([sqliteKind(), postgresKind()])('HubStore contract on $name', (kind) => {
  let store: HubStore;
  const openStores: HubStore[] = [];
  const openAgain = async () => {
    const again = await kind.openAgain();
    openStores.push(again);
    return again;
  };
  beforeEach(async () => {
    store = await kind.open();
    openStores.push(store);
  });
  afterEach(async () => {
    for (const each of openStores.splice(0)) await each.close();
    await kind.cleanUp();
  });

  describe('venues', () => {
    it('saves a venue, keeps every version newest first, and the first copy of a version saved twice', async () => {
      const before = Date.now();
      await store.upsertVenue(venue('venue-a', 1, 'First name'));
      await store.upsertVenue(venue('venue-a', 2, 'Second name'));
      await store.upsertVenue(venue('venue-a', 2, 'Same version again'));
      expect((await store.getVenue('venue-a'))?.name).toBe('Same version again');
      const versions = await store.venueVersions('venue-a');
      expect(versions.map((v) => [v.version, v.venue.name])).toEqual([
        [2, 'Second name'],
        [1, 'First name'],
      ]);
      expect(versions[0]!.savedAt).toBeGreaterThanOrEqual(before);
      expect(versions[0]!.savedAt).toBeLessThanOrEqual(Date.now());
      expect(versions[0]!.venue.touchpoints.map((tp) => tp.id)).toEqual(['entrance']);
      expect(await store.venueVersions('venue-b')).toEqual([]);
    });

    it('answers undefined for an unknown venue and lists venues by id in byte order', async () => {
      expect(await store.getVenue('nowhere')).toBeUndefined();
      // '-' sorts before letters in byte order; a locale collation that skips punctuation would not.
      for (const id of ['venuea', 'venue-b', 'a-venue']) await store.upsertVenue(venue(id));
      expect((await store.listVenues()).map((v) => v.id)).toEqual(['a-venue', 'venue-b', 'venuea']);
    });

    it('reads a stored venue back through the schema, defaults included', async () => {
      await store.upsertVenue(venue('venue-a', 3));
      const read = await store.getVenue('venue-a');
      expect(read).toEqual(venue('venue-a', 3));
      expect(read?.version).toBe(3);
    });

    it('keeps a board token hash per venue, replaced by the next one', async () => {
      await store.upsertVenue(venue('venue-a'));
      await store.upsertVenue(venue('venue-b'));
      expect(await store.getBoardTokenHash('venue-a')).toBeUndefined();
      await store.setBoardTokenHash('venue-a', 'hash-1');
      await store.setBoardTokenHash('venue-a', 'hash-2');
      expect(await store.getBoardTokenHash('venue-a')).toBe('hash-2');
      expect(await store.getBoardTokenHash('venue-b')).toBeUndefined();
      expect(await store.getBoardTokenHash('nowhere')).toBeUndefined();
      // A venue saved again keeps its board token.
      await store.upsertVenue(venue('venue-a', 2));
      expect(await store.getBoardTokenHash('venue-a')).toBe('hash-2');
    });
  });

  describe('devices', () => {
    beforeEach(async () => {
      await store.upsertVenue(venue('venue-a'));
      await store.upsertVenue(venue('venue-b'));
    });

    it("registers a device with a fresh sequence and clock, and lists a venue's devices by id", async () => {
      await store.addDevice({ id: 'k2', venueId: 'venue-a', name: 'Kiosk 2', tokenHash: 't2' });
      await store.addDevice({ id: 'k1', venueId: 'venue-a', name: 'Kiosk 1', tokenHash: 't1' });
      await store.addDevice({ id: 'kb', venueId: 'venue-b', name: 'Kiosk B', tokenHash: 'tb' });
      expect(await store.getDevice('k1')).toEqual({
        id: 'k1',
        venueId: 'venue-a',
        name: 'Kiosk 1',
        tokenHash: 't1',
        contiguousSeq: 0,
        clockOffsetMs: 0,
        lastSeenAt: null,
      });
      expect((await store.listDevices('venue-a')).map((d) => d.id)).toEqual(['k1', 'k2']);
      expect((await store.listDevices('venue-b')).map((d) => d.id)).toEqual(['kb']);
      expect(await store.listDevices('nowhere')).toEqual([]);
      expect(await store.getDevice('ghost')).toBeUndefined();
    });

    it('refuses a second device with the same id and a device of an unknown venue', async () => {
      await store.addDevice({ id: 'k1', venueId: 'venue-a', name: 'Kiosk 1', tokenHash: 't1' });
      await expect(store.addDevice({ id: 'k1', venueId: 'venue-b', name: 'Again', tokenHash: 'x' })).rejects.toThrow();
      await expect(store.addDevice({ id: 'k9', venueId: 'nowhere', name: 'Lost', tokenHash: 'x' })).rejects.toThrow();
      expect((await store.getDevice('k1'))?.venueId).toBe('venue-a');
      expect(await store.getDevice('k9')).toBeUndefined();
    });

    it('replaces a device token and records its clock, touching nothing else', async () => {
      await store.addDevice({ id: 'k1', venueId: 'venue-a', name: 'Kiosk 1', tokenHash: 'old' });
      await store.addDevice({ id: 'k2', venueId: 'venue-a', name: 'Kiosk 2', tokenHash: 'other' });
      await store.replaceDeviceToken('k1', 'new');
      await store.recordDeviceClock('k1', { offsetMs: -300_000, seenAt: 1_700_000_000_000 });
      expect(await store.getDevice('k1')).toEqual({
        id: 'k1',
        venueId: 'venue-a',
        name: 'Kiosk 1',
        tokenHash: 'new',
        contiguousSeq: 0,
        clockOffsetMs: -300_000,
        lastSeenAt: 1_700_000_000_000,
      });
      expect(await store.getDevice('k2')).toMatchObject({ tokenHash: 'other', clockOffsetMs: 0, lastSeenAt: null });
    });
  });

  describe('users and sessions', () => {
    it('creates users, finds them by name and id, and counts them', async () => {
      expect(await store.countUsers()).toBe(0);
      await store.createUser({
        id: 'u1',
        username: 'ana',
        passwordHash: 'h1',
        role: 'staff',
        venueIds: ['venue-a', 'venue-b'],
        departments: ['Front desk'],
      });
      await store.createUser({ id: 'u2', username: 'bo', passwordHash: 'h2', role: 'admin', venueIds: [] });
      expect(await store.countUsers()).toBe(2);
      expect(await store.getUserByUsername('ana')).toEqual({
        id: 'u1',
        username: 'ana',
        passwordHash: 'h1',
        role: 'staff',
        venueIds: ['venue-a', 'venue-b'],
        departments: ['Front desk'],
      });
      expect(await store.getUser('u2')).toEqual({
        id: 'u2',
        username: 'bo',
        passwordHash: 'h2',
        role: 'admin',
        venueIds: [],
        departments: [],
      });
      expect(await store.getUserByUsername('ANA')).toBeUndefined();
      expect(await store.getUser('u3')).toBeUndefined();
    });

    it('refuses a taken username and an unknown role', async () => {
      await store.createUser({ id: 'u1', username: 'ana', passwordHash: 'h1', role: 'staff', venueIds: [] });
      await expect(
        store.createUser({ id: 'u2', username: 'ana', passwordHash: 'h2', role: 'manager', venueIds: [] }),
      ).rejects.toThrow();
      await expect(
        store.createUser({ id: 'u3', username: 'cy', passwordHash: 'h3', role: 'owner' as 'admin', venueIds: [] }),
      ).rejects.toThrow();
      expect(await store.countUsers()).toBe(1);
    });

    it('keeps sessions until deleted, and only for existing users', async () => {
      await store.createUser({ id: 'u1', username: 'ana', passwordHash: 'h1', role: 'staff', venueIds: [] });
      await store.createSession({ tokenHash: 's1', userId: 'u1', expiresAt: 1_700_000_000_000 });
      await store.createSession({ tokenHash: 's2', userId: 'u1', expiresAt: 1_800_000_000_000 });
      expect(await store.getSession('s1')).toEqual({ tokenHash: 's1', userId: 'u1', expiresAt: 1_700_000_000_000 });
      await store.deleteSession('s1');
      expect(await store.getSession('s1')).toBeUndefined();
      expect(await store.getSession('s2')).toEqual({ tokenHash: 's2', userId: 'u1', expiresAt: 1_800_000_000_000 });
      await expect(store.createSession({ tokenHash: 's3', userId: 'nobody', expiresAt: 1 })).rejects.toThrow();
      await store.deleteSession('never-existed');
    });
  });

  describe('ingest', () => {
    beforeEach(async () => {
      await store.upsertVenue(venue('venue-a'));
      await store.upsertVenue(venue('venue-b'));
      await store.addDevice({ id: 'k1', venueId: 'venue-a', name: 'k1', tokenHash: 'x' });
      await store.addDevice({ id: 'k2', venueId: 'venue-a', name: 'k2', tokenHash: 'x' });
      await store.addDevice({ id: 'kb', venueId: 'venue-b', name: 'kb', tokenHash: 'x' });
    });

    it('stores new events, advances contiguousSeq and projects counts', async () => {
      const events = [
        press(1),
        press(2, { level: 1 }),
        press(3, { touchpointId: 'exit' }),
        press(4, { touchpointId: 'entrance', level: 1 }),
      ];
      const outcome = await store.ingest('k1', events, context);
      expect(outcome).toEqual({
        kind: 'stored',
        contiguousSeq: 4,
        inserted: events,
        duplicates: 0,
        touchpointsChanged: ['entrance', 'exit'],
      });
      expect((await store.getDevice('k1'))?.contiguousSeq).toBe(4);
      expect(await store.touchpointCounts('venue-a')).toEqual([
        { touchpointId: 'entrance', counts: { 1: 2, 2: 0, 3: 0, 4: 1 }, total: 3 },
        { touchpointId: 'exit', counts: { 1: 0, 2: 0, 3: 0, 4: 1 }, total: 1 },
      ]);
      expect(await store.touchpointCounts('venue-a', ['exit', 'nowhere'])).toEqual([
        { touchpointId: 'exit', counts: { 1: 0, 2: 0, 3: 0, 4: 1 }, total: 1 },
      ]);
      expect(await store.touchpointCounts('venue-b')).toEqual([]);
    });

    it('reads the counts of several venues at once, each limited to the touchpoints asked', async () => {
      await store.ingest(
        'k1',
        [press(1), press(2, { level: 1 }), press(3, { touchpointId: 'exit', level: 2 })],
        context,
      );
      await store.ingest('kb', [press(1, { deviceId: 'kb', venueId: 'venue-b', touchpointId: 'exit' })], context);
      const counts = await store.touchpointCountsOfVenues(
        new Map([
          ['venue-a', ['entrance', 'exit']],
          ['venue-b', ['exit']],
          ['nowhere', ['entrance']],
        ]),
      );
      expect(counts).toEqual(
        new Map([
          ['venue-a', await store.touchpointCounts('venue-a')],
          ['venue-b', await store.touchpointCounts('venue-b')],
          ['nowhere', []],
        ]),
      );
      expect(counts.get('venue-a')!.map((c) => [c.touchpointId, c.total])).toEqual([
        ['entrance', 2],
        ['exit', 1],
      ]);
      const entranceOnly = await store.touchpointCountsOfVenues(new Map([['venue-a', ['entrance']]]));
      expect(entranceOnly.get('venue-a')).toEqual([
        { touchpointId: 'entrance', counts: { 1: 1, 2: 0, 3: 0, 4: 1 }, total: 2 },
      ]);
      expect(await store.touchpointCountsOfVenues(new Map())).toEqual(new Map());
    });

    it('keeps an absurd device time as sent, and files it at its arrival (1970, year 275760)', async () => {
      const arrival = { receivedAt: Date.UTC(2026, 11, 5), clockOffsetMs: 500 };
      const plausible = arrival.receivedAt - 60_000;
      await store.ingest(
        'k1',
        [press(1, { occurredAt: 0 }), press(2, { occurredAt: 8.64e15 }), press(3, { occurredAt: plausible })],
        arrival,
      );
      const stored = await store.deviceEvents('k1');
      expect(stored.map((e) => [e.occurredAt, e.correctedAt])).toEqual([
        [0, arrival.receivedAt],
        [8.64e15, arrival.receivedAt],
        [plausible, plausible + 500],
      ]);
    });

    it('acks a resent batch as duplicates without counting it twice', async () => {
      const events = [press(1), press(2)];
      await store.ingest('k1', events, context);
      const again = await store.ingest('k1', [...events, press(3)], context);
      expect(again).toMatchObject({
        kind: 'stored',
        contiguousSeq: 3,
        duplicates: 2,
        touchpointsChanged: ['entrance'],
      });
      expect(insertedSeqs(again)).toEqual([3]);
      const onlyOld = await store.ingest('k1', events, context);
      expect(onlyOld).toEqual({
        kind: 'stored',
        contiguousSeq: 3,
        inserted: [],
        duplicates: 2,
        touchpointsChanged: [],
      });
      expect((await store.touchpointCounts('venue-a'))[0]?.total).toBe(3);
      expect((await store.deviceEvents('k1')).map((e) => e.seq)).toEqual([1, 2, 3]);
    });

    it('treats the same event twice in one batch as a duplicate of itself', async () => {
      const first = press(1);
      const outcome = await store.ingest('k1', [first, press(2), first], context);
      expect(outcome).toMatchObject({ kind: 'stored', contiguousSeq: 2, duplicates: 1 });
      expect((await store.touchpointCounts('venue-a'))[0]?.total).toBe(2);
    });

    it('refuses a gap and stores nothing of that batch', async () => {
      await store.ingest('k1', [press(1)], context);
      const outcome = await store.ingest('k1', [press(2), press(4)], context);
      expect(outcome).toEqual({ kind: 'seq-gap', contiguousSeq: 1, eventIndex: 1, seq: 4 });
      expect((await store.deviceEvents('k1')).map((e) => e.seq)).toEqual([1]);
      expect((await store.touchpointCounts('venue-a'))[0]?.total).toBe(1);
      expect(await store.getDevice('k1')).toMatchObject({ contiguousSeq: 1 });
      expect(await store.ingest('k9', [], context)).toEqual({ kind: 'unknown-device', contiguousSeq: 0 });
      expect(await store.ingest('k2', [press(2, { deviceId: 'k2' })], context)).toEqual({
        kind: 'seq-gap',
        contiguousSeq: 0,
        eventIndex: 0,
        seq: 2,
      });
    });

    it('refuses a different event at a seq it already holds (a reset kiosk), whole batch', async () => {
      await store.ingest('k1', [press(1)], context);
      const outcome = await store.ingest('k1', [press(2), press(1)], context);
      expect(outcome).toEqual({ kind: 'seq-conflict', contiguousSeq: 1, eventIndex: 1, seq: 1 });
      expect((await store.deviceEvents('k1')).map((e) => e.seq)).toEqual([1]);
      expect((await store.getDevice('k1'))?.contiguousSeq).toBe(1);
    });

    it('refuses an id already stored at another seq or by another device', async () => {
      const first = press(1);
      await store.ingest('k1', [first], context);
      expect(await store.ingest('k1', [press(2), { ...first, seq: 3 }], context)).toEqual({
        kind: 'id-conflict',
        contiguousSeq: 1,
        eventIndex: 1,
        id: first.id,
      });
      expect(await store.ingest('k2', [{ ...first, deviceId: 'k2' }], context)).toEqual({
        kind: 'id-conflict',
        contiguousSeq: 0,
        eventIndex: 0,
        id: first.id,
      });
      // The same id twice among the new events of one batch.
      const twice = press(1, { deviceId: 'k2' });
      expect(await store.ingest('k2', [twice, { ...twice, seq: 2 }], context)).toEqual({
        kind: 'id-conflict',
        contiguousSeq: 0,
        eventIndex: 1,
        id: twice.id,
      });
      expect((await store.getDevice('k1'))?.contiguousSeq).toBe(1);
      expect(await store.deviceEvents('k2')).toEqual([]);
      expect((await store.touchpointCounts('venue-a'))[0]?.total).toBe(1);
    });

    it('reports the first problem of a batch: an id already stored ahead of a gap or a seq conflict', async () => {
      const first = press(1);
      await store.ingest('k1', [first], context);
      expect(await store.ingest('k2', [{ ...first, deviceId: 'k2' }, press(3, { deviceId: 'k2' })], context)).toEqual({
        kind: 'id-conflict',
        contiguousSeq: 0,
        eventIndex: 0,
        id: first.id,
      });
      expect(await store.ingest('k1', [press(2), { ...first, seq: 3 }, press(1)], context)).toEqual({
        kind: 'id-conflict',
        contiguousSeq: 1,
        eventIndex: 1,
        id: first.id,
      });
      expect(await store.deviceEvents('k2')).toEqual([]);
      expect((await store.deviceEvents('k1')).map((e) => e.seq)).toEqual([1]);
    });

    it('keeps presses flagged as misuse and other events, but counts only real presses', async () => {
      const outcome = await store.ingest(
        'k1',
        [press(1), press(2, { misuse: true }), deviceStatus(3, 'paper low')],
        context,
      );
      expect(outcome).toMatchObject({ kind: 'stored', contiguousSeq: 3, touchpointsChanged: ['entrance'] });
      expect((await store.deviceEvents('k1')).map((e) => e.type)).toEqual([
        'feedback.pressed',
        'feedback.pressed',
        'device.status',
      ]);
      expect(await store.touchpointCounts('venue-a')).toEqual([
        { touchpointId: 'entrance', counts: { 1: 0, 2: 0, 3: 0, 4: 1 }, total: 1 },
      ]);
      const none = await store.ingest('k1', [press(4, { misuse: true })], context);
      expect(none).toMatchObject({ kind: 'stored', touchpointsChanged: [] });
    });

    it('stores the device clock corrected by its offset beside the received time', async () => {
      await store.ingest('k1', [press(1)], context);
      const [stored] = await store.deviceEvents('k1');
      expect(stored).toMatchObject({
        occurredAt: 1_000_001,
        correctedAt: 1_000_501,
        receivedAt: 9_000_000,
        type: 'feedback.pressed',
        seq: 1,
      });
      expect(await store.getDevice('k1')).toMatchObject({ clockOffsetMs: 500, lastSeenAt: 9_000_000 });
    });

    it('answers unknown-device for a device that is not registered', async () => {
      expect(await store.ingest('ghost', [press(1, { deviceId: 'ghost' })], context)).toEqual({
        kind: 'unknown-device',
        contiguousSeq: 0,
      });
      expect(await store.deviceEvents('ghost')).toEqual([]);
    });

    it("lists one device's events in seq order, with ids, types and times", async () => {
      const k1 = [press(1), press(2)];
      await store.ingest('k1', k1, context);
      await store.ingest('k2', [press(1, { deviceId: 'k2' })], { receivedAt: 9_500_000, clockOffsetMs: -1_000 });
      await store.ingest('k1', [press(3)], context);
      expect((await store.deviceEvents('k1')).map((e) => [e.id, e.seq])).toEqual([
        ...k1.map((e) => [e.id, e.seq]),
        [expect.any(String), 3],
      ]);
      expect(await store.deviceEvents('k2')).toEqual([
        {
          id: expect.any(String),
          seq: 1,
          type: 'feedback.pressed',
          occurredAt: 1_000_001,
          correctedAt: 999_001,
          receivedAt: 9_500_000,
        },
      ]);
    });

    it("reads back one device's ticket records since a corrected time, parsed, in seq order", async () => {
      const taken = (seq: number, offline: boolean, occurredAt: number): AnyEventEnvelope => ({
        id: newEventId(),
        type: 'ticket.taken',
        v: 1,
        venueId: 'venue-a',
        deviceId: 'k1',
        seq,
        occurredAt,
        payload: {
          ticketId: newEventId(),
          serviceId: 'deposits',
          number: `A-${500 + seq}`,
          seq: 500 + seq,
          day: '2026-12-05',
          lang: 'ko',
          offline,
        },
      });
      const old = taken(1, true, 1_000_000);
      const recent = [taken(3, true, 2_000_000), taken(4, false, 2_000_001)];
      await store.ingest('k1', [old, press(2), ...recent], context);
      await store.ingest('k2', [{ ...taken(1, true, 2_000_000), deviceId: 'k2' }], context);
      // Corrected times: occurredAt + 500 (context's offset); the old one is before `since`.
      const records = await store.deviceTicketRecords('k1', 1_500_000);
      expect(records).toEqual(recent.map((event) => ({ event, correctedAt: event.occurredAt + 500 })));
      expect(await store.deviceTicketRecords('k1', 0)).toHaveLength(3);
    });

    it('keeps the latest status of each kiosk component per venue, for any store over the same data', async () => {
      const status = (
        seq: number,
        deviceId: string,
        payload: Record<string, unknown>,
        venueId = 'venue-a',
      ): AnyEventEnvelope => ({ ...deviceStatus(seq, '', deviceId), venueId, payload }) as AnyEventEnvelope;
      await store.ingest(
        'k1',
        [
          status(1, 'k1', { component: 'printer', state: 'degraded', code: 'paper-low' }),
          press(2),
          status(3, 'k1', { component: 'printer', state: 'offline', code: 'paper-out', detail: 'out of \u0000paper' }),
        ],
        context,
      );
      await store.ingest('k2', [status(1, 'k2', { component: 'buttons', state: 'ready' })], context);
      await store.ingest('kb', [status(1, 'kb', { component: 'printer', state: 'offline' }, 'venue-b')], context);
      // the printer's last report wins; a NUL from a driver's raw bytes is dropped (PostgreSQL text cannot hold it)
      expect(await store.componentHealth('venue-a')).toEqual([
        {
          deviceId: 'k1',
          component: 'printer',
          state: 'offline',
          code: 'paper-out',
          detail: 'out of paper',
          at: T0 + 3,
        },
        { deviceId: 'k2', component: 'buttons', state: 'ready', at: T0 + 1 },
      ]);
      const ready = status(4, 'k1', { component: 'printer', state: 'ready' });
      await store.ingest('k1', [ready], context);
      // a batch resent after a lost ack is a duplicate and moves nothing
      expect(await store.ingest('k1', [ready], context)).toMatchObject({ kind: 'stored', duplicates: 1 });
      const otherHub = await openAgain();
      expect((await otherHub.componentHealth('venue-a'))[0]).toEqual({
        deviceId: 'k1',
        component: 'printer',
        state: 'ready',
        at: T0 + 4,
      });
      expect(await otherHub.componentHealth('venue-b')).toEqual([
        { deviceId: 'kb', component: 'printer', state: 'offline', at: T0 + 1 },
      ]);
      expect(await otherHub.componentHealth('nowhere')).toEqual([]);
    });

    it('stores a batch once when the same batch arrives twice at the same moment', async () => {
      const events = Array.from({ length: 50 }, (_, i) => press(i + 1));
      const outcomes = await Promise.all([store.ingest('k1', events, context), store.ingest('k1', events, context)]);
      expect(outcomes.map((o) => o.kind)).toEqual(['stored', 'stored']);
      expect(outcomes.flatMap((o) => insertedSeqs(o) || []).length).toBe(50);
      expect((await store.touchpointCounts('venue-a'))[0]?.total).toBe(50);
      expect((await store.deviceEvents('k1')).length).toBe(50);
    });

    it('stores an id sent by two devices at the same moment once, and refuses the other batch whole', async () => {
      for (let round = 0; round < 10; round += 1) {
        const [a, b] = [`a${round}`, `b${round}`];
        for (const id of [a, b]) await store.addDevice({ id, venueId: 'venue-a', name: id, tokenHash: 'x' });
        const shared = press(1, { deviceId: a });
        const outcomes = await Promise.all([
          store.ingest(a, [shared], context),
          store.ingest(b, [press(1, { deviceId: b }), { ...shared, deviceId: b, seq: 2 }], context),
        ]);
        expect(outcomes.map((o) => o.kind).sort()).toEqual(['id-conflict', 'stored']);
        const refused = outcomes.find((o) => o.kind === 'id-conflict');
        expect(refused).toEqual({
          kind: 'id-conflict',
          contiguousSeq: 0,
          eventIndex: outcomes[0]!.kind === 'stored' ? 1 : 0,
          id: shared.id,
        });
        // The refused device kept nothing of its batch.
        expect(await store.deviceEvents(outcomes[0]!.kind === 'stored' ? b : a)).toEqual([]);
      }
      const stored = (
        await Promise.all(
          Array.from({ length: 10 }, (_, round) => [`a${round}`, `b${round}`])
            .flat()
            .map((id) => store.deviceEvents(id)),
        )
      ).flat();
      expect(new Set(stored.map((e) => e.id)).size).toBe(stored.length);
      expect((await store.touchpointCounts('venue-a'))[0]?.total).toBe(stored.length);
    });

    it('counts concurrent batches of many devices, each press exactly once', async () => {
      await store.addDevice({ id: 'k3', venueId: 'venue-a', name: 'k3', tokenHash: 'x' });
      const batches = ['k1', 'k2', 'k3'].flatMap((deviceId) => {
        const events = Array.from({ length: 30 }, (_, i) =>
          press(i + 1, { deviceId, level: ((i % 4) + 1) as 1 | 2 | 3 | 4, touchpointId: i % 2 ? 'exit' : 'entrance' }),
        );
        return [events.slice(0, 10), events.slice(10, 20), events.slice(20)].map((part) => ({ deviceId, part }));
      });
      // Batches of one device arrive in order, devices interleave.
      const perDevice = ['k1', 'k2', 'k3'].map(async (deviceId) => {
        for (const { part } of batches.filter((b) => b.deviceId === deviceId))
          expect((await store.ingest(deviceId, part, context)).kind).toBe('stored');
      });
      await Promise.all(perDevice);
      const counts = await store.touchpointCounts('venue-a');
      expect(counts.map((c) => [c.touchpointId, c.total])).toEqual([
        ['entrance', 45],
        ['exit', 45],
      ]);
      expect(counts[0]!.counts).toEqual({ 1: 24, 2: 0, 3: 21, 4: 0 });
    });

    // Batches that arrive at once share a transaction in both stores: each must still be answered
    // as if it had come alone, and a refused one must cost the others nothing.
    it('answers each batch of a burst on its own: gaps, reset kiosks and unknown devices fail no other', async () => {
      for (const id of ['k3', 'k4', 'k5', 'k6'])
        await store.addDevice({ id, venueId: 'venue-a', name: id, tokenHash: 'x' });
      await store.ingest('k1', [press(1)], context);
      await store.ingest('kb', [press(1, { deviceId: 'kb', venueId: 'venue-b' })], context);
      const k6First = press(1, { deviceId: 'k6' });
      await store.ingest('k6', [k6First], context);
      const outcomes = await Promise.all([
        store.ingest('k3', [press(1, { deviceId: 'k3' })], context),
        store.ingest('k4', [press(1, { deviceId: 'k4' })], context),
        store.ingest('k1', [press(3)], context),
        store.ingest('k5', [press(1, { deviceId: 'k5' }), press(2, { deviceId: 'k5' })], context),
        store.ingest('kb', [press(1, { deviceId: 'kb', venueId: 'venue-b' })], context),
        store.ingest('nobody', [press(1, { deviceId: 'nobody' })], context),
        store.ingest('k2', [press(1, { deviceId: 'k2' })], context),
        store.ingest('k2', [press(2, { deviceId: 'k2' })], context),
        store.ingest('k6', [k6First, press(2, { deviceId: 'k6' })], context),
      ]);
      expect(
        outcomes.map((o) => (o.kind === 'stored' ? [o.contiguousSeq, o.inserted.length, o.duplicates] : o)),
      ).toEqual([
        [1, 1, 0],
        [1, 1, 0],
        { kind: 'seq-gap', contiguousSeq: 1, eventIndex: 0, seq: 3 },
        [2, 2, 0],
        { kind: 'seq-conflict', contiguousSeq: 1, eventIndex: 0, seq: 1 },
        { kind: 'unknown-device', contiguousSeq: 0 },
        [1, 1, 0],
        [2, 1, 0],
        [2, 1, 1],
      ]);
      for (const [deviceId, seq] of [
        ['k1', 1],
        ['k2', 2],
        ['k3', 1],
        ['k4', 1],
        ['k5', 2],
        ['k6', 2],
        ['kb', 1],
      ] as const) {
        expect((await store.getDevice(deviceId))?.contiguousSeq).toBe(seq);
        expect((await store.deviceEvents(deviceId)).map((e) => e.seq)).toEqual(
          Array.from({ length: seq }, (_, i) => i + 1),
        );
      }
      expect((await store.touchpointCounts('venue-a'))[0]?.total).toBe(9);
      expect((await store.touchpointCounts('venue-b'))[0]?.total).toBe(1);
    });

    it('refuses only the batches of a burst whose ids are held, and stores the rest once', async () => {
      for (const id of ['k3', 'k4', 'k5', 'k6'])
        await store.addDevice({ id, venueId: 'venue-a', name: id, tokenHash: 'x' });
      const first = press(1);
      await store.ingest('k1', [first], context);
      const shared = press(1, { deviceId: 'k2' });
      const outcomes = await Promise.all([
        store.ingest('k3', [press(1, { deviceId: 'k3' })], context),
        store.ingest('k4', [press(1, { deviceId: 'k4' })], context),
        store.ingest('k5', [press(1, { deviceId: 'k5' }), { ...first, deviceId: 'k5', seq: 2 }], context),
        store.ingest('k6', [press(1, { deviceId: 'k6' })], context),
        store.ingest('k2', [shared], context),
        store.ingest('kb', [{ ...shared, deviceId: 'kb' }], context),
        store.ingest('k1', [press(2)], context),
      ]);
      expect(outcomes[2]).toEqual({ kind: 'id-conflict', contiguousSeq: 0, eventIndex: 1, id: first.id });
      expect([outcomes[4]!.kind, outcomes[5]!.kind].sort()).toEqual(['id-conflict', 'stored']);
      expect(outcomes.filter((_, i) => i !== 2 && i !== 4 && i !== 5).map((o) => o.kind)).toEqual(
        Array(4).fill('stored'),
      );
      expect(await store.deviceEvents('k5')).toEqual([]);
      expect((await store.getDevice('k5'))?.contiguousSeq).toBe(0);
      expect((await store.deviceEvents('k1')).map((e) => e.seq)).toEqual([1, 2]);
      const held = (await Promise.all(['k2', 'kb'].map((id) => store.deviceEvents(id)))).flat();
      expect(held.map((e) => e.id)).toEqual([shared.id]);
      // k1 twice, k3, k4, k6 and the shared press once
      expect((await store.touchpointCounts('venue-a'))[0]?.total).toBe(6);
    });
  });

  describe('queue events', () => {
    beforeEach(() => store.upsertVenue(venue('venue-a')));

    it('appends after the expected version and returns the new one, in order', async () => {
      expect(await store.queueEvents('venue-a')).toEqual([]);
      expect(await store.appendQueueEvents('venue-a', 0, [opened('c1', 1), opened('c2', 2)])).toBe(2);
      expect(await store.appendQueueEvents('venue-a', 2, [{ type: 'counter.closed', at: 3, counterId: 'c1' }])).toBe(3);
      expect(await store.appendQueueEvents('venue-a', 3, [])).toBe(3);
      expect(await store.queueEvents('venue-a')).toEqual([
        opened('c1', 1),
        opened('c2', 2),
        { type: 'counter.closed', at: 3, counterId: 'c1' },
      ]);
      // Venues have separate logs.
      expect(await store.appendQueueEvents('venue-b', 0, [opened('c9', 9)])).toBe(1);
      expect(await store.queueEvents('venue-b')).toEqual([opened('c9', 9)]);
    });

    it('finds the venue of a ticket by its id alone, whichever venue issued it', async () => {
      const inA = newEventId();
      const inB = newEventId();
      await store.appendQueueEvents('venue-a', 0, [
        opened('c1', 1),
        ticketIssued(inA, 2),
        { type: 'ticket.called', at: 3, ticketId: inA, counterId: 'c1', outOfOrder: false },
      ]);
      await store.appendQueueEvents('venue-b', 0, [ticketIssued(inB, 4)]);
      expect(await store.ticketVenue(inA)).toBe('venue-a');
      expect(await store.ticketVenue(inB)).toBe('venue-b');
      expect(await store.ticketVenue(newEventId())).toBeUndefined();
      // the log reads back as it was written, the lookup column aside
      expect((await store.queueEvents('venue-a'))[1]).toEqual(ticketIssued(inA, 2));
    });

    it('throws QueueVersionConflict for a stale or a future version and appends nothing', async () => {
      await store.appendQueueEvents('venue-a', 0, [opened('c1', 1)]);
      const stale = store.appendQueueEvents('venue-a', 0, [opened('c2', 2)]);
      await expect(stale).rejects.toBeInstanceOf(QueueVersionConflict);
      await expect(store.appendQueueEvents('venue-a', 0, [opened('c2', 2)])).rejects.toMatchObject({
        venueId: 'venue-a',
        expectedVersion: 0,
      });
      await expect(store.appendQueueEvents('venue-a', 5, [opened('c2', 2)])).rejects.toBeInstanceOf(
        QueueVersionConflict,
      );
      await expect(store.appendQueueEvents('venue-a', 0, [])).rejects.toBeInstanceOf(QueueVersionConflict);
      expect(await store.queueEvents('venue-a')).toEqual([opened('c1', 1)]);
    });

    it('lets exactly one of two hubs appending at the same version win, round after round', async () => {
      const other = await openAgain();
      let version = 0;
      const winners: QueueEvent[] = [];
      for (let round = 0; round < 20; round += 1) {
        const mine = opened(`mine-${round}`, round);
        const theirs = opened(`theirs-${round}`, round);
        const results = await Promise.allSettled([
          store.appendQueueEvents('venue-a', version, [mine, mine]),
          other.appendQueueEvents('venue-a', version, [theirs, theirs]),
        ]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r) => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost[0]?.reason).toBeInstanceOf(QueueVersionConflict);
        expect(won[0]!.value).toBe(version + 2);
        const winner = results[0]!.status === 'fulfilled' ? mine : theirs;
        winners.push(winner, winner);
        version += 2;
      }
      expect(await store.queueEvents('venue-a')).toEqual(winners);
      expect(await other.queueEvents('venue-a')).toEqual(winners);
    });
  });

  describe('feedback reads', () => {
    beforeEach(async () => {
      await store.upsertVenue(venue('venue-a'));
      await store.upsertVenue(venue('venue-b'));
      await store.addDevice({ id: 'k1', venueId: 'venue-a', name: 'k1', tokenHash: 'x' });
      await store.addDevice({ id: 'kb', venueId: 'venue-b', name: 'kb', tokenHash: 'x' });
      const at = (ms: number) => ms - context.clockOffsetMs; // corrected time = occurredAt + 500
      await store.ingest(
        'k1',
        [
          press(1, { occurredAt: at(T0), level: 4 }),
          press(2, { occurredAt: at(T0 + 1_000), touchpointId: 'counter-1', level: 1 }),
          press(3, { occurredAt: at(T0 + 2_000), level: 2, misuse: true }),
          // Free text that jsonb would refuse ("\u0000") must not disturb reads of presses.
          deviceStatus(4, 'jam \u0000 at the cutter'),
          press(5, { occurredAt: at(T0 + 3_000), level: 4, source: 'screen' }),
          press(6, { occurredAt: at(T0 + 59_999), level: 4 }),
          press(7, { occurredAt: at(T0 + 60_000), level: 1 }),
          press(8, { occurredAt: at(T0 + 61_000), touchpointId: 'counter-1', level: 2 }),
          press(9, { occurredAt: at(T0 + 120_000), level: 3 }), // at `to`: outside
          press(10, { occurredAt: at(T0 - 1), level: 3 }), // before `from`: outside
        ],
        context,
      );
      await store.ingest('kb', [press(1, { deviceId: 'kb', venueId: 'venue-b', occurredAt: at(T0 + 5) })], context);
    });
    const range = { from: T0, to: T0 + 120_000 };

    it('lists presses at the asked touchpoints in [from, to), oldest first, with corrected times', async () => {
      const presses = await store.feedbackPresses('venue-a', [{ touchpointIds: ['counter-1'], ...range }]);
      expect(presses).toEqual([
        { at: T0 + 1_000, deviceId: 'k1', touchpointId: 'counter-1', level: 1, misuse: false },
        { at: T0 + 61_000, deviceId: 'k1', touchpointId: 'counter-1', level: 2, misuse: false },
      ]);
      const both = await store.feedbackPresses('venue-a', [
        { touchpointIds: ['entrance', 'counter-1', 'nowhere'], ...range },
      ]);
      expect(both.map((p) => [p.at - T0, p.touchpointId, p.level, p.misuse])).toEqual([
        [0, 'entrance', 4, false],
        [1_000, 'counter-1', 1, false],
        [2_000, 'entrance', 2, true],
        [3_000, 'entrance', 4, false],
        [59_999, 'entrance', 4, false],
        [60_000, 'entrance', 1, false],
        [61_000, 'counter-1', 2, false],
      ]);
      expect(both.every((p) => p.deviceId === 'k1')).toBe(true);
      expect(await store.feedbackPresses('venue-a', [{ touchpointIds: [], ...range }])).toEqual([]);
      expect(await store.feedbackPresses('venue-b', [{ touchpointIds: ['counter-1'], ...range }])).toEqual([]);
      expect(
        await store.feedbackPresses('venue-a', [{ touchpointIds: ['entrance'], from: T0 + 200_000, to: T0 + 300_000 }]),
      ).toEqual([]);
    });

    it('lists the presses in each window, on one kiosk where it names one, oldest first', async () => {
      await store.addDevice({ id: 'k2', venueId: 'venue-a', name: 'k2', tokenHash: 'x' });
      const at = (ms: number) => ms - context.clockOffsetMs;
      await store.ingest(
        'k2',
        [
          press(1, { deviceId: 'k2', occurredAt: at(T0 + 500), level: 3 }),
          press(2, { deviceId: 'k2', occurredAt: at(T0 + 61_500) }),
        ],
        context,
      );
      const windows = [
        { touchpointIds: ['entrance'], from: T0, to: T0 + 2_500, deviceId: 'k2' },
        { touchpointIds: ['entrance', 'counter-1'], from: T0 + 59_999, to: T0 + 61_001 },
      ];
      const presses = await store.feedbackPresses('venue-a', windows);
      expect(presses.map((p) => [p.at - T0, p.deviceId, p.touchpointId])).toEqual([
        [500, 'k2', 'entrance'],
        [59_999, 'k1', 'entrance'],
        [60_000, 'k1', 'entrance'],
        [61_000, 'k1', 'counter-1'],
      ]);
      expect(await store.feedbackPresses('venue-a', [])).toEqual([]);
      expect(await store.feedbackPresses('venue-a', [{ touchpointIds: ['entrance'], from: T0, to: T0 }])).toEqual([]);
    });

    it('counts whole hours and minutes from their rollups, the rest from presses, as each press counts', async () => {
      const HOUR = 3_600_000;
      await store.addDevice({ id: 'k3', venueId: 'venue-a', name: 'k3', tokenHash: 'x' });
      const start = 10 * HOUR;
      // Presses over five hours at uneven times, some misused: a report's range rarely starts on the hour.
      const events = Array.from({ length: 60 }, (_, i) =>
        press(i + 1, {
          deviceId: 'k3',
          occurredAt: start + ((i * 7_919_000) % (5 * HOUR)) - context.clockOffsetMs,
          touchpointId: i % 3 === 0 ? 'counter-1' : 'entrance',
          level: ((i % 4) + 1) as 1 | 2 | 3 | 4,
          misuse: i % 11 === 0,
        }),
      );
      await store.ingest('k3', events, { ...context, receivedAt: start + 6 * HOUR });
      const ragged = { from: start + 1_234_567, to: start + 4 * HOUR + 98_765 };
      const one = await store.feedbackPresses('venue-a', [{ touchpointIds: ['entrance', 'counter-1'], ...ragged }]);
      for (const bucketMs of [HOUR, 2 * HOUR, 60_000]) {
        const byPress = new Map<string, number>();
        for (const p of one) {
          const key = `${p.touchpointId}|${p.level}|${p.misuse}|${p.at - (p.at % bucketMs)}`;
          byPress.set(key, (byPress.get(key) ?? 0) + 1);
        }
        const summary = normalized(await store.feedbackSummary('venue-a', ragged, { bucketMs }));
        expect(new Map(summary.map((g) => [`${g.touchpointId}|${g.level}|${g.misuse}|${g.bucket}`, g.count]))).toEqual(
          byPress,
        );
      }
      expect(one.length).toBeGreaterThan(30);
    });

    it('lists reasons in [from, to) with the press each names, if this venue holds it', async () => {
      const pressAt = async (deviceId: string, seq: number) =>
        (await store.deviceEvents(deviceId)).find((e) => e.seq === seq)!.id;
      const counterPress = await pressAt('k1', 2);
      const otherVenuePress = await pressAt('kb', 1);
      const reason = (seq: number, pressId: string, occurredAt: number): AnyEventEnvelope => ({
        id: newEventId(),
        type: 'feedback.reason',
        v: 1,
        venueId: 'venue-a',
        deviceId: 'k1',
        seq,
        occurredAt: occurredAt - context.clockOffsetMs,
        payload: { touchpointId: 'counter-1', pressId, reasonId: 'slow' },
      });
      await store.ingest(
        'k1',
        [
          reason(11, counterPress, T0 + 1_500),
          reason(12, newEventId(), T0 + 2_500),
          reason(13, otherVenuePress, T0 + 3_500),
          reason(14, counterPress, T0 + 120_000), // at `to`: outside
        ],
        context,
      );
      const reasons = await store.feedbackReasons('venue-a', range);
      expect(reasons.map((r) => [r.at - T0, r.pressId === counterPress, r.reasonId, r.press])).toEqual([
        [1_500, true, 'slow', { touchpointId: 'counter-1', deviceId: 'k1', at: T0 + 1_000 }],
        [2_500, false, 'slow', null],
        [3_500, false, 'slow', null],
      ]);
      expect(reasons.every((r) => r.touchpointId === 'counter-1' && r.deviceId === 'k1')).toBe(true);
      expect(await store.feedbackReasons('venue-b', range)).toEqual([]);
    });

    it('counts presses per touchpoint, level, misuse flag and bucket', async () => {
      const groups = await store.feedbackSummary('venue-a', range, { bucketMs: 60_000 });
      expect(normalized(groups)).toEqual([
        { touchpointId: 'counter-1', level: 1, misuse: false, bucket: T0, count: 1 },
        { touchpointId: 'counter-1', level: 2, misuse: false, bucket: T0 + 60_000, count: 1 },
        { touchpointId: 'entrance', level: 1, misuse: false, bucket: T0 + 60_000, count: 1 },
        { touchpointId: 'entrance', level: 2, misuse: true, bucket: T0, count: 1 },
        { touchpointId: 'entrance', level: 4, misuse: false, bucket: T0, count: 3 },
      ]);
      const everything = await store.feedbackSummary('venue-a', range, { bucketMs: 3_600_000 });
      const hour = T0 - (T0 % 3_600_000);
      expect(normalized(everything)).toEqual([
        { touchpointId: 'counter-1', level: 1, misuse: false, bucket: hour, count: 1 },
        { touchpointId: 'counter-1', level: 2, misuse: false, bucket: hour, count: 1 },
        { touchpointId: 'entrance', level: 1, misuse: false, bucket: hour, count: 1 },
        { touchpointId: 'entrance', level: 2, misuse: true, bucket: hour, count: 1 },
        { touchpointId: 'entrance', level: 4, misuse: false, bucket: hour, count: 3 },
      ]);
      for (const group of everything) expect(typeof group.count).toBe('number');
      expect(normalized(await store.feedbackSummary('venue-b', range, { bucketMs: 60_000 }))).toEqual([
        { touchpointId: 'entrance', level: 4, misuse: false, bucket: T0, count: 1 },
      ]);
      expect(await store.feedbackSummary('venue-c', range, { bucketMs: 60_000 })).toEqual([]);
    });
  });

  describe('visit ratings', () => {
    const rating = (ticketId: string, at: number, level: 1 | 2 | 3 | 4 = 3) => ({
      ticketId,
      touchpointId: 'phone',
      level,
      vsExpectation: -2,
      at,
      segmentId: 'gold',
      serviceId: 'deposits',
      counterId: 'c1',
      postedWaitMin: 10,
      actualWaitMin: 12.5,
    });

    it('keeps one rating per ticket, lists a venue’s in [from, to) oldest first, and counts them', async () => {
      await store.upsertVenue(venue('venue-a'));
      expect(await store.recordVisitRating('venue-a', rating('t2', 2_000, 4))).toBe(true);
      expect(await store.recordVisitRating('venue-a', rating('t1', 1_000, 1))).toBe(true);
      // A second answer for the same ticket stores nothing and counts nothing.
      expect(await store.recordVisitRating('venue-a', rating('t1', 1_500, 4))).toBe(false);
      expect(await store.recordVisitRating('venue-b', rating('tb', 1_000))).toBe(true);
      expect(await store.visitRatings('venue-a', { from: 0, to: 10_000 })).toEqual([
        rating('t1', 1_000, 1),
        rating('t2', 2_000, 4),
      ]);
      expect(await store.visitRatings('venue-a', { from: 1_001, to: 2_000 })).toEqual([]);
      const [phone] = await store.touchpointCounts('venue-a', ['phone']);
      expect(phone).toMatchObject({ touchpointId: 'phone', total: 2, counts: { 1: 1, 2: 0, 3: 0, 4: 1 } });
    });
  });

  describe('tasks', () => {
    it("inserts or replaces a task and lists a venue's tasks newest first", async () => {
      await store.saveTask('venue-a', task('t1', 1_000));
      await store.saveTask('venue-a', task('t2', 3_000));
      await store.saveTask('venue-a', task('t3', 2_000));
      await store.saveTask('venue-b', task('tb', 5_000));
      const acknowledged = task('t1', 1_000, 'acknowledged');
      await store.saveTask('venue-a', acknowledged);
      expect(await store.tasks('venue-a')).toEqual([task('t2', 3_000), task('t3', 2_000), acknowledged]);
      expect(await store.tasks('venue-b')).toEqual([task('tb', 5_000)]);
      expect(await store.tasks('nowhere')).toEqual([]);
    });

    it('opens one task per venue and cause while it is not verified, whichever hub asks, at once', async () => {
      const other = await openAgain();
      const same = (id: string) => ({ ...task(id, 1_000), causeKey: 'unhappy-share:restroom' });
      const hook = (id: string) => [{ id: `${id}:open:0`, url: 'http://a/x', payload: `{"task":"${id}"}` }];
      // Two hubs open the same cause at the same moment: one task, one webhook delivery.
      const [a, b] = await Promise.all([
        store.openTask('venue-a', same('ta'), hook('ta'), 1_000),
        other.openTask('venue-a', same('tb'), hook('tb'), 1_000),
      ]);
      expect([a!.created, b!.created].sort()).toEqual([false, true]);
      const winner = a!.created ? a!.task : b!.task;
      expect(a!.task).toEqual(winner);
      expect(b!.task).toEqual(winner);
      expect(await store.tasks('venue-a')).toEqual([winner]);
      expect((await store.webhookDeliveries('venue-a')).map((d) => d.id)).toEqual([`${winner.id}:open:0`]);
      // Another venue, or another cause, is another task.
      expect((await store.openTask('venue-b', same('tc'))).created).toBe(true);
      // Moving on (acknowledged, resolved) keeps it open for its cause; once verified, a new one may open.
      await store.saveTask('venue-a', { ...winner, state: 'resolved' });
      expect(await store.openTask('venue-a', same('td'))).toEqual({
        task: { ...winner, state: 'resolved' },
        created: false,
      });
      await store.saveTask('venue-a', { ...winner, state: 'verified' });
      expect((await other.openTask('venue-a', same('te'))).created).toBe(true);
      expect((await store.tasks('venue-a')).map((t) => [t.id, t.state]).sort()).toEqual([
        [winner.id, 'verified'],
        ['te', 'open'],
      ]);
    });
  });

  describe('webhook outbox', () => {
    const hook = (url: string) => ({ id: 't1:open:0', url, payload: '{"task":"t1"}' });

    it('queues deliveries with their task, once per id and URL, and claims each for one hub at a time', async () => {
      await store.saveTask('venue-a', task('t1', 1_000), [hook('http://a/x'), hook('http://b/y')], 1_000);
      // The same task saved again (another hub, a retry) does not queue its deliveries twice.
      await store.saveTask('venue-a', task('t1', 1_000), [hook('http://a/x')], 1_500);
      const other = await openAgain();
      const [first, second] = await Promise.all([
        store.claimWebhookDeliveries(2_000, { limit: 10, leaseMs: 60_000 }),
        other.claimWebhookDeliveries(2_000, { limit: 10, leaseMs: 60_000 }),
      ]);
      const claimed = [...first!, ...second!].map((d) => d.url).sort();
      expect(claimed).toEqual(['http://a/x', 'http://b/y']);
      expect(first![0] ?? second![0]).toMatchObject({ venueId: 'venue-a', state: 'pending', attempts: 0 });
      // Held: nobody claims them again until the lease runs out.
      expect(await store.claimWebhookDeliveries(3_000, { limit: 10, leaseMs: 60_000 })).toEqual([]);
      expect(await store.claimWebhookDeliveries(62_001, { limit: 1, leaseMs: 60_000 })).toHaveLength(1);
    });

    it('records each attempt: retried later, delivered, or given up and listed as dead', async () => {
      await store.saveTask('venue-a', task('t1', 1_000), [hook('http://a/x'), hook('http://b/y')], 1_000);
      const [a, b] = await store.claimWebhookDeliveries(1_000, { limit: 10, leaseMs: 60_000 });
      await store.settleWebhookDelivery(a!, { state: 'pending', at: 1_100, nextAttemptAt: 9_000, status: 503 });
      await store.settleWebhookDelivery(b!, { state: 'dead', at: 1_200, error: 'ECONNREFUSED' });
      expect(await store.claimWebhookDeliveries(8_999, { limit: 10, leaseMs: 60_000 })).toEqual([]);
      const [again] = await store.claimWebhookDeliveries(9_000, { limit: 10, leaseMs: 60_000 });
      expect(again).toMatchObject({ url: a!.url, attempts: 1, lastStatus: 503 });
      await store.settleWebhookDelivery(again!, { state: 'delivered', at: 9_100, status: 204 });
      expect(await store.webhookDeliveries('venue-a', 'dead')).toEqual([
        expect.objectContaining({ url: b!.url, attempts: 1, lastError: 'ECONNREFUSED', settledAt: 1_200 }),
      ]);
      expect((await store.webhookDeliveries('venue-a')).map((d) => [d.state, d.attempts]).sort()).toEqual([
        ['dead', 1],
        ['delivered', 2],
      ]);
      expect(await store.claimWebhookDeliveries(99_000, { limit: 10, leaseMs: 60_000 })).toEqual([]);
    });
  });

  describe('weekly reports', () => {
    it('claims a venue week once across hubs, queuing its webhook deliveries only with the claim', async () => {
      const week = { from: '2026-11-30', to: '2026-12-06' };
      const delivery = { id: 'report.weekly:venue-a:2026-12-06', url: 'http://a/x', payload: '{}' };
      const other = await openAgain();
      const claims = await Promise.all([
        store.claimWeeklyReport('venue-a', week, [delivery], 5_000),
        other.claimWeeklyReport('venue-a', week, [delivery], 5_001),
      ]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await store.claimWeeklyReport('venue-a', week, [delivery], 9_000)).toBe(false);
      // Another venue's same week, and the venue's next week, are claims of their own.
      expect(await store.claimWeeklyReport('venue-b', week, [], 9_000)).toBe(true);
      expect(await store.claimWeeklyReport('venue-a', { from: '2026-12-07', to: '2026-12-13' }, [], 9_500)).toBe(true);
      expect((await store.webhookDeliveries('venue-a')).map((d) => d.id)).toEqual([delivery.id]);
      const sent = await store.weeklyReports('venue-a');
      expect(sent.map((r) => [r.from, r.to])).toEqual([
        ['2026-12-07', '2026-12-13'],
        ['2026-11-30', '2026-12-06'],
      ]);
      expect([5_000, 5_001]).toContain(sent[1]!.sentAt);
    });
  });
});

describe('PostgreSQL store: opening and migrations', () => {
  test('migrates a fresh schema once when several hubs open it at the same moment', async ({ cleanups }) => {
    const schema = freshPostgresSchema('store_open');
    cleanups.push(() => dropPostgresSchema(schema));
    const stores = await Promise.all(
      Array.from({ length: 4 }, () => PostgresHubStore.open(TEST_POSTGRES_URL, { schema })),
    );
    cleanups.push(async () => {
      for (const each of stores) await each.close();
    });
    const versions = await withPostgres(async (client) =>
      (
        await client.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`)
      ).rows.map((r) => r.version),
    );
    expect(versions).toEqual(HUB_MIGRATIONS.map((m) => m.version));
    // All of them work on the same tables.
    await stores[0]!.upsertVenue(venue('venue-a'));
    expect((await stores[3]!.getVenue('venue-a'))?.id).toBe('venue-a');
  });

  test('keeps data across reopening and leaves other schemas alone', async ({ cleanups }) => {
    const schema = freshPostgresSchema('store_reopen');
    cleanups.push(() => dropPostgresSchema(schema));
    const first = await PostgresHubStore.open(TEST_POSTGRES_URL, { schema });
    await first.createUser({ id: 'u1', username: 'ana', passwordHash: 'h', role: 'admin', venueIds: [] });
    await first.close();
    const again = await PostgresHubStore.open(TEST_POSTGRES_URL, { schema });
    cleanups.push(() => again.close());
    expect(await again.countUsers()).toBe(1);
    const elsewhere = await PostgresHubStore.open(TEST_POSTGRES_URL, { schema: pgSchema });
    cleanups.push(() => elsewhere.close());
    expect(await elsewhere.getUserByUsername('ana')).toBeUndefined();
  });

  it('refuses a schema name it would have to quote, and a URL that sets its own options', async () => {
    await expect(PostgresHubStore.open(TEST_POSTGRES_URL, { schema: 'x; DROP TABLE users' })).rejects.toThrow(
      /not a usable schema name/,
    );
    await expect(
      PostgresHubStore.open(`${TEST_POSTGRES_URL}?options=-c%20search_path%3Dpublic`, { schema: pgSchema }),
    ).rejects.toThrow(/\?schema=NAME/);
  });

  test('is chosen by openHubStore for postgres:// URLs, ?schema= picking the schema; a path gives SQLite', async ({
    cleanups,
    dir,
  }) => {
    const schema = freshPostgresSchema('store_url');
    cleanups.push(() => dropPostgresSchema(schema));
    const store = await openHubStore(`${TEST_POSTGRES_URL.replace(/^postgres:/, 'postgresql:')}?schema=${schema}`);
    cleanups.push(() => store.close());
    expect(store).toBeInstanceOf(PostgresHubStore);
    await store.upsertVenue(venue('venue-url'));
    const rows = await withPostgres(
      async (client) => (await client.query<{ id: string }>(`SELECT id FROM ${schema}.venues`)).rows,
    );
    expect(rows).toEqual([{ id: 'venue-url' }]);

    const sqlite = await openHubStore(join(dir, 'hub.db'));
    cleanups.push(() => sqlite.close());
    expect(sqlite).toBeInstanceOf(SqliteHubStore);
  });

  it('prints a PostgreSQL location without its password', () => {
    expect(describeStoreLocation('postgres://hub:s3cret@db.example:5432/waitwell?schema=a')).toBe(
      'postgres://hub:***@db.example:5432/waitwell?schema=a',
    );
    expect(describeStoreLocation('data/hub.db')).toBe('data/hub.db');
  });
});

describe('a whole hub on PostgreSQL', () => {
  test("takes a kiosk's presses end to end: synced, acked, stored and counted", async ({ cleanups, dir }) => {
    const schema = freshPostgresSchema('hub_pg');
    cleanups.push(() => dropPostgresSchema(schema));
    const hub = await startTestHub({ store: await PostgresHubStore.open(TEST_POSTGRES_URL, { schema }) });
    cleanups.push(() => hub.close());
    const token = await hub.addKiosk('k1');
    const kiosk = syncingKioskStore(hub, { file: join(dir, 'k1.db'), deviceId: 'k1', token }, cleanups);

    const ids = [1, 2, 3, 4, 4].map(
      (level) =>
        kiosk.append('feedback.pressed', { touchpointId: 'entrance', level: level as 1 | 2 | 3 | 4, source: 'serial' })
          .id,
    );
    await waitFor(() => kiosk.hubContiguousSeq === 5, { what: 'the hub to ack all five presses' });

    expect((await hub.store.deviceEvents('k1')).map((e) => e.id)).toEqual(ids);
    expect(await hub.store.touchpointCounts('venue-a')).toEqual([
      { touchpointId: 'entrance', counts: { 1: 1, 2: 1, 3: 1, 4: 2 }, total: 5 },
    ]);
    // It really is the database: another store over the schema sees the same rows.
    const reader = await PostgresHubStore.open(TEST_POSTGRES_URL, { schema });
    cleanups.push(() => reader.close());
    expect((await reader.getDevice('k1'))?.contiguousSeq).toBe(5);
    expect((await reader.getVenue('venue-a'))?.version).toBe(1);
  });
});
