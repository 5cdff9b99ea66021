import { describe, expect, it } from 'vitest';
import type { PostingCandidates } from '../estimator/calibration.ts';
import { promiseFrontier } from './frontier.ts';
import type { Posted, ServedRecord } from './metrics.ts';

/** The estimator's defaults: padding 0.01 per minute, long waits aimed at 0.85, at least 0.3 of the paths. */
const policy = {};

function served(
  actualMin: number,
  candidates: PostingCandidates | null,
  postedMin: number | null = null,
): ServedRecord {
  const ours: Posted = { postedMin, pointMin: actualMin, candidates };
  const none: Posted = { postedMin: null, pointMin: 0 };
  return { actualMin, ours, naive: none, littlesLaw: none, padded: none };
}

/** A long wait: 10 covers half the paths, 15 most, 20 all; mean 12. */
const long = (actualMin: number) =>
  served(actualMin, { postedMin: [10, 15, 20], level: [0.5, 0.8, 1], meanMin: 12, top: { postedMin: 20, level: 1 } });
/** A short wait whose best post is 4 minutes whatever the long-wait weight. */
const short = served(3, {
  postedMin: [0, 1, 2, 3, 4],
  level: [0, 0.2, 0.5, 0.9, 1],
  meanMin: 2.5,
  top: { postedMin: 4, level: 1 },
});

describe('the promise frontier', () => {
  it('keeps every promise a weight can keep while the long waits stay at the ratio', () => {
    // 15 keeps the 14-minute wait at 14/15 = 0.93; 20 would keep it too but at 0.70
    expect(promiseFrontier([long(14), short], policy)).toMatchObject({ promiseKept: 1, actualOverPosted: 0.933 });
  });

  it('gives up a promise when keeping it would pad the long waits past the ratio', () => {
    // at a ratio of 0.95 the wait can only be posted 10: broken, but 14/10 over the long waits
    expect(promiseFrontier([long(14), short], policy, { minRatio: 0.95 })).toMatchObject({
      promiseKept: 0.5,
      actualOverPosted: 1.4,
    });
  });

  it('is null when every posting pads the long waits past the ratio, and counts unposted customers as broken', () => {
    expect(promiseFrontier([long(5), short], policy)).toBeNull();
    expect(promiseFrontier([long(14), short, served(8, null)], policy)?.promiseKept).toBe(0.667);
  });

  it('keeps a record without candidates at what it was posted', () => {
    expect(promiseFrontier([short, served(12, null, 10)], policy)).toMatchObject({
      promiseKept: 0.5,
      actualOverPosted: 1.2,
    });
  });
});
