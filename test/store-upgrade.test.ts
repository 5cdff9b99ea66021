import { HUB_MIGRATIONS } from '../server/store/migrations.ts';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { Task } from '../core/alerts/tasks.ts';
import { newEventId } from '../core/ids.ts';
import type { QueueEvent } from '../core/queue/types.ts';
import { venueSchema } from '../core/venue.ts';
import type { HubStore } from '../server/store/hub-store.ts';
import { PostgresHubStore } from '../server/store/postgres-store.ts';
import { SqliteHubStore } from '../server/store/sqlite-store.ts';
import { ticketIdOf } from '../server/store/store-rows.ts';
import {
  dropPostgresSchema,
  freshPostgresSchema,
  TEST_POSTGRES_URL,
  tempDir,
  withPostgres,
} from './support/fixtures.ts';
import { V7_POSTGRES_MIGRATIONS, V7_SQLITE_MIGRATIONS } from './support/hub-schema-v7.ts';
import { ticketIssued } from './support/queue-events.ts';
import { type Cleanup, test } from './support/test-fixtures.ts';

/**
 * Databases the previous release (6b2a122) created, built from its frozen migrations
 * (support/hub-schema-v7.ts) and filled with rows as it wrote them, opened by today's stores.
 */
type Row = Record<string, string | number | null>;

interface Dialect {
  name: string;
  /** A database as the previous release left it after migration `upTo`, holding `rows`. */
  createOld(upTo: number, rows: readonly { table: string; row: Row }[]): Promise<void>;
  /** Today's store over that database. */
  open(): Promise<HubStore>;
  /** Rows of a query against that database, outside any store. */
  read(query: string): Promise<Row[]>;
  /** The tables, columns, keys and indexes of that database, or of a fresh one today's store creates. */
  schema(of: 'old' | 'fresh'): Promise<unknown>;
}

function sqlite(cleanups: Cleanup[]): Dialect {
  const dir = tempDir();
  cleanups.push(() => dir.remove());
  const file = join(dir.path, 'hub.db');
  const readFile = (path: string, query: string) => {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      return db.prepare<[], Row>(query).all();
    } finally {
      db.close();
    }
  };
  return {
    name: 'SQLite',
    async createOld(upTo, rows) {
      // As the previous release's SqliteHubStore opened and migrated a file.
      const db = new Database(file);
      db.pragma('journal_mode = WAL');
      for (const migration of V7_SQLITE_MIGRATIONS.filter((m) => m.version <= upTo)) {
        db.transaction(() => {
          db.exec(migration.sql);
          db.pragma(`user_version = ${migration.version}`);
        })();
      }
      for (const { table, row } of rows) {
        const columns = Object.keys(row);
        db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(
          ...Object.values(row),
        );
      }
      db.close();
    },
    async open() {
      const store = new SqliteHubStore(file);
      cleanups.push(() => store.close());
      return store;
    },
    async read(query) {
      return readFile(file, query);
    },
    async schema(of) {
      let path = file;
      if (of === 'fresh') {
        path = join(dir.path, 'fresh.db');
        await new SqliteHubStore(path).close();
      }
      return readFile(path, 'SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name');
    },
  };
}

