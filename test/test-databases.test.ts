import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { TEST_POSTGRES_URL, TEST_REDIS_URL, withPostgres } from './support/fixtures.ts';
import { startRedis } from './support/throwaway-databases.ts';

/** Redis's CONFIG GET answers [name, value]. */
async function redisConfig(url: string, name: string): Promise<string> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    return ((await redis.config('GET', name)) as string[])[1]!;
  } finally {
    redis.disconnect();
  }
}

const refusesConnections = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

describe('the databases a test run uses (test/global-setup.ts)', () => {
  it('is the PostgreSQL WAITWELL_TEST_POSTGRES_URL names, or else one of its own in a temporary folder', async () => {
    const server = await withPostgres(
      async (client) =>
        (
          await client.query<{ port: number; dir: string }>(
            `SELECT inet_server_port() AS port, current_setting('data_directory') AS dir`,
          )
        ).rows[0]!,
    );
    const named = process.env.WAITWELL_TEST_POSTGRES_URL;
    if (named !== undefined) {
      expect(TEST_POSTGRES_URL).toBe(named);
    } else {
      expect(server.port).toBe(Number(new URL(TEST_POSTGRES_URL).port));
      expect(server.port).not.toBe(5432);
      expect(server.dir.startsWith(join(tmpdir(), 'waitwell-postgres-'))).toBe(true);
    }
  });

  it('is the Redis WAITWELL_TEST_REDIS_URL names, or else one of its own in a temporary folder', async () => {
    const named = process.env.WAITWELL_TEST_REDIS_URL;
    if (named !== undefined) {
      expect(TEST_REDIS_URL).toBe(named);
    } else {
      expect(await redisConfig(TEST_REDIS_URL, 'port')).toBe(new URL(TEST_REDIS_URL).port);
      expect(new URL(TEST_REDIS_URL).port).not.toBe('6379');
      expect((await redisConfig(TEST_REDIS_URL, 'dir')).startsWith(join(tmpdir(), 'waitwell-redis-'))).toBe(true);
    }
  });

  it('stops a throwaway server and removes its folder', async () => {
    const redis = await startRedis();
    const port = Number(new URL(redis.url).port);
    expect(await redisConfig(redis.url, 'dir')).toBe(redis.dir);
    await redis.stop();
    expect(existsSync(redis.dir)).toBe(false);
    expect(await refusesConnections(port)).toBe(true);
  });
});
