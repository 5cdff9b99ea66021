import pg, { type PoolClient } from 'pg';
import type { AnyEventEnvelope } from '../../core/events.ts';
import type { ComponentHealth, TouchpointCounts } from '../../core/protocol.ts';
import type { Task } from '../../core/alerts/tasks.ts';
import type { QueueEvent } from '../../core/queue/types.ts';
import { venueSchema, type Venue } from '../../core/venue.ts';
import { migratePostgres } from './postgres-migrations.ts';
import type {
  DeviceRecord,
  HubStore,
  IngestContext,
  IngestOutcome,
  NewDevice,
  NewUser,
  PressGroup,
  PressRecord,
  SessionRecord,
  StoredEventRef,
  UserRecord,
} from './hub-store.ts';
import { QueueVersionConflict } from './hub-store.ts';
import {
  componentStatusUpdates,
  feedbackIncrements,
  ticketIdOf,
  toComponentHealth,
  toDevice,
  toTouchpointCounts,
  toUser,
  type ComponentStatusRow,
  type DeviceRow,
  type UserRow,
} from './store-rows.ts';

export interface PostgresStoreOptions {
  /** Schema holding the tables (created if missing); every pooled connection searches it. Default "public". */
  schema?: string;
  /** Largest number of connections the pool opens (node-postgres default: 10). */
  maxConnections?: number;
}

/**
 * BIGINT columns hold ms timestamps and sequence numbers, all far below 2^53: read them as
 * numbers, as SQLite returns them, instead of node-postgres's default strings. Set per pool, not
 * on the global `pg.types`, so other pools in the process keep their own parsing.
 */
