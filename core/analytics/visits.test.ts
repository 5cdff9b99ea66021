import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VisitRated } from '../events.ts';
import type { ReasonFacts } from './reasons.ts';
import { type JourneyStage, touchpointReport } from './report.ts';
import { type AnalyticsFilter, foldSpan, type SpanInput, stageOfTouchpoint } from './venue-report.ts';
import { DEFAULT_EXPERIENCE_SCALE } from './scores.ts';
import { countPresses, foldVisits, type PressFacts, type TicketFacts, type VisitReportInput } from './visit-report.ts';
import { attributeToVisits, peakEnd, UNATTRIBUTED, type VisitRules } from './visits.ts';

const MIN = 60_000;

const rules: VisitRules = {
  counterOfTouchpoint: new Map([
    ['desk-1', 'c1'],
    ['desk-2', 'c2'],
  ]),
  kioskTouchpoints: new Set(['kiosk']),
  exitTouchpoints: new Set(['exit']),
  windowMs: 5 * MIN,
  kioskWindowMs: 2 * MIN,
};

const ticket = (ticketId: string, facts: Partial<TicketFacts>): TicketFacts => ({
  ticketId,
  number: `A-${ticketId}`,
  serviceId: 'deposits',
  segmentId: null,
  kioskId: 'k1',
  issuedAt: 0,
  joinedAt: 0,
  calledAt: null,
  servedAt: null,
  counterId: null,
  postedWaitMin: null,
  ...facts,
});

const press = (at: number, touchpointId: string, level: 1 | 2 | 3 | 4 = 3, deviceId = 'k1'): PressFacts => ({
  at,
  touchpointId,
  deviceId,
  level,
  misuse: false,
});

const rating = (ticketId: string, at: number, fields: Partial<VisitRated> = {}): VisitRated => ({
  ticketId,
  touchpointId: 'phone',
  level: 3,
  at,
  segmentId: null,
  serviceId: 'deposits',
  counterId: 'c1',
  postedWaitMin: 10,
  actualWaitMin: 8,
  ...fields,
});

/** The store counts every press, those read one by one too. */
const input = (fields: Partial<VisitReportInput>): VisitReportInput => ({
  range: { from: 0, to: 1_000 * MIN },
  tickets: [],
  presses: [],
  counted: countPresses(fields.presses ?? [], 60 * MIN),
  ratings: [],
  rules,
  scale: DEFAULT_EXPERIENCE_SCALE,
  expectedAt: new Map(),
  includeMisuse: false,
  bucketMs: 60 * MIN,
  ...fields,
});

