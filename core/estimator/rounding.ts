/**
 * Posted waits are for people: rounded up (never down, it is a promise) to 5 minutes, and to
 * whole minutes below 10 minutes, where 5-minute steps would be a large share of the wait.
 */
export function roundPostedWait(minutes: number): number {
  if (!Number.isFinite(minutes)) return minutes;
  const m = Math.max(0, minutes);
  // A hair of tolerance so 10.0000001 from floating sums does not jump to 15.
  const up = Math.max(0, Math.ceil(m - 1e-9));
  return up < 10 ? up : Math.ceil((m - 1e-9) / 5) * 5;
}
