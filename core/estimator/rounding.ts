/** Posted waits from here on are long: shown in steps of GRID_STEP_MIN, and judged by calibration.ts's ratio. */
export const LONG_WAIT_MIN = 10;
/** The step of the grid of long posted waits (10, 15, 20 ...). */
export const GRID_STEP_MIN = 5;
/** A hair of tolerance so 10.0000001 from floating sums does not jump to 15. */
const ROUNDING_TOLERANCE_MIN = 1e-9;

/**
 * Posted waits are for people: rounded up (never down, it is a promise) to 5 minutes, and to
 * whole minutes below 10 minutes, where 5-minute steps would be a large share of the wait.
 */
export function roundPostedWait(minutes: number): number {
  if (!Number.isFinite(minutes)) return minutes;
  const m = Math.max(0, minutes);
  const up = Math.max(0, Math.ceil(m - ROUNDING_TOLERANCE_MIN));
  return up < LONG_WAIT_MIN ? up : Math.ceil((m - ROUNDING_TOLERANCE_MIN) / GRID_STEP_MIN) * GRID_STEP_MIN;
}