describe('visit building, by rule', () => {
  const tickets = [
    ticket('t1', { issuedAt: 0, servedAt: 10 * MIN, counterId: 'c1', segmentId: 'gold' }),
    ticket('t2', { issuedAt: 1 * MIN, kioskId: 'k2', servedAt: 12 * MIN, counterId: 'c2' }),
    ticket('t3', { issuedAt: 30 * MIN, servedAt: 40 * MIN, counterId: 'c1' }),
  ];

  it('gives the kiosk’s first press soon after taking a ticket to it, on that kiosk only', () => {
    const owner = attributeToVisits(
      [
        press(30_000, 'kiosk'), // t1, taken on k1 half a minute before
        press(40_000, 'kiosk'), // a second press: not t1's again
        press(70_000, 'kiosk', 3, 'k2'), // t2 on k2
        press(5 * MIN, 'kiosk'), // k1 took no ticket for 5 minutes: nobody's
      ],
      tickets,
      rules,
    );
    expect([...owner]).toEqual([0, UNATTRIBUTED, 1, UNATTRIBUTED]);
  });

  it('gives a counter’s box to the ticket it served last, within the window', () => {
    const owner = attributeToVisits(
      [press(9 * MIN, 'desk-1'), press(11 * MIN, 'desk-1'), press(15 * MIN, 'desk-1'), press(16 * MIN, 'desk-1')],
      tickets,
      rules,
    );
    expect([...owner]).toEqual([UNATTRIBUTED, 0, 0, UNATTRIBUTED]);
  });

  it('gives an exit press to a visit only when exactly one visit can be its owner', () => {
    const owner = attributeToVisits(
      [
        press(13 * MIN, 'exit'), // t1 and t2 were both served in the 5 minutes before: nobody's
        press(41 * MIN, 'exit'), // only t3: t3's
        press(42 * MIN, 'exit'), // t3 has left already: nobody's
      ],
      tickets,
      rules,
    );
    expect([...owner]).toEqual([UNATTRIBUTED, 2, UNATTRIBUTED]);
    // In time order, whatever order they come in: the earlier press is the one leaving.
    expect([...attributeToVisits([press(42 * MIN, 'exit'), press(41 * MIN, 'exit')], tickets, rules)]).toEqual([
      UNATTRIBUTED,
      2,
    ]);
  });

  it('ends a visit at its exit: a -5 at the exit after a +5 at the desk gives peak-end -5, whatever the stage', () => {
    const fold = foldVisits(
      input({
        tickets: [ticket('t3', { issuedAt: 30 * MIN, calledAt: 38 * MIN, servedAt: 40 * MIN, counterId: 'c1' })],
        presses: [press(41 * MIN, 'desk-1', 4), press(43 * MIN, 'exit', 1)],
      }),
    );
    expect(fold.visits).toHaveLength(1);
    expect(fold.visits[0]).toMatchObject({
      ticketId: 't3',
      moments: 2,
      average: 0,
      peak: -5,
      peakTouchpointId: 'exit',
      end: -5,
      endTouchpointId: 'exit',
      peakEnd: -5,
    });
  });

  it('joins the phone’s rating to its ticket with the holder’s own expectation, and keeps strays unattributed', () => {
    const fold = foldVisits(
      input({
        tickets: [
          ticket('t1', {
            segmentId: 'gold',
            calledAt: 12 * MIN,
            joinedAt: 0,
            postedWaitMin: 10,
            servedAt: 20 * MIN,
            counterId: 'c1',
          }),
        ],
        presses: [press(100 * MIN, 'desk-1', 1)],
        ratings: [rating('t1', 30 * MIN, { level: 2, vsExpectation: -3, segmentId: 'gold' })],
      }),
    );
    const [visit] = fold.visits;
    // The wait (2 minutes late: -2), then the phone's "unhappy" (-2).
    expect(visit).toMatchObject({ ticketId: 't1', segmentId: 'gold', moments: 2, vsExpectation: -3, end: -2 });
    expect(visit!.path.map((m) => m.touchpointId)).toEqual(['wait:deposits', 'phone']);
    expect([...fold.unattributedAt.values()].reduce((a, b) => a + b, 0)).toBe(1);
    const report = touchpointReport(fold.moments);
    expect(report.heatMap).toContainEqual(
      expect.objectContaining({ touchpointId: 'phone', segmentId: 'gold', unattributed: false, volume: 1 }),
    );
    expect(report.heatMap).toContainEqual(
      expect.objectContaining({ touchpointId: 'desk-1', segmentId: null, unattributed: true, volume: 1 }),
    );
    // Experience -2, "3 worse than I expected": expected +1, satisfaction -3.
    expect(report.touchpoints.find((t) => t.touchpointId === 'phone')!.expectation).toMatchObject({
      meanExperience: -2,
      meanExpected: 1,
      meanSatisfaction: -3,
    });
  });
});

// ---------- properties over generated venues ----------

const touchpointIds = ['kiosk', 'desk-1', 'desk-2', 'exit', 'restroom'] as const;

const ticketArb = fc.record({
  segmentId: fc.constantFrom(null, 'gold', 'diamond'),
  kioskId: fc.constantFrom(null, 'k1', 'k2'),
  issuedAt: fc.integer({ min: 0, max: 120 * MIN }),
  waitMs: fc.integer({ min: 0, max: 20 * MIN }),
  serveMs: fc.integer({ min: 0, max: 5 * MIN }),
  counterId: fc.constantFrom(null, 'c1', 'c2'),
  postedWaitMin: fc.constantFrom(null, 0, 5, 10),
});

const pressArb = fc.record({
  at: fc.integer({ min: 0, max: 150 * MIN }),
  touchpointId: fc.constantFrom(...touchpointIds),
  deviceId: fc.constantFrom('k1', 'k2'),
  level: fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const),
  misuse: fc.boolean(),
});

