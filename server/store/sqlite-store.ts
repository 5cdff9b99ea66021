import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AnyEventEnvelope } from '../../core/events.ts';
import type { ComponentHealth, TouchpointCounts } from '../../core/protocol.ts';
import type { Task } from '../../core/alerts/tasks.ts';
import type { QueueEvent } from '../../core/queue/types.ts';
import { venueSchema, type Venue } from '../../core/venue.ts';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.ts';
import type {
  DeviceRecord,
  HubStore,
  IngestContext,
  IngestOutcome,
  NewDevice,
  NewUser,
  SessionRecord,
  StoredEventRef,
  UserRecord,
  PressRecord,
  PressGroup,
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

/**
 * The embedded hub store: one SQLite file, WAL, synchronous=FULL (an ack sent to a kiosk means
 * the batch survives a power cut on the hub too). better-sqlite3 is synchronous, so each method
 * runs to completion on the event loop: a batch's transaction can never interleave with another.
 */
export class SqliteHubStore implements HubStore {
  readonly db: Database.Database;
  private readonly statements;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    this.statements = {
      device: this.db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE id = ?'),
      // Positional parameters: binding by name cost ~15% more per row on the ingest path.
      insertEvent: this.db.prepare<[string, string, string, number, string, number, number, number, number, string]>(
        `INSERT INTO events (id, venue_id, device_id, seq, type, v, occurred_at, corrected_at, received_at, payload)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      ),
      eventIdAtSeq: this.db.prepare<[string, number], { id: string }>(
        'SELECT id FROM events WHERE device_id = ? AND seq = ?',
      ),
      bumpCount: this.db.prepare(
        `INSERT INTO touchpoint_counts (venue_id, touchpoint_id, level, count) VALUES (?, ?, ?, ?)
         ON CONFLICT (venue_id, touchpoint_id, level) DO UPDATE SET count = count + excluded.count`,
      ),
      upsertComponent: this.db.prepare<[string, string, string, string, string | null, string | null, number, number]>(
        `INSERT INTO component_status (venue_id, device_id, component, state, code, detail, at, seq)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (venue_id, device_id, component) DO UPDATE SET
           state = excluded.state, code = excluded.code, detail = excluded.detail, at = excluded.at, seq = excluded.seq
         WHERE excluded.seq > component_status.seq`,
      ),
      advanceDevice: this.db.prepare(
        'UPDATE devices SET contiguous_seq = ?, clock_offset_ms = ?, last_seen_at = ? WHERE id = ?',
      ),
    };
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    for (const migration of SQLITE_MIGRATIONS.filter((m) => m.version > current)) {
      this.db.transaction(() => {
        this.db.exec(migration.sql);
        this.db.pragma(`user_version = ${Number(migration.version)}`);
      })();
    }
  }

  async close(): Promise<void> {
    this.db.close();
  }

  async upsertVenue(venue: Venue): Promise<void> {
    const config = JSON.stringify(venue);
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO venues (id, name, config) VALUES (?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, config = excluded.config`,
        )
        .run(venue.id, venue.name, config);
      this.db
        .prepare(
          'INSERT INTO venue_versions (venue_id, version, saved_at, config) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
        )
        .run(venue.id, venue.version, Date.now(), config);
    })();
  }

  async venueVersions(venueId: string): Promise<{ version: number; savedAt: number; venue: Venue }[]> {
    return this.db
      .prepare<[string], { version: number; saved_at: number; config: string }>(
        'SELECT version, saved_at, config FROM venue_versions WHERE venue_id = ? ORDER BY version DESC',
      )
      .all(venueId)
      .map((row) => ({
        version: row.version,
        savedAt: row.saved_at,
        venue: venueSchema.parse(JSON.parse(row.config)),
      }));
  }

  async getVenue(venueId: string): Promise<Venue | undefined> {
    const row = this.db.prepare<[string], { config: string }>('SELECT config FROM venues WHERE id = ?').get(venueId);
    // Parsed, not cast: a venue stored by an older release gains the defaults of newer fields.
    return row ? venueSchema.parse(JSON.parse(row.config)) : undefined;
  }

  async listVenues(): Promise<Venue[]> {
    return this.db
      .prepare<[], { config: string }>('SELECT config FROM venues ORDER BY id')
      .all()
      .map((row) => venueSchema.parse(JSON.parse(row.config)));
  }

  async setBoardTokenHash(venueId: string, tokenHash: string): Promise<void> {
    this.db.prepare('UPDATE venues SET board_token_hash = ? WHERE id = ?').run(tokenHash, venueId);
  }

  async getBoardTokenHash(venueId: string): Promise<string | undefined> {
    const row = this.db
      .prepare<[string], { h: string | null }>('SELECT board_token_hash AS h FROM venues WHERE id = ?')
      .get(venueId);
    return row?.h ?? undefined;
  }

  async addDevice(device: NewDevice): Promise<void> {
    this.db
      .prepare('INSERT INTO devices (id, venue_id, name, token_hash) VALUES (?, ?, ?, ?)')
      .run(device.id, device.venueId, device.name, device.tokenHash);
  }

  async replaceDeviceToken(deviceId: string, tokenHash: string): Promise<void> {
    this.db.prepare('UPDATE devices SET token_hash = ? WHERE id = ?').run(tokenHash, deviceId);
  }

  async getDevice(deviceId: string): Promise<DeviceRecord | undefined> {
    const row = this.statements.device.get(deviceId);
    return row ? toDevice(row) : undefined;
  }

  async listDevices(venueId: string): Promise<DeviceRecord[]> {
    return this.db
      .prepare<[string], DeviceRow>('SELECT * FROM devices WHERE venue_id = ? ORDER BY id')
      .all(venueId)
      .map(toDevice);
  }

  async recordDeviceClock(deviceId: string, clock: { offsetMs: number; seenAt: number }): Promise<void> {
    this.db
      .prepare('UPDATE devices SET clock_offset_ms = ?, last_seen_at = ? WHERE id = ?')
      .run(clock.offsetMs, clock.seenAt, deviceId);
  }

  async createUser(user: NewUser): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO users (id, username, password_hash, role, venue_ids, departments) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        user.id,
        user.username,
        user.passwordHash,
        user.role,
        JSON.stringify(user.venueIds),
        JSON.stringify(user.departments ?? []),
      );
  }

  async getUserByUsername(username: string): Promise<UserRecord | undefined> {
    const row = this.db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?').get(username);
    return row ? toUser(row) : undefined;
  }

  async getUser(userId: string): Promise<UserRecord | undefined> {
    const row = this.db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?').get(userId);
    return row ? toUser(row) : undefined;
  }

  async countUsers(): Promise<number> {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  async createSession(session: SessionRecord): Promise<void> {
    this.db
      .prepare('INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?, ?, ?)')
      .run(session.tokenHash, session.userId, session.expiresAt);
  }

  async getSession(tokenHash: string): Promise<SessionRecord | undefined> {
    const row = this.db
      .prepare<[string], { token_hash: string; user_id: string; expires_at: number }>(
        'SELECT * FROM sessions WHERE token_hash = ?',
      )
      .get(tokenHash);
    return row ? { tokenHash: row.token_hash, userId: row.user_id, expiresAt: row.expires_at } : undefined;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
  }

  /**
   * Group commit: batches that arrive in the same turn of the event loop (many kiosks at once)
   * share one transaction, so one fsync, which is what a commit costs with synchronous=FULL. Each
   * batch runs in its own savepoint, so a refused batch still rolls back alone, and no batch is
   * answered before the shared commit is durable.
   */
  ingest(deviceId: string, events: readonly AnyEventEnvelope[], context: IngestContext): Promise<IngestOutcome> {
    return new Promise((resolve, reject) => {
      this.pendingIngests.push({ deviceId, events, context, resolve, reject });
      if (this.pendingIngests.length === 1) setImmediate(() => this.commitPendingIngests());
    });
  }

  private pendingIngests: PendingIngest[] = [];

  private commitPendingIngests(): void {
    const group = this.pendingIngests.splice(0);
    const results: ({ outcome: IngestOutcome } | { error: unknown })[] = [];
    try {
      this.db.transaction(() => {
        for (const { deviceId, events, context } of group) {
          try {
            results.push({ outcome: this.ingestTransaction(deviceId, events, context) });
          } catch (error) {
            if (error instanceof RefusedBatch) results.push({ outcome: error.outcome });
            else if (this.db.inTransaction) results.push({ error });
            else throw error; // SQLite rolled back the whole group: none of it may be acked
          }
        }
      })();
    } catch (error) {
      for (const item of group) item.reject(error);
      return;
    }
    group.forEach((item, index) => {
      const result = results[index]!;
      if ('outcome' in result) item.resolve(result.outcome);
      else item.reject(result.error);
    });
  }

  private readonly ingestTransaction = (
    deviceId: string,
    events: readonly AnyEventEnvelope[],
    context: IngestContext,
  ): IngestOutcome =>
    this.db.transaction((): IngestOutcome => {
      const device = this.statements.device.get(deviceId);
      if (!device) return { kind: 'unknown-device', contiguousSeq: 0 };
      let contiguousSeq = device.contiguous_seq;
      const inserted: AnyEventEnvelope[] = [];
      let duplicates = 0;
      for (const [eventIndex, event] of events.entries()) {
        if (event.seq <= contiguousSeq) {
          // Already held: a resend after a lost ack. Same id at that seq = duplicate, acked again.
          const held = this.statements.eventIdAtSeq.get(deviceId, event.seq);
          if (held?.id !== event.id) {
            throw new RefusedBatch({
              kind: 'seq-conflict',
              contiguousSeq: device.contiguous_seq,
              eventIndex,
              seq: event.seq,
            });
          }
          duplicates += 1;
          continue;
        }
        if (event.seq !== contiguousSeq + 1) {
          throw new RefusedBatch({ kind: 'seq-gap', contiguousSeq: device.contiguous_seq, eventIndex, seq: event.seq });
        }
        const result = this.statements.insertEvent.run(
          event.id,
          event.venueId,
          deviceId,
          event.seq,
          event.type,
          event.v,
          event.occurredAt,
          event.occurredAt + context.clockOffsetMs,
          context.receivedAt,
          JSON.stringify(event.payload),
        );
        if (result.changes === 0) {
          // The id exists under another device or seq: a replayed or forged event, never stored twice.
          throw new RefusedBatch({
            kind: 'id-conflict',
            contiguousSeq: device.contiguous_seq,
            eventIndex,
            id: event.id,
          });
        }
        contiguousSeq = event.seq;
        inserted.push(event);
      }
      const touchpointsChanged = this.projectFeedback(inserted);
      for (const c of componentStatusUpdates(inserted))
        this.statements.upsertComponent.run(
          c.venue_id,
          c.device_id,
          c.component,
          c.state,
          c.code,
          c.detail,
          c.at,
          c.seq,
        );
      this.statements.advanceDevice.run(contiguousSeq, context.clockOffsetMs, context.receivedAt, deviceId);
      return { kind: 'stored', contiguousSeq, inserted, duplicates, touchpointsChanged };
    })();

  /** Projections move only for rows that were new in this batch. */
  private projectFeedback(inserted: readonly AnyEventEnvelope[]): string[] {
    const { increments, touchpointsChanged } = feedbackIncrements(inserted);
    for (const { venueId, touchpointId, level, count } of increments)
      this.statements.bumpCount.run(venueId, touchpointId, level, count);
    return touchpointsChanged;
  }

  async touchpointCounts(venueId: string, touchpointIds?: readonly string[]): Promise<TouchpointCounts[]> {
    const rows = this.db
      .prepare<[string], { touchpoint_id: string; level: 1 | 2 | 3 | 4; count: number }>(
        'SELECT touchpoint_id, level, count FROM touchpoint_counts WHERE venue_id = ? ORDER BY touchpoint_id',
      )
      .all(venueId);
    return toTouchpointCounts(rows, touchpointIds);
  }

  async componentHealth(venueId: string): Promise<ComponentHealth[]> {
    return this.db
      .prepare<[string], ComponentStatusRow>(
        'SELECT * FROM component_status WHERE venue_id = ? ORDER BY device_id, component',
      )
      .all(venueId)
      .map(toComponentHealth);
  }

  async appendQueueEvents(venueId: string, expectedVersion: number, events: readonly QueueEvent[]): Promise<number> {
    const insert = this.db.prepare(
      'INSERT INTO queue_events (venue_id, version, type, at, body, ticket_id) VALUES (?, ?, ?, ?, ?, ?)',
    );
    return this.db.transaction(() => {
      const { v } = this.db
        .prepare<[string], { v: number | null }>('SELECT MAX(version) AS v FROM queue_events WHERE venue_id = ?')
        .get(venueId)!;
      if ((v ?? 0) !== expectedVersion) throw new QueueVersionConflict(venueId, expectedVersion);
      for (const [i, event] of events.entries())
        insert.run(venueId, expectedVersion + i + 1, event.type, event.at, JSON.stringify(event), ticketIdOf(event));
      return expectedVersion + events.length;
    })();
  }

  async ticketVenue(ticketId: string): Promise<string | undefined> {
    return this.db
      .prepare<[string], { venue_id: string }>('SELECT venue_id FROM queue_events WHERE ticket_id = ? LIMIT 1')
      .get(ticketId)?.venue_id;
  }

  async queueEvents(venueId: string): Promise<QueueEvent[]> {
    return this.db
      .prepare<[string], { body: string }>('SELECT body FROM queue_events WHERE venue_id = ? ORDER BY version')
      .all(venueId)
      .map((row) => JSON.parse(row.body) as QueueEvent);
  }

  async feedbackPresses(
    venueId: string,
    range: { from: number; to: number },
    touchpointIds: readonly string[],
  ): Promise<PressRecord[]> {
    if (touchpointIds.length === 0) return [];
    return this.db
      .prepare<unknown[], { id: string; at: number; touchpointId: string; level: 1 | 2 | 3 | 4; misuse: number }>(
        `SELECT id, at, touchpointId, level, misuse FROM (
           SELECT id, corrected_at AS at, json_extract(payload, '$.touchpointId') AS touchpointId,
                  json_extract(payload, '$.level') AS level, json_extract(payload, '$.misuse') AS misuse
           FROM events WHERE venue_id = ? AND type = 'feedback.pressed' AND corrected_at >= ? AND corrected_at < ?)
         WHERE touchpointId IN (${touchpointIds.map(() => '?').join(', ')})
         ORDER BY at`,
      )
      .all(venueId, range.from, range.to, ...touchpointIds)
      .map((row) => ({ ...row, misuse: row.misuse === 1 }));
  }

  async saveTask(venueId: string, task: Task): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO tasks (id, venue_id, cause_key, state, opened_at, body) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, body = excluded.body`,
      )
      .run(task.id, venueId, task.causeKey, task.state, task.openedAt, JSON.stringify(task));
  }

  async tasks(venueId: string): Promise<Task[]> {
    return this.db
      .prepare<[string], { body: string }>('SELECT body FROM tasks WHERE venue_id = ? ORDER BY opened_at DESC')
      .all(venueId)
      .map((row) => JSON.parse(row.body) as Task);
  }

  async feedbackSummary(
    venueId: string,
    range: { from: number; to: number },
    options: { bucketMs: number; exceptTouchpoints: readonly string[] },
  ): Promise<PressGroup[]> {
    // Counted in SQL by the payload text itself: presses have few distinct payloads (touchpoint x
    // level x source x misuse), so a million rows become a few thousand groups without parsing
    // any JSON in SQL; each distinct payload is parsed once here. (`%` is integer arithmetic in
    // SQLite, where `/` with a bound JS number would divide as reals.)
    const groups = this.db
      .prepare<[number, string, number, number], { payload: string; bucket: number; count: number }>(
        `SELECT payload, corrected_at - (corrected_at % ?) AS bucket, COUNT(*) AS count
         FROM events WHERE venue_id = ? AND type = 'feedback.pressed' AND corrected_at >= ? AND corrected_at < ?
         GROUP BY payload, bucket`,
      )
      .all(options.bucketMs, venueId, range.from, range.to);
    const except = new Set(options.exceptTouchpoints);
    const parsed = new Map<string, { touchpointId: string; level: 1 | 2 | 3 | 4; misuse: boolean }>();
    const result: PressGroup[] = [];
    for (const { payload, bucket, count } of groups) {
      let press = parsed.get(payload);
      if (!press) {
        const p = JSON.parse(payload) as { touchpointId: string; level: 1 | 2 | 3 | 4; misuse?: boolean };
        press = { touchpointId: p.touchpointId, level: p.level, misuse: p.misuse === true };
        parsed.set(payload, press);
      }
      if (!except.has(press.touchpointId)) result.push({ ...press, bucket, count });
    }
    return result;
  }

  async deviceEvents(deviceId: string): Promise<StoredEventRef[]> {
    return this.db
      .prepare<[string], StoredEventRef>(
        `SELECT id, seq, type, occurred_at AS occurredAt, corrected_at AS correctedAt, received_at AS receivedAt
         FROM events WHERE device_id = ? ORDER BY seq`,
      )
      .all(deviceId);
  }
}

interface PendingIngest {
  deviceId: string;
  events: readonly AnyEventEnvelope[];
  context: IngestContext;
  resolve: (outcome: IngestOutcome) => void;
  reject: (error: unknown) => void;
}

/** Thrown inside the ingest transaction so better-sqlite3 rolls the whole batch back. */
class RefusedBatch extends Error {
  constructor(readonly outcome: IngestOutcome) {
    super(outcome.kind);
  }
}
