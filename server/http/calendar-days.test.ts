import { describe, expect, it } from 'vitest';
import { offsetsOf } from '../queue/time-zone.ts';
import { ApiError } from './api-error.ts';
import { dayRange, daySchema, endOf, instantOrDaySchema, startOf } from './calendar-days.ts';

const HOUR_MS = 3_600_000;

describe('days of a venue’s calendar', () => {
  it('starts a day at local midnight and ends it at the next one (Seoul, across UTC midnight)', () => {
    const seoul = offsetsOf('Asia/Seoul');
    expect(startOf('2026-12-04', seoul)).toBe(Date.UTC(2026, 11, 3, 15));
    expect(endOf('2026-12-04', seoul)).toBe(Date.UTC(2026, 11, 4, 15));
    // Instants pass as they are.
    expect(startOf(1_234, seoul)).toBe(1_234);
    expect(endOf(5_678, seoul)).toBe(5_678);
  });

  it('gives the days daylight saving shortens and lengthens their 23 and 25 hours (New York)', () => {
    const newYork = offsetsOf('America/New_York');
    expect(startOf('2026-03-08', newYork)).toBe(Date.UTC(2026, 2, 8, 5));
    expect(endOf('2026-03-08', newYork) - startOf('2026-03-08', newYork)).toBe(23 * HOUR_MS);
    expect(startOf('2026-11-01', newYork)).toBe(Date.UTC(2026, 10, 1, 4));
    expect(endOf('2026-11-01', newYork) - startOf('2026-11-01', newYork)).toBe(25 * HOUR_MS);
    // Consecutive days touch: the end of one is the start of the next.
    expect(endOf('2026-03-07', newYork)).toBe(startOf('2026-03-08', newYork));
  });

  it('reads a bound as a day or as ms, and refuses a day the calendar does not have', () => {
    expect(instantOrDaySchema.parse('2026-12-04')).toBe('2026-12-04');
    expect(instantOrDaySchema.parse('1764800000000')).toBe(1_764_800_000_000);
    expect(instantOrDaySchema.safeParse('yesterday').success).toBe(false);
    expect(instantOrDaySchema.safeParse('2026-02-30').success).toBe(false);
    expect(daySchema.safeParse('2026-02-30').error?.issues[0]?.message).toBe('not a day of the calendar');
    expect(daySchema.safeParse('2028-02-29').success).toBe(true);
  });

  it('defaults to today in the venue’s calendar, and refuses a reversed or too long range', () => {
    const seoul = offsetsOf('Asia/Seoul');
    // 16:00 UTC on 4 December is already 5 December in Seoul.
    expect(dayRange({}, seoul, Date.UTC(2026, 11, 4, 16))).toEqual({ from: '2026-12-05', to: '2026-12-05' });
    expect(dayRange({ from: '2026-12-01' }, seoul, 0)).toEqual({ from: '2026-12-01', to: '2026-12-01' });
    expect(() => dayRange({ from: '2026-12-05', to: '2026-12-01' }, seoul, 0)).toThrow(ApiError);
    expect(() => dayRange({ from: '2025-01-01', to: '2026-12-31' }, seoul, 0)).toThrow(/at most 366 days/);
  });
});
