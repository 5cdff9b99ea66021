import { describe, expect, it } from 'vitest';
import type { ReasonFacts } from './reasons.ts';
import { compareSpans, type JourneyStage, reportCells, type ScoredMoment, touchpointReport } from './report.ts';
import { DEFAULT_EXPERIENCE_SCALE } from './scores.ts';
import { countPresses, type PressFacts, type TicketFacts } from './visit-report.ts';
import { foldSpan, type SpanInput, stageOfTouchpoint } from './venue-report.ts';

const MIN = 60_000;
const stages = new Map<string, JourneyStage>([
  ['entrance', 'before'],
  ['desk-1', 'during'],
  ['exit', 'after'],
  ['phone', 'after'],
]);
const stageOf = stageOfTouchpoint(stages);

const ticket: TicketFacts = {
  ticketId: 't1',
  number: 'A-012',
  serviceId: 'deposits',
  segmentId: 'gold',
  kioskId: 'k1',
  issuedAt: 0,
  joinedAt: 0,
  calledAt: 10 * MIN,
  servedAt: 15 * MIN,
  counterId: 'c1',
  postedWaitMin: 10,
};

/** When each named press was made, so a reason can name it as the store does (kiosk, touchpoint, time). */
const pressTimes = new Map<string, number>();

const press = (id: string, at: number, touchpointId: string, level: 1 | 2 | 3 | 4): PressFacts => {
  pressTimes.set(id, at);
  return { at, touchpointId, deviceId: 'k1', level, misuse: false };
};

const reason = (pressId: string, reasonId: string, at: number, touchpointId: string, pressAt: string | null) =>
  ({
    at,
    touchpointId,
    pressId,
    reasonId,
    press: pressAt === null ? null : { touchpointId: pressAt, deviceId: 'k1', at: pressTimes.get(pressId) ?? -1 },
  }) satisfies ReasonFacts;

const span = (fields: Partial<SpanInput>): ReturnType<typeof foldSpan> =>
  foldSpan({
    range: { from: 0, to: 120 * MIN },
    tickets: [ticket],
    presses: [],
    // The store counts every press, those read one by one too.
    counted: countPresses(fields.presses ?? [], 60 * MIN),
    ratings: [],
    reasons: [],
    rules: {
      counterOfTouchpoint: new Map([['desk-1', 'c1']]),
      kioskTouchpoints: new Set(['entrance']),
      exitTouchpoints: new Set(['exit']),
      windowMs: 5 * MIN,
      kioskWindowMs: 2 * MIN,
    },
    scale: DEFAULT_EXPERIENCE_SCALE,
    expectedAt: new Map(),
    includeMisuse: false,
    bucketMs: 60 * MIN,
    known: new Set(['entrance', 'desk-1', 'exit', 'phone']),
    stageOf,
    reasonsOf: (touchpointId) =>
      touchpointId === 'desk-1' ? ['slow', 'rude'] : touchpointId === 'exit' ? [] : undefined,
    filter: {},
    ...fields,
  });

describe('stages', () => {
  it('rolls the touchpoints up by the journey map’s stage, the wait in "during"', () => {
    const fold = span({
      presses: [
        press('s1', 1 * MIN, 'entrance', 4),
        press('s2', 16 * MIN, 'desk-1', 1),
        press('s3', 17 * MIN, 'exit', 2),
      ],
    });
    const report = touchpointReport(fold.cells);
    // before: +5; during: the wait (called on time: 0) and the desk's -5; after: -2.
    expect(report.stages.map((s) => [s.stage, s.volume, s.meanExperience])).toEqual([
      ['before', 1, 5],
      ['during', 2, -2.5],
      ['after', 1, -2],
    ]);
    expect(report.stages[0]!.happyIndex).toBe(100);
    // The visit keeps its printed number and service.
    expect(fold.visits[0]).toMatchObject({ ticketNumber: 'A-012', serviceId: 'deposits', rating: null });
  });
});

