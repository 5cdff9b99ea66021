/**
 * Gathers work for many venues and runs it for all of them at most once per `windowMs`: the first
 * call after a quiet spell runs as soon as the current burst of calls is over (setImmediate: the
 * batches one group commit answers all arrive before it), later ones within the window are merged
 * into one run at its end. Runs never overlap, so what they push arrives in order.
 *
 * Touchpoint counts go through this: one count query and one broadcast per window serve every
 * batch stored in it, whichever venues they came from. Per batch, a hub taking 1,000 one-press
 * batches a second spent most of its CPU writing the same counts to 50 boards; per venue, a hub of
 * a cluster still sent one query and one Redis message per press of a chain's 100 venues.
 */
export function throttleAcrossVenues(
  windowMs: number,
  run: (keysByVenue: Map<string, string[]>) => Promise<void>,
): (venueId: string, keys: readonly string[]) => void {
  let gathered = new Map<string, Set<string>>();
  let scheduled = false;
  let lastRun = Number.NEGATIVE_INFINITY;
  let running = Promise.resolve();
  const runNow = () => {
    scheduled = false;
    // Wall time on purpose, not the hub's clock: the window is kept by setTimeout, which runs on it.
    lastRun = Date.now();
    const keysByVenue = new Map([...gathered].map(([venueId, keys]) => [venueId, [...keys]]));
    gathered = new Map();
    running = running.then(() => run(keysByVenue)).catch(() => undefined);
  };
  return (venueId, keys) => {
    const venueKeys = gathered.get(venueId) ?? new Set<string>();
    for (const key of keys) venueKeys.add(key);
    gathered.set(venueId, venueKeys);
    if (scheduled) return;
    scheduled = true;
    const wait = lastRun + windowMs - Date.now();
    if (wait <= 0) setImmediate(runNow);
    else setTimeout(runNow, wait);
  };
}
