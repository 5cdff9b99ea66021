import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';
import { correctDeviceTime, measureClockOffset } from './clock.ts';

describe('backoffDelay', () => {
  const policy = { baseMs: 100, maxMs: 5000, jitter: 0.5 };

  it('doubles per attempt up to the cap (no jitter at random = 1)', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, policy, () => 1))).toEqual([
      100, 200, 400, 800, 1600, 3200, 5000,
    ]);
  });

  it('stays within [cap*(1-jitter), cap] for any attempt and random draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const delay = backoffDelay(attempt, policy, () => r);
          const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
          return delay >= Math.floor(cap * 0.5) && delay <= cap;
        },
      ),
    );
  });
});

describe('clock offset', () => {
  it('assumes the hub read its clock halfway through the round trip', () => {
    // Kiosk sends at 1000 (its clock), hub says 61_050, reply arrives at 1100: the hub is 60 s ahead.
    expect(measureClockOffset({ sentAt: 1000, hubTime: 61_050, receivedAt: 1100 })).toEqual({
      offsetMs: 60_000,
      roundTripMs: 100,
    });
    expect(correctDeviceTime(5000, 60_000)).toBe(65_000);
  });

  it('handles a kiosk ahead of the hub', () => {
    expect(measureClockOffset({ sentAt: 500_000, hubTime: 200_010, receivedAt: 500_020 }).offsetMs).toBe(-300_000);
  });
});
