import { EventEmitter } from 'node:events';
import {
  latestVersion,
  parsePayload,
  type AnyEventEnvelope,
  type EventEnvelope,
  type EventPayloadInput,
  type EventType,
} from '../core/events.ts';
import { newEventId } from '../core/ids.ts';
import { type Clock, systemClock } from '../core/logger.ts';
import { dayKey } from '../core/queue/numbering.ts';
import type { Venue } from '../core/venue.ts';
import type { Migration } from '../storage/migration.ts';
import { FileLockedError, holdFileLock, openSqlite, type SqliteDatabase } from '../storage/sqlite.ts';

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        v INTEGER NOT NULL,
        occurred_at INTEGER NOT NULL,
        payload TEXT NOT NULL
      );
      CREATE TABLE sync_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        hub_contiguous_seq INTEGER NOT NULL
      );
      INSERT INTO sync_state (id, hub_contiguous_seq) VALUES (1, 0);
      CREATE TABLE identity (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        venue_id TEXT NOT NULL,
        device_id TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    sql: `
      -- Ticket numbers the hub reserved for this kiosk, to issue from while the hub is unreachable.
      CREATE TABLE number_blocks (
        service_id TEXT NOT NULL,
        day TEXT NOT NULL,
        prefix TEXT NOT NULL,
        digits INTEGER NOT NULL,
        utc_offset_min INTEGER NOT NULL,
        first INTEGER NOT NULL,
        last INTEGER NOT NULL,
        next INTEGER NOT NULL,
        PRIMARY KEY (service_id, day, first)
      );
    `,
  },
  {
    version: 3,
    sql: `
      -- The venue as the hub last described it, so a kiosk restarted while the hub is down still
      -- shows its services and touchpoints (and issues from its reserved numbers).
      CREATE TABLE venue_cache (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        venue TEXT NOT NULL,
        saved_at INTEGER NOT NULL
      );
    `,
  },
];

/** A block of ticket numbers reserved by the hub for this kiosk (ARCHITECTURE.md "Queue authority"). */
export interface NumberBlock {
  serviceId: string;
  day: string;
  prefix: string;
  digits: number;
  /** The venue's offset from UTC, to tell which local day it is while offline. */
  utcOffsetMin: number;
  first: number;
  last: number;
}

export interface LocalStoreEvents {
  appended: [event: AnyEventEnvelope];
}

interface EventRow {
  seq: number;
  id: string;
  type: string;
  v: number;
  occurred_at: number;
  payload: string;
}

export interface OutboxLimits {
  maxEvents: number;
  /** Approximate JSON size of a batch; at least one event is always returned. */
  maxBytes: number;
}

/** The store's lock, beside it; a second kiosk on the same store is told what to do and stops. */
function lockStore(file: string): { release(): void } {
  try {
    return holdFileLock(`${file}.lock`);
  } catch (error) {
    if (!(error instanceof FileLockedError)) throw error;
    throw new Error(
      `the kiosk store ${file} is in use by another kiosk (its lock ${error.lockFile} is held): ` +
        'stop that kiosk first, or give this one its own store file (config "store" or --store)',
    );
  }
}

/**
 * The kiosk's own SQLite file: the durable log of every touchpoint event this device recorded,
 * and the outbox of those the hub has not confirmed yet. The venue and device ids are fixed per
 * file, so a file can never mix two devices' sequences.
 */
export class LocalStore extends EventEmitter<LocalStoreEvents> {
  private readonly db: SqliteDatabase;
  /** One kiosk per store: two processes appending to one file would fork its sequence. */
  private readonly lock: { release(): void };
  private readonly insertEvent;
  private readonly selectAfter;
  private readonly appendTransaction;
  private lastSeqCache: number;

  private readonly clock: Clock;

