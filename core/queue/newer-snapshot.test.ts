import { describe, expect, it } from 'vitest';
import { newerSnapshot } from './newer-snapshot.ts';

const snapshot = (venueId: string, version: number, label = '') => ({ venueId, version, label });

describe('newerSnapshot', () => {
  it('keeps the held snapshot when an older version of the same venue arrives late', () => {
    const held = snapshot('venue-a', 7);
    expect(newerSnapshot(held, snapshot('venue-a', 6))).toBe(held);
  });

  it('takes a newer or equal version, the first one, and another venue whatever its version', () => {
    const held = snapshot('venue-a', 7, 'held');
    const newer = snapshot('venue-a', 8);
    const equal = snapshot('venue-a', 7, 'fresher waits');
    const elsewhere = snapshot('venue-b', 1);
    expect(newerSnapshot(held, newer)).toBe(newer);
    expect(newerSnapshot(held, equal)).toBe(equal);
    expect(newerSnapshot(null, newer)).toBe(newer);
    expect(newerSnapshot(undefined, newer)).toBe(newer);
    expect(newerSnapshot(held, elsewhere)).toBe(elsewhere);
  });
});
