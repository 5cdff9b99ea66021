import { describe, expect, it } from 'vitest';
import { startOfDayIn, venueDayStart, visibleWindow } from './format.ts';

describe("the venue's day", () => {
  it('starts at midnight in the venue time zone, not the browser one', () => {
    const tenAmInSeoul = Date.UTC(2026, 10, 25, 1, 0, 0); // 10:00 KST
    expect(startOfDayIn('Asia/Seoul', tenAmInSeoul)).toBe(Date.UTC(2026, 10, 24, 15, 0, 0));
    const elevenPmInNewYork = Date.UTC(2026, 10, 26, 4, 30, 0); // 23:30 EST on the 25th
    expect(startOfDayIn('America/New_York', elevenPmInNewYork)).toBe(Date.UTC(2026, 10, 25, 5, 0, 0));
    expect(startOfDayIn('UTC', Date.UTC(2026, 10, 25, 23, 59, 59))).toBe(Date.UTC(2026, 10, 25));
  });
});

describe("a chart's visible window", () => {
  const midnight = Date.UTC(2026, 10, 25) / 1000;
  const noon = midnight + 12 * 3600;
  it('starts the hour before the first point, so the points spread over the chart', () => {
    expect(visibleWindow([midnight, noon], midnight + 9.5 * 3600)).toEqual([midnight + 8 * 3600, noon]);
  });
  it('keeps the whole window with no point, or a first point in its first hour', () => {
    expect(visibleWindow([midnight, noon], null)).toEqual([midnight, noon]);
    expect(visibleWindow([midnight, noon], midnight + 1800)).toEqual([midnight, noon]);
  });
});

describe("a venue day's first instant", () => {
  it("is the venue's midnight, across a change to summer time", () => {
    expect(venueDayStart('2026-12-05', 'Asia/Seoul')).toBe(Date.UTC(2026, 11, 4, 15));
    // New York moves to EDT on 8 March 2026: midnight before is EST (-5), the day after EDT (-4).
    expect(venueDayStart('2026-03-08', 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 5));
    expect(venueDayStart('2026-03-09', 'America/New_York')).toBe(Date.UTC(2026, 2, 9, 4));
    expect(venueDayStart('2026-03-09', undefined)).toBe(Date.UTC(2026, 2, 9));
  });
});
