import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { AlertService } from '../server/alerts/alert-service.ts';
import { joinCluster } from '../server/cluster/hub-cluster.ts';
import type { HubStore } from '../server/store/hub-store.ts';
import { startTestHub, TEST_REDIS_URL, TEST_VENUE } from './support/fixtures.ts';
import { startRedis } from './support/throwaway-databases.ts';
import { test } from './support/test-fixtures.ts';

/**
 * In a cluster every hub stores batches of the same venue; the alert rules over the store run on
 * the one hub that claims the venue's run (hub-cluster.ts claim), not on each.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The hub's store, counting alert runs by the one read of component states each makes. */
function countingRuns(store: HubStore): { store: HubStore; runs: () => number } {
  let runs = 0;
  const counted = new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (property === 'componentHealth')
        return (...args: Parameters<HubStore['componentHealth']>) => {
          runs += 1;
          return target.componentHealth(...args);
        };
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: counted, runs: () => runs };
}

describe('alert runs claimed across hubs', () => {
  test('a claim is one hub’s until it lapses, then the next asker’s', async ({ cleanups }) => {
    const location = `${TEST_REDIS_URL}?prefix=waitwell_test_claims_${process.pid}_${Date.now()}`;
    const [a, b] = await Promise.all([joinCluster(location), joinCluster(location)]);
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );

    expect(await a.claim('alerts:v1', 300)).toBe(true);
    expect(await b.claim('alerts:v1', 300)).toBe(false);
    expect(await a.claim('alerts:v1', 300)).toBe(false);
    expect(await b.claim('alerts:v2', 300)).toBe(true); // another venue's run is its own
    await sleep(400);
    expect(await b.claim('alerts:v1', 300)).toBe(true);
  });

  test('a claim Redis cannot answer counts as won: the run is done twice rather than not at all', async ({
    cleanups,
  }) => {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const hub = await joinCluster(`${redis.url}?prefix=waitwell_test_claims`);
    cleanups.push(() => hub.close());
    expect(await hub.claim('alerts:v1', 1000)).toBe(true);
    await redis.stop();
    const asked = Date.now();
    expect(await hub.claim('alerts:v1', 1000)).toBe(true);
    expect(Date.now() - asked).toBeLessThan(2000);
  });

  test('stored batches run the rules only on a won claim, and try once more after losing', async ({
    cleanups,
    dir,
  }) => {
    const hub = await startTestHub({ file: join(dir, 'hub.db') });
    cleanups.push(() => hub.close());
    const stored = (deviceId: string) =>
      hub.events.emit('events.stored', {
        venueId: TEST_VENUE.id,
        deviceId,
        events: [],
        touchpointsChanged: [],
        clockOffsetMs: 0,
      });

    const claims: boolean[] = [];
    let win = false;
    const { store, runs } = countingRuns(hub.store);
    const alerts = new AlertService(store, hub.events, hub.queues.live, {
      batchMs: 50,
      claimRun: async () => {
        claims.push(win);
        return win;
      },
    });
    cleanups.push(() => alerts.stop());

    // Another hub holds the venue's run: a burst of batches asks once, then once more, and runs nothing.
    for (let i = 0; i < 5; i += 1) stored(`k${i}`);
    await sleep(400);
    expect(claims).toEqual([false, false]);
    expect(runs()).toBe(0);

    // This hub wins: one run for the burst.
    win = true;
    for (let i = 0; i < 5; i += 1) stored(`k${i}`);
    await sleep(300);
    expect(claims).toEqual([false, false, true]);
    expect(runs()).toBe(1);
  });
});
