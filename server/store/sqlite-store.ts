import { Mutex } from 'async-mutex';
import type { Statement } from 'better-sqlite3';
import type { DatabaseConnection, Driver, Expression, QueryCompiler } from 'kysely';
import { realpathSync } from 'node:fs';
import type { PressWindow } from '../../core/analytics/visits.ts';
import type { AnyEventEnvelope, FeedbackLevel } from '../../core/events.ts';
import type { Clock } from '../../core/logger.ts';
import type { TouchpointCounts } from '../../core/protocol.ts';
import { openSqlite, type SqliteDatabase } from '../../storage/sqlite.ts';
import type { IngestContext, IngestOutcome, PressRecord } from './hub-store.ts';
import { type IngestSteps, ingestBatch, RefusedBatch } from './ingest.ts';
import { CompiledQuery, Kysely, SqliteDialect, sql } from './kysely.ts';
import { KyselyHubStore } from './kysely-store.ts';
import { HUB_MIGRATIONS } from './migrations.ts';
import {
  PRESS_TABLES,
  type PressValues,
  pressValues,
  type TouchpointCountRow,
  toTouchpointCounts,
} from './store-rows.ts';
import { correctedTime } from './event-time.ts';
import type { HubTables } from './tables.ts';

/**
 * The embedded hub store: one SQLite file, opened as every SQLite file here is (storage/sqlite.ts:
 * WAL, synchronous=FULL, so an ack sent to a kiosk means the batch survives a power cut on the hub
 * too). Queries go through Kysely (kysely-store.ts); ingest runs on prepared statements.
 */
export class SqliteHubStore extends KyselyHubStore {
  private readonly sqlite: SqliteDatabase;
  private readonly turn: Mutex;
  private readonly leaveTurn: () => void;
  private readonly steps: IngestSteps;
  private readonly countsOfVenue: Statement<[string], TouchpointCountRow>;
  private readonly pressesInWindows: Statement<[string, string], PressRow>;
  private readonly transaction: Record<
    'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackToSavepoint',
    Statement<[]>
  >;
  private pendingIngests: PendingIngest[] = [];

  constructor(file: string, options: { clock?: Clock } = {}) {
    const sqlite = openSqlite(file, { migrations: HUB_MIGRATIONS });
    const turn = joinTurn(file === ':memory:' ? undefined : realpathSync(file));
    super(new Kysely<HubTables>({ dialect: new TurnTakingSqliteDialect(sqlite, turn.mutex) }), options.clock);
    this.sqlite = sqlite;
    this.turn = turn.mutex;
    this.leaveTurn = turn.leave;
    this.steps = sqliteIngestSteps(sqlite);
    this.countsOfVenue = sqlite.prepare(
      'SELECT touchpoint_id, level, count FROM touchpoint_counts WHERE venue_id = ? ORDER BY touchpoint_id',
    );
    this.pressesInWindows = sqlite
      .prepare<[string, string], PressRow>(
        `WITH w AS MATERIALIZED (
           SELECT key AS seek, value ->> 0 AS touchpoint_id, value ->> 1 AS from_at, value ->> 2 AS to_at,
                  value ->> 3 AS device_id
             FROM json_each(?)
         )
         SELECT e.corrected_at, e.device_id, w.seek, e.level, e.misuse
           FROM w CROSS JOIN events AS e
          WHERE e.venue_id = ? AND e.type = 'feedback.pressed' AND e.touchpoint_id = w.touchpoint_id
            AND e.corrected_at >= w.from_at AND e.corrected_at < w.to_at
            AND (w.device_id IS NULL OR e.device_id = w.device_id)
          ORDER BY e.corrected_at`,
      )
      .raw();
    this.transaction = {
      begin: sqlite.prepare('BEGIN IMMEDIATE'),
      commit: sqlite.prepare('COMMIT'),
      rollback: sqlite.prepare('ROLLBACK'),
      savepoint: sqlite.prepare('SAVEPOINT batch'),
      release: sqlite.prepare('RELEASE batch'),
      rollbackToSavepoint: sqlite.prepare('ROLLBACK TO batch'),
    };
  }

  override async close(): Promise<void> {
    await super.close();
    if (this.sqlite.open) this.sqlite.close(); // Kysely closes only a connection it has used
    this.leaveTurn();
  }

  protected byteOrder(column: string): Expression<string> {
    return sql.ref(column); // SQLite compares text byte by byte unless told otherwise
  }

  /**
   * Boards get a venue's counts after its presses are stored, up to 40 times a second per venue
   * (server/sockets/touchpoint-counts.ts): a prepared statement, 3.2x faster than the shared query.
   */
  override async touchpointCounts(venueId: string, touchpointIds?: readonly string[]): Promise<TouchpointCounts[]> {
    const rows = await this.turn.runExclusive(() => this.countsOfVenue.all(venueId));
    return toTouchpointCounts(rows, touchpointIds);
  }

