import type { Clock, Logger } from '../core/logger.ts';
import type { HubStore } from './store/hub-store.ts';
import { PostgresHubStore } from './store/postgres-store.ts';
import { SqliteHubStore } from './store/sqlite-store.ts';
import { hidePassword } from './hide-password.ts';

/**
 * Chooses the store implementation from the configured location: a postgres:// or postgresql://
 * URL opens the shared PostgreSQL store (migrations run before this resolves), anything else is
 * a SQLite file path. A `schema` parameter in the URL (?schema=chain_a) picks the PostgreSQL
 * schema, so several deployments can share one database; it is ours, not the driver's.
 */
export async function openHubStore(location: string, options: { log?: Logger; clock?: Clock } = {}): Promise<HubStore> {
  if (!isPostgresUrl(location)) return new SqliteHubStore(location, { clock: options.clock });
  const url = new URL(location);
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  return PostgresHubStore.open(url.toString(), { schema, log: options.log, clock: options.clock });
}

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//.test(location);
}

/** The location as safe to print: a PostgreSQL URL loses its password (logs outlive secrets). */
export function describeStoreLocation(location: string): string {
  if (!isPostgresUrl(location)) return location;
  return hidePassword(location, 'a PostgreSQL database');
}
