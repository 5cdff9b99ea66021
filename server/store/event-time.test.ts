import { describe, expect, it } from 'vitest';
import { correctedTime } from './event-time.ts';

const receivedAt = Date.UTC(2026, 11, 5, 12, 0, 0);
const day = 24 * 60 * 60_000;

describe('correctedTime', () => {
  it('corrects a plausible device time by the measured offset', () => {
    expect(correctedTime(receivedAt - 3 * day, { clockOffsetMs: 1500, receivedAt })).toBe(receivedAt - 3 * day + 1500);
  });

  it('takes the arrival time for a clock at 1970 or in the year 275760', () => {
    expect(correctedTime(0, { clockOffsetMs: 0, receivedAt })).toBe(receivedAt);
    expect(correctedTime(8.64e15, { clockOffsetMs: 0, receivedAt })).toBe(receivedAt);
  });

  it('keeps the edges of the window: 90 days back, 5 minutes ahead', () => {
    expect(correctedTime(receivedAt - 90 * day, { clockOffsetMs: 0, receivedAt })).toBe(receivedAt - 90 * day);
    expect(correctedTime(receivedAt - 90 * day - 1, { clockOffsetMs: 0, receivedAt })).toBe(receivedAt);
    expect(correctedTime(receivedAt + 5 * 60_000, { clockOffsetMs: 0, receivedAt })).toBe(receivedAt + 5 * 60_000);
    expect(correctedTime(receivedAt + 5 * 60_000 + 1, { clockOffsetMs: 0, receivedAt })).toBe(receivedAt);
  });
});
