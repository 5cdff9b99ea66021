import { afterEach } from 'vitest';

export type Cleanup = () => Promise<void> | void;

/**
 * What a test started (hubs, kiosks, sockets, folders) is stopped after it, newest first, even
 * when the test failed halfway: push a cleanup right after starting each thing.
 */
export function useCleanups(): Cleanup[] {
  const cleanups: Cleanup[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return cleanups;
}
