import type { Expression, ExpressionBuilder } from 'kysely';
import { sql } from './kysely.ts';
import { type Clock, systemClock } from '../../core/logger.ts';
import { sumPressCounts } from '../../core/analytics/visit-report.ts';
import type { PressWindow } from '../../core/analytics/visits.ts';
import type { Task } from '../../core/alerts/tasks.ts';
import {
  type AnyEventEnvelope,
  type FeedbackLevel,
  parseEvent,
  parseVisitRated,
  type VisitRated,
} from '../../core/events.ts';
import type { ComponentHealth, TouchpointCounts } from '../../core/protocol.ts';
import { parseQueueEvent, type QueueEvent } from '../../core/queue/index.ts';
import { type Venue, venueSchema } from '../../core/venue.ts';
import {
  type DeliveryOutcome,
  type DeviceRecord,
  type HubStore,
  type IngestContext,
  type IngestOutcome,
  type NewDevice,
  type NewUser,
  type NewWebhookDelivery,
  type PressGroup,
  type PressRecord,
  type ReasonRecord,
  QueueVersionConflict,
  type SessionRecord,
  type StoredEventRef,
  type StoredTicketRecord,
  type UserRecord,
  type WebhookDelivery,
  type WebhookDeliveryState,
} from './hub-store.ts';
import {
  PRESS_TABLES,
  type PressTable,
  ticketIdOf,
  type TouchpointCountRow,
  toComponentHealth,
  toDevice,
  toTouchpointCounts,
  toUser,
  toWebhookDelivery,
} from './store-rows.ts';
import type { HubDb, HubTables } from './tables.ts';

/** Rows per INSERT when many are written at once: far below both dialects' limits on parameters. */
const ROWS_PER_INSERT = 1000;

/**
 * The hub store written once, over a Kysely instance of either dialect: every query of the
 * contract but ingest, whose statements each dialect writes its fastest way (ingest.ts). A
 * subclass brings the connection and the few places where the dialects differ.
 */
export abstract class KyselyHubStore implements HubStore {
  protected constructor(
    protected readonly db: HubDb,
    /** When a venue version was saved and, by default, when a task's webhooks are first due. */
    protected readonly clock: Clock = systemClock,
  ) {}

  abstract ingest(
    deviceId: string,
    events: readonly AnyEventEnvelope[],
    context: IngestContext,
  ): Promise<IngestOutcome>;

  /** A text column to sort by in byte order (SQLite's own), whatever collation the database has. */
  protected abstract byteOrder(column: string): Expression<string>;

