/**
 * Gathers work for many venues and runs it for all of them, one run at a time. A call while no run
 * is in flight runs as soon as the current burst of calls is over (setImmediate: the batches one
 * group commit answers all arrive before it); calls while a run is in flight are gathered and run
 * together once it has finished, and a run starts at most once per `minGapMs`. So batching grows
 * only with the load: a quiet hub sends each press at once, a busy one waits for nothing but the
 * run before. Runs never overlap, so what they push arrives in order.
 *
 * Touchpoint counts go through this: one count query and one broadcast per run serve every batch
 * stored meanwhile, whichever venues they came from. Per batch, a hub taking 1,000 one-press
 * batches a second spent most of its CPU writing the same counts to 50 boards; per venue, a hub of
 * a cluster sent one query and one Redis message per press of a chain's 100 venues. A fixed window
 * (25 ms) bounded both but made every count wait for it, even on an idle hub.
 */
export function coalesceAcrossVenues(
  minGapMs: number,
  run: (keysByVenue: Map<string, string[]>) => Promise<void>,
): (venueId: string, keys: readonly string[]) => void {
  let gathered = new Map<string, Set<string>>();
  /** A run is scheduled or in flight: calls only gather. */
  let busy = false;
  let lastStart = Number.NEGATIVE_INFINITY;
  const schedule = () => {
    busy = true;
    // Wall time on purpose, not the hub's clock: the gap is kept by setTimeout, which runs on it.
    const wait = lastStart + minGapMs - Date.now();
    if (wait <= 0) setImmediate(start);
    else setTimeout(start, wait);
  };
  const start = () => {
    lastStart = Date.now();
    const keysByVenue = new Map([...gathered].map(([venueId, keys]) => [venueId, [...keys]]));
    gathered = new Map();
    void Promise.resolve()
      .then(() => run(keysByVenue))
      .catch(() => undefined)
      .then(() => {
        busy = false;
        if (gathered.size > 0) schedule();
      });
  };
  return (venueId, keys) => {
    const venueKeys = gathered.get(venueId) ?? new Set<string>();
    for (const key of keys) venueKeys.add(key);
    gathered.set(venueId, venueKeys);
    if (!busy) schedule();
  };
}