const venueArb = fc
  .record({
    tickets: fc.array(ticketArb, { maxLength: 25 }),
    presses: fc.array(pressArb, { maxLength: 80 }),
    rated: fc.array(fc.record({ index: fc.nat(), level: fc.constantFrom(1 as const, 4 as const) }), { maxLength: 10 }),
  })
  .map(({ tickets, presses, rated }) => {
    const facts = tickets.map((t, i) =>
      ticket(`t${i}`, {
        segmentId: t.segmentId,
        kioskId: t.kioskId,
        issuedAt: t.issuedAt,
        joinedAt: t.issuedAt,
        postedWaitMin: t.postedWaitMin,
        calledAt: t.counterId ? t.issuedAt + t.waitMs : null,
        servedAt: t.counterId ? t.issuedAt + t.waitMs + t.serveMs : null,
        counterId: t.counterId,
      }),
    );
    const ratings = facts.length
      ? [...new Map(rated.map((r) => [r.index % facts.length, r])).values()].map((r) => {
          const t = facts[r.index % facts.length]!;
          return rating(t.ticketId, (t.servedAt ?? t.issuedAt) + MIN, { level: r.level, segmentId: t.segmentId });
        })
      : [];
    return { tickets: facts, presses, ratings };
  });

describe('visit building, as properties', () => {
  it('a press joins at most one visit, of a ticket that exists, and only by a rule that can name it', () => {
    fc.assert(
      fc.property(venueArb, ({ tickets, presses }) => {
        const owner = attributeToVisits(presses, tickets, rules);
        presses.forEach((p, i) => {
          const o = owner[i]!;
          if (o === UNATTRIBUTED) return;
          expect(o).toBeGreaterThanOrEqual(0);
          expect(o).toBeLessThan(tickets.length);
          const t = tickets[o]!;
          if (p.touchpointId === 'restroom') throw new Error('a restroom press cannot name a visit');
          if (p.touchpointId === 'kiosk') {
            expect(t.kioskId).toBe(p.deviceId);
            expect(p.at - t.issuedAt).toBeGreaterThanOrEqual(0);
            expect(p.at - t.issuedAt).toBeLessThanOrEqual(rules.kioskWindowMs);
          } else {
            expect(t.servedAt).not.toBeNull();
            expect(p.at - t.servedAt!).toBeGreaterThanOrEqual(0);
            expect(p.at - t.servedAt!).toBeLessThanOrEqual(rules.windowMs);
          }
        });
        // Each visit has at most one kiosk press and one exit press.
        for (const tp of ['kiosk', 'exit']) {
          const owners = presses.flatMap((p, i) =>
            p.touchpointId === tp && owner[i] !== UNATTRIBUTED ? [owner[i]] : [],
          );
          expect(new Set(owners).size).toBe(owners.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('peak and end are moments of the visit: the end is its last, the peak its most extreme', () => {
    fc.assert(
      fc.property(venueArb, ({ tickets, presses, ratings }) => {
        const fold = foldVisits(input({ tickets, presses, ratings, includeMisuse: true }));
        let moments = 0;
        for (const visit of fold.visits) {
          moments += visit.moments;
          expect(visit.path).toHaveLength(visit.moments);
          const last = visit.path[visit.path.length - 1]!;
          expect(visit.end).toBe(last.experience);
          expect(visit.endTouchpointId).toBe(last.touchpointId);
          const peak = visit.path.find((m) => m.experience === visit.peak && m.touchpointId === visit.peakTouchpointId);
          expect(peak).toBeDefined();
          for (const m of visit.path) expect(Math.abs(m.experience)).toBeLessThanOrEqual(Math.abs(visit.peak));
          expect(visit.peakEnd).toBe((visit.peak + visit.end) / 2);
        }
        // Every attributed moment is in exactly one visit; the rest are counted as unattributed.
        const attributed = fold.moments.filter((m) => m.visit).length;
        expect(moments).toBe(attributed);
        expect(attributed + [...fold.unattributedAt.values()].reduce((a, b) => a + b, 0)).toBe(
          presses.length +
            ratings.length +
            tickets.filter((t) => t.calledAt !== null && t.postedWaitMin !== null).length,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('a segment filter never changes what the unfiltered report counts for that segment', () => {
    fc.assert(
      fc.property(venueArb, fc.constantFrom(null, 'gold', 'diamond'), ({ tickets, presses, ratings }, segmentId) => {
        const all = foldVisits(input({ tickets, presses, ratings }));
        const only = foldVisits(input({ tickets, presses, ratings, segmentId }));
        const cells = (report: ReturnType<typeof touchpointReport>) =>
          report.heatMap.filter((c) => !c.unattributed && c.segmentId === segmentId);
        expect(cells(touchpointReport(only.moments))).toEqual(cells(touchpointReport(all.moments)));
        expect(only.visits).toEqual(all.visits.filter((v) => v.segmentId === segmentId));
      }),
      { numRuns: 300 },
    );
  });
});

describe('peak-end', () => {
  it('reports peak and end beside the plain average (the later moment on a tie)', () => {
    const visit = [
      { at: 1, experience: 2, touchpointId: 'entrance' },
      { at: 2, experience: -4, touchpointId: 'waiting-area' },
      { at: 3, experience: 4, touchpointId: 'counter-1' },
      { at: 4, experience: 2, touchpointId: 'exit' },
    ];
    expect(peakEnd(visit)).toEqual({
      moments: 4,
      average: 1,
      peak: 4,
      peakTouchpointId: 'counter-1',
      end: 2,
      endTouchpointId: 'exit',
      peakEnd: 3,
    });
    expect(peakEnd([])).toBeNull();
  });
});

describe('filters (stage, touchpoint, segment)', () => {
  const stageOf = stageOfTouchpoint(
    new Map<string, JourneyStage>([
      ['kiosk', 'before'],
      ['desk-1', 'during'],
      ['desk-2', 'during'],
      ['exit', 'after'],
      ['restroom', 'after'],
      ['phone', 'after'],
    ]),
  );
  const filterArb = fc.record(
    {
      segmentId: fc.constantFrom(null, 'gold', 'diamond'),
      stage: fc.constantFrom<JourneyStage>('before', 'during', 'after'),
      touchpointId: fc.constantFrom(...touchpointIds, 'wait:deposits', 'phone'),
    },
    { requiredKeys: [] },
  );
  const reasonsArb = fc.array(fc.record({ index: fc.nat(), reasonId: fc.constantFrom('slow', 'rude', 'dirty') }), {
    maxLength: 20,
  });

  it('never change what the unfiltered report counts for the same subset', () => {
    fc.assert(
      fc.property(venueArb, filterArb, reasonsArb, ({ tickets, presses, ratings }, filter: AnalyticsFilter, picks) => {
        const withIds = presses.map((p, i) => ({ ...p, id: `p${i}` }));
        const reasons: ReasonFacts[] = withIds.length
          ? picks.map(({ index, reasonId }) => {
              const p = withIds[index % withIds.length]!;
              return { at: p.at, touchpointId: p.touchpointId, pressId: p.id, reasonId, press: p };
            })
          : [];
        const span = (f: AnalyticsFilter) =>
          foldSpan({
            ...(input({ tickets, presses: withIds, ratings }) as Omit<SpanInput, 'reasons'>),
            reasons,
            known: new Set([...touchpointIds, 'phone']),
            stageOf,
            reasonsOf: () => ['slow', 'rude', 'dirty'],
            filter: f,
          });
        const all = span({});
        const only = span(filter);
        const keep = (touchpointId: string) =>
          (filter.stage === undefined || stageOf(touchpointId) === filter.stage) &&
          (filter.touchpointId === undefined || touchpointId === filter.touchpointId);
        const inSegment = (segmentId: string | null, unattributed: boolean) =>
          filter.segmentId === undefined || (!unattributed && segmentId === filter.segmentId);
        const reportAll = touchpointReport(all.cells);
        const reportOnly = touchpointReport(only.cells);

        expect(reportOnly.heatMap).toEqual(
          reportAll.heatMap.filter((c) => keep(c.touchpointId) && inSegment(c.segmentId, c.unattributed)),
        );
        expect(only.visits).toEqual(
          all.visits.filter((v) => inSegment(v.segmentId, false) && v.path.some((m) => keep(m.touchpointId))),
        );
        expect(only.reasons.rows).toEqual(
          all.reasons.rows.filter((r) => keep(r.touchpointId) && inSegment(r.segmentId, r.unattributed)),
        );
        if (filter.segmentId === undefined) {
          expect(reportOnly.touchpoints).toEqual(reportAll.touchpoints.filter((t) => keep(t.touchpointId)));
          if (filter.stage !== undefined && filter.touchpointId === undefined)
            expect(reportOnly.stages).toContainEqual(reportAll.stages.find((st) => st.stage === filter.stage));
        }
      }),
      { numRuns: 300 },
    );
  });
});
