import type { Shift } from './types.ts';

/**
 * The staff rota of a counter (`plan-counter`): when it is planned to be staffed. One rule serves
 * the wait forecast (when an off-rota counter calls again) and the estimator's learning (whether a
 * break was planned or a surprise). Times are in any one unit: ms, or minutes from now.
 */

/**
 * The first time at or after t when the rota has the counter staffed: t itself without a rota,
 * Infinity after its last shift.
 */
export function nextStaffed(shifts: readonly Shift[], t: number): number {
  if (shifts.length === 0) return t;
  for (const { from, to } of shifts) {
    if (to <= t) continue;
    return Math.max(from, t);
  }
  return Infinity;
}

/** Off the rota at t: between shifts or after the last one (never, without a rota). */
export function offRota(shifts: readonly Shift[], t: number): boolean {
  return nextStaffed(shifts, t) > t;
}