  /** Whether an append failed because another writer took the version first (a key violation). */
  protected lostAppendRace(_error: unknown): boolean {
    return false;
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  async upsertVenue(venue: Venue): Promise<void> {
    const config = JSON.stringify(venue);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('venues')
        .values({ id: venue.id, name: venue.name, config })
        .onConflict((conflict) =>
          conflict
            .column('id')
            .doUpdateSet((eb) => ({ name: eb.ref('excluded.name'), config: eb.ref('excluded.config') })),
        )
        .execute();
      await trx
        .insertInto('venue_versions')
        .values({ venue_id: venue.id, version: venue.version, saved_at: this.clock.now(), config })
        .onConflict((conflict) => conflict.doNothing())
        .execute();
    });
  }

  async venueVersions(venueId: string): Promise<{ version: number; savedAt: number; venue: Venue }[]> {
    const rows = await this.db
      .selectFrom('venue_versions')
      .select(['version', 'saved_at', 'config'])
      .where('venue_id', '=', venueId)
      .orderBy('version', 'desc')
      .execute();
    return rows.map((row) => ({ version: row.version, savedAt: row.saved_at, venue: parseVenue(row.config) }));
  }

  async getVenue(venueId: string): Promise<Venue | undefined> {
    const row = await this.db.selectFrom('venues').select('config').where('id', '=', venueId).executeTakeFirst();
    return row && parseVenue(row.config);
  }

  async listVenues(): Promise<Venue[]> {
    const rows = await this.db.selectFrom('venues').select('config').orderBy(this.byteOrder('id')).execute();
    return rows.map((row) => parseVenue(row.config));
  }

  async setBoardTokenHash(venueId: string, tokenHash: string): Promise<void> {
    await this.db.updateTable('venues').set({ board_token_hash: tokenHash }).where('id', '=', venueId).execute();
  }

  async getBoardTokenHash(venueId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('venues')
      .select('board_token_hash')
      .where('id', '=', venueId)
      .executeTakeFirst();
    return row?.board_token_hash ?? undefined;
  }

  async addDevice(device: NewDevice): Promise<void> {
    await this.addDevices([device]);
  }

  async addDevices(devices: readonly NewDevice[]): Promise<void> {
    const rows = devices.map((d) => ({ id: d.id, venue_id: d.venueId, name: d.name, token_hash: d.tokenHash }));
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT)
        await trx
          .insertInto('devices')
          .values(rows.slice(i, i + ROWS_PER_INSERT))
          .execute();
    });
  }

  async replaceDeviceToken(deviceId: string, tokenHash: string): Promise<void> {
    await this.db.updateTable('devices').set({ token_hash: tokenHash }).where('id', '=', deviceId).execute();
  }

  async getDevice(deviceId: string): Promise<DeviceRecord | undefined> {
    const row = await this.db.selectFrom('devices').selectAll().where('id', '=', deviceId).executeTakeFirst();
    return row && toDevice(row);
  }

  async listDevices(venueId: string): Promise<DeviceRecord[]> {
    const rows = await this.db
      .selectFrom('devices')
      .selectAll()
      .where('venue_id', '=', venueId)
      .orderBy(this.byteOrder('id'))
      .execute();
    return rows.map(toDevice);
  }

  async recordDeviceClock(deviceId: string, clock: { offsetMs: number; seenAt: number }): Promise<void> {
    await this.db
      .updateTable('devices')
      .set({ clock_offset_ms: clock.offsetMs, last_seen_at: clock.seenAt })
      .where('id', '=', deviceId)
      .execute();
  }

  async createUser(user: NewUser): Promise<void> {
    await this.db
      .insertInto('users')
      .values({
        id: user.id,
        username: user.username,
        password_hash: user.passwordHash,
        role: user.role,
        venue_ids: JSON.stringify(user.venueIds),
        departments: JSON.stringify(user.departments ?? []),
      })
      .execute();
  }

  async getUserByUsername(username: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return row && toUser(row);
  }

  async getUser(userId: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
    return row && toUser(row);
  }

  async countUsers(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return row.n;
  }

  async createSession(session: SessionRecord): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({ token_hash: session.tokenHash, user_id: session.userId, expires_at: session.expiresAt })
      .execute();
  }

  async getSession(tokenHash: string): Promise<SessionRecord | undefined> {
    const row = await this.db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row && { tokenHash: row.token_hash, userId: row.user_id, expiresAt: row.expires_at };
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  async deleteSessionsOfUser(userId: string): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async touchpointCounts(venueId: string, touchpointIds?: readonly string[]): Promise<TouchpointCounts[]> {
    const rows = await this.db
      .selectFrom('touchpoint_counts')
      .select(['touchpoint_id', 'level', 'count'])
      .where('venue_id', '=', venueId)
      .orderBy(this.byteOrder('touchpoint_id'))
      .execute();
    return toTouchpointCounts(rows, touchpointIds);
  }

  async touchpointCountsOfVenues(
    touchpointsByVenue: ReadonlyMap<string, readonly string[]>,
  ): Promise<Map<string, TouchpointCounts[]>> {
    const rowsByVenue = new Map<string, TouchpointCountRow[]>([...touchpointsByVenue.keys()].map((id) => [id, []]));
    if (rowsByVenue.size === 0) return new Map();
    const rows = await this.db
      .selectFrom('touchpoint_counts')
      .select(['venue_id', 'touchpoint_id', 'level', 'count'])
      .where('venue_id', 'in', [...rowsByVenue.keys()])
      .orderBy(this.byteOrder('touchpoint_id'))
      .execute();
    for (const row of rows) rowsByVenue.get(row.venue_id)?.push(row);
    return new Map(
      [...rowsByVenue].map(([venueId, venueRows]) => [
        venueId,
        toTouchpointCounts(venueRows, touchpointsByVenue.get(venueId)),
      ]),
    );
  }

  async deviceEvents(deviceId: string): Promise<StoredEventRef[]> {
    return this.db
      .selectFrom('events')
      .select([
        'id',
        'seq',
        'type',
        'occurred_at as occurredAt',
        'corrected_at as correctedAt',
        'received_at as receivedAt',
      ])
      .where('device_id', '=', deviceId)
      .orderBy('seq')
      .execute();
  }

  async componentHealth(venueId: string): Promise<ComponentHealth[]> {
    const rows = await this.db
      .selectFrom('component_status')
      .selectAll()
      .where('venue_id', '=', venueId)
      .orderBy(this.byteOrder('device_id'))
      .orderBy(this.byteOrder('component'))
      .execute();
    return rows.map(toComponentHealth);
  }

  /**
   * Reads the venue's last version and appends after it in one transaction. Two writers that
   * read the same version both try to insert the next one; (venue_id, version) is the primary
   * key, so one of them fails, and that failure is what QueueVersionConflict means.
   */
  async appendQueueEvents(venueId: string, expectedVersion: number, events: readonly QueueEvent[]): Promise<number> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const { last } = await trx
          .selectFrom('queue_events')
          .select((eb) => eb.fn.max<number | null>('version').as('last'))
          .where('venue_id', '=', venueId)
          .executeTakeFirstOrThrow();
        if ((last ?? 0) !== expectedVersion) throw new QueueVersionConflict(venueId, expectedVersion);
        if (events.length > 0)
          await trx
            .insertInto('queue_events')
            .values(
              events.map((event, i) => ({
                venue_id: venueId,
                version: expectedVersion + i + 1,
                type: event.type,
                at: event.at,
                body: JSON.stringify(event),
                ticket_id: ticketIdOf(event),
              })),
            )
            .execute();
        return expectedVersion + events.length;
      });
    } catch (error) {
      if (this.lostAppendRace(error)) throw new QueueVersionConflict(venueId, expectedVersion);
      throw error;
    }
  }

  async queueEvents(venueId: string): Promise<QueueEvent[]> {
    const rows = await this.db
      .selectFrom('queue_events')
      .select(['version', 'body'])
      .where('venue_id', '=', venueId)
      .orderBy('version')
      .execute();
    // Parsed, not cast: rows written by an earlier release are read into today's shape (or named).
    return rows.map((row) => parseQueueEvent(row.body, { venueId, version: Number(row.version) }));
  }

  async deviceTicketRecords(deviceId: string, since: number): Promise<StoredTicketRecord[]> {
    const rows = await this.db
      .selectFrom('events')
      .select(['id', 'venue_id', 'device_id', 'seq', 'type', 'v', 'occurred_at', 'corrected_at', 'payload'])
      .where('device_id', '=', deviceId)
      .where('type', 'in', ['ticket.taken', 'ticket.issued'])
      .where('corrected_at', '>=', since)
      .orderBy('seq')
      .execute();
    return rows.flatMap((row) => {
      // Stored only after parseEvent accepted it at ingest; read back the same way, not cast.
      const parsed = parseEvent({
        id: row.id,
        type: row.type,
        v: Number(row.v),
        venueId: row.venue_id,
        deviceId: row.device_id,
        seq: Number(row.seq),
        occurredAt: Number(row.occurred_at),
        payload: JSON.parse(row.payload),
      });
      return parsed.ok ? [{ event: parsed.event, correctedAt: Number(row.corrected_at) }] : [];
    });
  }

  async ticketVenue(ticketId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('queue_events')
      .select('venue_id')
      .where('ticket_id', '=', ticketId)
      .limit(1)
      .executeTakeFirst();
    return row?.venue_id;
  }

  /**
   * Windows that share touchpoints and kiosk are read together, one query per touchpoint over
   * their whole extent, and the rows between them dropped here: a month of visits makes thousands
   * of windows, and thousands of round trips cost PostgreSQL more than the rows do. (SQLite reads
   * them window by window in one statement, from its covering index: sqlite-store.ts.)
   */
  async feedbackPresses(venueId: string, windows: readonly PressWindow[]): Promise<PressRecord[]> {
    const groups = new Map<string, PressWindow[]>();
    for (const window of windows) {
      if (window.from >= window.to || window.touchpointIds.length === 0) continue;
      const key = `${window.deviceId ?? ''}\u0000${[...window.touchpointIds].sort().join('\u0000')}`;
      const group = groups.get(key);
      if (group) group.push(window);
      else groups.set(key, [window]);
    }
    const lists: PressRecord[][] = [];
    for (const group of groups.values()) {
      group.sort((a, b) => a.from - b.from);
      const extent = { from: group[0]!.from, to: group.reduce((to, w) => Math.max(to, w.to), group[0]!.to) };
      const { touchpointIds, deviceId } = group[0]!;
      const touchpointLists = await Promise.all(
        [...new Set(touchpointIds)].map((touchpointId) => this.pressesAt(venueId, touchpointId, extent, deviceId)),
      );
      let w = 0;
      lists.push(
        mergeByTime(touchpointLists).filter((press) => {
          while (w < group.length && group[w]!.to <= press.at) w += 1;
          return w < group.length && press.at >= group[w]!.from;
        }),
      );
    }
    return mergeByTime(lists);
  }

  /** One touchpoint's presses in [from, to), oldest first, on one kiosk if named. */
  private async pressesAt(
    venueId: string,
    touchpointId: string,
    range: { from: number; to: number },
    deviceId?: string,
  ): Promise<PressRecord[]> {
    // From the press columns (migration 12): no payload is read or parsed.
    let query = this.db
      .selectFrom('events')
      .select(['corrected_at', 'device_id', 'level', 'misuse'])
      .where('venue_id', '=', venueId)
      .where('type', '=', 'feedback.pressed')
      .where('touchpoint_id', '=', touchpointId)
      .where('corrected_at', '>=', range.from)
      .where('corrected_at', '<', range.to);
    if (deviceId !== undefined) query = query.where('device_id', '=', deviceId);
    const rows = await query.orderBy('corrected_at').execute();
    return rows.map((row) => ({
      at: row.corrected_at,
      deviceId: row.device_id,
      touchpointId,
      level: row.level as FeedbackLevel,
      misuse: Boolean(row.misuse),
    }));
  }

  /**
   * Whole hours come from press_hours and whole minutes from press_minutes, as the buckets allow;
   * only what is left of the range (parts of a minute at its ends) is counted from the presses.
   */
  async feedbackSummary(
    venueId: string,
    range: { from: number; to: number },
    options: { bucketMs: number },
  ): Promise<PressGroup[]> {
    const tables = PRESS_TABLES.filter((table) => options.bucketMs % table.ms === 0);
    return sumPressCounts(await this.pressSummary(venueId, range, options.bucketMs, tables));
  }

  /** The range's presses from the coarsest table whose whole buckets fit, its ends from the finer ones. */
  private async pressSummary(
    venueId: string,
    range: { from: number; to: number },
    bucketMs: number,
    tables: readonly PressTable[],
  ): Promise<PressGroup[]> {
    const [table, ...finer] = tables;
    if (!table) return this.pressGroups(venueId, range, bucketMs);
    const from = Math.ceil(range.from / table.ms) * table.ms;
    const to = Math.floor(range.to / table.ms) * table.ms;
    if (from >= to) return this.pressSummary(venueId, range, bucketMs, finer);
    const parts = await Promise.all([
      range.from < from ? this.pressSummary(venueId, { from: range.from, to: from }, bucketMs, finer) : [],
      this.tableGroups(table, venueId, { from, to }, bucketMs),
      to < range.to ? this.pressSummary(venueId, { from: to, to: range.to }, bucketMs, finer) : [],
    ]);
    return parts.flat();
  }

  private async tableGroups(
    { table, column }: PressTable,
    venueId: string,
    range: { from: number; to: number },
    bucketMs: number,
  ): Promise<PressGroup[]> {
    const rows = await this.db
      .selectFrom(table)
      .select([
        'touchpoint_id',
        'level',
        'misuse',
        sql<number>`${sql.ref(column)} - (${sql.ref(column)} % ${bucketMs})`.as('bucket'),
        (eb) => eb.fn.sum<number>('count').as('count'),
      ])
      .where('venue_id', '=', venueId)
      .where(sql.ref(column), '>=', range.from)
      .where(sql.ref(column), '<', range.to)
      .groupBy(['touchpoint_id', 'level', 'misuse', sql.ref('bucket')])
      .execute();
    return rows.map((row) => toPressGroup(row));
  }

  /**
   * Counted in SQL from the press columns over the venue's time index: the ragged ends of a
   * report, or an alert rule's last hour. (`%` is integer arithmetic in both dialects, where `/`
   * with a bound number may divide as reals.)
   */
  private async pressGroups(
    venueId: string,
    range: { from: number; to: number },
    bucketMs: number,
  ): Promise<PressGroup[]> {
    if (range.from >= range.to) return [];
    const rows = await this.db
      .selectFrom('events')
      .select([
        'touchpoint_id',
        'level',
        'misuse',
        sql<number>`corrected_at - (corrected_at % ${bucketMs})`.as('bucket'),
        (eb) => eb.fn.countAll<number>().as('count'),
      ])
      .where('venue_id', '=', venueId)
      .where('type', '=', 'feedback.pressed')
      .where('corrected_at', '>=', range.from)
      .where('corrected_at', '<', range.to)
      .groupBy(['touchpoint_id', 'level', 'misuse', sql.ref('bucket')])
      .execute();
    return rows.map((row) => toPressGroup(row));
  }

  async feedbackReasons(venueId: string, range: { from: number; to: number }): Promise<ReasonRecord[]> {
    const rows = await this.db
      .selectFrom('events')
      .select(['id', 'corrected_at', 'device_id', 'payload'])
      .where('venue_id', '=', venueId)
      .where('type', '=', 'feedback.reason')
      .where('corrected_at', '>=', range.from)
      .where('corrected_at', '<', range.to)
      .orderBy('corrected_at')
      .execute();
    const reasons = rows.map((row) => {
      const payload = JSON.parse(row.payload) as { touchpointId: string; pressId: string; reasonId: string };
      return { id: row.id, at: row.corrected_at, deviceId: row.device_id, ...payload };
    });
    // Reasons are few beside presses: their presses are read by id, a few hundred at a time.
    const presses = new Map<string, NonNullable<ReasonRecord['press']>>();
    const ids = [...new Set(reasons.map((r) => r.pressId))];
    for (let i = 0; i < ids.length; i += 500) {
      const found = await this.db
        .selectFrom('events')
        .select(['id', 'device_id', 'touchpoint_id', 'corrected_at'])
        .where('venue_id', '=', venueId)
        .where('type', '=', 'feedback.pressed')
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const row of found)
        presses.set(row.id, { touchpointId: row.touchpoint_id!, deviceId: row.device_id, at: row.corrected_at });
    }
    return reasons.map((r) => ({
      id: r.id,
      at: r.at,
      deviceId: r.deviceId,
      touchpointId: r.touchpointId,
      pressId: r.pressId,
      reasonId: r.reasonId,
      press: presses.get(r.pressId) ?? null,
    }));
  }

  async saveTask(
    venueId: string,
    task: Task,
    deliveries: readonly NewWebhookDelivery[] = [],
    at: number = this.clock.now(),
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('tasks')
        .values({
          id: task.id,
          venue_id: venueId,
          cause_key: task.causeKey,
          state: task.state,
          opened_at: task.openedAt,
          body: JSON.stringify(task),
        })
        .onConflict((conflict) =>
          conflict
            .column('id')
            .doUpdateSet((eb) => ({ state: eb.ref('excluded.state'), body: eb.ref('excluded.body') })),
        )
        .execute();
      await queueDeliveries(trx, venueId, deliveries, at);
    });
  }

  async claimWeeklyReport(
    venueId: string,
    period: { from: string; to: string },
    deliveries: readonly NewWebhookDelivery[],
    at: number,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .insertInto('weekly_reports')
        .values({ venue_id: venueId, period_from: period.from, period_to: period.to, sent_at: at })
        .onConflict((conflict) => conflict.columns(['venue_id', 'period_to']).doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await queueDeliveries(trx, venueId, deliveries, at);
      return true;
    });
  }

  async weeklyReports(venueId: string): Promise<{ from: string; to: string; sentAt: number }[]> {
    const rows = await this.db
      .selectFrom('weekly_reports')
      .selectAll()
      .where('venue_id', '=', venueId)
      .orderBy('period_to', 'desc')
      .execute();
    return rows.map((row) => ({ from: row.period_from, to: row.period_to, sentAt: Number(row.sent_at) }));
  }

  async openTask(
    venueId: string,
    task: Task,
    deliveries: readonly NewWebhookDelivery[] = [],
    at: number = this.clock.now(),
  ): Promise<{ task: Task; created: boolean }> {
    const created = await this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('tasks')
        .values({
          id: task.id,
          venue_id: venueId,
          cause_key: task.causeKey,
          state: task.state,
          opened_at: task.openedAt,
          body: JSON.stringify(task),
        })
        // No conflict target: the partial unique index of open causes (migration 11) is the one that matters.
        .onConflict((conflict) => conflict.doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await queueDeliveries(trx, venueId, deliveries, at);
      return true;
    });
    if (created) return { task, created: true };
    const open = await this.db
      .selectFrom('tasks')
      .select('body')
      .where('venue_id', '=', venueId)
      .where('cause_key', '=', task.causeKey)
      .where('state', '<>', 'verified')
      .executeTakeFirst();
    // Verified between the insert and this read: the caller's next run opens it afresh.
    return open ? { task: JSON.parse(open.body) as Task, created: false } : { task, created: false };
  }

  async recordVisitRating(venueId: string, rating: VisitRated): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .insertInto('visit_ratings')
        .values({ ticket_id: rating.ticketId, venue_id: venueId, at: rating.at, body: JSON.stringify(rating) })
        .onConflict((conflict) => conflict.column('ticket_id').doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await trx
        .insertInto('touchpoint_counts')
        .values({ venue_id: venueId, touchpoint_id: rating.touchpointId, level: rating.level, count: 1 })
        .onConflict((conflict) =>
          conflict
            .columns(['venue_id', 'touchpoint_id', 'level'])
            .doUpdateSet((eb) => ({ count: eb('touchpoint_counts.count', '+', 1) })),
        )
        .execute();
      return true;
    });
  }

  async visitRatings(venueId: string, range: { from: number; to: number }): Promise<VisitRated[]> {
    const rows = await this.db
      .selectFrom('visit_ratings')
      .select('body')
      .where('venue_id', '=', venueId)
      .where('at', '>=', range.from)
      .where('at', '<', range.to)
      .orderBy('at')
      .execute();
    return rows.map((row) => parseVisitRated(row.body));
  }

  async tasks(venueId: string): Promise<Task[]> {
    const rows = await this.db
      .selectFrom('tasks')
      .select('body')
      .where('venue_id', '=', venueId)
      .orderBy('opened_at', 'desc')
      .execute();
    return rows.map((row) => JSON.parse(row.body) as Task);
  }

  async claimWebhookDeliveries(now: number, options: { limit: number; leaseMs: number }): Promise<WebhookDelivery[]> {
    const due = (eb: ExpressionBuilder<HubTables, 'webhook_deliveries'>) =>
      eb.and([
        eb('state', '=', 'pending'),
        eb('next_attempt_at', '<=', now),
        eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]),
      ]);
    // The outer condition is checked again on each row as it is locked (PostgreSQL): a row another
    // hub claimed meanwhile drops out instead of being claimed twice.
    const rows = await this.db
      .updateTable('webhook_deliveries')
      .set({ claimed_until: now + options.leaseMs })
      .where(due)
      .where(({ eb, refTuple, selectFrom }) =>
        eb(
          refTuple('id', 'url'),
          'in',
          selectFrom('webhook_deliveries')
            .select(['id', 'url'])
            .where(due)
            .orderBy('next_attempt_at')
            .limit(options.limit)
            .$asTuple('id', 'url'),
        ),
      )
      .returningAll()
      .execute();
    return rows.map(toWebhookDelivery);
  }

  async settleWebhookDelivery(delivery: { id: string; url: string }, outcome: DeliveryOutcome): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set((eb) => ({
        state: outcome.state,
        attempts: eb('attempts', '+', 1),
        claimed_until: null,
        last_status: outcome.status ?? null,
        last_error: outcome.error ?? null,
        next_attempt_at: outcome.state === 'pending' ? outcome.nextAttemptAt : eb.ref('next_attempt_at'),
        settled_at: outcome.state === 'pending' ? null : outcome.at,
      }))
      .where('id', '=', delivery.id)
      .where('url', '=', delivery.url)
      .execute();
  }

  async webhookDeliveries(venueId: string, state?: WebhookDeliveryState): Promise<WebhookDelivery[]> {
    let query = this.db.selectFrom('webhook_deliveries').selectAll().where('venue_id', '=', venueId);
    if (state) query = query.where('state', '=', state);
    const rows = await query.orderBy('created_at', 'desc').execute();
    return rows.map(toWebhookDelivery);
  }
}