  override async touchpointCountsOfVenues(
    touchpointsByVenue: ReadonlyMap<string, readonly string[]>,
  ): Promise<Map<string, TouchpointCounts[]>> {
    return this.turn.runExclusive(
      () =>
        new Map(
          [...touchpointsByVenue].map(([venueId, touchpointIds]) => [
            venueId,
            toTouchpointCounts(this.countsOfVenue.all(venueId), touchpointIds),
          ]),
        ),
    );
  }

  /**
   * Every window in one statement: the windows go in as one JSON array that SQLite unpacks once
   * and walks, seeking each in the covering index (CROSS JOIN keeps that order). A month of visits
   * makes ~30,000 windows; a statement each took twice the CPU (1M-press bench).
   */
  override async feedbackPresses(venueId: string, windows: readonly PressWindow[]): Promise<PressRecord[]> {
    const seeks = windows.flatMap(({ touchpointIds, from, to, deviceId }) =>
      from < to
        ? [...new Set(touchpointIds)].map((touchpointId) => [touchpointId, from, to, deviceId ?? null] as const)
        : [],
    );
    if (seeks.length === 0) return [];
    return this.turn.runExclusive(() => {
      const presses: PressRecord[] = [];
      // Each row names its seek, whose touchpoint string is shared, not made again per press.
      for (const [at, deviceId, seek, level, misuse] of this.pressesInWindows.iterate(JSON.stringify(seeks), venueId))
        presses.push({
          at,
          deviceId,
          touchpointId: seeks[seek]![0]!,
          level: level as FeedbackLevel,
          misuse: misuse === 1,
        });
      return presses;
    });
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
      if (this.pendingIngests.length === 1) setImmediate(() => void this.commitPendingIngests());
    });
  }

  private async commitPendingIngests(): Promise<void> {
    const group = this.pendingIngests.splice(0);
    const results: ({ outcome: IngestOutcome } | { error: unknown })[] = [];
    // The file's turn, as a Kysely transaction takes it, but with prepared statements for the
    // transaction itself: through Kysely they cost a one-event batch more than its own statements.
    const leave = await this.turn.acquire();
    try {
      this.transaction.begin.run();
      try {
        for (const batch of group) results.push(await this.ingestInSavepoint(batch));
        this.transaction.commit.run();
      } catch (error) {
        if (this.sqlite.inTransaction) this.transaction.rollback.run();
        throw error;
      }
    } catch (error) {
      for (const batch of group) batch.reject(error);
      return;
    } finally {
      leave();
    }
    group.forEach((batch, index) => {
      const result = results[index]!;
      if ('outcome' in result) batch.resolve(result.outcome);
      else batch.reject(result.error);
    });
  }

  private async ingestInSavepoint({
    deviceId,
    events,
    context,
  }: PendingIngest): Promise<{ outcome: IngestOutcome } | { error: unknown }> {
    this.transaction.savepoint.run();
    try {
      const outcome = await ingestBatch(this.steps, deviceId, events, context);
      this.transaction.release.run();
      return { outcome };
    } catch (error) {
      if (!this.sqlite.inTransaction) throw error; // SQLite rolled back the whole group: none of it may be acked
      this.transaction.rollbackToSavepoint.run();
      this.transaction.release.run();
      return error instanceof RefusedBatch ? { outcome: error.outcome } : { error };
    }
  }
}

/** A press as the analytics statement reads it: corrected_at, device_id, its seek's index, level, misuse. */
type PressRow = [number, string, number, number, number];