function postgres(cleanups: Cleanup[]): Dialect {
  const schema = freshPostgresSchema('store_upgrade');
  const fresh = `${schema}_fresh`;
  cleanups.push(() => dropPostgresSchema(schema));
  cleanups.push(() => dropPostgresSchema(fresh));
  return {
    name: 'PostgreSQL',
    async createOld(upTo, rows) {
      // As the previous release's migratePostgres did, minus its lock.
      await withPostgres(async (client) => {
        await client.query('BEGIN');
        await client.query(`CREATE SCHEMA ${schema}`);
        await client.query(`SET LOCAL search_path TO ${schema}`);
        await client.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)');
        for (const migration of V7_POSTGRES_MIGRATIONS.filter((m) => m.version <= upTo)) {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
            migration.version,
            1,
          ]);
        }
        for (const { table, row } of rows) {
          const columns = Object.keys(row);
          await client.query(
            `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
            Object.values(row),
          );
        }
        await client.query('COMMIT');
      });
    },
    async open() {
      const store = await PostgresHubStore.open(TEST_POSTGRES_URL, { schema });
      cleanups.push(() => store.close());
      return store;
    },
    async read(query) {
      return withPostgres(async (client) => {
        await client.query(`SET search_path TO ${schema}`);
        return (await client.query<Row>(query)).rows;
      });
    },
    async schema(of) {
      const name = of === 'old' ? schema : fresh;
      if (of === 'fresh') await (await PostgresHubStore.open(TEST_POSTGRES_URL, { schema: fresh })).close();
      const description = await withPostgres(async (client) => {
        const rows = async (query: string) => (await client.query(query, [name])).rows;
        return {
          columns: await rows(
            `SELECT table_name, column_name, ordinal_position, data_type, is_nullable, column_default
             FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
          ),
          constraints: await rows(
            `SELECT conrelid::regclass::text AS table_name, conname, pg_get_constraintdef(c.oid) AS definition
             FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1
             ORDER BY conname`,
          ),
          indexes: await rows('SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname'),
        };
      });
      // Definitions name their schema; the two schemas differ only in that.
      return JSON.parse(JSON.stringify(description).replaceAll(`${name}.`, ''));
    },
  };
}

const venue = venueSchema.parse({
  id: 'venue-a',
  name: 'Venue A',
  version: 1,
  touchpoints: [{ id: 'entrance', name: { ko: '입구', zh: '入口', en: 'Entrance' } }],
});

const payload = { touchpointId: 'entrance', level: 4, source: 'serial', misuse: false } as const;

const task: Task = {
  id: 't1',
  causeKey: 'unhappy-share:entrance',
  rule: 'unhappy-share',
  subject: 'entrance',
  summary: 'too many unhappy presses',
  owner: 'operations',
  state: 'open',
  openedAt: 5_000,
  acknowledgedAt: null,
  resolvedAt: null,
  verifiedAt: null,
  ackDeadline: 65_000,
  resolveDeadline: 125_000,
  escalation: 0,
};