const INT8_OID = 20;
const hubTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * The hub store on PostgreSQL, for a chain whose hubs share one database. Same contract as
 * SqliteHubStore; what differs is concurrency: several hub processes (and several pooled
 * connections in one) write at once, so every read-decide-write runs in a transaction that either
 * locks what it decides on (a device's row while its batch is checked) or lets a key refuse the
 * loser (queue_events' (venue_id, version)). A COMMIT with synchronous_commit on (the default)
 * is durable, so an ack sent after it means what it means on SQLite.
 */
export class PostgresHubStore implements HubStore {
  private constructor(private readonly pool: pg.Pool) {}

  /** Connects, creates the schema if needed and runs pending migrations before answering. */
  static async open(connectionString: string, options: PostgresStoreOptions = {}): Promise<PostgresHubStore> {
    const schema = options.schema ?? 'public';
    if (urlSetsOptions(connectionString)) {
      // The URL's options would replace our search_path: queries would miss the migrated schema.
      throw new Error(
        'the PostgreSQL URL sets "options"; the store sets search_path itself: ' +
          'choose the schema with ?schema=NAME instead',
      );
    }
    const pool = new pg.Pool({
      connectionString,
      max: options.maxConnections,
      application_name: 'waitwell-hub',
      // A startup parameter, not a SET after connecting: no pooled connection can ever run a
      // query against another schema. (migratePostgres checks the name before it is used.)
      options: `-c search_path=${schema}`,
      types: hubTypes,
    });
    // An idle pooled connection that drops (database restart) must not crash the hub; the next
    // query opens a new one.
    pool.on('error', (error) => console.warn(`[hub] PostgreSQL connection lost: ${error.message}`));
    try {
      await migratePostgres(pool, schema);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresHubStore(pool);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    return (await this.pool.query<R>(text, values)).rows;
  }

  /** Runs `work` in one transaction on one pooled connection; any throw rolls it back. */
  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError; // the connection is unusable: release() with an error discards it
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async upsertVenue(venue: Venue): Promise<void> {
    const config = JSON.stringify(venue);
    await this.transaction(async (client) => {
      await client.query(
        `INSERT INTO venues (id, name, config) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, config = excluded.config`,
        [venue.id, venue.name, config],
      );
      await client.query(
        `INSERT INTO venue_versions (venue_id, version, saved_at, config) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING`,
        [venue.id, venue.version, Date.now(), config],
      );
    });
  }

  async venueVersions(venueId: string): Promise<{ version: number; savedAt: number; venue: Venue }[]> {
    const rows = await this.query<{ version: number; saved_at: number; config: string }>(
      'SELECT version, saved_at, config FROM venue_versions WHERE venue_id = $1 ORDER BY version DESC',
      [venueId],
    );
    return rows.map((row) => ({
      version: row.version,
      savedAt: row.saved_at,
      venue: venueSchema.parse(JSON.parse(row.config)),
    }));
  }

  async getVenue(venueId: string): Promise<Venue | undefined> {
    const [row] = await this.query<{ config: string }>('SELECT config FROM venues WHERE id = $1', [venueId]);
    // Parsed, not cast: a venue stored by an older release gains the defaults of newer fields.
    return row ? venueSchema.parse(JSON.parse(row.config)) : undefined;
  }

  async listVenues(): Promise<Venue[]> {
    // COLLATE "C": byte order, as SQLite sorts, whatever locale the database was created with.
    const rows = await this.query<{ config: string }>('SELECT config FROM venues ORDER BY id COLLATE "C"');
    return rows.map((row) => venueSchema.parse(JSON.parse(row.config)));
  }

  async setBoardTokenHash(venueId: string, tokenHash: string): Promise<void> {
    await this.query('UPDATE venues SET board_token_hash = $1 WHERE id = $2', [tokenHash, venueId]);
  }

  async getBoardTokenHash(venueId: string): Promise<string | undefined> {
    const [row] = await this.query<{ h: string | null }>('SELECT board_token_hash AS h FROM venues WHERE id = $1', [
      venueId,
    ]);
    return row?.h ?? undefined;
  }

  async addDevice(device: NewDevice): Promise<void> {
    await this.query('INSERT INTO devices (id, venue_id, name, token_hash) VALUES ($1, $2, $3, $4)', [
      device.id,
      device.venueId,
      device.name,
      device.tokenHash,
    ]);
  }

  async replaceDeviceToken(deviceId: string, tokenHash: string): Promise<void> {
    await this.query('UPDATE devices SET token_hash = $1 WHERE id = $2', [tokenHash, deviceId]);
  }

  async getDevice(deviceId: string): Promise<DeviceRecord | undefined> {
    const [row] = await this.query<DeviceRow>('SELECT * FROM devices WHERE id = $1', [deviceId]);
    return row ? toDevice(row) : undefined;
  }

  async listDevices(venueId: string): Promise<DeviceRecord[]> {
    return (
      await this.query<DeviceRow>('SELECT * FROM devices WHERE venue_id = $1 ORDER BY id COLLATE "C"', [venueId])
    ).map(toDevice);
  }

  async recordDeviceClock(deviceId: string, clock: { offsetMs: number; seenAt: number }): Promise<void> {
    await this.query('UPDATE devices SET clock_offset_ms = $1, last_seen_at = $2 WHERE id = $3', [
      clock.offsetMs,
      clock.seenAt,
      deviceId,
    ]);
  }

  async createUser(user: NewUser): Promise<void> {
    await this.query(
      'INSERT INTO users (id, username, password_hash, role, venue_ids, departments) VALUES ($1, $2, $3, $4, $5, $6)',
      [
        user.id,
        user.username,
        user.passwordHash,
        user.role,
        JSON.stringify(user.venueIds),
        JSON.stringify(user.departments ?? []),
      ],
    );
  }

  async getUserByUsername(username: string): Promise<UserRecord | undefined> {
    const [row] = await this.query<UserRow>('SELECT * FROM users WHERE username = $1', [username]);
    return row ? toUser(row) : undefined;
  }

  async getUser(userId: string): Promise<UserRecord | undefined> {
    const [row] = await this.query<UserRow>('SELECT * FROM users WHERE id = $1', [userId]);
    return row ? toUser(row) : undefined;
  }

  async countUsers(): Promise<number> {
    const [row] = await this.query<{ n: number }>('SELECT COUNT(*) AS n FROM users');
    return row!.n;
  }

  async createSession(session: SessionRecord): Promise<void> {
    await this.query('INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)', [
      session.tokenHash,
      session.userId,
      session.expiresAt,
    ]);
  }

  async getSession(tokenHash: string): Promise<SessionRecord | undefined> {
    const [row] = await this.query<{ token_hash: string; user_id: string; expires_at: number }>(
      'SELECT * FROM sessions WHERE token_hash = $1',
      [tokenHash],
    );
    return row ? { tokenHash: row.token_hash, userId: row.user_id, expiresAt: row.expires_at } : undefined;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
  }

  /**
   * One transaction per batch. The device's row is locked first (FOR UPDATE), so two hubs
   * receiving the same kiosk's batches (a reconnect to the other hub while the first still works)
   * check and advance its sequence one after the other. The batch is checked against what the
   * database holds in three round trips, then inserted in one statement, whatever its size.
   */
  async ingest(deviceId: string, events: readonly AnyEventEnvelope[], context: IngestContext): Promise<IngestOutcome> {
    try {
      return await this.transaction((client) => this.ingestBatch(client, deviceId, events, context));
    } catch (error) {
      if (error instanceof RefusedBatch) return error.outcome;
      throw error;
    }
  }

  private async ingestBatch(
    client: PoolClient,
    deviceId: string,
    events: readonly AnyEventEnvelope[],
    context: IngestContext,
  ): Promise<IngestOutcome> {
    const device = (
      await client.query<{ contiguous_seq: number }>('SELECT contiguous_seq FROM devices WHERE id = $1 FOR UPDATE', [
        deviceId,
      ])
    ).rows[0];
    if (!device) return { kind: 'unknown-device', contiguousSeq: 0 };
    const storedSeq = device.contiguous_seq;
    const resentSeqs = events.filter((e) => e.seq <= storedSeq).map((e) => e.seq);
    const idAtSeq = new Map<number, string>();
    if (resentSeqs.length > 0) {
      const held = await client.query<{ seq: number; id: string }>(
        'SELECT seq, id FROM events WHERE device_id = $1 AND seq = ANY($2::bigint[])',
        [deviceId, resentSeqs],
      );
      for (const row of held.rows) idAtSeq.set(row.seq, row.id);
    }
    const newIds = events.filter((e) => e.seq > storedSeq).map((e) => e.id);
    const takenIds = new Set<string>();
    if (newIds.length > 0) {
      const taken = await client.query<{ id: string }>('SELECT id FROM events WHERE id = ANY($1::text[])', [newIds]);
      for (const row of taken.rows) takenIds.add(row.id);
    }

    // The same walk as SqliteHubStore, against what was just read plus what this batch adds.
    let contiguousSeq = storedSeq;
    const inserted: { event: AnyEventEnvelope; eventIndex: number }[] = [];
    let duplicates = 0;
    for (const [eventIndex, event] of events.entries()) {
      if (event.seq <= contiguousSeq) {
        // Already held: a resend after a lost ack. Same id at that seq = duplicate, acked again.
        if (idAtSeq.get(event.seq) !== event.id)
          throw new RefusedBatch({ kind: 'seq-conflict', contiguousSeq: storedSeq, eventIndex, seq: event.seq });
        duplicates += 1;
        continue;
      }
      if (event.seq !== contiguousSeq + 1)
        throw new RefusedBatch({ kind: 'seq-gap', contiguousSeq: storedSeq, eventIndex, seq: event.seq });
      // The id exists under another device or seq: a replayed or forged event, never stored twice.
      if (takenIds.has(event.id))
        throw new RefusedBatch({ kind: 'id-conflict', contiguousSeq: storedSeq, eventIndex, id: event.id });
      takenIds.add(event.id);
      idAtSeq.set(event.seq, event.id);
      contiguousSeq = event.seq;
      inserted.push({ event, eventIndex });
    }

    if (inserted.length > 0) {
      const column = <T>(pick: (event: AnyEventEnvelope) => T) => inserted.map(({ event }) => pick(event));
      const result = await client.query<{ id: string }>(
        `INSERT INTO events (id, venue_id, device_id, seq, type, v, occurred_at, corrected_at, received_at, payload)
         SELECT e.id, e.venue_id, $3, e.seq, e.type, e.v, e.occurred_at, e.occurred_at + $4::bigint, $5, e.payload
         FROM unnest($1::text[], $2::text[], $6::bigint[], $7::text[], $8::int[], $9::bigint[], $10::text[])
           AS e (id, venue_id, seq, type, v, occurred_at, payload)
         ON CONFLICT DO NOTHING
         RETURNING id`,
        [
          column((e) => e.id),
          column((e) => e.venueId),
          deviceId,
          context.clockOffsetMs,
          context.receivedAt,
          column((e) => e.seq),
          column((e) => e.type),
          column((e) => e.v),
          column((e) => e.occurredAt),
          column((e) => JSON.stringify(e.payload)),
        ],
      );
      if (result.rows.length < inserted.length) {
        // Another device's batch committed one of these ids after our check: refuse as SQLite would.
        const stored = new Set(result.rows.map((row) => row.id));
        const lost = inserted.find(({ event }) => !stored.has(event.id))!;
        throw new RefusedBatch({
          kind: 'id-conflict',
          contiguousSeq: storedSeq,
          eventIndex: lost.eventIndex,
          id: lost.event.id,
        });
      }
    }
    const touchpointsChanged = await projectFeedback(
      client,
      inserted.map(({ event }) => event),
    );
    await projectComponents(
      client,
      inserted.map(({ event }) => event),
    );
    await client.query(
      'UPDATE devices SET contiguous_seq = $1, clock_offset_ms = $2, last_seen_at = $3 WHERE id = $4',
      [contiguousSeq, context.clockOffsetMs, context.receivedAt, deviceId],
    );
    return {
      kind: 'stored',
      contiguousSeq,
      inserted: inserted.map(({ event }) => event),
      duplicates,
      touchpointsChanged,
    };
  }

  async componentHealth(venueId: string): Promise<ComponentHealth[]> {
    const rows = await this.query<ComponentStatusRow>(
      'SELECT * FROM component_status WHERE venue_id = $1 ORDER BY device_id COLLATE "C", component COLLATE "C"',
      [venueId],
    );
    return rows.map(toComponentHealth);
  }

  async touchpointCounts(venueId: string, touchpointIds?: readonly string[]): Promise<TouchpointCounts[]> {
    const rows = await this.query<{ touchpoint_id: string; level: 1 | 2 | 3 | 4; count: number }>(
      `SELECT touchpoint_id, level, count FROM touchpoint_counts WHERE venue_id = $1
       ORDER BY touchpoint_id COLLATE "C"`,
      [venueId],
    );
    return toTouchpointCounts(rows, touchpointIds);
  }

  /**
   * Read committed: two hubs may both read MAX(version) = n and both insert n + 1. The second
   * insert waits on the primary key until the first commits, then fails with a unique violation,
   * which is exactly "someone got there first": it becomes QueueVersionConflict.
   */
  async appendQueueEvents(venueId: string, expectedVersion: number, events: readonly QueueEvent[]): Promise<number> {
    try {
      return await this.transaction(async (client) => {
        const { rows } = await client.query<{ v: number | null }>(
          'SELECT MAX(version) AS v FROM queue_events WHERE venue_id = $1',
          [venueId],
        );
        if ((rows[0]?.v ?? 0) !== expectedVersion) throw new QueueVersionConflict(venueId, expectedVersion);
        if (events.length > 0) {
          await client.query(
            `INSERT INTO queue_events (venue_id, version, type, at, body, ticket_id)
             SELECT $1, e.version, e.type, e.at, e.body, e.ticket_id
             FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::text[])
                  AS e (version, type, at, body, ticket_id)`,
            [
              venueId,
              events.map((_, i) => expectedVersion + i + 1),
              events.map((e) => e.type),
              events.map((e) => e.at),
              events.map((e) => JSON.stringify(e)),
              events.map(ticketIdOf),
            ],
          );
        }
        return expectedVersion + events.length;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'queue_events_pkey')) throw new QueueVersionConflict(venueId, expectedVersion);
      throw error;
    }
  }

  async ticketVenue(ticketId: string): Promise<string | undefined> {
    const rows = await this.query<{ venue_id: string }>(
      'SELECT venue_id FROM queue_events WHERE ticket_id = $1 LIMIT 1',
      [ticketId],
    );
    return rows[0]?.venue_id;
  }

  async queueEvents(venueId: string): Promise<QueueEvent[]> {
    const rows = await this.query<{ body: string }>(
      'SELECT body FROM queue_events WHERE venue_id = $1 ORDER BY version',
      [venueId],
    );
    return rows.map((row) => JSON.parse(row.body) as QueueEvent);
  }

  async feedbackPresses(
    venueId: string,
    range: { from: number; to: number },
    touchpointIds: readonly string[],
  ): Promise<PressRecord[]> {
    if (touchpointIds.length === 0) return [];
    // The CASE makes sure only press payloads are cast to jsonb, whatever order the planner
    // evaluates the conditions in (another type's free text may hold what jsonb refuses).
    return this.query<PressRecord>(
      `SELECT id, corrected_at AS at, p ->> 'touchpointId' AS "touchpointId", (p ->> 'level')::int AS level,
              COALESCE((p ->> 'misuse')::boolean, false) AS misuse
       FROM (SELECT id, corrected_at, CASE WHEN type = 'feedback.pressed' THEN payload::jsonb END AS p
             FROM events
             WHERE venue_id = $1 AND type = 'feedback.pressed' AND corrected_at >= $2 AND corrected_at < $3) presses
       WHERE p ->> 'touchpointId' = ANY($4::text[])
       ORDER BY corrected_at`,
      [venueId, range.from, range.to, [...touchpointIds]],
    );
  }

  async saveTask(venueId: string, task: Task): Promise<void> {
    await this.query(
      `INSERT INTO tasks (id, venue_id, cause_key, state, opened_at, body) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET state = excluded.state, body = excluded.body`,
      [task.id, venueId, task.causeKey, task.state, task.openedAt, JSON.stringify(task)],
    );
  }

  async tasks(venueId: string): Promise<Task[]> {
    const rows = await this.query<{ body: string }>(
      'SELECT body FROM tasks WHERE venue_id = $1 ORDER BY opened_at DESC',
      [venueId],
    );
    return rows.map((row) => JSON.parse(row.body) as Task);
  }

  /**
   * Counted in two steps, both in SQL: presses are grouped by their payload text and bucket
   * (presses have few distinct payloads, so a million rows become a few thousand groups without
   * parsing any JSON), then each group's payload is read as jsonb once and the groups are summed
   * per touchpoint, level, misuse flag and bucket. The inner aggregate is never flattened into the
   * outer query, so no other event type's payload is ever cast.
   */
  async feedbackSummary(
    venueId: string,
    range: { from: number; to: number },
    options: { bucketMs: number; exceptTouchpoints: readonly string[] },
  ): Promise<PressGroup[]> {
    return this.query<PressGroup>(
      `SELECT p ->> 'touchpointId' AS "touchpointId", (p ->> 'level')::int AS level,
              COALESCE((p ->> 'misuse')::boolean, false) AS misuse, bucket, SUM(n)::bigint AS count
       FROM (SELECT payload::jsonb AS p, bucket, n
             FROM (SELECT payload, corrected_at - (corrected_at % $1::bigint) AS bucket, COUNT(*) AS n
                   FROM events
                   WHERE venue_id = $2 AND type = 'feedback.pressed' AND corrected_at >= $3 AND corrected_at < $4
                   GROUP BY payload, bucket) by_payload) groups
       WHERE NOT (p ->> 'touchpointId' = ANY($5::text[]))
       GROUP BY 1, 2, 3, 4`,
      [options.bucketMs, venueId, range.from, range.to, [...options.exceptTouchpoints]],
    );
  }

  async deviceEvents(deviceId: string): Promise<StoredEventRef[]> {
    return this.query<StoredEventRef>(
      `SELECT id, seq, type, occurred_at AS "occurredAt", corrected_at AS "correctedAt", received_at AS "receivedAt"
       FROM events WHERE device_id = $1 ORDER BY seq`,
      [deviceId],
    );
  }
}

/** Projections move only for rows that were new in this batch. */
async function projectFeedback(client: PoolClient, inserted: readonly AnyEventEnvelope[]): Promise<string[]> {
  // Rows come sorted: two batches bumping the same counters in one order cannot deadlock.
  const { increments: rows, touchpointsChanged } = feedbackIncrements(inserted);
  if (rows.length === 0) return [];
  await client.query(
    `INSERT INTO touchpoint_counts (venue_id, touchpoint_id, level, count)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[])
     ON CONFLICT (venue_id, touchpoint_id, level) DO UPDATE SET count = touchpoint_counts.count + excluded.count`,
    [rows.map((r) => r.venueId), rows.map((r) => r.touchpointId), rows.map((r) => r.level), rows.map((r) => r.count)],
  );
  return touchpointsChanged;
}

/** The latest status per kiosk component, for rows newer than what is held. */
async function projectComponents(client: PoolClient, inserted: readonly AnyEventEnvelope[]): Promise<void> {
  const rows = componentStatusUpdates(inserted);
  if (rows.length === 0) return;
  const column = <K extends keyof ComponentStatusRow>(key: K) => rows.map((row) => row[key]);
  await client.query(
    `INSERT INTO component_status (venue_id, device_id, component, state, code, detail, at, seq)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                          $7::bigint[], $8::bigint[])
     ON CONFLICT (venue_id, device_id, component) DO UPDATE SET
       state = excluded.state, code = excluded.code, detail = excluded.detail, at = excluded.at, seq = excluded.seq
     WHERE excluded.seq > component_status.seq`,
    [
      column('venue_id'),
      column('device_id'),
      column('component'),
      column('state'),
      column('code'),
      column('detail'),
      column('at'),
      column('seq'),
    ],
  );
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  return error instanceof pg.DatabaseError && error.code === '23505' && error.constraint === constraint;
}

/** Thrown inside the ingest transaction so it rolls back; the outcome is answered, not thrown. */
class RefusedBatch extends Error {
  constructor(readonly outcome: IngestOutcome) {
    super(outcome.kind);
  }
}

function urlSetsOptions(connectionString: string): boolean {
  try {
    return new URL(connectionString).searchParams.has('options');
  } catch {
    return false; // not a URL (e.g. a socket path): it cannot carry options either
  }
}
