import { foldReasons, type ReasonFacts } from './reasons.ts';
import {
  type JourneyStage,
  mergeSurpriseTallies,
  type ReportCells,
  reportCells,
  type ReportOptions,
  type SurpriseTally,
  type VenueAnalytics,
} from './report.ts';
import { foldVisits, pressKey, type VisitReportInput, type VisitSummary } from './visit-report.ts';

/**
 * One span of a venue's analytics, filtered (docs/analytics.md): the visits are attributed over
 * everything the span holds, then the moments, visits and reasons outside the filter are left
 * out, so a filter never changes what the unfiltered report counts for the same subset.
 */

export interface AnalyticsFilter {
  /** Only the visits of one segment (null: visits without one); moments in no visit are left out. */
  segmentId?: string | null;
  stage?: JourneyStage;
  touchpointId?: string;
}

export interface SpanInput extends Omit<VisitReportInput, 'segmentId' | 'trackPresses'> {
  reasons: readonly ReasonFacts[];
  /** The journey map's touchpoints (with the phone's): presses anywhere else are unknown. */
  known: ReadonlySet<string>;
  stageOf: (touchpointId: string) => JourneyStage;
  reasonsOf: (touchpointId: string) => readonly string[] | undefined;
  filter: AnalyticsFilter;
  report?: Partial<ReportOptions>;
}

export interface SpanFold {
  cells: ReportCells;
  visits: VisitSummary[];
  unattributed: number;
  afterWaits: SurpriseTally;
  unknownTouchpoints: VenueAnalytics['unknownTouchpoints'];
  reasons: VenueAnalytics['reasons'];
}

/** Waits are scored as "wait:<service>" moments, in the "during" stage. */
export const stageOfTouchpoint =
  (stages: ReadonlyMap<string, JourneyStage>) =>
  (touchpointId: string): JourneyStage =>
    stages.get(touchpointId) ?? 'during';

export function foldSpan(input: SpanInput): SpanFold {
  const { filter, stageOf } = input;
  // Counted presses at touchpoints the map does not know: kept in the store, shown, never scored.
  const unknown = new Map<string, number>();
  const counted = input.counted.filter((group) => {
    if (input.known.has(group.touchpointId)) return true;
    if (!group.misuse || input.includeMisuse)
      unknown.set(group.touchpointId, (unknown.get(group.touchpointId) ?? 0) + group.count);
    return false;
  });
  const fold = foldVisits({
    ...input,
    counted,
    ...(filter.segmentId === undefined ? {} : { segmentId: filter.segmentId }),
    trackPresses: new Set(input.reasons.flatMap((r) => (r.press ? [pressKey(r.press)] : []))),
  });
  const keep = (touchpointId: string) =>
    (filter.stage === undefined || stageOf(touchpointId) === filter.stage) &&
    (filter.touchpointId === undefined || touchpointId === filter.touchpointId);
  const narrowed = filter.stage !== undefined || filter.touchpointId !== undefined;
  const moments = narrowed ? fold.moments.filter((m) => keep(m.touchpointId)) : fold.moments;
  // A visit is kept whole (its peak and end stay what they are) when it passes where the filter looks.
  const visits = narrowed ? fold.visits.filter((v) => v.path.some((m) => keep(m.touchpointId))) : fold.visits;
  let unattributed = 0;
  for (const [touchpointId, count] of fold.unattributedAt) if (keep(touchpointId)) unattributed += count;
  // The phone's rating may carry a reason too: it names its ticket, so it is always in a visit.
  const keyOfPress = new Map(input.reasons.flatMap((r) => (r.press ? [[r.pressId, pressKey(r.press)]] : [])));
  const ratingSegment = new Map<string, string | null>();
  const reasons = [...input.reasons];
  for (const rating of input.ratings) {
    if (rating.reasonId === undefined || rating.at < input.range.from || rating.at >= input.range.to) continue;
    const pressId = `visit:${rating.ticketId}`;
    ratingSegment.set(pressId, rating.segmentId);
    reasons.push({
      at: rating.at,
      touchpointId: rating.touchpointId,
      pressId,
      reasonId: rating.reasonId,
      press: { touchpointId: rating.touchpointId, deviceId: 'phone', at: rating.at },
    });
  }
  const segmentOfPress = (pressId: string) => {
    const key = keyOfPress.get(pressId);
    return key !== undefined && fold.segmentOfPress.has(key)
      ? fold.segmentOfPress.get(key)!
      : ratingSegment.get(pressId);
  };
  return {
    cells: reportCells(moments, stageOf, input.report),
    visits,
    unattributed,
    afterWaits: mergeSurpriseTallies(
      [...fold.afterWaits].flatMap(([touchpointId, tally]) => (keep(touchpointId) ? [tally] : [])),
    ),
    unknownTouchpoints:
      filter.segmentId !== undefined || filter.stage !== undefined
        ? []
        : [...unknown]
            .filter(([touchpointId]) => filter.touchpointId === undefined || touchpointId === filter.touchpointId)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([touchpointId, volume]) => ({ touchpointId, volume })),
    reasons: foldReasons({
      reasons,
      reasonsOf: input.reasonsOf,
      stageOf,
      segmentOfPress,
      filter,
      bucketMs: input.bucketMs,
    }),
  };
}