describe.each([
  ['SQLite', sqlite],
  ['PostgreSQL', postgres],
] as const)('a %s database of the previous release', (_, dialectOf) => {
  test('opens at version 7 and carries on with every row it held', async ({ cleanups }) => {
    const dialect = dialectOf(cleanups);
    const [e1, e2] = [newEventId(), newEventId()];
    const ticketId = newEventId();
    const opened: QueueEvent = {
      type: 'counter.opened',
      at: 1,
      counterId: 'c1',
      services: ['deposits'],
      closesAt: null,
    };
    const press = (id: string, seq: number) => ({
      id,
      venue_id: 'venue-a',
      device_id: 'k1',
      seq,
      type: 'feedback.pressed',
      v: 1,
      occurred_at: 1_000 + seq,
      corrected_at: 1_500 + seq,
      received_at: 9_000_000,
      payload: JSON.stringify(payload),
    });
    await dialect.createOld(7, [
      {
        table: 'venues',
        row: { id: 'venue-a', name: 'Venue A', config: JSON.stringify(venue), board_token_hash: 'b' },
      },
      {
        table: 'venue_versions',
        row: { venue_id: 'venue-a', version: 1, saved_at: 4_000, config: JSON.stringify(venue) },
      },
      {
        table: 'devices',
        row: {
          id: 'k1',
          venue_id: 'venue-a',
          name: 'Kiosk 1',
          token_hash: 't1',
          contiguous_seq: 2,
          clock_offset_ms: 500,
          last_seen_at: 9_000_000,
        },
      },
      { table: 'events', row: press(e1, 1) },
      { table: 'events', row: press(e2, 2) },
      { table: 'touchpoint_counts', row: { venue_id: 'venue-a', touchpoint_id: 'entrance', level: 4, count: 2 } },
      {
        table: 'users',
        row: {
          id: 'u1',
          username: 'ana',
          password_hash: 'h',
          role: 'manager',
          venue_ids: '["venue-a"]',
          departments: '["Front desk"]',
        },
      },
      { table: 'sessions', row: { token_hash: 's1', user_id: 'u1', expires_at: 1_800_000_000_000 } },
      {
        table: 'queue_events',
        row: {
          venue_id: 'venue-a',
          version: 1,
          type: opened.type,
          at: 1,
          body: JSON.stringify(opened),
          ticket_id: null,
        },
      },
      {
        table: 'queue_events',
        row: {
          venue_id: 'venue-a',
          version: 2,
          type: 'ticket.issued',
          at: 2,
          body: JSON.stringify(ticketIssued(ticketId, 2)),
          ticket_id: ticketId,
        },
      },
      {
        table: 'tasks',
        row: {
          id: 't1',
          venue_id: 'venue-a',
          cause_key: task.causeKey,
          state: 'open',
          opened_at: 5_000,
          body: JSON.stringify(task),
        },
      },
      {
        table: 'component_status',
        row: {
          venue_id: 'venue-a',
          device_id: 'k1',
          component: 'printer',
          state: 'degraded',
          code: 'paper-low',
          detail: null,
          at: 3_000,
          seq: 2,
        },
      },
    ]);

    const store = await dialect.open();
    expect(await store.getVenue('venue-a')).toEqual(venue);
    expect(await store.venueVersions('venue-a')).toEqual([{ version: 1, savedAt: 4_000, venue }]);
    expect(await store.getBoardTokenHash('venue-a')).toBe('b');
    expect(await store.getDevice('k1')).toEqual({
      id: 'k1',
      venueId: 'venue-a',
      name: 'Kiosk 1',
      tokenHash: 't1',
      contiguousSeq: 2,
      clockOffsetMs: 500,
      lastSeenAt: 9_000_000,
    });
    expect((await store.deviceEvents('k1')).map((e) => [e.id, e.seq, e.correctedAt])).toEqual([
      [e1, 1, 1_501],
      [e2, 2, 1_502],
    ]);
    expect(await store.touchpointCounts('venue-a')).toEqual([
      { touchpointId: 'entrance', counts: { 1: 0, 2: 0, 3: 0, 4: 2 }, total: 2 },
    ]);
    expect(await store.getUserByUsername('ana')).toMatchObject({ role: 'manager', departments: ['Front desk'] });
    expect(await store.getSession('s1')).toEqual({ tokenHash: 's1', userId: 'u1', expiresAt: 1_800_000_000_000 });
    expect(await store.queueEvents('venue-a')).toEqual([opened, ticketIssued(ticketId, 2)]);
    expect(await store.ticketVenue(ticketId)).toBe('venue-a');
    expect(await store.tasks('venue-a')).toEqual([task]);
    expect(await store.componentHealth('venue-a')).toEqual([
      { deviceId: 'k1', component: 'printer', state: 'degraded', code: 'paper-low', at: 3_000 },
    ]);

    // The kiosk resends its last event with a new one; the queue goes on from version 2.
    const e3 = newEventId();
    const envelope = (id: string, seq: number) =>
      ({
        id,
        type: 'feedback.pressed',
        v: 1,
        venueId: 'venue-a',
        deviceId: 'k1',
        seq,
        occurredAt: 1_000 + seq,
        payload,
      }) as const;
    expect(
      await store.ingest('k1', [envelope(e2, 2), envelope(e3, 3)], { receivedAt: 9_500_000, clockOffsetMs: 500 }),
    ).toMatchObject({ kind: 'stored', contiguousSeq: 3, duplicates: 1 });
    expect((await store.touchpointCounts('venue-a'))[0]?.total).toBe(3);
    // The presses it held read like new ones: their columns (migration 12), hours (13) and minutes (14) were filled.
    const all = { touchpointIds: [payload.touchpointId], from: 0, to: 10_000 };
    expect((await store.feedbackPresses('venue-a', [all])).map((p) => [p.at, p.level])).toEqual([
      [1_501, payload.level],
      [1_502, payload.level],
      [1_503, payload.level],
    ]);
    for (const bucketMs of [3_600_000, 60_000])
      expect(await store.feedbackSummary('venue-a', { from: 0, to: bucketMs }, { bucketMs })).toEqual([
        { touchpointId: payload.touchpointId, level: payload.level, misuse: false, bucket: 0, count: 3 },
      ]);
    expect(await store.appendQueueEvents('venue-a', 2, [{ type: 'counter.closed', at: 3, counterId: 'c1' }])).toBe(3);
    // Each later migration ran once, none again.
    const versions =
      dialect.name === 'SQLite'
        ? 'SELECT * FROM pragma_user_version'
        : 'SELECT version FROM schema_migrations ORDER BY version';
    expect((await dialect.read(versions)).map((row) => Object.values(row)[0])).toEqual(
      dialect.name === 'SQLite' ? [HUB_MIGRATIONS.at(-1)!.version] : HUB_MIGRATIONS.map((m) => m.version),
    );
  });

  test('once opened, has the tables, columns, keys and indexes a fresh store creates', async ({ cleanups }) => {
    const dialect = dialectOf(cleanups);
    await dialect.createOld(7, []);
    await (await dialect.open()).close();
    expect(await dialect.schema('fresh')).toEqual(await dialect.schema('old'));
  });

  test('fills the ticket lookup from version 6 as appends fill it, whatever the bodies hold (migration 7)', async ({
    cleanups,
  }) => {
    const dialect = dialectOf(cleanups);
    const ticketId = newEventId();
    const bodies = [
      ticketIssued(ticketId, 1),
      { type: 'counter.opened', at: 2, counterId: 'c1', services: ['deposits'] },
      // Not what the queue writes today, but what a text pattern or a JSON cast would read differently.
      { type: 'ticket.issued', at: 3, ticketId: 'A 1/ü' },
      { type: 'ticket.issued', at: 4, ticketId: 42 },
      { type: 'counter.opened', at: 5, nested: { ticketId: 'inner' } },
      { type: 'ticket.served', at: 6, ticketId: 'after-a-nul', note: 'jam \u0000 at the cutter' },
    ];
    await dialect.createOld(
      6,
      [
        {
          table: 'venues',
          row: { id: 'venue-a', name: 'Venue A', config: JSON.stringify(venue), board_token_hash: null },
        },
      ].concat(
        bodies.map((body, i) => ({
          table: 'queue_events',
          row: {
            venue_id: 'venue-a',
            version: i + 1,
            type: body.type,
            at: body.at,
            body: JSON.stringify(body),
          } as never,
        })),
      ),
    );
    const store = await dialect.open();
    const rows = await dialect.read('SELECT body, ticket_id FROM queue_events ORDER BY version');
    expect(rows.map((row) => row.ticket_id)).toEqual(bodies.map((body) => ticketIdOf(body as QueueEvent)));
    expect(rows.map((row) => row.ticket_id)).toEqual([ticketId, null, 'A 1/ü', null, null, 'after-a-nul']);
    expect(await store.ticketVenue(ticketId)).toBe('venue-a');
  });

  test('keeps open tasks an older release doubled, each apart, and opens no third (migration 11)', async ({
    cleanups,
  }) => {
    const dialect = dialectOf(cleanups);
    const row = (id: string, state: string) => ({
      table: 'tasks',
      row: {
        id,
        venue_id: 'venue-a',
        cause_key: 'unhappy-share:entrance',
        state,
        opened_at: 1_000,
        body: JSON.stringify({ ...task, id, state }),
      },
    });
    // Two hubs of the old release each opened a task for one cause; a third was verified long ago.
    await dialect.createOld(7, [row('t-a', 'open'), row('t-b', 'acknowledged'), row('t-old', 'verified')]);
    const store = await dialect.open();
    expect((await store.tasks('venue-a')).map((t) => t.id).sort()).toEqual(['t-a', 't-b', 't-old']);
    const keys = await dialect.read('SELECT id, cause_key FROM tasks ORDER BY id');
    expect(keys).toEqual([
      { id: 't-a', cause_key: 'unhappy-share:entrance' },
      { id: 't-b', cause_key: 'unhappy-share:entrance#t-b' },
      { id: 't-old', cause_key: 'unhappy-share:entrance' },
    ]);
    // The first stays the cause's open task: no hub opens another while it is open.
    expect(await store.openTask('venue-a', { ...task, id: 't-new' })).toEqual({
      task: { ...task, id: 't-a', state: 'open' },
      created: false,
    });
  });
});
