import { hidePassword } from '../hide-password.ts';

/** Channel names of one cluster start with this unless the URL names another prefix. */
const DEFAULT_REDIS_PREFIX = 'waitwell';

/**
 * Splits the configured Redis location into what the driver takes and the channel prefix: a
 * `prefix` parameter (redis://host:6379?prefix=chain_a) is ours, not the driver's, and keeps
 * several chains (or test runs) on one Redis apart, as `?schema=` does for PostgreSQL.
 */
export function parseRedisLocation(location: string): { url: string; prefix: string } {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new Error(`the Redis location "${location}" is not a URL: use redis://HOST:PORT (or rediss:// for TLS)`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new Error(`the Redis location must start with redis:// or rediss://, not ${url.protocol}//`);
  }
  const prefix = url.searchParams.get('prefix') ?? DEFAULT_REDIS_PREFIX;
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(prefix))
    throw new Error(`the Redis prefix "${prefix}" may hold only letters, digits and _ . : - (at most 64)`);
  url.searchParams.delete('prefix');
  return { url: url.toString(), prefix };
}

/** The location as safe to print: without its password. */
export function describeRedisLocation(location: string): string {
  return hidePassword(location, 'a Redis server');
}
