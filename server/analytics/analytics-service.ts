import { attributePresses, peakEnd, type JourneyMoment, type ServedTicket } from '../../core/analytics/journeys.ts';
import {
  DEFAULT_REPORT_OPTIONS,
  type VenueAnalytics,
  surpriseVsFeedback,
  touchpointReport,
  type ReportOptions,
  type ScoredMoment,
} from '../../core/analytics/report.ts';
import {
  DEFAULT_EXPERIENCE_SCALE,
  experienceOfPress,
  waitExperience,
  waitSurprise,
  type ExperienceScale,
} from '../../core/analytics/scores.ts';
import { MINUTE_MS, type QueueEvent } from '../../core/queue/types.ts';
import type { HubStore } from '../store/hub-store.ts';

export interface AnalyticsOptions {
  from: number;
  to: number;
  /** A press at a counter this soon after it served a ticket belongs to that ticket's journey. */
  attributionWindowMs?: number;
  /** Leave presses flagged as misuse out (the default), or count them to see their effect. */
  includeMisuse?: boolean;
  scale?: ExperienceScale;
  report?: Partial<ReportOptions>;
}

export type { VenueAnalytics };

const DEFAULT_ATTRIBUTION_WINDOW_MS = 5 * MINUTE_MS;

/** The waiting moment of a service, scored from its surprise, reported like a touchpoint. */
const waitTouchpointId = (serviceId: string) => `wait:${serviceId}`;

interface TicketFacts {
  serviceId: string;
  segmentId: string | null;
  joinedAt: number | null;
  postedWaitMin: number | null;
  calledAt: number | null;
  servedAt: number | null;
  counterId: string | null;
}

/** What the queue log says about each ticket: its segment, promise, call and service. */
function ticketFacts(events: readonly QueueEvent[]): Map<string, TicketFacts> {
  const tickets = new Map<string, TicketFacts>();
  for (const event of events) {
    if (event.type === 'ticket.issued') {
      tickets.set(event.ticketId, {
        serviceId: event.serviceId,
        segmentId: event.segmentId,
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
    if (event.type === 'ticket.checked-in') {
      ticket.joinedAt = event.at;
      if (event.postedWaitMin !== null) ticket.postedWaitMin = event.postedWaitMin;
    } else if (event.type === 'ticket.called' && ticket.calledAt === null) {
      ticket.calledAt = event.at;
    } else if (event.type === 'ticket.served') {
      ticket.servedAt = event.at;
      ticket.counterId = event.counterId;
    }
  }
  return tickets;
}

/**
 * Journey analytics for one venue over a period (docs/analytics.md): the folds are core's; this
 * gathers the moments from the hub's store: smiley presses, and waits scored by their surprise.
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
    // Presses at counters may belong to a journey: those are read one by one. All others are
    // counted by the store per touchpoint, level and time bucket.
    const counterTouchpoints = venue.touchpoints.filter((tp) => tp.counterId).map((tp) => tp.id);
    const [presses, groups, queueLog] = await Promise.all([
      this.store.feedbackPresses(venueId, options, counterTouchpoints),
      this.store.feedbackSummary(venueId, options, { bucketMs, exceptTouchpoints: counterTouchpoints }),
      this.store.queueEvents(venueId),
    ]);
    const tickets = ticketFacts(queueLog);

    const served: ServedTicket[] = [];
    for (const [ticketId, t] of tickets) {
      if (t.servedAt !== null && t.counterId !== null)
        served.push({ ticketId, counterId: t.counterId, servedAt: t.servedAt, segmentId: t.segmentId });
    }
    const counterOfTouchpoint = Object.fromEntries(
      venue.touchpoints.filter((tp) => tp.counterId).map((tp) => [tp.id, tp.counterId!]),
    );
    const counted = options.includeMisuse ? presses : presses.filter((p) => !p.misuse);
    const journeyOf = attributePresses(counted, served, counterOfTouchpoint, windowMs);

    const moments: ScoredMoment[] = [];
    const journeys = new Map<string, JourneyMoment[]>();
    const surpriseOf = new Map<string, number>();
    for (const [ticketId, t] of tickets) {
      if (
        t.calledAt === null ||
        t.joinedAt === null ||
        t.postedWaitMin === null ||
        t.calledAt < options.from ||
        t.calledAt >= options.to
      )
        continue;
      const surprise = waitSurprise(t.postedWaitMin, (t.calledAt - t.joinedAt) / MINUTE_MS);
      const moment = {
        touchpointId: waitTouchpointId(t.serviceId),
        segmentId: t.segmentId,
        at: t.calledAt,
        experience: waitExperience(surprise),
      };
      moments.push(moment);
      surpriseOf.set(ticketId, surprise);
      journeys.set(ticketId, [moment]);
    }
    for (const group of groups) {
      if (group.misuse && !options.includeMisuse) continue;
      moments.push({
        touchpointId: group.touchpointId,
        segmentId: null,
        at: group.bucket,
        experience: experienceOfPress(group.level, scale),
        level: group.level,
        count: group.count,
      });
    }
    const afterWaits: { surpriseMin: number; experience: number }[] = [];
    for (const press of counted) {
      const journey = journeyOf.get(press.id);
      const moment = {
        touchpointId: press.touchpointId,
        segmentId: journey?.segmentId ?? null,
        at: press.at,
        experience: experienceOfPress(press.level, scale),
        level: press.level,
      };
      moments.push(moment);
      if (!journey) continue;
      journeys.set(journey.ticketId, [...(journeys.get(journey.ticketId) ?? []), moment]);
      const surprise = surpriseOf.get(journey.ticketId);
      if (surprise !== undefined) afterWaits.push({ surpriseMin: surprise, experience: moment.experience });
    }

    const items = [...journeys].flatMap(([ticketId, journeyMoments]) => {
      const summary = peakEnd(journeyMoments);
      return summary ? [{ ticketId, segmentId: tickets.get(ticketId)?.segmentId ?? null, ...summary }] : [];
    });
    const meanOf = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);
    const report = touchpointReport(moments, options.report);
    const targetOf = new Map(
      venue.touchpoints.filter((tp) => tp.target !== undefined).map((tp) => [tp.id, tp.target!]),
    );
    return {
      venueId,
      from: options.from,
      to: options.to,
      ...report,
      // Each touchpoint against its own target, where the venue set one.
      touchpoints: report.touchpoints.map((row) => {
        const target = targetOf.get(row.touchpointId);
        return target === undefined
          ? row
          : { ...row, target, meetsTarget: row.happyIndex === null ? null : row.happyIndex >= target };
      }),
      journeys: {
        count: items.length,
        meanAverage: meanOf(items.map((s) => s.average)),
        meanPeakEnd: meanOf(items.map((s) => s.peakEnd)),
        items: items.slice(-500),
      },
      surprise: surpriseVsFeedback(afterWaits),
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
    [c.touchpointId, c.segmentId ?? 'unknown', c.volume, c.meanExperience, c.happyIndex].map(cell).join(','),
  );
  return `${['touchpoint,segment,volume,mean_experience,happy_index', ...rows].join('\n')}\n`;
}
