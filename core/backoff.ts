export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** 0..1: how much of each delay is randomised, so a hub restart is not met by every kiosk at once. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 250, maxMs: 15_000, jitter: 0.5 };

/** Capped exponential backoff with jitter. `attempt` counts failures so far, from 1. */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const capped = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const jitterSpan = capped * policy.jitter;
  return Math.round(capped - jitterSpan + random() * jitterSpan);
}
