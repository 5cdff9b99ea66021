/**
 * Self-healing of the kiosk window: a crashed or hung renderer is reloaded; when that keeps
 * happening, reloading clearly does not help and the whole app is relaunched (a fresh GPU
 * process, fresh memory). Pure, with time passed in, so the policy is tested without Electron.
 */
export interface RelaunchRule {
  /** Failures within this window count towards a relaunch. */
  windowMs: number;
  /** This many failures within the window relaunch the app instead of reloading. */
  maxReloads: number;
  /** An unresponsive renderer gets this long to recover before it is reloaded. */
  unresponsiveGraceMs: number;
}

const DEFAULT_RELAUNCH_RULE: RelaunchRule = {
  windowMs: 10 * 60_000,
  maxReloads: 3,
  unresponsiveGraceMs: 15_000,
};

export type Failure = 'render-process-gone' | 'unresponsive' | 'load-failed';
export type Remedy = { action: 'reload'; delayMs: number } | { action: 'relaunch'; reason: string };

export class RelaunchPolicy {
  private failures: number[] = [];

  constructor(readonly rule: RelaunchRule = DEFAULT_RELAUNCH_RULE) {}

  /** What to do about a failure at time `at` (ms). */
  onFailure(kind: Failure, at: number): Remedy {
    this.failures = this.failures.filter((t) => at - t < this.rule.windowMs);
    this.failures.push(at);
    if (this.failures.length > this.rule.maxReloads) {
      return {
        action: 'relaunch',
        reason:
          `${this.failures.length} renderer failures within ${Math.round(this.rule.windowMs / 60_000)} min ` +
          `(last: ${kind})`,
      };
    }
    // A page that failed to load is usually the local screen not up yet: back off a little.
    const delayMs =
      kind === 'load-failed'
        ? Math.min(30_000, 1000 * 2 ** (this.failures.length - 1))
        : kind === 'unresponsive'
          ? this.rule.unresponsiveGraceMs
          : 0;
    return { action: 'reload', delayMs };
  }

  /** A renderer that stayed healthy long enough is forgiven its past failures. */
  onHealthy(at: number): void {
    this.failures = this.failures.filter((t) => at - t < this.rule.windowMs);
  }
}

/** The kiosk runtime watchdog: restart it when its heartbeat is older than this. */
export function runtimeIsStale(lastHeartbeatAt: number, now: number, timeoutMs = 30_000): boolean {
  return now - lastHeartbeatAt > timeoutMs;
}
