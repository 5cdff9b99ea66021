import type { FeedbackLevel } from '../events.ts';
import type { VisitSummary } from './visit-report.ts';
import { happyIndex } from './scores.ts';
import { addInto, addValue, emptyMoments, mean, mergeMoments, welchT, type Moments } from './stats.ts';

/**
 * The touchpoint x segment report (docs/customer-experience.md rules 5, 6): a pure fold over scored moments, so
 * the hub, the CSV export and the benchmark compute exactly the same numbers.
 */

export interface ScoredMoment {
  touchpointId: string;
  /** The segment of the moment's visit (null: a visit without one, or no visit). */
  segmentId: string | null;
  /** Part of a visit; false: unattributed, which is not the same as "no segment". */
  visit: boolean;
  at: number;
  experience: number;
  /** The experience expected here on the same scale, where an expectation exists. */
  expected?: number;
  /** A wait's promise and reality, minutes (its expectation in its own unit). */
  postedWaitMin?: number;
  actualWaitMin?: number;
  /** Smiley level, for presses (the happy index counts presses only). */
  level?: FeedbackLevel;
  /** How many equal moments this stands for (pre-aggregated by the store); default 1. */
  count?: number;
}

export interface ReportOptions {
  /** A touchpoint needs this many moments before it can be called a pain point or a sweet spot. */
  minVolume: number;
  /** |Welch t| at or above this is significant (1.96: about 95% two-sided for large samples). */
  significanceT: number;
  /** Width of a trend bucket, ms (default one hour). */
  trendBucketMs: number;
}

export const DEFAULT_REPORT_OPTIONS: ReportOptions = { minVolume: 30, significanceT: 1.96, trendBucketMs: 60 * 60_000 };

/**
 * Experience beside expectation over the moments that have one (domain.md point 3): satisfaction
 * = experience - expected, on the -5..+5 scale; waits also in minutes, posted beside actual.
 */
interface ExpectationScore {
  volume: number;
  meanExperience: number;
  meanExpected: number;
  meanSatisfaction: number;
  meanPostedWaitMin?: number;
  meanActualWaitMin?: number;
}

interface CellScore {
  touchpointId: string;
  /** In the heat map: the visits' segment (null: no segment, or unattributed). Elsewhere null: all together. */
  segmentId: string | null;
  /** In the heat map: moments in no visit, a row apart from "no segment". */
  unattributed: boolean;
  volume: number;
  meanExperience: number | null;
  happyIndex: number | null;
  /** Null when no moment here has an expectation. */
  expectation: ExpectationScore | null;
}

interface TrendPoint {
  from: number;
  volume: number;
  meanExperience: number | null;
}

interface Standout extends CellScore {
  /** Welch t against the rest of the venue. */
  t: number;
  /** volume x (mean - baseline): how much this touchpoint moves the venue's whole experience. */
  impact: number;
}

export interface TouchpointReport {
  baseline: { volume: number; meanExperience: number | null };
  touchpoints: (CellScore & { trend: TrendPoint[] })[];
  /** A rollup per journey stage, always the three in order before, during, after. */
  stages: StageScore[];
  heatMap: CellScore[];
  painPoints: Standout[];
  sweetSpots: Standout[];
  /** Moments of truth: touchpoints ranked by |impact|, largest first. */
  mots: Standout[];
}

interface Cell {
  moments: Moments;
  levels: Record<FeedbackLevel, number>;
  /** Sums over the moments with an expectation. */
  expecting: { n: number; experience: number; expected: number; waits: number; posted: number; actual: number };
}

const emptyCell = (): Cell => ({
  moments: emptyMoments(),
  levels: { 1: 0, 2: 0, 3: 0, 4: 0 },
  expecting: { n: 0, experience: 0, expected: 0, waits: 0, posted: 0, actual: 0 },
});

function addTo(cells: Map<string, Cell>, key: string, moment: ScoredMoment): void {
  let cell = cells.get(key);
  if (!cell) {
    cell = emptyCell();
    cells.set(key, cell);
  }
  const count = moment.count ?? 1;
  addInto(cell.moments, moment.experience, count);
  if (moment.level !== undefined) cell.levels[moment.level] += count;
  if (moment.expected !== undefined) {
    const e = cell.expecting;
    e.n += count;
    e.experience += count * moment.experience;
    e.expected += count * moment.expected;
    if (moment.postedWaitMin !== undefined && moment.actualWaitMin !== undefined) {
      e.waits += count;
      e.posted += count * moment.postedWaitMin;
      e.actual += count * moment.actualWaitMin;
    }
  }
}

function expectationOf(cell: Cell): ExpectationScore | null {
  const e = cell.expecting;
  if (e.n === 0) return null;
  return {
    volume: e.n,
    meanExperience: e.experience / e.n,
    meanExpected: e.expected / e.n,
    meanSatisfaction: (e.experience - e.expected) / e.n,
    ...(e.waits > 0 ? { meanPostedWaitMin: e.posted / e.waits, meanActualWaitMin: e.actual / e.waits } : {}),
  };
}

