import { type ComponentHealth, emptyLevelCounts, type TouchpointCounts } from '../../core/protocol.ts';
import type { AnyEventEnvelope } from '../../core/events.ts';
import type { QueueEvent } from '../../core/queue/types.ts';
import { correctedTime } from './event-time.ts';
import type { DeviceRecord, IngestContext, UserRecord, WebhookDelivery } from './hub-store.ts';
import type { ComponentStatusRow, DeviceRow, HubTables, UserRow, WebhookDeliveryRow } from './tables.ts';

/** How rows of the hub's tables (tables.ts) become the records of the store contract, and back. */

export function toDevice(row: DeviceRow): DeviceRecord {
  return {
    id: row.id,
    venueId: row.venue_id,
    name: row.name,
    tokenHash: row.token_hash,
    contiguousSeq: row.contiguous_seq,
    clockOffsetMs: row.clock_offset_ms,
    lastSeenAt: row.last_seen_at,
  };
}

export function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    role: row.role,
    venueIds: JSON.parse(row.venue_ids) as string[],
    departments: JSON.parse(row.departments) as string[],
  };
}

export type TouchpointCountRow = Pick<HubTables['touchpoint_counts'], 'touchpoint_id' | 'level' | 'count'>;

/** touchpoint_counts rows (one per touchpoint and level), ordered by touchpoint, folded per touchpoint. */
export function toTouchpointCounts(
  rows: readonly TouchpointCountRow[],
  touchpointIds?: readonly string[],
): TouchpointCounts[] {
  const wanted = touchpointIds ? new Set(touchpointIds) : undefined;
  const byTouchpoint = new Map<string, TouchpointCounts>();
  for (const row of rows) {
    if (wanted && !wanted.has(row.touchpoint_id)) continue;
    const entry = byTouchpoint.get(row.touchpoint_id) ?? {
      touchpointId: row.touchpoint_id,
      counts: emptyLevelCounts(),
      total: 0,
    };
    entry.counts[row.level] += row.count;
    entry.total += row.count;
    byTouchpoint.set(row.touchpoint_id, entry);
  }
  return [...byTouchpoint.values()];
}

/**
 * A map's values sorted by key in byte order: batches that upsert rows in this order lock them in
 * one order, so concurrent batches wait for each other instead of deadlocking.
 */
function valuesInKeyOrder<T>(byKey: ReadonlyMap<string, T>): T[] {
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, value]) => value);
}

/** One touchpoint_counts bump: presses of one level at one touchpoint in a batch. */
export interface CountIncrement {
  venueId: string;
  touchpointId: string;
  level: number;
  count: number;
}

/**
 * The touchpoint_counts bumps of the presses new in a batch (misuse left out), sorted by
 * venue, touchpoint and level so concurrent batches bump rows in one order, and the touchpoints
 * they move, in the order first pressed.
 */
export function feedbackIncrements(inserted: readonly AnyEventEnvelope[]): {
  increments: CountIncrement[];
  touchpointsChanged: string[];
} {
  const byKey = new Map<string, CountIncrement>();
  for (const event of inserted) {
    if (event.type !== 'feedback.pressed' || event.payload.misuse) continue;
    const key = `${event.venueId}\u0000${event.payload.touchpointId}\u0000${event.payload.level}`;
    const entry = byKey.get(key) ?? {
      venueId: event.venueId,
      touchpointId: event.payload.touchpointId,
      level: event.payload.level,
      count: 0,
    };
    entry.count += 1;
    byKey.set(key, entry);
  }
  const touchpointsChanged = [...new Set([...byKey.values()].map((entry) => entry.touchpointId))];
  const increments = valuesInKeyOrder(byKey);
  return { increments, touchpointsChanged };
}

/**
 * Presses counted per time bucket, bumped in each batch's transaction: a month's report reads
 * press_hours (thousands of rows, not a million presses), and an alert run its last two hours of
 * press_minutes, however busy the venue. Coarsest first: feedbackSummary takes the first that fits.
 */
export const PRESS_TABLES = [
  { table: 'press_hours', column: 'hour', ms: 3_600_000 },
  { table: 'press_minutes', column: 'minute', ms: 60_000 },
] as const;

export type PressTable = (typeof PRESS_TABLES)[number];

/** One bump of a press table: a batch's presses of one touchpoint, level and misuse flag in one bucket. */
export interface BucketIncrement {
  venueId: string;
  /** Start of the bucket (ms, UTC). */
  bucket: number;
  touchpointId: string;
  level: number;
  misuse: 0 | 1;
  count: number;
}

/**
 * Each press table's bumps for the presses new in some batches (misuse kept: reports may count
 * it), each press at its corrected time: the finest table's counted from the presses, the coarser
 * ones summed from those (a batch's presses fall in a few minutes), each sorted by key like
 * feedbackIncrements.
 */
export function pressTableIncrements(
  batches: readonly { inserted: readonly AnyEventEnvelope[]; context: IngestContext }[],
): { table: PressTable; increments: BucketIncrement[] }[] {
  const finest = PRESS_TABLES[PRESS_TABLES.length - 1]!;
  const counted: BucketIncrement[] = [];
  for (const { inserted, context } of batches)
    for (const event of inserted) {
      if (event.type !== 'feedback.pressed') continue;
      const { touchpoint_id: touchpointId, level, misuse } = pressColumns(event.payload);
      // Each press a count of one at its own time: sumIntoBuckets floors it to the bucket.
      counted.push({
        venueId: event.venueId,
        bucket: correctedTime(event.occurredAt, context),
        touchpointId,
        level,
        misuse,
        count: 1,
      });
    }
  const fine = sumIntoBuckets(counted, finest.ms);
  return PRESS_TABLES.map((table) => ({ table, increments: table === finest ? fine : sumIntoBuckets(fine, table.ms) }));
}

