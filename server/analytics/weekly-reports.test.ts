import { describe, expect, it } from 'vitest';
import { venueSchema } from '../../core/venue.ts';
import { dueWeek } from './weekly-reports.ts';

const venue = (timezone: string) =>
  venueSchema.parse({ id: 'v', name: 'V', timezone, reports: { weekly: { weekday: 1, hour: 8 } } });

describe('dueWeek', () => {
  it('is due from the local weekday and hour to the end of that day, for the 7 days before', () => {
    const seoul = venue('Asia/Seoul');
    // Monday 7 December 2026, 07:59 and 08:00 in Seoul (UTC+9).
    expect(dueWeek(seoul, Date.UTC(2026, 11, 6, 22, 59))).toBeUndefined();
    expect(dueWeek(seoul, Date.UTC(2026, 11, 6, 23, 0))).toEqual({ from: '2026-11-30', to: '2026-12-06' });
    expect(dueWeek(seoul, Date.UTC(2026, 11, 7, 14, 59))).toEqual({ from: '2026-11-30', to: '2026-12-06' });
    // Tuesday in Seoul already, though still Monday in UTC.
    expect(dueWeek(seoul, Date.UTC(2026, 11, 7, 15, 0))).toBeUndefined();
  });

  it('follows the venue’s own calendar across daylight saving', () => {
    // Monday 2 November 2026 08:00 in New York is 13:00 UTC (EST, the day after the clocks went back).
    const newYork = venue('America/New_York');
    expect(dueWeek(newYork, Date.UTC(2026, 10, 2, 12, 59))).toBeUndefined();
    expect(dueWeek(newYork, Date.UTC(2026, 10, 2, 13, 0))).toEqual({ from: '2026-10-26', to: '2026-11-01' });
  });

  it('is never due for a venue without a schedule', () => {
    expect(dueWeek(venueSchema.parse({ id: 'v', name: 'V' }), Date.UTC(2026, 11, 7, 9))).toBeUndefined();
  });
});
