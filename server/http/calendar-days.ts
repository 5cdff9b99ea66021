import { z } from 'zod';
import { nextDay } from '../../core/analytics/operations.ts';
import { dayKey } from '../../core/queue/numbering.ts';
import { ApiError } from './api-error.ts';

/**
 * Days of a venue's calendar in a query (`YYYY-MM-DD`), the one parser the report, promise and
 * analytics routes share: a day starts at the venue's local midnight, daylight saving included.
 */

/** A year of days at most: a report reads the whole log once, so the range only bounds the result's size. */
const MAX_DAYS = 366;

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** A day of the calendar: "2026-02-30" is refused, not rolled over into March. */
export const daySchema = z
  .string()
  .regex(DAY_PATTERN, 'a day is written YYYY-MM-DD')
  .refine((value) => {
    const ms = Date.parse(`${value}T00:00:00Z`);
    return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === value;
  }, 'not a day of the calendar');

/** First and last day (inclusive) of a range of whole days; today when no day is given. */
export function dayRange(
  range: { from?: string | undefined; to?: string | undefined },
  offsetAt: (at: number) => number,
  now: number,
): { from: string; to: string } {
  const today = dayKey(now, offsetAt(now));
  const from = range.from ?? range.to ?? today;
  const to = range.to ?? (range.from ? from : today);
  if (from > to) throw new ApiError(400, 'invalid-request', `from (${from}) is after to (${to}): swap them`);
  let days = 1;
  for (let d = from; d < to && days <= MAX_DAYS; d = nextDay(d)) days += 1;
  if (days > MAX_DAYS)
    throw new ApiError(400, 'invalid-request', `a report covers at most ${MAX_DAYS} days: ask for a shorter range`);
  return { from, to };
}
