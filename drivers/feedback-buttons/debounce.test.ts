import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Debouncer } from './debounce.ts';
import { ErrorRate } from './error-rate.ts';

describe('debounce', () => {
  it('keeps one press out of a bounce train and the next real push', () => {
    const debouncer = new Debouncer(50);
    const accepted = [0, 3, 9, 20, 45, 90, 400].map((t) => debouncer.accept(1, t));
    // 90 is only 45 ms after the edge at 45: still the same bouncing push.
    expect(accepted).toEqual([true, false, false, false, false, false, true]);
  });

  it('debounces each button on its own', () => {
    const debouncer = new Debouncer(50);
    expect([debouncer.accept(1, 0), debouncer.accept(2, 1), debouncer.accept(1, 2)]).toEqual([true, true, false]);
  });

  it('starts fresh when the clock goes back (the box rebooted)', () => {
    const debouncer = new Debouncer(50);
    debouncer.accept(1, 10_000);
    expect(debouncer.accept(1, 5)).toBe(true);
  });

  it('never drops an edge that comes at least a window after the previous one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 50 }),
        (windowMs, gaps) => {
          const debouncer = new Debouncer(windowMs);
          let t = 0;
          gaps.forEach((gap, i) => {
            t += gap;
            expect(debouncer.accept(1, t)).toBe(i === 0 || gap >= windowMs);
          });
        },
      ),
    );
  });
});

describe('error rate', () => {
  it('is unhealthy while threshold errors fall in the window, and says when that may change', () => {
    const rate = new ErrorRate({ threshold: 3, windowMs: 1000 });
    rate.record(0);
    rate.record(100);
    expect(rate.unhealthy(100)).toBe(false);
    rate.record(200);
    expect(rate.unhealthy(200)).toBe(true);
    expect(rate.nextChangeAt()).toBe(1000);
    expect(rate.unhealthy(1000)).toBe(false);
  });

  it('stays bounded under a flood', () => {
    const rate = new ErrorRate({ threshold: 5, windowMs: 1_000_000 });
    for (let t = 0; t < 10_000; t += 1) rate.record(t);
    expect(rate.count(10_000)).toBe(5);
  });
});
