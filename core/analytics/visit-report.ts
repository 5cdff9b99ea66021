import type { FeedbackLevel, VisitRated } from '../events.ts';
import { emptySurpriseTally, type ScoredMoment, type SurpriseTally, tallySurprise } from './report.ts';
import { type ExperienceScale, experienceOfPress, waitExperience, waitSurprise } from './scores.ts';
import { attributeToVisits, type PeakEnd, peakEnd, UNATTRIBUTED, type VisitRules, type VisitTicket } from './visits.ts';

/**
 * The moments of a period, each in its visit or unattributed, scored on one -5..+5 scale with its
 * expectation where one exists (domain.md point 3): a pure fold over what the store read, so the
 * hub, the benchmark and the property tests compute the same numbers.
 */

const MINUTE_MS = 60_000;

/** What the queue log says about one ticket. */
export interface TicketFacts extends VisitTicket {
  ticketId: string;
  /** The number on its paper (after any renumbering). */
  number: string;
  serviceId: string;
  /** When the holder joined the line (issue, or check-in for a return ticket). */
  joinedAt: number | null;
  calledAt: number | null;
  postedWaitMin: number | null;
}

/** A press read one by one (at a touchpoint a visit can reach). */
export interface PressFacts {
  at: number;
  touchpointId: string;
  deviceId: string;
  level: FeedbackLevel;
  misuse: boolean;
}

/** A press told apart from any other: its kiosk, touchpoint and corrected time. */
export const pressKey = (press: { deviceId: string; touchpointId: string; at: number }): string =>
  `${press.deviceId}\u0000${press.touchpointId}\u0000${press.at}`;

/** Presses counted by the store (those not read one by one). */
export interface PressCount {
  touchpointId: string;
  level: FeedbackLevel;
  misuse: boolean;
  bucket: number;
  count: number;
}

/** Groups of the same touchpoint, level, misuse flag and bucket summed into one (new objects). */
export function sumPressCounts(groups: Iterable<PressCount>): PressCount[] {
  const byKey = new Map<string, PressCount>();
  for (const group of groups) {
    const key = `${group.touchpointId}\u0000${group.level}\u0000${group.misuse}\u0000${group.bucket}`;
    const same = byKey.get(key);
    if (same) same.count += group.count;
    else byKey.set(key, { ...group });
  }
  return [...byKey.values()];
}

/** Presses counted as the store's feedbackSummary counts them: per touchpoint, level, misuse and bucket. */
export function countPresses(presses: readonly PressFacts[], bucketMs: number): PressCount[] {
  return sumPressCounts(
    presses.map(({ touchpointId, level, misuse, at }) => ({
      touchpointId,
      level,
      misuse,
      bucket: at - (at % bucketMs),
      count: 1,
    })),
  );
}

export interface VisitReportInput {
  range: { from: number; to: number };
  tickets: readonly TicketFacts[];
  /** Presses read one by one: those a visit could claim (each is in `counted` too). */
  presses: readonly PressFacts[];
  /** Every press of the span, counted by the store; a visit's presses move out of their group. */
  counted: readonly PressCount[];
  ratings: readonly VisitRated[];
  rules: VisitRules;
  scale: ExperienceScale;
  /** Touchpoint -> the experience the venue expects there (from its target), on the scale. */
  expectedAt: ReadonlyMap<string, number>;
  includeMisuse: boolean;
  /** Trend bucket (ms) the unattributed presses are counted in. */
  bucketMs: number;
  /** Only the visits of this segment (null: visits without one); unattributed presses are left out. */
  segmentId?: string | null;
  /** Presses (by pressKey) whose visit's segment the caller wants to know: those a reason answers. */
  trackPresses?: ReadonlySet<string>;
}

/** One moment of a visit's path, as reports show it. */
export interface PathMoment {
  at: number;
  touchpointId: string;
  experience: number;
}

/** A visit's path with each moment's other fields left out, for answers and files. */
export const pathOf = (visit: VisitSummary): PathMoment[] =>
  visit.path.map(({ at, touchpointId, experience }) => ({ at, touchpointId, experience }));

