import { useReducer } from 'react';
import type { FeedbackLevel } from '../../core/events.ts';
import type { Language } from '../../core/languages.ts';
import { newerSnapshot } from '../../core/queue/newer-snapshot.ts';
import {
  emptyLevelCounts,
  type BoardAuth,
  type BoardClientToServer,
  type BoardServerToClient,
  type BoardSnapshot,
  type ComponentHealth,
  type DeviceHealth,
  type LevelCounts,
  type PublicNoteView,
  type QueueSnapshot,
  type TouchpointCounts,
} from '../../core/protocol.ts';
import type { PublicVenue } from '../../core/venue.ts';
import { useSocket, type Connection } from './use-socket.ts';

export const LEVELS: readonly FeedbackLevel[] = [1, 2, 3, 4];

/** What a /board socket tells (the board, and the manager's dashboard): the last snapshot, with live updates on top. */
export interface BoardData {
  venue: PublicVenue | null;
  counts: Readonly<Record<string, TouchpointCounts>>;
  devices: readonly DeviceHealth[];
  /** Printers, button boxes and displays as the kiosks last reported them. */
  components: readonly ComponentHealth[];
  /** The touchpoints the last update changed, for the screen-reader announcement. */
  changed: readonly string[];
  /** The venue's queues, or null for a feedback-only venue (or before the first snapshot). */
  queue: QueueSnapshot | null;
  /** What the venue tells customers it changed (verified fixes' public notes). */
  notes: readonly PublicNoteView[];
}

type BoardAction =
  | { type: 'snapshot'; snapshot: BoardSnapshot }
  | { type: 'counts'; update: Parameters<BoardServerToClient['touchpoint.counts']>[0] }
  | { type: 'device'; health: DeviceHealth }
  | { type: 'component'; health: ComponentHealth }
  | { type: 'queue'; snapshot: QueueSnapshot }
  | { type: 'venue'; venue: PublicVenue }
  | { type: 'notes'; notes: PublicNoteView[] };

const EMPTY_BOARD: BoardData = {
  venue: null,
  counts: {},
  devices: [],
  components: [],
  changed: [],
  queue: null,
  notes: [],
};

/** Counts are totals, not deltas, so applying an update twice or late is harmless. */
function boardReducer(state: BoardData, action: BoardAction): BoardData {
  switch (action.type) {
    case 'snapshot': {
      const { venue, touchpoints, devices, components, notes } = action.snapshot;
      return {
        ...state,
        venue,
        counts: Object.fromEntries(touchpoints.map((t) => [t.touchpointId, t])),
        devices,
        components,
        changed: [],
        notes: notes ?? [],
      };
    }
    case 'counts': {
      if (state.venue && action.update.venueId !== state.venue.id) return state;
      const counts = { ...state.counts };
      for (const t of action.update.touchpoints) counts[t.touchpointId] = t;
      return { ...state, counts, changed: action.update.touchpoints.map((t) => t.touchpointId) };
    }
    case 'device': {
      const { health } = action;
      const known = state.devices.some((d) => d.deviceId === health.deviceId);
      const devices = known
        ? state.devices.map((d) => (d.deviceId === health.deviceId ? health : d))
        : [...state.devices, health];
      return { ...state, devices };
    }
    case 'queue': {
      const queue = newerSnapshot(state.queue, action.snapshot);
      return queue === state.queue ? state : { ...state, queue };
    }
    case 'component': {
      const { health } = action;
      const others = state.components.filter(
        (c) => !(c.deviceId === health.deviceId && c.component === health.component),
      );
      return { ...state, components: [...others, health] };
    }
    case 'venue':
      return { ...state, venue: action.venue };
    case 'notes':
      return { ...state, notes: action.notes };
  }
}

export interface BoardRow {
  touchpointId: string;
  name: string;
  counts: LevelCounts;
  total: number;
  /** Levels 3 and 4 over all presses, 0..1; null before the first press. */
  happyShare: number | null;
}

/** One row per touchpoint of the venue, in the venue's order, then any counted id it no longer lists. */
export function boardRows(data: BoardData, lang: Language): BoardRow[] {
  const listed = data.venue?.touchpoints ?? [];
  const rows = listed.map((t) => row(t.id, t.name[lang], data.counts[t.id]));
  const listedIds = new Set(listed.map((t) => t.id));
  for (const [id, counts] of Object.entries(data.counts)) if (!listedIds.has(id)) rows.push(row(id, id, counts));
  return rows;
}

function row(touchpointId: string, name: string, counts: TouchpointCounts | undefined): BoardRow {
  const levels = counts?.counts ?? emptyLevelCounts();
  const total = counts?.total ?? 0;
  return { touchpointId, name, counts: levels, total, happyShare: happyShare(levels, total) };
}

function happyShare(counts: LevelCounts, total: number): number | null {
  return total > 0 ? (counts[3] + counts[4]) / total : null;
}

/**
 * A venue live over the hub's /board socket: with a board token (wall screens), or with the
 * signed-in user's session cookie when there is none (the manager's dashboard).
 */
export function useVenueLive(
  venueId: string | null,
  token: string | null,
): { data: BoardData; connection: Connection } {
  const [data, dispatch] = useReducer(boardReducer, EMPTY_BOARD);
  const auth: BoardAuth | null = venueId ? (token ? { venueId, token } : { venueId }) : null;
  const { connection } = useSocket<BoardServerToClient, BoardClientToServer>(
    '/board',
    auth as Record<string, unknown> | null,
    (socket) => {
      socket.on('snapshot', (snapshot) => dispatch({ type: 'snapshot', snapshot }));
      socket.on('touchpoint.counts', (update) => dispatch({ type: 'counts', update }));
      socket.on('device.health', (health) => dispatch({ type: 'device', health }));
      socket.on('component.health', (health) => dispatch({ type: 'component', health }));
      socket.on('queue.snapshot', (snapshot) => dispatch({ type: 'queue', snapshot }));
      socket.on('venue.updated', (venue) => dispatch({ type: 'venue', venue }));
      socket.on('notes', (notes) => dispatch({ type: 'notes', notes }));
    },
  );
  return { data, connection };
}
