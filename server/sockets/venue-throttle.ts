/**
 * Gathers work per venue and runs it at most once per `windowMs`: the first call after a quiet
 * spell runs at once, later ones within the window are merged into one run at its end. Runs of
 * one venue never overlap, so what they push arrives in order.
 *
 * Touchpoint counts go through this: one count query and one broadcast per window serve every
 * batch stored in it. Per batch, a hub taking 1,000 one-press batches a second spent most of its
 * CPU writing the same counts to 50 boards.
 */
export function throttlePerVenue(
  windowMs: number,
  run: (venueId: string, keys: string[]) => Promise<void>,
): (venueId: string, keys: readonly string[]) => void {
  const venues = new Map<
    string,
    { keys: Set<string>; timer: NodeJS.Timeout | undefined; lastRun: number; running: Promise<void> }
  >();
  // Wall time on purpose, not the hub's clock: the window is kept by setTimeout, which runs on it.
  const runNow = (venueId: string) => {
    const venue = venues.get(venueId)!;
    venue.timer = undefined;
    venue.lastRun = Date.now();
    const keys = [...venue.keys];
    venue.keys.clear();
    venue.running = venue.running.then(() => run(venueId, keys)).catch(() => undefined);
  };
  return (venueId, keys) => {
    let venue = venues.get(venueId);
    if (!venue) {
      venue = { keys: new Set(), timer: undefined, lastRun: 0, running: Promise.resolve() };
      venues.set(venueId, venue);
    }
    for (const key of keys) venue.keys.add(key);
    if (venue.timer) return;
    const wait = venue.lastRun + windowMs - Date.now();
    if (wait <= 0) runNow(venueId);
    else venue.timer = setTimeout(() => runNow(venueId), wait);
  };
}