const scoreOf = (touchpointId: string, segmentId: string | null, unattributed: boolean, cell: Cell): CellScore => ({
  touchpointId,
  segmentId,
  unattributed,
  volume: cell.moments.n,
  meanExperience: mean(cell.moments),
  happyIndex: happyIndex(cell.levels),
  expectation: expectationOf(cell),
});

/** Heat map key: unattributed moments get a row of their own, apart from "no segment". */
const UNATTRIBUTED_KEY = '\u0001';

/** A stage of the journey map (core/venue.ts); the wait moments count as "during". */
export type JourneyStage = 'before' | 'during' | 'after';
const JOURNEY_STAGES: readonly JourneyStage[] = ['before', 'during', 'after'];

/**
 * One pass over a span's moments: the cells every table of the report is built from. Kept apart
 * from the report so compare=previous can test two spans' cells against each other (Welch t)
 * without reading any moment twice.
 */
export interface ReportCells {
  all: Moments;
  byTouchpoint: Map<string, Cell>;
  byStage: Map<JourneyStage, Cell>;
  byCell: Map<string, Cell>;
  trends: Map<string, Map<number, Moments>>;
}

export function reportCells(
  moments: Iterable<ScoredMoment>,
  stageOf: (touchpointId: string) => JourneyStage,
  options: Partial<ReportOptions> = {},
): ReportCells {
  const opts = { ...DEFAULT_REPORT_OPTIONS, ...options };
  const byTouchpoint = new Map<string, Cell>();
  const byCell = new Map<string, Cell>();
  const trends = new Map<string, Map<number, Moments>>();
  const all = emptyMoments();
  for (const moment of moments) {
    addInto(all, moment.experience, moment.count ?? 1);
    addTo(byTouchpoint, moment.touchpointId, moment);
    addTo(byCell, `${moment.touchpointId}\u0000${moment.visit ? (moment.segmentId ?? '') : UNATTRIBUTED_KEY}`, moment);
    const bucket = Math.floor(moment.at / opts.trendBucketMs) * opts.trendBucketMs;
    let trend = trends.get(moment.touchpointId);
    if (!trend) {
      trend = new Map<number, Moments>();
      trends.set(moment.touchpointId, trend);
    }
    let inBucket = trend.get(bucket);
    if (!inBucket) {
      inBucket = emptyMoments();
      trend.set(bucket, inBucket);
    }
    addInto(inBucket, moment.experience, moment.count ?? 1);
  }
  // Stages merge their touchpoints' cells: no second pass over the moments.
  const byStage = new Map<JourneyStage, Cell>(JOURNEY_STAGES.map((stage) => [stage, emptyCell()]));
  for (const [touchpointId, cell] of byTouchpoint) mergeCell(byStage.get(stageOf(touchpointId))!, cell);
  return { all, byTouchpoint, byStage, byCell, trends };
}

function mergeCell(into: Cell, cell: Cell): void {
  into.moments = mergeMoments(into.moments, cell.moments);
  for (const level of [1, 2, 3, 4] as const) into.levels[level] += cell.levels[level];
  const e = into.expecting;
  const c = cell.expecting;
  e.n += c.n;
  e.experience += c.experience;
  e.expected += c.expected;
  e.waits += c.waits;
  e.posted += c.posted;
  e.actual += c.actual;
}

