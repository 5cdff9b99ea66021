import {
  compareSpans,
  DEFAULT_REPORT_OPTIONS,
  type JourneyStage,
  type VenueAnalytics,
  surpriseRows,
  touchpointReport,
  type ReportOptions,
} from '../../core/analytics/report.ts';
import { type AnalyticsFilter, foldSpan, stageOfTouchpoint } from '../../core/analytics/venue-report.ts';
import { DEFAULT_EXPERIENCE_SCALE, type ExperienceScale, expectationOfTarget } from '../../core/analytics/scores.ts';
import { pathOf, type TicketFacts } from '../../core/analytics/visit-report.ts';
import { claimableWindows, type VisitRules } from '../../core/analytics/visits.ts';
import { MINUTE_MS, type QueueEvent } from '../../core/queue/types.ts';
import { phoneTouchpoint, type Venue } from '../../core/venue.ts';
import type { HubStore } from '../store/hub-store.ts';

export interface AnalyticsOptions {
  from: number;
  to: number;
  /** A press at a counter's box or the exit this soon after a service belongs to that visit. */
  attributionWindowMs?: number;
  /** Leave presses flagged as misuse out (the default), or count them to see their effect. */
  includeMisuse?: boolean;
  scale?: ExperienceScale;
  report?: Partial<ReportOptions>;
  /** Only the visits of one segment (null: visits without a segment). */
  segmentId?: string | null;
  /** Only the moments at touchpoints of one stage of the journey map, and the visits through it. */
  stage?: JourneyStage;
  /** Only the moments at one touchpoint, and the visits through it. */
  touchpointId?: string;
  /** "previous": also the same figures over the span just before, each change tested against noise. */
  compare?: 'previous';
  /** The venue's queue log when the caller has already read it (a report reads it once for all its parts). */
  queueLog?: readonly QueueEvent[];
}

export type { VenueAnalytics };

const DEFAULT_ATTRIBUTION_WINDOW_MS = 5 * MINUTE_MS;
/** The kiosk's own box speaks for the ticket just taken for this long: the next customer is close behind. */
const KIOSK_WINDOW_MS = 2 * MINUTE_MS;

/** What the queue log says about each ticket: its segment, kiosk, promise, call and service. */
function ticketFacts(events: readonly QueueEvent[]): TicketFacts[] {
  const tickets = new Map<string, TicketFacts>();
  for (const event of events) {
    if (event.type === 'ticket.issued') {
      tickets.set(event.ticketId, {
        ticketId: event.ticketId,
        number: event.number,
        serviceId: event.serviceId,
        segmentId: event.segmentId,
        kioskId: event.kioskId,
        issuedAt: event.issuedAt,
        joinedAt: event.returnWindow ? null : event.issuedAt,
        postedWaitMin: event.postedWaitMin,
        calledAt: null,
        servedAt: null,
        counterId: null,
      });
      continue;
    }
    const ticket = 'ticketId' in event ? tickets.get(event.ticketId) : undefined;
    if (!ticket) continue;
    if (event.type === 'ticket.renumbered') {
      ticket.number = event.to;
    } else if (event.type === 'ticket.checked-in') {
      ticket.joinedAt = event.at;
      if (event.postedWaitMin !== null) ticket.postedWaitMin = event.postedWaitMin;
    } else if (event.type === 'ticket.called' && ticket.calledAt === null) {
      ticket.calledAt = event.at;
    } else if (event.type === 'ticket.served') {
      ticket.servedAt = event.at;
      ticket.counterId = event.counterId;
    }
  }
  return [...tickets.values()];
}

/** Which touchpoints a visit can reach, and by which rule (core/analytics/visits.ts). */
function visitRules(venue: Venue, windowMs: number): VisitRules {
  const phoneId = phoneTouchpoint(venue).id;
  const plain = venue.touchpoints.filter((tp) => !tp.counterId && tp.id !== phoneId);
  return {
    counterOfTouchpoint: new Map(venue.touchpoints.flatMap((tp) => (tp.counterId ? [[tp.id, tp.counterId]] : []))),
    kioskTouchpoints: new Set(plain.filter((tp) => tp.stage === 'before').map((tp) => tp.id)),
    exitTouchpoints: new Set(plain.filter((tp) => tp.stage === 'after').map((tp) => tp.id)),
    windowMs,
    kioskWindowMs: Math.min(KIOSK_WINDOW_MS, windowMs),
  };
}

/**
 * Visit analytics for one venue over a period: the folds are core's (venue-report.ts, report.ts);
 * this gathers from the hub's store the presses a visit can reach one by one, the rest counted,
 * the queue log, the phones' ratings and the follow-up reasons.
 */
export class AnalyticsService {
  constructor(private readonly store: HubStore) {}

