import { z } from 'zod';
import type { TouchpointCounts } from '../../core/protocol.ts';
import type { HubEvents } from '../hub-events.ts';
import type { HubStore } from '../store/hub-store.ts';
import { coalesceAcrossVenues } from './venue-throttle.ts';

/** One venue's counts as screens get them. */
export interface CountsUpdate {
  venueId: string;
  touchpoints: TouchpointCounts[];
}

/** Screens that show a venue's touchpoint counts live (boards, managers). */
export interface CountsAudience {
  /** Someone connected to this hub watches the venue. */
  watchingHere(venueId: string): boolean;
  /** To this hub's own screens of the venue (the other hubs deliver to theirs). */
  push(update: CountsUpdate): void;
}

/**
 * How often a hub of a cluster starts a count run at most: its run is a round trip to PostgreSQL
 * and a Redis message the other hubs decode, so one per window serves every venue pressed in it.
 * One hub's run is a local read and its own sockets; it starts as soon as the run before has ended.
 */
const CLUSTER_COUNTS_GAP_MS = 25;

const level = z.number().int().nonnegative();
/** What another hub sends (feedTouchpointCounts' `share`), checked before it reaches any screen. */
const sharedCountsSchema = z.array(
  z.object({
    venueId: z.string().min(1),
    touchpoints: z.array(
      z.object({
        touchpointId: z.string().min(1),
        counts: z.object({ 1: level, 2: level, 3: level, 4: level }),
        total: level,
      }),
    ),
  }),
);

/** Counts another hub shared, checked; throws with what is wrong. */
export function readSharedCounts(message: unknown): CountsUpdate[] {
  const parsed = sharedCountsSchema.safeParse(message);
  if (!parsed.success) throw new Error(`touchpoint counts that are not: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/**
 * After presses are stored, one count read per run serves every venue pressed since the run before
 * and every audience (coalesceAcrossVenues: a press on an idle hub goes out at once, a busy hub's
 * gather while a run is in flight). With one hub, a venue nobody watches costs nothing: its rooms
 * here are all there is (the query was ~8% of the hub's ingest CPU). With several hubs a watcher
 * may be on another one, invisible here, so the counts are always read and `share`d with the other
 * hubs, in one message per window (one Redis message per venue and audience cost more than the
 * presses' own ingest); each hub delivers what it is sent to its own screens (`deliver`).
 */
export function feedTouchpointCounts(deps: {
  events: HubEvents;
  store: HubStore;
  audiences: readonly CountsAudience[];
  share?: (updates: CountsUpdate[]) => void;
}): { deliver(updates: readonly CountsUpdate[]): void } {
  const { events, store, audiences, share } = deps;
  const deliver = (updates: readonly CountsUpdate[]) => {
    for (const update of updates)
      for (const audience of audiences) if (audience.watchingHere(update.venueId)) audience.push(update);
  };
  const push = coalesceAcrossVenues(share ? CLUSTER_COUNTS_GAP_MS : 0, async (touchpointsByVenue) => {
    const counts = await store.touchpointCountsOfVenues(touchpointsByVenue);
    const updates = [...counts].map(([venueId, touchpoints]) => ({ venueId, touchpoints }));
    share?.(updates);
    deliver(updates);
  });
  events.on('events.stored', ({ venueId, touchpointsChanged }) => {
    if (touchpointsChanged.length === 0) return;
    if (!share && !audiences.some((a) => a.watchingHere(venueId))) return;
    push(venueId, touchpointsChanged);
  });
  return { deliver };
}
