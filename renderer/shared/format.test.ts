import { describe, expect, it } from 'vitest';
import { startOfDayIn } from './format.ts';

describe("the venue's day", () => {
  it('starts at midnight in the venue time zone, not the browser one', () => {
    const tenAmInSeoul = Date.UTC(2026, 10, 25, 1, 0, 0); // 10:00 KST
    expect(startOfDayIn('Asia/Seoul', tenAmInSeoul)).toBe(Date.UTC(2026, 10, 24, 15, 0, 0));
    const elevenPmInNewYork = Date.UTC(2026, 10, 26, 4, 30, 0); // 23:30 EST on the 25th
    expect(startOfDayIn('America/New_York', elevenPmInNewYork)).toBe(Date.UTC(2026, 10, 25, 5, 0, 0));
    expect(startOfDayIn('UTC', Date.UTC(2026, 10, 25, 23, 59, 59))).toBe(Date.UTC(2026, 10, 25));
  });
});