export interface VisitSummary extends PeakEnd {
  ticketId: string;
  /** The number printed on the ticket ("A-012"), from the queue log. */
  ticketNumber: string;
  serviceId: string;
  segmentId: string | null;
  /** The phone's whole-visit level (1..4), or null when the holder gave none. */
  rating: FeedbackLevel | null;
  /** The holder's "compared with what you expected" on the phone, if given. */
  vsExpectation: number | null;
  /** The visit's moments in time order: where it went and how each moment scored (pathOf trims them). */
  path: readonly PathMoment[];
}

export interface VisitFold {
  moments: ScoredMoment[];
  visits: VisitSummary[];
  /** Presses (and counted presses) in no visit, per touchpoint (whatever the segment asked). */
  unattributedAt: Map<string, number>;
  /** Wait surprise beside each attributed press or rating that followed the wait. */
  afterWaits: Map<string, SurpriseTally>;
  /** Of the tracked presses (by pressKey): the segment of the visit each belongs to (absent: in no visit). */
  segmentOfPress: Map<string, string | null>;
}

/** The waiting moment of a service, scored from its surprise, reported like a touchpoint. */
const waitTouchpointId = (serviceId: string) => `wait:${serviceId}`;

const inRange = (at: number, range: { from: number; to: number }) => at >= range.from && at < range.to;