interface PendingIngest {
  deviceId: string;
  events: readonly AnyEventEnvelope[];
  context: IngestContext;
  resolve: (outcome: IngestOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Ingest on statements prepared once, the hub's hottest path. Measured in-process against the same
 * steps through Kysely: each statement built per call made a one-event batch 4-5x slower.
 */
function sqliteIngestSteps(db: SqliteDatabase): IngestSteps {
  const device = db.prepare<[string], number>('SELECT contiguous_seq FROM devices WHERE id = ?').pluck();
  const idAtSeq = db.prepare<[string, number], string>('SELECT id FROM events WHERE device_id = ? AND seq = ?').pluck();
  const idHeld = db.prepare<[string], string>('SELECT id FROM events WHERE id = ?').pluck();
  // Positional: binding by name cost ~15% more per row; Kysely's multi-row INSERT, 1.8x per 1000-event batch.
  const insertEvent = db.prepare<
    [string, string, string, number, string, number, number, number, number, string, ...PressValues]
  >(
    `INSERT INTO events (id, venue_id, device_id, seq, type, v, occurred_at, corrected_at, received_at, payload,
                         touchpoint_id, level, misuse)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT DO NOTHING`,
  );
  const bumpCount = db.prepare<[string, string, number, number]>(
    `INSERT INTO touchpoint_counts (venue_id, touchpoint_id, level, count) VALUES (?, ?, ?, ?)
     ON CONFLICT (venue_id, touchpoint_id, level) DO UPDATE SET count = count + excluded.count`,
  );
  const bumpPress = new Map(
    PRESS_TABLES.map(({ table, column }) => [
      table,
      db.prepare<[string, number, string, number, number, number]>(
        `INSERT INTO ${table} (venue_id, ${column}, touchpoint_id, level, misuse, count) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (venue_id, ${column}, touchpoint_id, level, misuse) DO UPDATE SET count = count + excluded.count`,
      ),
    ]),
  );
  const upsertComponent = db.prepare<[string, string, string, string, string | null, string | null, number, number]>(
    `INSERT INTO component_status (venue_id, device_id, component, state, code, detail, at, seq)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (venue_id, device_id, component) DO UPDATE SET
       state = excluded.state, code = excluded.code, detail = excluded.detail, at = excluded.at, seq = excluded.seq
     WHERE excluded.seq > component_status.seq`,
  );
  const advanceDevice = db.prepare<[number, number, number, string]>(
    'UPDATE devices SET contiguous_seq = ?, clock_offset_ms = ?, last_seen_at = ? WHERE id = ?',
  );
  return {
    async storedSeq(deviceId) {
      return device.get(deviceId);
    },
    async idsAtSeqs(deviceId, seqs) {
      const ids = new Map<number, string>();
      for (const seq of seqs) {
        const id = idAtSeq.get(deviceId, seq);
        if (id !== undefined) ids.set(seq, id);
      }
      return ids;
    },
    async heldIds(ids) {
      return new Set(ids.filter((id) => idHeld.get(id) !== undefined));
    },
    async insertEvents(deviceId, events, { clockOffsetMs, receivedAt }) {
      for (const [index, e] of events.entries()) {
        const payload = JSON.stringify(e.payload);
        const { changes } = insertEvent.run(
          e.id,
          e.venueId,
          deviceId,
          e.seq,
          e.type,
          e.v,
          e.occurredAt,
          correctedTime(e.occurredAt, { clockOffsetMs, receivedAt }),
          receivedAt,
          payload,
          ...pressValues(e),
        );
        if (changes === 0) return index;
      }
      return undefined;
    },
    async bumpCounts(increments) {
      for (const { venueId, touchpointId, level, count } of increments)
        bumpCount.run(venueId, touchpointId, level, count);
    },
    async bumpPresses({ table }, increments) {
      const bump = bumpPress.get(table)!;
      for (const { venueId, bucket, touchpointId, level, misuse, count } of increments)
        bump.run(venueId, bucket, touchpointId, level, misuse, count);
    },
    async upsertComponents(rows) {
      for (const c of rows)
        upsertComponent.run(c.venue_id, c.device_id, c.component, c.state, c.code, c.detail, c.at, c.seq);
    },
    async advanceDevice(deviceId, contiguousSeq, { clockOffsetMs, receivedAt }) {
      advanceDevice.run(contiguousSeq, clockOffsetMs, receivedAt, deviceId);
    },
  };
}

/**
 * One turn per database file in this process, shared by every store over it. better-sqlite3
 * waits for another connection's lock synchronously, holding the event loop: if one store waited
 * while another of the same process held a transaction across an await, neither could go on.
 * (Two stores over one file in one process are how tests play two hubs; other processes wait
 * for each other through SQLite's busy timeout.)
 */
const turns = new Map<string, { mutex: Mutex; stores: number }>();

function joinTurn(path: string | undefined): { mutex: Mutex; leave: () => void } {
  if (path === undefined) return { mutex: new Mutex(), leave: () => {} };
  const turn = turns.get(path) ?? { mutex: new Mutex(), stores: 0 };
  turn.stores += 1;
  turns.set(path, turn);
  let left = false;
  return {
    mutex: turn.mutex,
    leave: () => {
      if (left) return;
      left = true;
      turn.stores -= 1;
      if (turn.stores === 0) turns.delete(path);
    },
  };
}

/**
 * Kysely's SQLite dialect over an opened better-sqlite3 database, with two changes: a query or
 * transaction takes the file's turn first (see `turns`), and transactions begin IMMEDIATE, taking
 * the write lock at once, so a transaction that reads and then writes cannot find its read stale.
 */
class TurnTakingSqliteDialect extends SqliteDialect {
  constructor(
    database: SqliteDatabase,
    private readonly turn: Mutex,
  ) {
    super({ database });
  }

  override createDriver(): Driver {
    return new TurnTakingDriver(super.createDriver(), this.turn);
  }
}

class TurnTakingDriver implements Driver {
  private leave: (() => void) | undefined;

  constructor(
    private readonly driver: Driver,
    private readonly turn: Mutex,
  ) {}

  init(): Promise<void> {
    return this.driver.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const leave = await this.turn.acquire();
    try {
      const connection = await this.driver.acquireConnection();
      this.leave = leave;
      return connection;
    } catch (error) {
      leave();
      throw error;
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const leave = this.leave;
    this.leave = undefined;
    try {
      await this.driver.releaseConnection(connection);
    } finally {
      leave?.();
    }
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('BEGIN IMMEDIATE'));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.driver.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.driver.rollbackTransaction(connection);
  }

  savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.driver.savepoint!(connection, name, compile);
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    return this.driver.rollbackToSavepoint!(connection, name, compile);
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    return this.driver.releaseSavepoint!(connection, name, compile);
  }

  destroy(): Promise<void> {
    return this.driver.destroy();
  }
}
