import { nextDay, operationsReport, type OperationsReport } from '../../core/analytics/operations.ts';
import { dayKey } from '../../core/queue/numbering.ts';
import type { Venue } from '../../core/venue.ts';
import { utcOffsetMinutes } from '../queue/time-zone.ts';
import type { HubStore } from '../store/hub-store.ts';

/** Whole days of a venue's calendar, the unit every report is asked in (docs/operations.md). */

const HOUR_MS = 3_600_000;

/** The venue's offset from UTC at a moment, looked up once per hour of the log. */
export function offsetsOf(venue: Venue): (at: number) => number {
  const cache = new Map<number, number>();
  return (at) => {
    const hour = Math.floor(at / HOUR_MS);
    let offset = cache.get(hour);
    if (offset === undefined) {
      offset = utcOffsetMinutes(venue.timezone, hour * HOUR_MS);
      cache.set(hour, offset);
    }
    return offset;
  };
}

/** The first and last day asked (today when neither is given), and how many days that is (up to `max` + 1). */
export function daysOf(
  venue: Venue,
  range: { from?: string | undefined; to?: string | undefined },
  now: number,
  max: number,
): { from: string; to: string; days: number } {
  const offsetAt = offsetsOf(venue);
  const today = dayKey(now, offsetAt(now));
  const from = range.from ?? range.to ?? today;
  const to = range.to ?? (range.from ? from : today);
  let days = from <= to ? 1 : 0;
  for (let d = from; d < to && days <= max; d = nextDay(d)) days += 1;
  return { from, to, days };
}

/** The operations report of whole days: the fold both the operations and the experience reports start from. */
export async function operationsOf(
  store: HubStore,
  venue: Venue,
  days: { from: string; to: string },
  now: number,
): Promise<OperationsReport> {
  return operationsReport(await store.queueEvents(venue.id), {
    venueId: venue.id,
    from: days.from,
    to: days.to,
    offsetAt: offsetsOf(venue),
    now,
  });
}
