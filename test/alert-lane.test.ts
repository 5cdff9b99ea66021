import { join } from 'node:path';
import { expect } from 'vitest';
import { AlertService } from '../server/alerts/alert-service.ts';
import type { HubStore } from '../server/store/hub-store.ts';
import { startTestHub, TEST_VENUE } from './support/fixtures.ts';
import { test } from './support/test-fixtures.ts';

/** The hub's store, its component read (one per alert run) slowed, and the most runs seen reading at once. */
function overlapOfRuns(store: HubStore): { store: HubStore; most: () => number; runs: () => number } {
  let reading = 0;
  let most = 0;
  let runs = 0;
  const watched = new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (property === 'componentHealth')
        return async (...args: Parameters<HubStore['componentHealth']>) => {
          runs += 1;
          reading += 1;
          most = Math.max(most, reading);
          await new Promise((resolve) => setTimeout(resolve, 20));
          reading -= 1;
          return target.componentHealth(...args);
        };
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: watched, most: () => most, runs: () => runs };
}

test("a hub runs one venue's rules at a time, and a venue asked for again while it waits runs once", async ({
  cleanups,
  dir,
}) => {
  const hub = await startTestHub({ file: join(dir, 'hub.db') });
  cleanups.push(() => hub.close());
  const venues = ['v1', 'v2', 'v3', 'v4', 'v5'];
  for (const id of venues) await hub.venues.upsert({ ...TEST_VENUE, id });
  const { store, most, runs } = overlapOfRuns(hub.store);
  const alerts = new AlertService(store, hub.events, hub.queues.live, { tickMs: 3_600_000 });
  cleanups.push(() => alerts.stop());

  await Promise.all(venues.flatMap((id) => [alerts.check(id), alerts.check(id)]));
  expect(runs()).toBe(venues.length);
  expect(most()).toBe(1);
});
