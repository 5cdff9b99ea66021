import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnyEventEnvelope } from '../../core/events.ts';
import { type IngestFacts, type IngestPlan, type IngestRefusal, planIngest } from './ingest-plan.ts';

function event(seq: number, id = `e${seq}`): AnyEventEnvelope {
  return {
    id,
    type: 'feedback.pressed',
    v: 1,
    venueId: 'venue-a',
    deviceId: 'k1',
    seq,
    occurredAt: 1_000 + seq,
    payload: { touchpointId: 'entrance', level: 4, source: 'serial', misuse: false },
  };
}

/** What a store holding the kiosk's events up to `storedSeq` (ids e1, e2, ...) knows. */
function holding(storedSeq: number, takenIds: readonly string[] = []): IngestFacts {
  const idAtSeq = new Map(Array.from({ length: storedSeq }, (_, i) => [i + 1, `e${i + 1}`] as const));
  return { storedSeq, idAtSeq, takenIds: new Set(takenIds) };
}

const insertedSeqs = (plan: IngestPlan | IngestRefusal) =>
  plan.kind === 'stored' ? plan.inserts.map(({ event, eventIndex }) => [event.seq, eventIndex]) : plan;

describe('planIngest: the walk over a batch of one device', () => {
  it('plans new events after the stored sequence and counts resent ones as duplicates', () => {
    expect(planIngest(holding(2), [event(1), event(2), event(3), event(4)])).toEqual({
      kind: 'stored',
      contiguousSeq: 4,
      inserts: [
        { event: event(3), eventIndex: 2 },
        { event: event(4), eventIndex: 3 },
      ],
      duplicates: 2,
    });
    expect(planIngest(holding(2), [])).toEqual({ kind: 'stored', contiguousSeq: 2, inserts: [], duplicates: 0 });
  });

  it('treats an event repeated later in its own batch as a duplicate of itself', () => {
    expect(insertedSeqs(planIngest(holding(0), [event(1), event(2), event(1)]))).toEqual([
      [1, 0],
      [2, 1],
    ]);
    expect(planIngest(holding(0), [event(1), event(2), event(1)])).toMatchObject({ duplicates: 1 });
  });

  it('refuses a gap, a different id at a held seq and an id held elsewhere, reporting the stored seq', () => {
    expect(planIngest(holding(1), [event(2), event(4)])).toEqual({
      kind: 'seq-gap',
      contiguousSeq: 1,
      eventIndex: 1,
      seq: 4,
    });
    expect(planIngest(holding(1), [event(2), event(1, 'reset-kiosk')])).toEqual({
      kind: 'seq-conflict',
      contiguousSeq: 1,
      eventIndex: 1,
      seq: 1,
    });
    expect(planIngest(holding(1, ['e2']), [event(2)])).toEqual({
      kind: 'id-conflict',
      contiguousSeq: 1,
      eventIndex: 0,
      id: 'e2',
    });
    // The same id at two new seqs of one batch.
    expect(planIngest(holding(0), [event(1, 'x'), event(2, 'x')])).toEqual({
      kind: 'id-conflict',
      contiguousSeq: 0,
      eventIndex: 1,
      id: 'x',
    });
  });

  it('reports the first problem of a batch', () => {
    expect(planIngest(holding(0, ['e1']), [event(1), event(3)])).toMatchObject({ kind: 'id-conflict', eventIndex: 0 });
    expect(planIngest(holding(0, ['e3']), [event(1), event(3)])).toMatchObject({ kind: 'seq-gap', eventIndex: 1 });
  });
});

// ---------- properties ----------

/**
 * A store holding a kiosk's events e1..eN, and a batch as a kiosk sends it (its events in order
 * from some point at or before the stored seq: resends, then new ones) with the faults of a broken
 * or hostile sender (a different id at a seq, a skipped seq, an event repeated, an id reused at
 * another seq), and a few of the kiosk's ids that another device already sent.
 */
const scenario = fc.integer({ min: 0, max: 12 }).chain((storedSeq) =>
  fc.record({
    storedSeq: fc.constant(storedSeq),
    from: fc.integer({ min: 0, max: storedSeq }),
    length: fc.nat(10),
    faults: fc.array(fc.record({ at: fc.nat(10), kind: fc.constantFrom('forge', 'skip', 'repeat', 'reuse') }), {
      maxLength: 2,
    }),
    takenSeqs: fc.array(fc.integer({ min: 1, max: storedSeq + 12 }), { maxLength: 2 }),
  }),
);
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function build({ storedSeq, from, length, faults, takenSeqs }: Scenario) {
  const events = Array.from({ length }, (_, i) => event(from + i + 1));
  for (const { at, kind } of faults) {
    const i = at % (events.length + 1);
    const target = events[i];
    if (kind === 'repeat' && events[i - 1]) events.splice(i, 0, events[i - 1]!);
    if (!target) continue;
    if (kind === 'forge') events[i] = event(target.seq, `forged-${target.seq}`);
    if (kind === 'skip') events.splice(i, 1);
    if (kind === 'reuse' && events[0]) events[i] = event(target.seq, events[0].id);
  }
  const taken = takenSeqs.filter((seq) => seq > storedSeq).map((seq) => `e${seq}`);
  return { events, facts: holding(storedSeq, taken), noneTaken: holding(storedSeq) };
}

