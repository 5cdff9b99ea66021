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
  bucketArrays,
  pressTableIncrements,
  pressArrays,
} from './store-rows.ts';
import type { HubDb } from './tables.ts';

interface Accepted {
  batch: PendingBatch;
  plan: IngestPlan;
}

type Answers = Map<PendingBatch, IngestOutcome>;

/**
 * Stores a group of batches (one per device). The usual group, every batch continuing where its
 * device's stored seq ends, is planned on that guess and written by one call of ingest_group
 * (migrations.ts): one round trip, no BEGIN or COMMIT, and it writes nothing if a guess is wrong.
 * Any other group, or one the call did not store, takes a transaction of four round trips: lock
 * the devices, read the ids at resent seqs, plan each batch against its locked row, the same call.
 * A batch the plan refuses is stored alone after it, through the one-batch path that finds its
 * exact refusal. If an id is held already (a replayed event: rare), or the transaction fails at
 * all, nothing of the group is kept and every batch is stored alone, so one kiosk's refusal or
 * fault never fails another's batch. Answers are given only after the commit.
 */
export async function storeGroup(
  db: HubDb,
  group: readonly PendingBatch[],
  storeAlone: (batch: PendingBatch) => Promise<IngestOutcome>,
): Promise<void> {
  const continuing = planContinuations(group);
  // A failed call kept nothing (one statement is one transaction): the locked path finds out why.
  const stored =
    continuing && (await writeAccepted(db, continuing.accepted, continuing.plannedSeqs).catch(() => undefined));
  if (stored) {
    for (const [batch, outcome] of stored) batch.resolve(outcome);
    return;
  }
  let written: { answers: Answers; alone: PendingBatch[] };
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

/** Each batch planned as if its device had stored the seq before its first event; undefined if one cannot be. */
function planContinuations(
  group: readonly PendingBatch[],
): { accepted: Accepted[]; plannedSeqs: Map<string, number> } | undefined {
  const accepted: Accepted[] = [];
  const plannedSeqs = new Map<string, number>();
  for (const batch of group) {
    const first = batch.events[0];
    if (!first) return undefined;
    const storedSeq = first.seq - 1;
    const plan = planIngest({ storedSeq, idAtSeq: new Map(), takenIds: new Set() }, batch.events);
    if (plan.kind !== 'stored') return undefined;
    accepted.push({ batch, plan });
    plannedSeqs.set(batch.deviceId, storedSeq);
  }
  return { accepted, plannedSeqs };
}

async function writeGroup(
  trx: HubDb,
  group: readonly PendingBatch[],
): Promise<{ answers: Answers; alone: PendingBatch[] }> {
  const query = async <R>(text: string, values: readonly unknown[]): Promise<R[]> =>
    (await trx.executeQuery<R>(CompiledQuery.raw(text, [...values]))).rows;
  // Locked in id order, as every group does, so two hubs' groups wait for each other, never deadlock.
  const devices = await query<{ id: string; contiguous_seq: number }>(
    'SELECT id, contiguous_seq FROM devices WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE',
    [group.map((batch) => batch.deviceId)],
  );
  const storedSeqs = new Map(devices.map((device) => [device.id, device.contiguous_seq]));
  const idAtSeq = await idsAtResentSeqs(query, group, storedSeqs);

  const answers: Answers = new Map();
  const alone: PendingBatch[] = [];
  const accepted: Accepted[] = [];
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
  const stored = await writeAccepted(trx, accepted, storedSeqs);
  if (!stored) throw new Error('a device locked by this transaction moved its stored seq'); // cannot happen
  for (const [batch, outcome] of stored) answers.set(batch, outcome);
  return { answers, alone };
}

/**
 * One call of ingest_group for the planned batches: their answers, or undefined when a device's
 * stored seq is not the one planned against (nothing written). Raises if an id is held already
 * (unique_violation): the caller's transaction, or the call alone, keeps nothing.
 */
async function writeAccepted(
  db: HubDb,
  accepted: readonly Accepted[],
  plannedSeqs: ReadonlyMap<string, number>,
): Promise<Answers | undefined> {
  // Each batch's new events, taken from its plan once: the rollups, the rows and the answers share them.
  const batches = accepted.map(({ batch, plan }) => ({
    batch,
    plan,
    inserted: plan.inserts.map(({ event }) => event),
    context: batch.context,
  }));
  const rows = batches.flatMap(({ batch, inserted }) => inserted.map((event) => ({ batch, event })));
  const inserted = rows.map((row) => row.event);
  const column = <T, R>(list: readonly T[], pick: (item: T) => R) => list.map(pick);
  const parameters = [
    column(accepted, ({ batch }) => batch.deviceId),
    column(accepted, ({ batch }) => plannedSeqs.get(batch.deviceId)),
    column(accepted, ({ plan }) => plan.contiguousSeq),
    column(accepted, ({ batch }) => batch.context.clockOffsetMs),
    column(accepted, ({ batch }) => batch.context.receivedAt),
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
    ...pressArrays(inserted),
    ...countArrays(feedbackIncrements(inserted).increments),
    ...pressTableIncrements(batches).flatMap(({ increments }) => bucketArrays(increments)),
    ...componentArrays(componentStatusUpdates(inserted)),
  ];
  const placeholders = parameters.map((_, index) => `$${index + 1}`).join(', ');
  const result = await db.executeQuery<{ written: number }>(
    CompiledQuery.raw(`SELECT ingest_group(${placeholders}) AS written`, parameters),
  );
  if ((result.rows[0]?.written ?? -1) < 0) return undefined;
  const answers: Answers = new Map();
  for (const { batch, plan, inserted: events } of batches) {
    answers.set(batch, {
      kind: 'stored',
      contiguousSeq: plan.contiguousSeq,
      inserted: events,
      duplicates: plan.duplicates,
      touchpointsChanged: feedbackIncrements(events).touchpointsChanged,
    });
  }
  return answers;
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
