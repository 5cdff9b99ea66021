/**
 * Contact bounce: one push of a mechanical switch can close the contact several times within a
 * few milliseconds, and a box without firmware debounce sends each closing. Edges of the same
 * button closer than the window to the previous edge are one press. The window counts from the
 * last edge seen, accepted or not, so a long bounce train stays one press. Time is passed in.
 */
export const DEFAULT_DEBOUNCE_MS = 50;

export class Debouncer {
  private readonly lastEdge = new Map<number, number>();

  constructor(readonly windowMs: number = DEFAULT_DEBOUNCE_MS) {
    if (!Number.isFinite(windowMs) || windowMs < 0)
      throw new RangeError(`debounce window must be 0 ms or more, got ${windowMs}`);
  }

  /** True when this edge is a new press, false when it is bounce. */
  accept(button: number, at: number): boolean {
    const previous = this.lastEdge.get(button);
    this.lastEdge.set(button, at);
    // Time going backwards means the box rebooted (its uptime restarted): a fresh start.
    if (previous === undefined || at < previous) return true;
    return at - previous >= this.windowMs;
  }

  reset(): void {
    this.lastEdge.clear();
  }
}