export function foldVisits(input: VisitReportInput): VisitFold {
  const { range, tickets, scale } = input;
  const wanted = (segmentId: string | null) => input.segmentId === undefined || input.segmentId === segmentId;
  const moments: ScoredMoment[] = [];
  const visitMoments = new Map<number, ScoredMoment[]>();
  const surpriseOf = new Map<number, number>();
  const vsExpectationOf = new Map<number, number>();
  const ratingOf = new Map<number, FeedbackLevel>();
  const afterWaits: VisitFold['afterWaits'] = new Map();
  const join = (ticket: number, moment: ScoredMoment) => {
    moments.push(moment);
    const list = visitMoments.get(ticket);
    if (list) list.push(moment);
    else visitMoments.set(ticket, [moment]);
    const surprise = surpriseOf.get(ticket);
    if (surprise !== undefined && !moment.touchpointId.startsWith('wait:')) {
      let tally = afterWaits.get(moment.touchpointId);
      if (!tally) {
        tally = emptySurpriseTally();
        afterWaits.set(moment.touchpointId, tally);
      }
      tallySurprise(tally, surprise, moment.experience);
    }
  };

  tickets.forEach((t, i) => {
    if (t.calledAt === null || t.joinedAt === null || t.postedWaitMin === null || !inRange(t.calledAt, range)) return;
    if (!wanted(t.segmentId)) return;
    // The posted wait is the expectation; the wait's score is already experience minus it.
    const surprise = waitSurprise(t.postedWaitMin, (t.calledAt - t.joinedAt) / MINUTE_MS);
    surpriseOf.set(i, surprise);
    join(i, {
      touchpointId: waitTouchpointId(t.serviceId),
      segmentId: t.segmentId,
      visit: true,
      at: t.calledAt,
      experience: waitExperience(surprise),
      expected: 0,
      postedWaitMin: t.postedWaitMin,
      actualWaitMin: (t.calledAt - t.joinedAt) / MINUTE_MS,
    });
  });

  const presses = input.includeMisuse ? input.presses : input.presses.filter((p) => !p.misuse);
  const owner = attributeToVisits(presses, tickets, input.rules);
  // Millions of presses stay counted in groups; only a visit's own become moments of their own.
  // Groups by touchpoint, then by a number for level, misuse and bucket (no key string per press).
  const slotOf = (level: number, misuse: boolean, bucket: number) =>
    (bucket / input.bucketMs) * 8 + (level - 1) * 2 + (misuse ? 1 : 0);
  const groups = new Map<string, Map<number, PressCount>>();
  for (const g of input.counted) {
    let atTouchpoint = groups.get(g.touchpointId);
    if (!atTouchpoint) {
      atTouchpoint = new Map();
      groups.set(g.touchpointId, atTouchpoint);
    }
    atTouchpoint.set(slotOf(g.level, g.misuse, g.bucket), { ...g });
  }
  const tracked = input.trackPresses?.size ? input.trackPresses : undefined;
  const segmentOfPress = new Map<string, string | null>();
  presses.forEach((press, i) => {
    const ticket = owner[i]!;
    if (ticket === UNATTRIBUTED) return;
    const bucket = press.at - (press.at % input.bucketMs);
    const group = groups.get(press.touchpointId)?.get(slotOf(press.level, press.misuse, bucket));
    if (!group || group.count === 0) throw new Error(`a press read one by one was not counted: ${pressKey(press)}`);
    group.count -= 1;
    const segmentId = tickets[ticket]!.segmentId;
    if (tracked?.has(pressKey(press))) segmentOfPress.set(pressKey(press), segmentId);
    if (!wanted(segmentId)) return;
    const moment: ScoredMoment = {
      touchpointId: press.touchpointId,
      segmentId,
      visit: true,
      at: press.at,
      experience: experienceOfPress(press.level, scale),
      level: press.level,
    };
    const expected = input.expectedAt.get(press.touchpointId);
    if (expected !== undefined) moment.expected = expected;
    join(ticket, moment);
  });

  const ticketIndex = new Map(tickets.map((t, i) => [t.ticketId, i]));
  for (const rating of input.ratings) {
    const ticket = ticketIndex.get(rating.ticketId);
    if (ticket === undefined || !inRange(rating.at, range) || !wanted(rating.segmentId)) continue;
    const experience = experienceOfPress(rating.level, scale);
    const target = input.expectedAt.get(rating.touchpointId);
    // The holder's own comparison beats the venue's target: it is their expectation.
    const expected = rating.vsExpectation !== undefined ? experience - rating.vsExpectation : target;
    if (rating.vsExpectation !== undefined) vsExpectationOf.set(ticket, rating.vsExpectation);
    ratingOf.set(ticket, rating.level);
    join(ticket, {
      touchpointId: rating.touchpointId,
      segmentId: rating.segmentId,
      visit: true,
      at: rating.at,
      experience,
      level: rating.level,
      ...(expected === undefined ? {} : { expected }),
    });
  }

  const unattributedAt = new Map<string, number>();
  for (const group of [...groups.values()].flatMap((atTouchpoint) => [...atTouchpoint.values()])) {
    if (group.count === 0 || (group.misuse && !input.includeMisuse)) continue;
    unattributedAt.set(group.touchpointId, (unattributedAt.get(group.touchpointId) ?? 0) + group.count);
    if (input.segmentId !== undefined) continue;
    const expected = input.expectedAt.get(group.touchpointId);
    moments.push({
      touchpointId: group.touchpointId,
      segmentId: null,
      visit: false,
      at: group.bucket,
      experience: experienceOfPress(group.level, scale),
      level: group.level,
      count: group.count,
      ...(expected === undefined ? {} : { expected }),
    });
  }

  const visits: VisitSummary[] = [];
  for (const [ticket, list] of visitMoments) {
    // Sorted in place once: the list becomes the visit's path as it is (no copy per moment).
    list.sort((a, b) => a.at - b.at);
    const summary = peakEnd(list);
    if (!summary) continue;
    const t = tickets[ticket]!;
    visits.push({
      ticketId: t.ticketId,
      ticketNumber: t.number,
      serviceId: t.serviceId,
      segmentId: t.segmentId,
      rating: ratingOf.get(ticket) ?? null,
      vsExpectation: vsExpectationOf.get(ticket) ?? null,
      ...summary,
      path: list,
    });
  }
  visits.sort((a, b) => a.path[a.path.length - 1]!.at - b.path[b.path.length - 1]!.at);
  return { moments, visits, unattributedAt, afterWaits, segmentOfPress };
}
