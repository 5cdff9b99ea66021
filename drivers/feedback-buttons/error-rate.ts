/**
 * Counts recent errors to tell a noisy line (wrong baud rate, loose ground, bad firmware) from the
 * odd glitch: the line is unhealthy while `threshold` or more errors fall within `windowMs`.
 * Pure and time-injected; the driver decides when to look again.
 */
export interface ErrorRateRule {
  threshold: number;
  windowMs: number;
}

export const DEFAULT_GARBAGE_RULE: ErrorRateRule = { threshold: 5, windowMs: 30_000 };

export class ErrorRate {
  private times: number[] = [];

  constructor(readonly rule: ErrorRateRule = DEFAULT_GARBAGE_RULE) {}

  record(at: number): void {
    this.times.push(at);
    this.prune(at);
  }

  count(at: number): number {
    this.prune(at);
    return this.times.length;
  }

  unhealthy(at: number): boolean {
    return this.count(at) >= this.rule.threshold;
  }

  /** When the oldest counted error leaves the window, or undefined when none is counted. */
  nextChangeAt(): number | undefined {
    const oldest = this.times[0];
    return oldest === undefined ? undefined : oldest + this.rule.windowMs;
  }

  reset(): void {
    this.times = [];
  }

  private prune(at: number): void {
    const cutoff = at - this.rule.windowMs;
    let drop = 0;
    while (drop < this.times.length && this.times[drop]! <= cutoff) drop += 1;
    // Only the newest `threshold` matter; bounded memory under a flood of garbage.
    drop = Math.max(drop, this.times.length - this.rule.threshold);
    if (drop > 0) this.times = this.times.slice(drop);
  }
}
