import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coalesceAcrossVenues } from './venue-throttle.ts';

/** A run the test finishes when it wants: what it was given, and whether it is still in flight. */
interface HeldRun {
  keysByVenue: Record<string, string[]>;
  startedAt: number;
  finish(): void;
  fail(): void;
}

/** coalesceAcrossVenues over runs the test holds open, each recorded as it starts. */
function heldRuns(minGapMs: number) {
  const runs: HeldRun[] = [];
  let inFlight = 0;
  let overlapped = false;
  const push = coalesceAcrossVenues(minGapMs, (keysByVenue) => {
    inFlight += 1;
    if (inFlight > 1) overlapped = true;
    return new Promise<void>((resolve, reject) => {
      const done = (settle: () => void) => () => {
        inFlight -= 1;
        settle();
      };
      runs.push({
        keysByVenue: Object.fromEntries(keysByVenue),
        startedAt: Date.now(),
        finish: done(resolve),
        fail: done(() => reject(new Error('the store is gone'))),
      });
    });
  });
  return { push, runs, overlapped: () => overlapped };
}

describe('coalesceAcrossVenues', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'Date'], now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs a burst on an idle hub once, right after the burst, without waiting for any window', async () => {
    const { push, runs } = heldRuns(0);
    push('venue-a', ['entrance']);
    push('venue-b', ['entrance-b']);
    push('venue-a', ['entrance', 'exit']);
    // Not while the burst is still arriving (the batches of one group commit come in one turn).
    expect(runs).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(runs.map((r) => r.keysByVenue)).toEqual([{ 'venue-a': ['entrance', 'exit'], 'venue-b': ['entrance-b'] }]);
    expect(runs[0]!.startedAt).toBe(0);

    // The run ended: the next press, a millisecond later, goes at once too.
    runs[0]!.finish();
    await vi.advanceTimersByTimeAsync(1);
    push('venue-b', ['entrance']);
    await vi.advanceTimersByTimeAsync(0);
    expect(runs.map((r) => [r.startedAt, r.keysByVenue])).toEqual([
      [0, { 'venue-a': ['entrance', 'exit'], 'venue-b': ['entrance-b'] }],
      [1, { 'venue-b': ['entrance'] }],
    ]);
  });

  it('gathers what comes while a run is in flight and runs it once when that run finishes', async () => {
    const { push, runs, overlapped } = heldRuns(0);
    push('venue-a', ['entrance']);
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toHaveLength(1);

    // A slow query: 40 ms in flight, presses of three venues meanwhile.
    push('venue-b', ['entrance']);
    await vi.advanceTimersByTimeAsync(10);
    push('venue-c', ['entrance']);
    push('venue-a', ['entrance-b']);
    await vi.advanceTimersByTimeAsync(30);
    expect(runs).toHaveLength(1);
    runs[0]!.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs.map((r) => r.keysByVenue)).toEqual([
      { 'venue-a': ['entrance'] },
      { 'venue-b': ['entrance'], 'venue-c': ['entrance'], 'venue-a': ['entrance-b'] },
    ]);
    expect(runs[1]!.startedAt).toBe(40);

    // Nothing came during the second run: nothing runs after it, and the next press goes at once.
    runs[1]!.finish();
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toHaveLength(2);
    push('venue-a', ['entrance']);
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toHaveLength(3);
    expect(runs[2]!.startedAt).toBe(140);
    expect(overlapped()).toBe(false);
  });

  it('starts runs at most once per minGapMs, however quick they are', async () => {
    const { push, runs } = heldRuns(10);
    push('venue-a', ['entrance']);
    await vi.advanceTimersByTimeAsync(0);
    runs[0]!.finish();
    await vi.advanceTimersByTimeAsync(2);
    push('venue-a', ['entrance']);
    push('venue-b', ['entrance']);
    await vi.advanceTimersByTimeAsync(7);
    expect(runs).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs.map((r) => [r.startedAt, r.keysByVenue])).toEqual([
      [0, { 'venue-a': ['entrance'] }],
      [10, { 'venue-a': ['entrance'], 'venue-b': ['entrance'] }],
    ]);
    // After a quiet spell longer than the gap, a press goes at once again.
    runs[1]!.finish();
    await vi.advanceTimersByTimeAsync(50);
    push('venue-c', ['entrance']);
    await vi.advanceTimersByTimeAsync(0);
    expect(runs[2]!.startedAt).toBe(60);
  });

  it('goes on after a run fails: what was gathered meanwhile still runs', async () => {
    const { push, runs } = heldRuns(0);
    push('venue-a', ['entrance']);
    await vi.advanceTimersByTimeAsync(0);
    push('venue-b', ['entrance']);
    runs[0]!.fail();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs.map((r) => r.keysByVenue)).toEqual([{ 'venue-a': ['entrance'] }, { 'venue-b': ['entrance'] }]);
  });
});
