import type { TouchpointCounts } from '../../core/protocol.ts';
import type { HubEvents } from '../hub-events.ts';
import type { HubStore } from '../store/hub-store.ts';
import { throttlePerVenue } from './venue-throttle.ts';

/** Screens that show a venue's touchpoint counts live (boards, managers). */
export interface CountsAudience {
  /** Someone connected to this hub watches the venue. */
  watchingHere(venueId: string): boolean;
  push(update: { venueId: string; touchpoints: TouchpointCounts[] }): void;
}

/** A venue's counts go out at most this often (a quiet venue's press at once). */
const COUNTS_WINDOW_MS = 25;

/**
 * After presses are stored, one count query per venue per window serves every audience. With one
 * hub, a venue nobody watches costs nothing: its rooms here are all there is (the query was ~8% of
 * the hub's ingest CPU). With several hubs a watcher may be on another one, invisible here, so the
 * counts always go out (through the Redis adapter, to every hub's sockets).
 */
export function feedTouchpointCounts(deps: {
  events: HubEvents;
  store: HubStore;
  audiences: readonly CountsAudience[];
  clustered: boolean;
}): void {
  const { events, store, audiences, clustered } = deps;
  const push = throttlePerVenue(COUNTS_WINDOW_MS, async (venueId, touchpointIds) => {
    const listening = clustered ? audiences : audiences.filter((a) => a.watchingHere(venueId));
    if (listening.length === 0) return;
    const touchpoints = await store.touchpointCounts(venueId, touchpointIds);
    for (const audience of listening) audience.push({ venueId, touchpoints });
  });
  events.on('events.stored', ({ venueId, touchpointsChanged }) => {
    if (touchpointsChanged.length === 0) return;
    if (!clustered && !audiences.some((a) => a.watchingHere(venueId))) return;
    push(venueId, touchpointsChanged);
  });
}
