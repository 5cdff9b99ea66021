import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REPEAT_PRESS_RULE,
  flagRepeatPresses,
  RepeatPressFilter,
  type RepeatPressRule,
} from './repeat-press.ts';

/** Non-decreasing press times built from gaps, as a kiosk's monotonic clock produces them. */
const pressTimes = (maxGapMs: number, maxLength = 40) =>
  fc.array(fc.integer({ min: 0, max: maxGapMs }), { maxLength }).map((gaps) => {
    let t = 1_000_000;
    return gaps.map((gap) => (t += gap));
  });

const rules = fc.record({ withinMs: fc.integer({ min: 1, max: 30_000 }), count: fc.integer({ min: 2, max: 8 }) });

/** The rule as written in the README, by brute force over the whole history. */
function reference(times: readonly number[], rule: RepeatPressRule): boolean[] {
  return times.map(
    (at, i) => times.slice(0, i + 1).filter((t) => t > at - rule.withinMs && t <= at).length >= rule.count,
  );
}

describe('repeat-press filter', () => {
  it('flags the 3rd press within 10 s by default, and keeps flagging a hammering hand', () => {
    // 0 s, 2 s: two people; 4 s, 5 s: the same hand again; 30 s: a new customer.
    expect(flagRepeatPresses([0, 2000, 4000, 5000, 30_000])).toEqual([false, false, true, true, false]);
    expect(DEFAULT_REPEAT_PRESS_RULE).toEqual({ withinMs: 10_000, count: 3 });
  });

  it('counts presses just inside the window, not those exactly withinMs old', () => {
    expect(flagRepeatPresses([0, 1, 10_000], { withinMs: 10_000, count: 3 })).toEqual([false, false, false]);
    expect(flagRepeatPresses([0, 1, 9_999], { withinMs: 10_000, count: 3 })).toEqual([false, false, true]);
  });

  it('keeps devices apart', () => {
    const filter = new RepeatPressFilter();
    expect([
      filter.check('a', 0).misuse,
      filter.check('b', 1).misuse,
      filter.check('a', 2).misuse,
      filter.check('b', 3).misuse,
    ]).toEqual([false, false, false, false]);
    expect(filter.check('a', 4)).toEqual({ misuse: true, inWindow: 3 });
  });

  it('matches the brute-force reading of the rule', () => {
    fc.assert(
      fc.property(pressTimes(15_000), rules, (times, rule) => {
        expect(flagRepeatPresses(times, rule)).toEqual(reference(times, rule));
      }),
    );
  });

  it('never un-flags: a decision is final whatever presses come later', () => {
    fc.assert(
      fc.property(pressTimes(8_000), pressTimes(8_000), rules, (before, after, rule) => {
        const last = before.at(-1) ?? 0;
        const whole = [...before, ...after.map((t) => t - 1_000_000 + last)];
        expect(flagRepeatPresses(whole, rule).slice(0, before.length)).toEqual(flagRepeatPresses(before, rule));
      }),
    );
  });

  it('never flags a slow presser (gaps of withinMs / (count - 1) or more)', () => {
    fc.assert(
      fc.property(rules, fc.array(fc.integer({ min: 0, max: 50_000 }), { maxLength: 40 }), (rule, extras) => {
        const minGap = Math.ceil(rule.withinMs / (rule.count - 1));
        let t = 0;
        const times = extras.map((extra) => (t += minGap + extra));
        expect(flagRepeatPresses(times, rule).some(Boolean)).toBe(false);
      }),
    );
  });

  it('never flags the first count - 1 presses, and flags every press of a burst after them', () => {
    fc.assert(
      fc.property(rules, fc.integer({ min: 0, max: 30 }), (rule, extra) => {
        const burst = Array.from(
          { length: rule.count - 1 + extra },
          (_, i) => i * Math.floor((rule.withinMs - 1) / (rule.count + extra)),
        );
        const flags = flagRepeatPresses(burst, rule);
        expect(flags.slice(0, rule.count - 1).some(Boolean)).toBe(false);
        expect(flags.slice(rule.count - 1).every(Boolean)).toBe(true);
      }),
    );
  });

  it('does not flag after the clock is set back', () => {
    const filter = new RepeatPressFilter({ withinMs: 10_000, count: 2 });
    filter.check('a', 50_000);
    expect(filter.check('a', 1_000).misuse).toBe(false);
  });

  it('refuses rules that cannot mean anything', () => {
    expect(() => new RepeatPressFilter({ withinMs: 0, count: 3 })).toThrow(/withinMs/);
    expect(() => new RepeatPressFilter({ withinMs: 1000, count: 1 })).toThrow(/count/);
  });
});
