import type { JourneyStage, ReasonRefusal, VenueAnalytics } from './report.ts';

/**
 * Follow-up reasons (docs/analytics.md): which reasons people gave after pressing, where and in
 * which segment, over time. A pure fold over the reasons of a span and what the hub knows of their
 * presses, so the hub, the exports and the tests count the same.
 */

export interface ReasonFacts {
  at: number;
  touchpointId: string;
  pressId: string;
  reasonId: string;
  /** The press it answers, as stored (null: the hub holds no such press). */
  press: { touchpointId: string; deviceId: string; at: number } | null;
}

/** Why a reason is not counted, or null when it is valid against its press and the journey map. */
function reasonRefusal(
  reason: ReasonFacts,
  reasonsOf: (touchpointId: string) => readonly string[] | undefined,
): ReasonRefusal | null {
  if (reason.press === null) return 'unknown-press';
  if (reason.press.touchpointId !== reason.touchpointId) return 'press-elsewhere';
  if (!(reasonsOf(reason.touchpointId) ?? []).includes(reason.reasonId)) return 'unknown-reason';
  return null;
}

export interface ReasonInput {
  reasons: readonly ReasonFacts[];
  /** The journey map's reasons of a touchpoint (undefined: not on the map). */
  reasonsOf: (touchpointId: string) => readonly string[] | undefined;
  stageOf: (touchpointId: string) => JourneyStage;
  /** The segment of the visit a press belongs to; undefined when it is in no visit. */
  segmentOfPress: (pressId: string) => string | null | undefined;
  /** The report's filters: the same subset the other tables count. */
  filter: { segmentId?: string | null; stage?: JourneyStage; touchpointId?: string };
  bucketMs: number;
}

/** A touchpoint's reasons in one segment, or in no visit (a group apart from "no segment"). */
const groupOf = (touchpointId: string, segmentId: string | null, unattributed: boolean) =>
  `${touchpointId}\u0000${unattributed ? '\u0001' : (segmentId ?? '')}`;

export function foldReasons(input: ReasonInput): VenueAnalytics['reasons'] {
  const { filter } = input;
  const rows = new Map<string, VenueAnalytics['reasons']['rows'][number]>();
  const totals = new Map<string, number>();
  const trend = new Map<string, { from: number; reasonId: string; count: number }>();
  const refused = new Map<ReasonRefusal, number>();
  for (const reason of input.reasons) {
    const refusal = reasonRefusal(reason, input.reasonsOf);
    if (refusal) {
      refused.set(refusal, (refused.get(refusal) ?? 0) + 1);
      continue;
    }
    const stage = input.stageOf(reason.touchpointId);
    const visitSegment = input.segmentOfPress(reason.pressId);
    if (filter.stage !== undefined && stage !== filter.stage) continue;
    if (filter.touchpointId !== undefined && reason.touchpointId !== filter.touchpointId) continue;
    // A segment filter keeps the visits of that segment: a press in no visit is in none.
    if (filter.segmentId !== undefined && (visitSegment === undefined || visitSegment !== filter.segmentId)) continue;
    const segmentId = visitSegment ?? null;
    const unattributed = visitSegment === undefined;
    const group = groupOf(reason.touchpointId, segmentId, unattributed);
    const key = `${group}\u0000${reason.reasonId}`;
    const row = rows.get(key);
    if (row) row.count += 1;
    else
      rows.set(key, {
        touchpointId: reason.touchpointId,
        stage,
        segmentId,
        unattributed,
        reasonId: reason.reasonId,
        count: 1,
        share: 0,
      });
    totals.set(group, (totals.get(group) ?? 0) + 1);
    const from = reason.at - (reason.at % input.bucketMs);
    const point = trend.get(`${from}\u0000${reason.reasonId}`);
    if (point) point.count += 1;
    else trend.set(`${from}\u0000${reason.reasonId}`, { from, reasonId: reason.reasonId, count: 1 });
  }
  for (const row of rows.values())
    row.share = row.count / totals.get(groupOf(row.touchpointId, row.segmentId, row.unattributed))!;
  return {
    rows: [...rows.values()].sort(
      (a, b) =>
        a.touchpointId.localeCompare(b.touchpointId) ||
        Number(a.unattributed) - Number(b.unattributed) ||
        (a.segmentId ?? '').localeCompare(b.segmentId ?? '') ||
        b.count - a.count ||
        a.reasonId.localeCompare(b.reasonId),
    ),
    trend: [...trend.values()].sort((a, b) => a.from - b.from || a.reasonId.localeCompare(b.reasonId)),
    refused: [...refused].map(([code, count]) => ({ code, count })).sort((a, b) => a.code.localeCompare(b.code)),
  };
}