  constructor(
    file: string,
    readonly identity: { venueId: string; deviceId: string },
    /** The kiosk's clock: when an event occurred unless its caller says, and when the venue was saved. */
    options: { clock?: Clock } = {},
  ) {
    super();
    this.clock = options.clock ?? systemClock;
    this.lock = lockStore(file);
    try {
      this.db = openSqlite(file, { migrations: MIGRATIONS });
    } catch (error) {
      this.lock.release();
      throw error;
    }
    this.insertEvent = this.db.prepare<[number, string, string, number, number, string]>(
      'INSERT INTO events (seq, id, type, v, occurred_at, payload) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.selectAfter = this.db.prepare<[number, number], EventRow>(
      'SELECT seq, id, type, v, occurred_at, payload FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
    );
    // The seq is read and the row written in one transaction, so seqs stay gap-free even if the
    // process dies between two appends.
    this.appendTransaction = this.db.transaction(
      (id: string, type: string, v: number, occurredAt: number, payload: string) => {
        const { maxSeq } = this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS maxSeq FROM events').get() as {
          maxSeq: number;
        };
        const seq = maxSeq + 1;
        this.insertEvent.run(seq, id, type, v, occurredAt, payload);
        return seq;
      },
    );
    this.lastSeqCache = this.readLastSeq();
    this.claimIdentity();
  }

  /** A store file holds one device's sequence; opening it as another device would corrupt both. */
  private claimIdentity(): void {
    const { venueId, deviceId } = this.identity;
    this.db.prepare('INSERT OR IGNORE INTO identity (id, venue_id, device_id) VALUES (1, ?, ?)').run(venueId, deviceId);
    const owner = this.db.prepare('SELECT venue_id, device_id FROM identity WHERE id = 1').get() as {
      venue_id: string;
      device_id: string;
    };
    if (owner.venue_id !== venueId || owner.device_id !== deviceId) {
      this.close();
      throw new Error(
        `this kiosk store belongs to device "${owner.device_id}" of venue "${owner.venue_id}", ` +
          `not "${deviceId}" of "${venueId}": give each kiosk its own store file (config "store")`,
      );
    }
  }

  /**
   * Records one event durably and returns it. When this returns, the event is committed: it
   * will reach the hub exactly once whatever happens to this process afterwards.
   */
  append<T extends EventType>(
    type: T,
    payload: EventPayloadInput<T>,
    occurredAt: number = this.clock.now(),
  ): EventEnvelope<T> {
    const valid = parsePayload(type, payload);
    const id = newEventId();
    const v = latestVersion(type);
    const seq = this.appendTransaction(id, type, v, occurredAt, JSON.stringify(valid));
    // Commit first, then memory, then notify.
    this.lastSeqCache = seq;
    const event = { id, type, v, seq, occurredAt, payload: valid, ...this.identity } as EventEnvelope<T>;
    this.emit('appended', event as AnyEventEnvelope);
    return event;
  }

  /** Remembers the venue the hub sent (hello, or a new journey map version). */
  saveVenue(venue: Venue): void {
    this.db
      .prepare(
        `INSERT INTO venue_cache (id, venue, saved_at) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET venue = excluded.venue, saved_at = excluded.saved_at`,
      )
      .run(JSON.stringify(venue), this.clock.now());
  }

  /** The venue last saved, or undefined on a kiosk that never reached its hub. */
  cachedVenue(): Venue | undefined {
    const row = this.db.prepare('SELECT venue FROM venue_cache WHERE id = 1').get() as { venue: string } | undefined;
    return row ? (JSON.parse(row.venue) as Venue) : undefined;
  }

  /** Keeps a block the hub reserved; numbers already handed out of it stay handed out. */
  saveNumberBlock(block: NumberBlock): void {
    this.db
      .prepare(
        `INSERT INTO number_blocks (service_id, day, prefix, digits, utc_offset_min, first, last, next)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(
        block.serviceId,
        block.day,
        block.prefix,
        block.digits,
        block.utcOffsetMin,
        block.first,
        block.last,
        block.first,
      );
  }

  /** Numbers left for a service today (the venue's local day at `now`), over all its blocks. */
  numbersLeft(serviceId: string, now: number): number {
    return this.blocksOfToday(serviceId, now).reduce((sum, b) => sum + b.last - b.next + 1, 0);
  }

  /**
   * Takes the next reserved number of today, committed before it is used: a crash after this
   * skips a number (harmless) but can never hand the same number out twice.
   */
  takeReservedNumber(
    serviceId: string,
    now: number,
  ): { seq: number; day: string; prefix: string; digits: number } | undefined {
    return this.db.transaction(() => {
      const block = this.blocksOfToday(serviceId, now).find((b) => b.next <= b.last);
      if (!block) return undefined;
      this.db
        .prepare('UPDATE number_blocks SET next = next + 1 WHERE service_id = ? AND day = ? AND first = ?')
        .run(serviceId, block.day, block.first);
      return { seq: block.next, day: block.day, prefix: block.prefix, digits: block.digits };
    })();
  }

  private blocksOfToday(serviceId: string, now: number) {
    const rows = this.db
      .prepare(
        `SELECT day, prefix, digits, utc_offset_min AS utcOffsetMin, first, last, next
         FROM number_blocks WHERE service_id = ? ORDER BY first`,
      )
      .all(serviceId) as (Omit<NumberBlock, 'serviceId'> & { next: number })[];
    return rows.filter((b) => b.day === dayKey(now, b.utcOffsetMin));
  }

  /** Bulk-loads many events in one transaction (benchmarks and imports); same guarantees as append. */
  appendMany<T extends EventType>(
    type: T,
    payloads: EventPayloadInput<T>[],
    occurredAt: number = this.clock.now(),
  ): number {
    const v = latestVersion(type);
    const rows = payloads.map((p) => JSON.stringify(parsePayload(type, p)));
    const seq = this.db.transaction(() => {
      let last = this.readLastSeq();
      for (const payload of rows) this.insertEvent.run(++last, newEventId(), type, v, occurredAt, payload);
      return last;
    })();
    this.lastSeqCache = seq;
    return seq;
  }

  get lastSeq(): number {
    return this.lastSeqCache;
  }

  /** Events after `afterSeq`, in seq order, within the batch limits. */
  readAfter(afterSeq: number, limits: OutboxLimits): AnyEventEnvelope[] {
    const rows = this.selectAfter.all(afterSeq, limits.maxEvents);
    const events: AnyEventEnvelope[] = [];
    let bytes = 0;
    for (const row of rows) {
      bytes += row.payload.length + 200;
      if (events.length > 0 && bytes > limits.maxBytes) break;
      events.push(this.toEnvelope(row));
    }
    return events;
  }

  /** One event this kiosk recorded, by its id (a follow-up reason names the press it answers). */
  event(id: string): AnyEventEnvelope | undefined {
    const row = this.db
      .prepare<[string], EventRow>('SELECT seq, id, type, v, occurred_at, payload FROM events WHERE id = ?')
      .get(id);
    return row ? this.toEnvelope(row) : undefined;
  }

  get hubContiguousSeq(): number {
    return (this.db.prepare('SELECT hub_contiguous_seq AS s FROM sync_state WHERE id = 1').get() as { s: number }).s;
  }

  /** Remembers how far the hub has confirmed, so status screens can show the outbox depth. */
  recordHubContiguousSeq(seq: number): void {
    this.db
      .prepare('UPDATE sync_state SET hub_contiguous_seq = ? WHERE id = 1 AND hub_contiguous_seq < ?')
      .run(seq, seq);
  }

  outboxDepth(): number {
    return Math.max(0, this.lastSeq - this.hubContiguousSeq);
  }

  close(): void {
    this.db.close();
    this.lock.release();
  }

  private readLastSeq(): number {
    return (this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS s FROM events').get() as { s: number }).s;
  }

  private toEnvelope(row: EventRow): AnyEventEnvelope {
    return {
      id: row.id,
      type: row.type,
      v: row.v,
      venueId: this.identity.venueId,
      deviceId: this.identity.deviceId,
      seq: row.seq,
      occurredAt: row.occurred_at,
      payload: JSON.parse(row.payload),
    } as AnyEventEnvelope;
  }
}
