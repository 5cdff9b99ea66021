/** How far back a kiosk's outbox may reasonably reach: weeks offline, not years. */
const OLDEST_MS = 90 * 24 * 60 * 60_000;
/** Clocks are corrected by the measured offset; what still lies ahead of the hub is a broken clock. */
const NEWEST_MS = 5 * 60_000;

/**
 * When an event happened on the hub's clock: its device time corrected by the device's measured
 * offset, unless that lands outside [received - 90 days, received + 5 min] (a clock at 1970 or in
 * the year 275760), when the time it reached the hub is the best the hub knows. The device's own
 * time is kept as sent (occurred_at), so nothing is lost.
 */
export function correctedTime(occurredAt: number, context: { clockOffsetMs: number; receivedAt: number }): number {
  const corrected = occurredAt + context.clockOffsetMs;
  const { receivedAt } = context;
  return corrected < receivedAt - OLDEST_MS || corrected > receivedAt + NEWEST_MS ? receivedAt : corrected;
}