const refusedAt = (plan: IngestPlan | IngestRefusal) =>
  plan.kind === 'stored' ? Number.POSITIVE_INFINITY : plan.eventIndex;

/** The store's facts after it applied a stored plan. */
function afterStoring(facts: IngestFacts, plan: IngestPlan): IngestFacts {
  const idAtSeq = new Map(facts.idAtSeq);
  for (const { event } of plan.inserts) idAtSeq.set(event.seq, event.id);
  return { storedSeq: plan.contiguousSeq, idAtSeq, takenIds: facts.takenIds };
}

describe('planIngest: properties', () => {
  it('stores any batch a working kiosk sends: its own events in order from at most the stored seq + 1', () => {
    const honest = fc.record({
      storedSeq: fc.nat(12),
      back: fc.nat(12),
      length: fc.nat(10),
      // A resend may overlap what was just sent: an event repeated right after itself.
      repeats: fc.array(fc.boolean(), { maxLength: 10 }),
    });
    fc.assert(
      fc.property(honest, ({ storedSeq, back, length, repeats }) => {
        const from = Math.max(0, storedSeq - back);
        const events = Array.from({ length }, (_, i) => event(from + i + 1)).flatMap((e, i) =>
          repeats[i] ? [e, e] : [e],
        );
        const plan = planIngest(holding(storedSeq), events);
        expect(plan).toMatchObject({ kind: 'stored', contiguousSeq: Math.max(storedSeq, from + length) });
        expect(insertedSeqs(plan)).toEqual(
          events.flatMap((e, i) => (e.seq > storedSeq && events[i - 1] !== e ? [[e.seq, i]] : [])),
        );
      }),
    );
  });

  it('plans a gap-free run of new seqs and ids; each event of the batch is inserted or a duplicate', () => {
    fc.assert(
      fc.property(scenario, (value) => {
        const { events, facts } = build(value);
        const plan = planIngest(facts, events);
        if (plan.kind !== 'stored') return;
        expect(plan.inserts.map(({ event }) => event.seq)).toEqual(
          Array.from({ length: plan.contiguousSeq - facts.storedSeq }, (_, i) => facts.storedSeq + i + 1),
        );
        expect(plan.inserts.length + plan.duplicates).toBe(events.length);
        expect(plan.inserts.every(({ event, eventIndex }) => events[eventIndex] === event)).toBe(true);
        const ids = plan.inserts.map(({ event }) => event.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.some((id) => facts.takenIds.has(id))).toBe(false);
      }),
    );
  });

  it('refuses with the stored seq, and everything before the refusal would have been stored', () => {
    fc.assert(
      fc.property(scenario, (value) => {
        const { events, facts } = build(value);
        const plan = planIngest(facts, events);
        if (plan.kind === 'stored') return;
        expect(plan.contiguousSeq).toBe(facts.storedSeq);
        expect(planIngest(facts, events.slice(0, plan.eventIndex)).kind).toBe('stored');
        expect(planIngest(facts, events.slice(0, plan.eventIndex + 1))).toEqual(plan);
      }),
    );
  });

  it('answers a batch sent again after it was stored with duplicates only (a lost ack)', () => {
    fc.assert(
      fc.property(scenario, (value) => {
        const { events, facts } = build(value);
        const plan = planIngest(facts, events);
        if (plan.kind !== 'stored') return;
        expect(planIngest(afterStoring(facts, plan), events)).toEqual({
          kind: 'stored',
          contiguousSeq: plan.contiguousSeq,
          inserts: [],
          duplicates: events.length,
        });
      }),
    );
  });

  it('plans a batch as the same events split into two batches stored one after the other', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), (value, cut) => {
        const { events, facts } = build(value);
        const whole = planIngest(facts, events);
        if (whole.kind !== 'stored') return;
        const at = cut % (events.length + 1);
        const first = planIngest(facts, events.slice(0, at));
        expect(first.kind).toBe('stored');
        if (first.kind !== 'stored') return;
        const second = planIngest(afterStoring(facts, first), events.slice(at));
        expect(second).toMatchObject({ kind: 'stored', contiguousSeq: whole.contiguousSeq });
        if (second.kind !== 'stored') return;
        expect([...first.inserts, ...second.inserts].map(({ event }) => event)).toEqual(
          whole.inserts.map(({ event }) => event),
        );
      }),
    );
  });

  it('moves a refusal only earlier when more ids are taken, and plans alike before it (stores rely on this)', () => {
    fc.assert(
      fc.property(scenario, (value) => {
        const { events, facts, noneTaken } = build(value);
        const optimistic = planIngest(noneTaken, events);
        const checked = planIngest(facts, events);
        expect(refusedAt(checked)).toBeLessThanOrEqual(refusedAt(optimistic));
        if (refusedAt(checked) < refusedAt(optimistic)) expect(checked.kind).toBe('id-conflict');
        else expect(checked).toEqual(optimistic);
      }),
      { numRuns: 1000 },
    );
  });
});
