import { join } from 'node:path';
import { test as base } from 'vitest';
import { SqliteHubStore } from '../../server/store/sqlite-store.ts';
import { startTestHub, tempDir } from './fixtures.ts';

/** Stops one thing a test started (a hub, a kiosk, a socket, a folder). */
export type Cleanup = () => Promise<void> | void;

export type TestHub = Awaited<ReturnType<typeof startTestHub>>;

interface SetUp {
  /**
   * What the test started, stopped after it newest first, even when it failed halfway: push a
   * cleanup right after starting each thing.
   */
  cleanups: Cleanup[];
  /** A fresh folder for the test's files, removed after it. */
  dir: string;
  /** How `hub` starts (a venue, a clock...): override per suite with `test.override({ hubOptions })`. */
  hubOptions: Omit<Parameters<typeof startTestHub>[0], 'file' | 'store'>;
  /** A started hub on port 0 over `dir/hub.db`, TEST_VENUE unless hubOptions say; closed after the test. */
  hub: TestHub;
  /** A hub store over `dir/store.db`, closed after the test. */
  store: SqliteHubStore;
}

/**
 * The integration tests' `test`, with the set-up they repeat as fixtures (CONTRIBUTING.md):
 * everything goes through one `cleanups` list, so a hub closes before its folder is removed and
 * after whatever the test started against it.
 */
export const test = base.extend<SetUp>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  cleanups: async ({}, use) => {
    const cleanups: Cleanup[] = [];
    try {
      await use(cleanups);
    } finally {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    }
  },
  dir: async ({ cleanups }, use) => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    await use(dir.path);
  },
  hubOptions: {},
  hub: async ({ cleanups, dir, hubOptions }, use) => {
    const hub = await startTestHub({ ...hubOptions, file: join(dir, 'hub.db') });
    cleanups.push(() => hub.close());
    await use(hub);
  },
  store: async ({ cleanups, dir }, use) => {
    const store = new SqliteHubStore(join(dir, 'store.db'));
    cleanups.push(() => store.close());
    await use(store);
  },
});

/** How long and how often `vi.waitFor` and `expect.poll` try: real hubs and kiosks on a busy 2-core machine. */
export const POLL = { timeout: 20_000, interval: 50 } as const;
