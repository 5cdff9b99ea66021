import type { AnyEventEnvelope } from '../../core/events.ts';
import type { IngestContext, IngestOutcome } from './hub-store.ts';
import { planIngest } from './ingest-plan.ts';
import {
  type BucketIncrement,
  type CountIncrement,
  componentStatusUpdates,
  feedbackIncrements,
  type PressTable,
  pressTableIncrements,
} from './store-rows.ts';
import type { ComponentStatusRow } from './tables.ts';

/**
 * What a dialect reads and writes for one batch, all inside the one transaction the batch is
 * stored in. These are the hub's hottest statements, so each dialect writes them its fastest way.
 */
export interface IngestSteps {
  /** The device's stored contiguousSeq, undefined if it is not registered; PostgreSQL locks its row. */
  storedSeq(deviceId: string): Promise<number | undefined>;
  /** The ids the device holds at these seqs. */
  idsAtSeqs(deviceId: string, seqs: readonly number[]): Promise<Map<number, string>>;
  /** Which of these ids the store holds, whoever sent them. */
  heldIds(ids: readonly string[]): Promise<Set<string>>;
  /**
   * Inserts the events in order, skipping any id already held, and answers the position of the
   * first one it did not store (another device's batch holds that id), if any.
   */
  insertEvents(
    deviceId: string,
    events: readonly AnyEventEnvelope[],
    context: IngestContext,
  ): Promise<number | undefined>;
  /** Adds the counts to touchpoint_counts; rows come sorted, so concurrent batches lock them in one order. */
  bumpCounts(increments: readonly CountIncrement[]): Promise<void>;
  /** Adds the counts to a press table (press_hours, press_minutes), sorted like bumpCounts. */
  bumpPresses(table: PressTable, increments: readonly BucketIncrement[]): Promise<void>;
  /** Keeps each row unless the stored one has a higher seq; sorted like bumpCounts. */
  upsertComponents(rows: readonly ComponentStatusRow[]): Promise<void>;
  advanceDevice(deviceId: string, contiguousSeq: number, context: IngestContext): Promise<void>;
}

/** Thrown inside the batch's transaction so it rolls back; the outcome is answered, not thrown. */
export class RefusedBatch extends Error {
  constructor(readonly outcome: IngestOutcome) {
    super(`batch refused: ${outcome.kind}`);
    this.name = 'RefusedBatch';
  }
}

const NO_IDS: ReadonlySet<string> = new Set();

/**
 * Stores one device's batch (the HubStore.ingest contract) through a dialect's steps: reads what
 * planIngest needs, writes what it plans, and moves projections only for rows new in this batch.
 * Ids are not looked up before inserting: the insert itself reports an id already held, and only
 * a refused batch looks them up, because a held id before the refusal is the one to report.
 */
export async function ingestBatch(
  steps: IngestSteps,
  deviceId: string,
  events: readonly AnyEventEnvelope[],
  context: IngestContext,
): Promise<IngestOutcome> {
  const storedSeq = await steps.storedSeq(deviceId);
  if (storedSeq === undefined) return { kind: 'unknown-device', contiguousSeq: 0 };
  const resent = events.filter((event) => event.seq <= storedSeq).map((event) => event.seq);
  const idAtSeq = resent.length > 0 ? await steps.idsAtSeqs(deviceId, resent) : new Map<number, string>();
  const plan = planIngest({ storedSeq, idAtSeq, takenIds: NO_IDS }, events);
  if (plan.kind !== 'stored') {
    const newIds = events
      .slice(0, plan.eventIndex)
      .filter((event) => event.seq > storedSeq)
      .map((event) => event.id);
    if (newIds.length === 0) return plan;
    const checked = planIngest({ storedSeq, idAtSeq, takenIds: await steps.heldIds(newIds) }, events);
    // More taken ids only move a refusal earlier (planIngest): this is still a refusal.
    return checked.kind === 'stored' ? plan : checked;
  }

  const inserted = plan.inserts.map(({ event }) => event);
  if (inserted.length > 0) {
    const lost = await steps.insertEvents(deviceId, inserted, context);
    if (lost !== undefined) {
      const { event, eventIndex } = plan.inserts[lost]!;
      throw new RefusedBatch({ kind: 'id-conflict', contiguousSeq: storedSeq, eventIndex, id: event.id });
    }
  }
  const { increments, touchpointsChanged } = feedbackIncrements(inserted);
  if (increments.length > 0) await steps.bumpCounts(increments);
  for (const { table, increments: bumps } of pressTableIncrements([{ inserted, context }]))
    if (bumps.length > 0) await steps.bumpPresses(table, bumps);
  const components = componentStatusUpdates(inserted);
  if (components.length > 0) await steps.upsertComponents(components);
  await steps.advanceDevice(deviceId, plan.contiguousSeq, context);
  return {
    kind: 'stored',
    contiguousSeq: plan.contiguousSeq,
    inserted,
    duplicates: plan.duplicates,
    touchpointsChanged,
  };
}