export function touchpointReport(
  moments: Iterable<ScoredMoment> | ReportCells,
  options: Partial<ReportOptions> = {},
): TouchpointReport {
  const opts = { ...DEFAULT_REPORT_OPTIONS, ...options };
  const cells = 'byTouchpoint' in moments ? moments : reportCells(moments, () => 'during', opts);
  const { all, byTouchpoint, byStage, byCell, trends } = cells;

  const touchpoints = [...byTouchpoint].map(([touchpointId, cell]) => ({
    ...scoreOf(touchpointId, null, false, cell),
    trend: [...(trends.get(touchpointId) ?? [])]
      .sort(([a], [b]) => a - b)
      .map(([from, m]) => ({ from, volume: m.n, meanExperience: mean(m) })),
  }));
  const heatMap = [...byCell].map(([key, cell]) => {
    const [touchpointId, segment] = key.split('\u0000') as [string, string];
    const unattributed = segment === UNATTRIBUTED_KEY;
    return scoreOf(touchpointId, segment === '' || unattributed ? null : segment, unattributed, cell);
  });

  const baseline = mean(all);
  const standouts: Standout[] = [];
  for (const [touchpointId, cell] of byTouchpoint) {
    const rest = {
      n: all.n - cell.moments.n,
      sum: all.sum - cell.moments.sum,
      sumSquares: all.sumSquares - cell.moments.sumSquares,
    };
    const t = welchT(cell.moments, rest);
    if (t === null || baseline === null) continue;
    standouts.push({
      ...scoreOf(touchpointId, null, false, cell),
      t,
      impact: cell.moments.n * (mean(cell.moments)! - baseline),
    });
  }
  const significant = standouts.filter((s) => s.volume >= opts.minVolume && Math.abs(s.t) >= opts.significanceT);
  return {
    baseline: { volume: all.n, meanExperience: baseline },
    touchpoints: touchpoints.sort((a, b) => a.touchpointId.localeCompare(b.touchpointId)),
    stages: JOURNEY_STAGES.map((stage) => {
      const {
        touchpointId: _,
        segmentId: __,
        unattributed: ___,
        ...score
      } = scoreOf('', null, false, byStage.get(stage)!);
      return { stage, ...score };
    }),
    heatMap: heatMap.sort(
      (a, b) =>
        a.touchpointId.localeCompare(b.touchpointId) ||
        Number(a.unattributed) - Number(b.unattributed) ||
        (a.segmentId ?? '').localeCompare(b.segmentId ?? ''),
    ),
    painPoints: significant.filter((s) => s.t < 0).sort((a, b) => a.impact - b.impact),
    sweetSpots: significant.filter((s) => s.t > 0).sort((a, b) => b.impact - a.impact),
    mots: [...standouts].sort((a, b) => Math.abs(b.impact) - Math.abs(a.impact)),
  };
}

/** Now beside before: the change and whether Welch's t says it is beyond noise. */
function comparedScore(now: Moments, before: Moments, significanceT: number): ComparedScore {
  const meanNow = mean(now);
  const meanBefore = mean(before);
  const t = welchT(now, before);
  return {
    volume: now.n,
    meanExperience: meanNow,
    previousVolume: before.n,
    previousMeanExperience: meanBefore,
    change: meanNow === null || meanBefore === null ? null : meanNow - meanBefore,
    significant: t !== null && Math.abs(t) >= significanceT,
  };
}

/**
 * compare=previous: every touchpoint and stage of either span, and the visits' peak-end, now
 * against the span just before.
 */
export function compareSpans(
  now: { cells: ReportCells; peakEnds: readonly number[] },
  before: { from: number; to: number; cells: ReportCells; peakEnds: readonly number[] },
  options: Partial<ReportOptions> = {},
): AnalyticsComparison {
  const { significanceT } = { ...DEFAULT_REPORT_OPTIONS, ...options };
  const momentsOf = (cell: Cell | undefined) => cell?.moments ?? emptyMoments();
  const touchpointIds = [...new Set([...now.cells.byTouchpoint.keys(), ...before.cells.byTouchpoint.keys()])].sort();
  const peakEnds = (values: readonly number[]) => values.reduce((m, v) => addValue(m, v), emptyMoments());
  const journeys = comparedScore(peakEnds(now.peakEnds), peakEnds(before.peakEnds), significanceT);
  return {
    from: before.from,
    to: before.to,
    baseline: { volume: before.cells.all.n, meanExperience: mean(before.cells.all) },
    touchpoints: touchpointIds.map((touchpointId) => ({
      touchpointId,
      ...comparedScore(
        momentsOf(now.cells.byTouchpoint.get(touchpointId)),
        momentsOf(before.cells.byTouchpoint.get(touchpointId)),
        significanceT,
      ),
    })),
    stages: JOURNEY_STAGES.map((stage) => ({
      stage,
      ...comparedScore(
        momentsOf(now.cells.byStage.get(stage)),
        momentsOf(before.cells.byStage.get(stage)),
        significanceT,
      ),
    })),
    journeys: {
      count: journeys.volume,
      meanPeakEnd: journeys.meanExperience,
      previousCount: journeys.previousVolume,
      previousMeanPeakEnd: journeys.previousMeanExperience,
      change: journeys.change,
      significant: journeys.significant,
    },
  };
}

/** Surprise buckets (minutes, posted - actual) for "how does wait surprise relate to feedback". */
const SURPRISE_BUCKETS = [-Infinity, -10, -5, 0, 5, 10, Infinity] as const;

export interface SurpriseRow {
  /** Surprise range [from, to), minutes. */
  from: number;
  to: number;
  volume: number;
  /** Mean experience of the feedback given after waits in this range. */
  meanExperience: number | null;
}

/** Feedback after waits, summed per range of wait surprise (SURPRISE_BUCKETS), not kept pair by pair. */
export type SurpriseTally = Moments[];

export const emptySurpriseTally = (): SurpriseTally => SURPRISE_BUCKETS.slice(1).map(() => emptyMoments());

