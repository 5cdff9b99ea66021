import { correctedTime } from './event-time.ts';
import type { IngestOutcome } from './hub-store.ts';
import type { PendingBatch } from './ingest-group.ts';
import { type IngestPlan, planIngest } from './ingest-plan.ts';
import { CompiledQuery } from './kysely.ts';
import {
  componentArrays,
  componentStatusUpdates,
  countArrays,
  feedbackIncrements,
  hourArrays,
  hourIncrements,
  pressArrays,
} from './store-rows.ts';
import type { HubDb } from './tables.ts';

/** A group whose writes failed: it rolled back, and each of its batches is stored alone. */
class GroupNotStored extends Error {
  constructor() {
    super('an event id of the group is held already');
    this.name = 'GroupNotStored';
  }
}

/**
 * Stores a group of batches (one per device) in one PostgreSQL transaction of four round trips,
 * whatever its size: lock the devices, read the ids at resent seqs, one statement for every write,
 * commit. Each batch is planned alone (planIngest) against its device's locked row; a batch the plan
 * refuses is left out of the group's writes and stored alone after it, through the one-batch path
 * that finds its exact refusal. If the writes find an id held already (a replayed event: rare), or
 * the transaction fails at all, nothing of the group is kept and every batch is stored alone, so one
 * kiosk's refusal or fault never fails another's batch. Answers are given only after the commit.
 */
export async function storeGroup(
  db: HubDb,
  group: readonly PendingBatch[],
  storeAlone: (batch: PendingBatch) => Promise<IngestOutcome>,
): Promise<void> {
  let written: { answers: Map<PendingBatch, IngestOutcome>; alone: PendingBatch[] };
  try {
    written = await db.transaction().execute((trx) => writeGroup(trx, group));
  } catch {
    // A commit whose answer was lost may have happened: storing again is safe, its events are duplicates now.
    await Promise.all(group.map((batch) => storeAlone(batch).then(batch.resolve, batch.reject)));
    return;
  }
  for (const [batch, outcome] of written.answers) batch.resolve(outcome);
  await Promise.all(written.alone.map((batch) => storeAlone(batch).then(batch.resolve, batch.reject)));
}