/** Queues webhook deliveries inside the caller's transaction (a delivery already queued is kept as it is). */
async function queueDeliveries(
  trx: HubDb,
  venueId: string,
  deliveries: readonly NewWebhookDelivery[],
  at: number,
): Promise<void> {
  if (deliveries.length === 0) return;
  await trx
    .insertInto('webhook_deliveries')
    .values(
      deliveries.map((d) => ({
        id: d.id,
        url: d.url,
        venue_id: venueId,
        payload: d.payload,
        state: 'pending' as const,
        created_at: at,
        next_attempt_at: at,
        claimed_until: null,
        last_status: null,
        last_error: null,
        settled_at: null,
      })),
    )
    .onConflict((conflict) => conflict.columns(['id', 'url']).doNothing())
    .execute();
}

/** Parsed, not cast: a venue stored by an older release gains the defaults of newer fields. */
function parseVenue(config: string): Venue {
  return venueSchema.parse(JSON.parse(config));
}

/** Lists each in time order merged into one, oldest first (on a tie, the earlier list's first). */
function mergeByTime<T extends { at: number }>(lists: readonly T[][]): T[] {
  let merged: T[] = [];
  for (const list of lists) {
    if (merged.length === 0) {
      merged = list;
      continue;
    }
    const out: T[] = [];
    let i = 0;
    let j = 0;
    while (i < merged.length || j < list.length)
      out.push(j >= list.length || (i < merged.length && merged[i]!.at <= list[j]!.at) ? merged[i++]! : list[j++]!);
    merged = out;
  }
  return merged;
}

function toPressGroup(row: {
  touchpoint_id: string | null;
  level: number | null;
  misuse: number | null;
  bucket: number;
  count: number;
}): PressGroup {
  return {
    touchpointId: row.touchpoint_id!,
    level: row.level as FeedbackLevel,
    misuse: Boolean(row.misuse),
    bucket: Number(row.bucket),
    count: Number(row.count),
  };
}