describe('reasons', () => {
  const presses = [press('p1', 16 * MIN, 'desk-1', 1), press('p2', 70 * MIN, 'desk-1', 2)];

  it('counts valid reasons by touchpoint, visit segment and reason, with their share and trend', () => {
    const { reasons } = span({
      presses,
      reasons: [
        reason('p1', 'slow', 16 * MIN, 'desk-1', 'desk-1'),
        reason('p2', 'slow', 70 * MIN, 'desk-1', 'desk-1'),
        reason('p2', 'rude', 71 * MIN, 'desk-1', 'desk-1'),
      ],
    });
    expect(reasons.rows).toEqual([
      // p1 is t1's counter press (gold); p2 came long after its service: in no visit.
      {
        touchpointId: 'desk-1',
        stage: 'during',
        segmentId: 'gold',
        unattributed: false,
        reasonId: 'slow',
        count: 1,
        share: 1,
      },
      {
        touchpointId: 'desk-1',
        stage: 'during',
        segmentId: null,
        unattributed: true,
        reasonId: 'rude',
        count: 1,
        share: 0.5,
      },
      {
        touchpointId: 'desk-1',
        stage: 'during',
        segmentId: null,
        unattributed: true,
        reasonId: 'slow',
        count: 1,
        share: 0.5,
      },
    ]);
    expect(reasons.trend).toEqual([
      { from: 0, reasonId: 'slow', count: 1 },
      { from: 60 * MIN, reasonId: 'rude', count: 1 },
      { from: 60 * MIN, reasonId: 'slow', count: 1 },
    ]);
    expect(reasons.refused).toEqual([]);
  });

  it('counts the reason of the phone’s rating at its touchpoint, in its visit’s segment', () => {
    const rating = {
      ticketId: 't1',
      touchpointId: 'phone',
      level: 2 as const,
      reasonId: 'slow',
      at: 20 * MIN,
      segmentId: 'gold',
      serviceId: 'deposits',
      counterId: 'c1',
      postedWaitMin: 10,
      actualWaitMin: 10,
    };
    const fold = span({ ratings: [rating], reasonsOf: () => ['slow'], filter: { segmentId: 'gold' } });
    expect(fold.reasons.rows).toEqual([
      {
        touchpointId: 'phone',
        stage: 'after',
        segmentId: 'gold',
        unattributed: false,
        reasonId: 'slow',
        count: 1,
        share: 1,
      },
    ]);
    expect(fold.visits[0]!.rating).toBe(2);
    expect(span({ ratings: [rating], reasonsOf: () => [] }).reasons.refused).toEqual([
      { code: 'unknown-reason', count: 1 },
    ]);
  });

  it('refuses to count a reason for no press, a press elsewhere, or a reason off the journey map', () => {
    const { reasons } = span({
      presses,
      reasons: [
        reason('p9', 'slow', 16 * MIN, 'desk-1', null),
        reason('p1', 'slow', 16 * MIN, 'exit', 'desk-1'),
        reason('p1', 'dirty', 16 * MIN, 'desk-1', 'desk-1'),
        reason('p1', 'slow', 16 * MIN, 'desk-1', 'desk-1'),
      ],
    });
    expect(reasons.refused).toEqual([
      { code: 'press-elsewhere', count: 1 },
      { code: 'unknown-press', count: 1 },
      { code: 'unknown-reason', count: 1 },
    ]);
    expect(reasons.rows.map((r) => [r.reasonId, r.count])).toEqual([['slow', 1]]);
  });
});

describe('unknown touchpoints', () => {
  it('keeps presses at touchpoints off the map out of every score, and reports their volume', () => {
    const counted = [
      { touchpointId: 'old-door', level: 1 as const, misuse: false, bucket: 0, count: 7 },
      { touchpointId: 'old-door', level: 1 as const, misuse: true, bucket: 0, count: 2 },
      { touchpointId: 'exit', level: 4 as const, misuse: false, bucket: 0, count: 3 },
    ];
    const fold = span({ tickets: [], counted });
    expect(fold.unknownTouchpoints).toEqual([{ touchpointId: 'old-door', volume: 7 }]);
    const report = touchpointReport(fold.cells);
    expect(report.touchpoints.map((t) => t.touchpointId)).toEqual(['exit']);
    expect(report.baseline.volume).toBe(3);
    expect(fold.unattributed).toBe(3);
    // Filtered to a stage, a touchpoint off the map has none.
    expect(span({ tickets: [], counted, filter: { stage: 'after' } }).unknownTouchpoints).toEqual([]);
  });
});

describe('compare=previous', () => {
  const moments = (touchpointId: string, values: number[], at: number): ScoredMoment[] =>
    values.map((experience) => ({ touchpointId, segmentId: null, visit: false, at, experience }));
  const spread = (center: number) => Array.from({ length: 40 }, (_, i) => center + (i % 2 ? 1 : -1));

  it('marks a change beyond noise significant (Welch t), and a wobble not', () => {
    const now = reportCells([...moments('desk-1', spread(-3), 0), ...moments('exit', spread(2), 0)], stageOf);
    const before = reportCells([...moments('desk-1', spread(2), 0), ...moments('exit', [1, 3, 2.2, 1.8], 0)], stageOf);
    const compare = compareSpans(
      { cells: now, peakEnds: [1, 2, 3] },
      { from: -10, to: 0, cells: before, peakEnds: [1, 2, 3.5] },
    );
    expect(compare).toMatchObject({ from: -10, to: 0, baseline: { volume: 44 } });
    const desk = compare.touchpoints.find((t) => t.touchpointId === 'desk-1')!;
    expect(desk).toMatchObject({ volume: 40, previousVolume: 40, change: -5, significant: true });
    const exit = compare.touchpoints.find((t) => t.touchpointId === 'exit')!;
    expect(exit.significant).toBe(false);
    expect(exit.change).toBeCloseTo(0);
    expect(compare.stages.map((s) => [s.stage, s.volume, s.previousVolume, s.significant])).toEqual([
      ['before', 0, 0, false],
      ['during', 40, 40, true],
      ['after', 40, 4, false],
    ]);
    expect(compare.journeys).toMatchObject({ count: 3, previousCount: 3, significant: false });
    expect(compare.journeys.change).toBeCloseTo(-0.5 / 3);
  });

  it('lists a touchpoint seen in one span only, with nothing to test it against', () => {
    const compare = compareSpans(
      { cells: reportCells(moments('exit', [1, 2], 0), stageOf), peakEnds: [] },
      { from: 0, to: 1, cells: reportCells(moments('entrance', [4, 5], 0), stageOf), peakEnds: [] },
    );
    expect(compare.touchpoints).toEqual([
      {
        touchpointId: 'entrance',
        volume: 0,
        meanExperience: null,
        previousVolume: 2,
        previousMeanExperience: 4.5,
        change: null,
        significant: false,
      },
      {
        touchpointId: 'exit',
        volume: 2,
        meanExperience: 1.5,
        previousVolume: 0,
        previousMeanExperience: null,
        change: null,
        significant: false,
      },
    ]);
    expect(compare.journeys).toEqual({
      count: 0,
      meanPeakEnd: null,
      previousCount: 0,
      previousMeanPeakEnd: null,
      change: null,
      significant: false,
    });
  });
});
