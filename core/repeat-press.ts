/**
 * The repeat-press (misuse) rule: a terminal cannot tell people apart, so a burst of presses on
 * one device is read as one person pressing again and again. Those presses are kept (the record
 * stays honest and the burst itself is worth seeing) but flagged, and scores leave them out by
 * default, as HappyOrNot terminals do.
 *
 * Rule: a press is misuse when it is the `count`-th or later press on the same key (device, or
 * whatever the caller groups by) within the trailing `withinMs`, counting itself and every press
 * before it in the window, flagged or not. So someone hammering a button stays flagged for as
 * long as they keep hammering, and a decision once made is never revised by later presses.
 */
export interface RepeatPressRule {
  /** Length of the trailing window, ms. */
  withinMs: number;
  /** The press that makes this many in the window is the first one flagged; at least 2. */
  count: number;
}

/**
 * 3 presses in 10 s: two people in a row at a busy exit still both count, while the third press
 * within seconds is far more often the same hand than a third customer.
 */
export const DEFAULT_REPEAT_PRESS_RULE: RepeatPressRule = { withinMs: 10_000, count: 3 };

export interface RepeatPressVerdict {
  misuse: boolean;
  /** Presses on this key within the window, this one included, counted up to `count`. */
  inWindow: number;
}

function validateRepeatPressRule(rule: RepeatPressRule): RepeatPressRule {
  if (!Number.isFinite(rule.withinMs) || rule.withinMs <= 0)
    throw new RangeError(`repeat-press withinMs must be a positive number of ms, got ${rule.withinMs}`);
  if (!Number.isInteger(rule.count) || rule.count < 2)
    throw new RangeError(`repeat-press count must be an integer of at least 2, got ${rule.count}`);
  return rule;
}

/**
 * Online form of the rule, one instance per kiosk. Time is passed in (ms; the caller's clock), so
 * the filter is pure and replayable. Memory is bounded: at most `count - 1` times per key.
 */
export class RepeatPressFilter {
  private readonly recent = new Map<string, number[]>();

  constructor(readonly rule: RepeatPressRule = DEFAULT_REPEAT_PRESS_RULE) {
    validateRepeatPressRule(rule);
  }

  check(key: string, at: number): RepeatPressVerdict {
    const cutoff = at - this.rule.withinMs;
    // A press stamped later than `at` means the clock was set back; it cannot be "within the
    // last withinMs" of this press, so it is not counted (no false flags after a clock change).
    const kept = (this.recent.get(key) ?? []).filter((t) => t > cutoff && t <= at);
    const inWindow = kept.length + 1;
    kept.push(at);
    // Only the newest count-1 presses can take part in a future decision.
    if (kept.length > this.rule.count - 1) kept.splice(0, kept.length - (this.rule.count - 1));
    this.recent.set(key, kept);
    return { misuse: inWindow >= this.rule.count, inWindow };
  }

  /** Forgets a key, e.g. when its device is removed from the configuration. */
  forget(key: string): void {
    this.recent.delete(key);
  }
}

/** The same rule over a whole sequence of press times of one key, in arrival order. */
export function flagRepeatPresses(
  times: readonly number[],
  rule: RepeatPressRule = DEFAULT_REPEAT_PRESS_RULE,
): boolean[] {
  const filter = new RepeatPressFilter(rule);
  return times.map((at) => filter.check('', at).misuse);
}
