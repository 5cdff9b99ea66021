import { describe, expect, it } from 'vitest';
import { apply, decide, emptyQueueState } from './engine.ts';
import { counterShares, forecastLineWaitMin, offerReturnWindow, serviceRate } from './return-times.ts';
import { createQueueRules } from './rules.ts';
import type { QueueCommand, QueueState } from './types.ts';
import { isRefusal, MINUTE_MS } from './types.ts';

const T0 = Date.UTC(2025, 0, 6, 9, 0);

function must(state: QueueState, command: QueueCommand, at: number): QueueState {
  const events = decide(state, command, at);
  if (isRefusal(events)) throw new Error(events.message);
  return events.reduce(apply, state);
}

// c1 serves A only, c2 serves A and B.
const shared = createQueueRules({
  services: [
    { id: 'A', returnTimes: { thresholdMin: 10 } },
    { id: 'B', prefix: 'B', returnTimes: { thresholdMin: 10 } },
  ],
  counters: [
    { id: 'c1', services: ['A'] },
    { id: 'c2', services: ['A', 'B'] },
  ],
});

function openBoth(): QueueState {
  let s = emptyQueueState(shared);
  s = must(s, { type: 'open-counter', counterId: 'c1' }, T0);
  return must(s, { type: 'open-counter', counterId: 'c2' }, T0);
}

/** c2 serves one B ticket for `bMin` minutes, then one A ticket for `aMin`, starting at T0 + 1 min. */
function sharedDesk(bMin: number, aMin: number): { state: QueueState; now: number } {
  let s = openBoth();
  s = must(s, { type: 'issue', ticketId: 'b1', serviceId: 'B' }, T0 + MINUTE_MS);
  s = must(s, { type: 'call-next', counterId: 'c2' }, T0 + MINUTE_MS);
  s = must(s, { type: 'serve', counterId: 'c2' }, T0 + (1 + bMin) * MINUTE_MS);
  s = must(s, { type: 'issue', ticketId: 'a1', serviceId: 'A' }, T0 + (1 + bMin) * MINUTE_MS);
  s = must(s, { type: 'call-next', counterId: 'c2' }, T0 + (1 + bMin) * MINUTE_MS);
  s = must(s, { type: 'serve', counterId: 'c2' }, T0 + (1 + bMin + aMin) * MINUTE_MS);
  return { state: s, now: T0 + (1 + bMin + aMin) * MINUTE_MS };
}

describe('a counter serving several services', () => {
  it('counts toward each service at its share of its desk time, not whole', () => {
    // c2 spent 12 minutes on B and 4 on A: a quarter of it is A's, three quarters B's.
    const { state, now } = sharedDesk(12, 4);
    expect(counterShares(state, now, 'A').get('c1')).toBe(1);
    expect(counterShares(state, now, 'A').get('c2')).toBeCloseTo(0.25, 5);
    expect(counterShares(state, now, 'B').get('c2')).toBeCloseTo(0.75, 5);
    // A: c1 whole + a quarter of c2 at 5 minutes a customer; B: three quarters of c2.
    expect(serviceRate(state, now, 'A', 5)).toBeCloseTo(1.25 / 5, 5);
    expect(serviceRate(state, now, 'B', 5)).toBeCloseTo(0.75 / 5, 5);
    // The same line means a longer wait for A than if c2 were all A's (2 counters: 4 x 5 / 2 = 10 min).
    let s = state;
    for (let i = 0; i < 4; i += 1)
      s = must(s, { type: 'issue', ticketId: `w${i}`, serviceId: 'A' }, now - 20 * MINUTE_MS);
    expect(forecastLineWaitMin(s, now, 'A', serviceRate(s, now, 'A', 5), 15)).toBeCloseTo(4 / (1.25 / 5), 5);
  });

  it('splits a counter evenly before it has served anyone, and reads only the recent desk time', () => {
    const fresh = openBoth();
    expect(counterShares(fresh, T0, 'A').get('c2')).toBe(0.5);
    expect(serviceRate(fresh, T0, 'B', 4)).toBeCloseTo(0.5 / 4, 5);
    // B's 10 minutes, then A's 25: the last 30 minutes hold 5 of B's; ten minutes on, none, and
    // c2 is all A's.
    const { state, now } = sharedDesk(10, 25);
    expect(counterShares(state, now, 'A').get('c2')).toBeCloseTo(25 / 30, 5);
    expect(counterShares(state, now + 10 * MINUTE_MS, 'A').get('c2')).toBe(1);
    // A counter on break counts for nobody.
    const onBreak = must(state, { type: 'break-counter', counterId: 'c2' }, now);
    expect(counterShares(onBreak, now, 'A').has('c2')).toBe(false);
    expect(serviceRate(onBreak, now, 'A', 5)).toBeCloseTo(1 / 5, 5);
  });
});

describe('window starts hold returners the counters can call beside the walk-ins', () => {
  // Four counters at 2 minutes a customer: 2 a minute; a start could hold floor(2 x 5 x 0.8) = 8.
  const four = createQueueRules({
    services: [{ id: 'A', returnTimes: { thresholdMin: 10 } }],
    counters: ['c1', 'c2', 'c3', 'c4'].map((id) => ({ id, services: ['A'] })),
  });
  const now = T0 + 15 * MINUTE_MS;

  function withWalkIns(count: number): QueueState {
    let s = emptyQueueState(four);
    for (const id of ['c1', 'c2', 'c3', 'c4']) s = must(s, { type: 'open-counter', counterId: id }, T0);
    for (let i = 0; i < count; i += 1)
      s = must(s, { type: 'issue', ticketId: `w${i}`, serviceId: 'A' }, T0 + (i + 1) * MINUTE_MS);
    return s;
  }

  /** Offers and issues `count` windows one after another; the start (minutes from T0) of each. */
  function take(s0: QueueState, count: number, pointWaitMin: number): number[] {
    let s = s0;
    const starts: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const window = offerReturnWindow(s, now, { serviceId: 'A', postedWaitMin: 40, pointWaitMin, meanServiceMin: 2 });
      if (!window) throw new Error('no window offered');
      starts.push((window.from - T0) / MINUTE_MS);
      s = must(s, { type: 'issue', ticketId: `r${i}`, serviceId: 'A', returnWindow: window }, now);
    }
    return starts;
  }

  it('start at the expected turn, aligned up', () => {
    // turn expected at 15 + 18 = 33 minutes: the window starts at 35
    expect(take(withWalkIns(0), 1, 18)).toEqual([35]);
  });

  it('leave room for the walk-ins in the next hour, and the whole rate beyond it', () => {
    // No walk-ins: 8 returners share the start at 35, the ninth goes to 40.
    expect(take(withWalkIns(0), 9, 20)).toEqual([...Array(8).fill(35), 40]);
    // 15 walk-ins in the last 15 minutes, 1 a minute: floor((2 - 1) x 5 x 0.8) = 4 a start.
    expect(take(withWalkIns(15), 5, 20)).toEqual([35, 35, 35, 35, 40]);
    // A start more than an hour ahead (turn expected at 15 + 70 = 85) holds the 8 again.
    expect(take(withWalkIns(15), 9, 70)).toEqual([...Array(8).fill(85), 90]);
  });
});
