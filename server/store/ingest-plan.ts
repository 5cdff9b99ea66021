import type { AnyEventEnvelope } from '../../core/events.ts';
import type { IngestOutcome } from './hub-store.ts';

/** What the store holds that a batch of one device's events is checked against. */
export interface IngestFacts {
  /** The device's stored contiguousSeq: every seq up to it is held, none after it. */
  storedSeq: number;
  /** The id held at each of the batch's seqs up to storedSeq. */
  idAtSeq: ReadonlyMap<number, string>;
  /** Ids of the batch's new events that the store already holds (under another device or seq). */
  takenIds: ReadonlySet<string>;
}

export type IngestRefusal = Extract<IngestOutcome, { kind: 'seq-gap' | 'seq-conflict' | 'id-conflict' }>;

export interface IngestPlan {
  kind: 'stored';
  contiguousSeq: number;
  /** The events to insert, in seq order, with their place in the batch. */
  inserts: { event: AnyEventEnvelope; eventIndex: number }[];
  /** Events the store (or this batch, earlier) already holds at their seq: acked again, stored once. */
  duplicates: number;
}

/**
 * The walk over a batch's sequence numbers, the one rule every store applies: an event at a seq
 * already held is a duplicate if it is the same id there (a resend after a lost ack) and a
 * seq-conflict if not (a reset kiosk); a new event must come at contiguousSeq + 1 (else seq-gap)
 * with an id nobody holds (else id-conflict: a replayed or forged event, never stored twice). The
 * first problem refuses the whole batch; the outcome reports the stored contiguousSeq.
 *
 * A refusal can only move earlier when more ids are taken, never later, and everything before it
 * is planned alike: a store may plan with no taken ids and look them up only for a refusal (or
 * learn of them from the insert itself).
 */
export function planIngest(facts: IngestFacts, events: readonly AnyEventEnvelope[]): IngestPlan | IngestRefusal {
  const { storedSeq } = facts;
  const idAtSeq = new Map(facts.idAtSeq);
  const planned = new Set<string>();
  const inserts: IngestPlan['inserts'] = [];
  let contiguousSeq = storedSeq;
  let duplicates = 0;
  for (const [eventIndex, event] of events.entries()) {
    if (event.seq <= contiguousSeq) {
      if (idAtSeq.get(event.seq) !== event.id)
        return { kind: 'seq-conflict', contiguousSeq: storedSeq, eventIndex, seq: event.seq };
      duplicates += 1;
      continue;
    }
    if (event.seq !== contiguousSeq + 1)
      return { kind: 'seq-gap', contiguousSeq: storedSeq, eventIndex, seq: event.seq };
    if (facts.takenIds.has(event.id) || planned.has(event.id))
      return { kind: 'id-conflict', contiguousSeq: storedSeq, eventIndex, id: event.id };
    planned.add(event.id);
    idAtSeq.set(event.seq, event.id);
    contiguousSeq = event.seq;
    inserts.push({ event, eventIndex });
  }
  return { kind: 'stored', contiguousSeq, inserts, duplicates };
}