/** Counts summed per venue, bucket of `bucketMs`, touchpoint, level and misuse flag, in key order. */
function sumIntoBuckets(counts: readonly BucketIncrement[], bucketMs: number): BucketIncrement[] {
  const byKey = new Map<string, BucketIncrement>();
  for (const { venueId, bucket: at, touchpointId, level, misuse, count } of counts) {
    const bucket = at - (at % bucketMs);
    const key = `${venueId}\u0000${bucket}\u0000${touchpointId}\u0000${level}\u0000${misuse}`;
    const entry = byKey.get(key);
    if (entry) entry.count += count;
    else byKey.set(key, { venueId, bucket, touchpointId, level, misuse, count });
  }
  return valuesInKeyOrder(byKey);
}

/** Rows as PostgreSQL's unnest takes them: one array per column, the columns in table order. */
function columnArrays<T>(rows: readonly T[], columns: readonly (keyof T)[]): unknown[][] {
  return columns.map((column) => rows.map((row) => row[column]));
}

/** touchpoint_counts bumps, as unnest takes them. */
export const countArrays = (increments: readonly CountIncrement[]) =>
  columnArrays(increments, ['venueId', 'touchpointId', 'level', 'count']);

/** A press table's bumps, as unnest takes them. */
export const bucketArrays = (increments: readonly BucketIncrement[]) =>
  columnArrays(increments, ['venueId', 'bucket', 'touchpointId', 'level', 'misuse', 'count']);

/** PostgreSQL text cannot hold U+0000 (a driver's raw status bytes can): both stores drop it. */
const withoutNul = (text: string) => text.replaceAll('\u0000', '');

/**
 * The component_status rows a batch moves: its device.status events, the last per device and
 * component (one row per key, so an upsert of them touches each row once), sorted by key so
 * concurrent batches lock rows in one order.
 */
export function componentStatusUpdates(inserted: readonly AnyEventEnvelope[]): ComponentStatusRow[] {
  const byKey = new Map<string, ComponentStatusRow>();
  for (const event of inserted) {
    if (event.type !== 'device.status') continue;
    const { component, state, code, detail } = event.payload;
    byKey.set(`${event.venueId}\u0000${event.deviceId}\u0000${component}`, {
      venue_id: event.venueId,
      device_id: event.deviceId,
      component,
      state,
      code: code === undefined ? null : withoutNul(code),
      detail: detail === undefined ? null : withoutNul(detail),
      at: event.occurredAt,
      seq: event.seq,
    });
  }
  return valuesInKeyOrder(byKey);
}

/** component_status rows, as unnest takes them. */
export const componentArrays = (rows: readonly ComponentStatusRow[]) =>
  columnArrays(rows, ['venue_id', 'device_id', 'component', 'state', 'code', 'detail', 'at', 'seq']);

export function toComponentHealth(row: ComponentStatusRow): ComponentHealth {
  return {
    deviceId: row.device_id,
    component: row.component,
    state: row.state,
    ...(row.code === null ? {} : { code: row.code }),
    ...(row.detail === null ? {} : { detail: row.detail }),
    at: Number(row.at),
  };
}

/** A press's columns of events (migration 12): touchpoint, level and misuse as 0/1. */
export type PressColumns = {
  touchpoint_id: string;
  level: number;
  misuse: 0 | 1;
};

/** The press columns of a feedback.pressed payload (also what migration 12 fills older rows with). */
export function pressColumns(payload: { touchpointId: string; level: number; misuse?: boolean }): PressColumns {
  return { touchpoint_id: payload.touchpointId, level: payload.level, misuse: payload.misuse === true ? 1 : 0 };
}

/** touchpoint_id, level and misuse of any event, as an insert binds them: NULLs unless it is a press. */
export type PressValues = [string | null, number | null, number | null];

export function pressValues(event: AnyEventEnvelope): PressValues {
  if (event.type !== 'feedback.pressed') return [null, null, null];
  const columns = pressColumns(event.payload);
  return [columns.touchpoint_id, columns.level, columns.misuse];
}

/** The same for a multi-row insert: one array per column. */
export function pressArrays(
  events: readonly AnyEventEnvelope[],
): [(string | null)[], (number | null)[], (number | null)[]] {
  const arrays: [(string | null)[], (number | null)[], (number | null)[]] = [[], [], []];
  for (const event of events) {
    const [touchpointId, level, misuse] = pressValues(event);
    arrays[0].push(touchpointId);
    arrays[1].push(level);
    arrays[2].push(misuse);
  }
  return arrays;
}

/** The ticket a queue event is about (queue_events.ticket_id), or null for counter and numbering events. */
export function ticketIdOf(event: QueueEvent): string | null {
  return 'ticketId' in event && typeof event.ticketId === 'string' ? event.ticketId : null;
}

export function toWebhookDelivery(row: WebhookDeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    url: row.url,
    venueId: row.venue_id,
    payload: row.payload,
    state: row.state,
    attempts: Number(row.attempts),
    createdAt: Number(row.created_at),
    nextAttemptAt: Number(row.next_attempt_at),
    lastStatus: row.last_status,
    lastError: row.last_error,
    settledAt: row.settled_at === null ? null : Number(row.settled_at),
  };
}