async function writeGroup(
  trx: HubDb,
  group: readonly PendingBatch[],
): Promise<{ answers: Map<PendingBatch, IngestOutcome>; alone: PendingBatch[] }> {
  const query = async <R>(text: string, values: readonly unknown[]): Promise<R[]> =>
    (await trx.executeQuery<R>(CompiledQuery.raw(text, [...values]))).rows;
  // Locked in id order, as every group does, so two hubs' groups wait for each other, never deadlock.
  const devices = await query<{ id: string; contiguous_seq: number }>(
    'SELECT id, contiguous_seq FROM devices WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE',
    [group.map((batch) => batch.deviceId)],
  );
  const storedSeqs = new Map(devices.map((device) => [device.id, device.contiguous_seq]));
  const idAtSeq = await idsAtResentSeqs(query, group, storedSeqs);

  const answers = new Map<PendingBatch, IngestOutcome>();
  const alone: PendingBatch[] = [];
  const accepted: { batch: PendingBatch; plan: IngestPlan }[] = [];
  for (const batch of group) {
    const storedSeq = storedSeqs.get(batch.deviceId);
    if (storedSeq === undefined) {
      answers.set(batch, { kind: 'unknown-device', contiguousSeq: 0 });
      continue;
    }
    const facts = { storedSeq, idAtSeq: idAtSeq.get(batch.deviceId) ?? new Map(), takenIds: new Set<string>() };
    const plan = planIngest(facts, batch.events);
    if (plan.kind === 'stored') accepted.push({ batch, plan });
    else alone.push(batch);
  }
  if (accepted.length === 0) return { answers, alone };

  const rows = accepted.flatMap(({ batch, plan }) => plan.inserts.map(({ event }) => ({ batch, event })));
  const inserted = rows.map((row) => row.event);
  const { increments } = feedbackIncrements(inserted);
  const components = componentStatusUpdates(inserted);
  const column = <T, R>(list: readonly T[], pick: (item: T) => R) => list.map(pick);
  const [written] = await query<{ n: number }>(
    `WITH inserted AS (
       INSERT INTO events (id, venue_id, device_id, seq, type, v, occurred_at, corrected_at, received_at, payload,
                           touchpoint_id, level, misuse)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::int[], $7::bigint[],
                            $8::bigint[], $9::bigint[], $10::text[], $27::text[], $28::int[], $29::int[])
       ON CONFLICT DO NOTHING
       RETURNING 1
     ), counted AS (
       INSERT INTO touchpoint_counts (venue_id, touchpoint_id, level, count)
       SELECT * FROM unnest($11::text[], $12::text[], $13::int[], $14::bigint[])
       ON CONFLICT (venue_id, touchpoint_id, level) DO UPDATE SET count = touchpoint_counts.count + excluded.count
     ), hours AS (
       INSERT INTO press_hours (venue_id, hour, touchpoint_id, level, misuse, count)
       SELECT * FROM unnest($30::text[], $31::bigint[], $32::text[], $33::int[], $34::int[], $35::bigint[])
       ON CONFLICT (venue_id, hour, touchpoint_id, level, misuse)
         DO UPDATE SET count = press_hours.count + excluded.count
     ), components AS (
       INSERT INTO component_status (venue_id, device_id, component, state, code, detail, at, seq)
       SELECT * FROM unnest($15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[],
                            $21::bigint[], $22::bigint[])
       ON CONFLICT (venue_id, device_id, component) DO UPDATE SET
         state = excluded.state, code = excluded.code, detail = excluded.detail, at = excluded.at, seq = excluded.seq
       WHERE excluded.seq > component_status.seq
     ), advanced AS (
       UPDATE devices SET contiguous_seq = d.seq, clock_offset_ms = d.offset_ms, last_seen_at = d.seen_at
       FROM unnest($23::text[], $24::bigint[], $25::bigint[], $26::bigint[]) AS d (id, seq, offset_ms, seen_at)
       WHERE devices.id = d.id
     )
     SELECT count(*)::int AS n FROM inserted`,
    [
      column(rows, ({ event }) => event.id),
      column(rows, ({ event }) => event.venueId),
      column(rows, ({ batch }) => batch.deviceId),
      column(rows, ({ event }) => event.seq),
      column(rows, ({ event }) => event.type),
      column(rows, ({ event }) => event.v),
      column(rows, ({ event }) => event.occurredAt),
      column(rows, ({ batch, event }) => correctedTime(event.occurredAt, batch.context)),
      column(rows, ({ batch }) => batch.context.receivedAt),
      column(rows, ({ event }) => JSON.stringify(event.payload)),
      ...countArrays(increments),
      ...componentArrays(components),
      column(accepted, ({ batch }) => batch.deviceId),
      column(accepted, ({ plan }) => plan.contiguousSeq),
      column(accepted, ({ batch }) => batch.context.clockOffsetMs),
      column(accepted, ({ batch }) => batch.context.receivedAt),
      ...pressArrays(inserted),
      ...hourArrays(
        hourIncrements(
          accepted.map(({ batch, plan }) => ({
            inserted: plan.inserts.map(({ event }) => event),
            context: batch.context,
          })),
        ),
      ),
    ],
  );
  // An id some other device's event holds: the batch that sent it is refused, alone.
  if (written?.n !== rows.length) throw new GroupNotStored();
  for (const { batch, plan } of accepted) {
    const events = plan.inserts.map(({ event }) => event);
    answers.set(batch, {
      kind: 'stored',
      contiguousSeq: plan.contiguousSeq,
      inserted: events,
      duplicates: plan.duplicates,
      touchpointsChanged: feedbackIncrements(events).touchpointsChanged,
    });
  }
  return { answers, alone };
}

/** The ids the store holds at the seqs the group's batches send again (a resend after a lost ack). */
async function idsAtResentSeqs(
  query: <R>(text: string, values: readonly unknown[]) => Promise<R[]>,
  group: readonly PendingBatch[],
  storedSeqs: ReadonlyMap<string, number>,
): Promise<Map<string, Map<number, string>>> {
  const deviceIds: string[] = [];
  const seqs: number[] = [];
  for (const batch of group) {
    const storedSeq = storedSeqs.get(batch.deviceId);
    if (storedSeq === undefined) continue;
    for (const event of batch.events)
      if (event.seq <= storedSeq) {
        deviceIds.push(batch.deviceId);
        seqs.push(event.seq);
      }
  }
  const idAtSeq = new Map<string, Map<number, string>>();
  if (seqs.length === 0) return idAtSeq;
  const rows = await query<{ device_id: string; seq: number; id: string }>(
    `SELECT e.device_id, e.seq, e.id FROM unnest($1::text[], $2::bigint[]) AS r (device_id, seq)
     JOIN events e ON e.device_id = r.device_id AND e.seq = r.seq`,
    [deviceIds, seqs],
  );
  for (const row of rows) {
    const ids = idAtSeq.get(row.device_id) ?? new Map<number, string>();
    ids.set(row.seq, row.id);
    idAtSeq.set(row.device_id, ids);
  }
  return idAtSeq;
}
