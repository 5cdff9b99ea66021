import type { FeedbackLevel } from '../../../core/events.ts';
import type { VenueAnalytics } from '../../../core/analytics/report.ts';

/**
 * What a newer hub adds to GET /api/venues/:id/analytics (the fields of core/analytics/report.ts
 * VenueAnalytics from the issue-18 API work). Optional here: the workspace draws them when the hub
 * sends them and works without them against a hub that does not.
 */
type JourneyStage = 'before' | 'during' | 'after';

interface ReasonRow {
  touchpointId: string;
  stage: JourneyStage;
  segmentId: string | null;
  reasonId: string;
  count: number;
  /** count / the presses of that touchpoint (same segment) that gave any reason, 0..1. */
  share: number;
}

interface ComparedScore {
  volume: number;
  meanExperience: number | null;
  previousVolume: number;
  previousMeanExperience: number | null;
  change: number | null;
  significant: boolean;
}

type Visit = VenueAnalytics['journeys']['items'][number] & {
  ticketNumber?: string;
  serviceId?: string;
  rating?: FeedbackLevel | null;
};

export type CxAnalytics = Omit<VenueAnalytics, 'journeys'> & {
  journeys: Omit<VenueAnalytics['journeys'], 'items'> & { items: Visit[] };
  timeZone?: string;
  reasons?: { rows: ReasonRow[]; trend: { from: number; reasonId: string; count: number }[] };
  unknownTouchpoints?: { touchpointId: string; volume: number }[];
  compare?: {
    from: number;
    to: number;
    baseline: { volume: number; meanExperience: number | null };
    touchpoints: (ComparedScore & { touchpointId: string })[];
    stages: (ComparedScore & { stage: JourneyStage })[];
  } | null;
};