  async venueAnalytics(venueId: string, options: AnalyticsOptions): Promise<VenueAnalytics | undefined> {
    const venue = await this.store.getVenue(venueId);
    if (!venue) return undefined;
    const scale = options.scale ?? venue.analytics.experienceScale ?? DEFAULT_EXPERIENCE_SCALE;
    const windowMs =
      options.attributionWindowMs ??
      (venue.analytics.attributionWindowMin
        ? venue.analytics.attributionWindowMin * MINUTE_MS
        : DEFAULT_ATTRIBUTION_WINDOW_MS);
    const bucketMs = options.report?.trendBucketMs ?? DEFAULT_REPORT_OPTIONS.trendBucketMs;
    const rules = visitRules(venue, windowMs);
    const mapped = [...venue.touchpoints, phoneTouchpoint(venue)];
    const stageOf = stageOfTouchpoint(new Map(mapped.map((tp) => [tp.id, tp.stage])));
    const reasonsOf = new Map(mapped.map((tp) => [tp.id, tp.reasons.map((r) => r.id)]));
    const filter: AnalyticsFilter = {
      ...(options.segmentId === undefined ? {} : { segmentId: options.segmentId }),
      ...(options.stage === undefined ? {} : { stage: options.stage }),
      ...(options.touchpointId === undefined ? {} : { touchpointId: options.touchpointId }),
    };
    const tickets = ticketFacts(options.queueLog ?? (await this.store.queueEvents(venueId)));
    const claimable = claimableWindows(tickets, rules);
    const expectedAt = new Map(
      venue.touchpoints.flatMap((tp) => (tp.target === undefined ? [] : [[tp.id, expectationOfTarget(tp.target)]])),
    );

    const span = async (range: { from: number; to: number }) => {
      // Only the presses a visit could claim are read one by one; every press is counted.
      const inRange = claimable.flatMap((w) =>
        w.from < range.to && w.to > range.from
          ? [{ ...w, from: Math.max(w.from, range.from), to: Math.min(w.to, range.to) }]
          : [],
      );
      const [presses, counted, ratings, reasons] = await Promise.all([
        this.store.feedbackPresses(venueId, inRange),
        this.store.feedbackSummary(venueId, range, { bucketMs }),
        this.store.visitRatings(venueId, range),
        this.store.feedbackReasons(venueId, range),
      ]);
      return foldSpan({
        range,
        tickets,
        presses,
        counted,
        ratings,
        reasons,
        rules,
        scale,
        expectedAt,
        includeMisuse: options.includeMisuse === true,
        bucketMs,
        known: new Set(reasonsOf.keys()),
        stageOf,
        reasonsOf: (touchpointId) => reasonsOf.get(touchpointId),
        filter,
        ...(options.report ? { report: options.report } : {}),
      });
    };

    const now = await span(options);
    const items = now.visits;
    const meanOf = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);
    const report = touchpointReport(now.cells, options.report);
    const targetOf = new Map(
      venue.touchpoints.filter((tp) => tp.target !== undefined).map((tp) => [tp.id, tp.target!]),
    );
    let compare: VenueAnalytics['compare'] = null;
    if (options.compare === 'previous') {
      // The same length of time just before; a second read of the store, never of this span's moments.
      const previous = { from: 2 * options.from - options.to, to: options.from };
      const before = await span(previous);
      compare = compareSpans(
        { cells: now.cells, peakEnds: items.map((v) => v.peakEnd) },
        { ...previous, cells: before.cells, peakEnds: before.visits.map((v) => v.peakEnd) },
        options.report,
      );
    }
    return {
      venueId,
      from: options.from,
      to: options.to,
      timeZone: venue.timezone,
      ...report,
      // Each touchpoint against its own target, where the venue set one.
      touchpoints: report.touchpoints.map((row) => {
        const target = targetOf.get(row.touchpointId);
        return target === undefined
          ? row
          : { ...row, target, meetsTarget: row.happyIndex === null ? null : row.happyIndex >= target };
      }),
      reasons: now.reasons,
      unknownTouchpoints: now.unknownTouchpoints,
      compare,
      journeys: {
        count: items.length,
        meanAverage: meanOf(items.map((s) => s.average)),
        meanPeakEnd: meanOf(items.map((s) => s.peakEnd)),
        meanVsExpectation: meanOf(items.flatMap((s) => (s.vsExpectation === null ? [] : [s.vsExpectation]))),
        unattributed: now.unattributed,
        items: items.slice(-500).map((visit) => ({ ...visit, path: pathOf(visit) })),
      },
      surprise: surpriseRows(now.afterWaits),
    };
  }
}

/** The heat map as CSV (one row per touchpoint and segment), for spreadsheets. */
export function heatMapCsv(analytics: VenueAnalytics): string {
  const cell = (value: string | number | null) => {
    if (value === null) return '';
    const text = typeof value === 'number' ? String(Math.round(value * 1000) / 1000) : value;
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const rows = analytics.heatMap.map((c) =>
    [
      c.touchpointId,
      c.unattributed ? 'unattributed' : (c.segmentId ?? 'none'),
      c.volume,
      c.meanExperience,
      c.happyIndex,
      c.expectation?.meanExpected ?? null,
      c.expectation?.meanSatisfaction ?? null,
    ]
      .map(cell)
      .join(','),
  );
  const header = 'touchpoint,segment,volume,mean_experience,happy_index,mean_expected,mean_satisfaction';
  return `${[header, ...rows].join('\n')}\n`;
}
