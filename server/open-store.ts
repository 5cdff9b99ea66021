import type { HubStore } from './store/hub-store.ts';
import { SqliteHubStore } from './store/sqlite-store.ts';

/** Chooses the store implementation from the configured location. */
export function openHubStore(location: string): HubStore {
  if (/^postgres(ql)?:\/\//.test(location)) {
    throw new Error('a PostgreSQL store is not available in this version: use a SQLite file path');
  }
  return new SqliteHubStore(location);
}
