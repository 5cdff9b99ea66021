import { join, resolve } from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { DEFAULT_CLIPS_DIR, ensureCallClips } from '../bin/call-clips.ts';
import { startPostgres, startRedis, type ThrowawayServer } from './support/throwaway-databases.ts';

const ROOT = resolve(import.meta.dirname, '..');

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL of this test run: WAITWELL_TEST_POSTGRES_URL, or a throwaway one. */
    postgresUrl: string;
    /** The Redis of this test run: WAITWELL_TEST_REDIS_URL, or a throwaway one. */
    redisUrl: string;
  }
}

/**
 * Once per run of the integration tests: builds the screens into dist/renderer, where the hub
 * serves them (so browser tests in parallel workers never rebuild the folder under each other),
 * and gives the tests a PostgreSQL and a Redis. WAITWELL_TEST_POSTGRES_URL and
 * WAITWELL_TEST_REDIS_URL name running servers to use; without them, throwaway servers start
 * here and stop when the run ends, failed or not.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started: ThrowawayServer[] = [];
  const stopAll = async () => {
    await Promise.all(started.splice(0).map((server) => server.stop()));
  };
  const serverFor = async (url: string | undefined, start: () => Promise<ThrowawayServer>): Promise<string> => {
    if (url) return url;
    const server = await start();
    started.push(server);
    return server.url;
  };
  // All settled before deciding, so a server still starting when another part failed is stopped too.
  const [postgres, redis, screens, clips] = await Promise.allSettled([
    serverFor(process.env.WAITWELL_TEST_POSTGRES_URL, startPostgres),
    serverFor(process.env.WAITWELL_TEST_REDIS_URL, startRedis),
    buildScreens(),
    // The call clips the hub serves from dist/clips (kept between runs; only missing ones are made).
    ensureCallClips(DEFAULT_CLIPS_DIR),
  ]);
  for (const result of [postgres, redis, screens, clips]) {
    if (result.status === 'rejected') {
      await stopAll();
      throw result.reason;
    }
  }
  if (postgres.status === 'fulfilled') project.provide('postgresUrl', postgres.value);
  if (redis.status === 'fulfilled') project.provide('redisUrl', redis.value);
  return stopAll;
}

async function buildScreens(): Promise<void> {
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production'; // vitest sets 'test', which would give React's development build
  try {
    await build({ configFile: join(ROOT, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}
