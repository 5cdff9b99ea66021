import type { FeedbackLevel } from '../../core/events.ts';
import type { Language } from '../../core/languages.ts';
import { emptyLevelCounts, type BoardServerToClient, type BoardSnapshot, type DeviceHealth, type LevelCounts, type TouchpointCounts } from '../../core/protocol.ts';
import type { Venue } from '../../core/venue.ts';

export const LEVELS: readonly FeedbackLevel[] = [1, 2, 3, 4];

/** What the board knows: the last snapshot, with the live updates applied on top. */
export interface BoardData {
  venue: Venue | null;
  counts: Readonly<Record<string, TouchpointCounts>>;
  devices: readonly DeviceHealth[];
  /** The touchpoints the last update changed, for the screen-reader announcement. */
  changed: readonly string[];
}

export type BoardAction =
  | { type: 'snapshot'; snapshot: BoardSnapshot }
  | { type: 'counts'; update: Parameters<BoardServerToClient['touchpoint.counts']>[0] }
  | { type: 'device'; health: DeviceHealth };

export const EMPTY_BOARD: BoardData = { venue: null, counts: {}, devices: [], changed: [] };

/** Counts are totals, not deltas, so applying an update twice or late is harmless. */
export function boardReducer(state: BoardData, action: BoardAction): BoardData {
  switch (action.type) {
    case 'snapshot': {
      const { venue, touchpoints, devices } = action.snapshot;
      return { venue, counts: Object.fromEntries(touchpoints.map((t) => [t.touchpointId, t])), devices, changed: [] };
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
      const devices = known ? state.devices.map((d) => (d.deviceId === health.deviceId ? health : d)) : [...state.devices, health];
      return { ...state, devices };
    }
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

export function happyShare(counts: LevelCounts, total: number): number | null {
  return total > 0 ? (counts[3] + counts[4]) / total : null;
}