export function tallySurprise(tally: SurpriseTally, surpriseMin: number, experience: number): void {
  const range = SURPRISE_BUCKETS.findIndex((to) => surpriseMin < to) - 1;
  addInto(tally[range]!, experience);
}

const addMoments = (into: Moments, m: Moments) => {
  into.n += m.n;
  into.sum += m.sum;
  into.sumSquares += m.sumSquares;
};

export function mergeSurpriseTallies(tallies: Iterable<SurpriseTally>): SurpriseTally {
  const merged = emptySurpriseTally();
  for (const tally of tallies) for (const [i, moments] of tally.entries()) addMoments(merged[i]!, moments);
  return merged;
}

/** Mean experience of the feedback that followed waits, per range of wait surprise. */
export function surpriseRows(tally: SurpriseTally): SurpriseRow[] {
  return tally.map((moments, i) => ({
    from: SURPRISE_BUCKETS[i]!,
    to: SURPRISE_BUCKETS[i + 1]!,
    volume: moments.n,
    meanExperience: mean(moments),
  }));
}

export function surpriseVsFeedback(pairs: Iterable<{ surpriseMin: number; experience: number }>): SurpriseRow[] {
  const tally = emptySurpriseTally();
  for (const pair of pairs) tallySurprise(tally, pair.surpriseMin, pair.experience);
  return surpriseRows(tally);
}

/** One stage's rollup: every scored moment at a touchpoint of that stage. */
interface StageScore {
  stage: JourneyStage;
  volume: number;
  meanExperience: number | null;
  happyIndex: number | null;
  expectation: ExpectationScore | null;
}

/** Follow-up reasons given after presses (docs/analytics.md). */
interface ReasonReport {
  /** One row per touchpoint, segment of the press's visit (null: none, or in no visit) and reason. */
  rows: {
    touchpointId: string;
    stage: JourneyStage;
    segmentId: string | null;
    /** The press is in no visit (segmentId null), a row apart from "no segment" as in the heat map. */
    unattributed: boolean;
    reasonId: string;
    count: number;
    /** count / the presses of that touchpoint (same segment) that gave any reason, 0..1. */
    share: number;
  }[];
  /** Reasons per trend bucket (ReportOptions.trendBucketMs), bucket start ascending. */
  trend: { from: number; reasonId: string; count: number }[];
  /**
   * Reasons the hub refused to count (kept as the kiosk sent them, its log is gap-free): no such
   * press, a press at another touchpoint, or a reason the journey map does not list there.
   */
  refused: { code: ReasonRefusal; count: number }[];
}

export type ReasonRefusal = 'unknown-press' | 'press-elsewhere' | 'unknown-reason';

/** A figure now beside the same figure over the span just before. */
interface ComparedScore {
  volume: number;
  meanExperience: number | null;
  previousVolume: number;
  previousMeanExperience: number | null;
  /** meanExperience - previousMeanExperience (null when either is). */
  change: number | null;
  /** |Welch t| between the two spans >= ReportOptions.significanceT: beyond noise. */
  significant: boolean;
}

/** compare=previous: the same length of time immediately before [from, to). */
interface AnalyticsComparison {
  /** The previous span, ms: [from, to), to = the answer's from. */
  from: number;
  to: number;
  /** The previous span's baseline (all its moments). */
  baseline: { volume: number; meanExperience: number | null };
  touchpoints: (ComparedScore & { touchpointId: string })[];
  stages: (ComparedScore & { stage: JourneyStage })[];
  journeys: {
    count: number;
    meanPeakEnd: number | null;
    previousCount: number;
    previousMeanPeakEnd: number | null;
    change: number | null;
    significant: boolean;
  };
}

/** The venue analytics the hub serves (GET /api/venues/:venueId/analytics). */
export interface VenueAnalytics extends TouchpointReport {
  venueId: string;
  /** The span read, ms: [from, to). Days asked as YYYY-MM-DD resolve in the venue's time zone. */
  from: number;
  to: number;
  /** The venue's IANA time zone (its calendar for days and hours). */
  timeZone: string;
  reasons: ReasonReport;
  /** Presses at touchpoints the journey map does not know (an outdated kiosk): kept, left out of scores. */
  unknownTouchpoints: { touchpointId: string; volume: number }[];
  /** Null unless compare=previous was asked. */
  compare: AnalyticsComparison | null;
  /** Visits (core/analytics/visits.ts): a ticket's wait and every moment tied to it. */
  journeys: {
    count: number;
    meanAverage: number | null;
    meanPeakEnd: number | null;
    /** Mean "compared with what you expected" over the visits whose holder answered it. */
    meanVsExpectation: number | null;
    /** Presses in no visit (counted, never guessed into one). */
    unattributed: number;
    /** The most recent visits (up to 500), each with its peak and end beside its average. */
    items: VisitSummary[];
  };
  surprise: SurpriseRow[];
}
