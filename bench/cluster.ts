import { randomBytes } from 'node:crypto';
import { openHubStore } from '../server/open-store.ts';
import { withPostgresAt } from '../test/support/postgres.ts';
import { spawnWaitwell, type RunningProcess } from '../test/support/processes.ts';
import { processMemoryMb } from './hub-load.ts';
import {
  hubUrlOf,
  type LoadedHubs,
  measureLoad,
  loadFigures,
  loadLayout,
  type loadOptions,
  machineFigures,
  planConnections,
  provisionVenues,
  stopHub,
} from './hub.ts';

const POSTGRES_URL = process.env.WAITWELL_BENCH_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test';
const REDIS_URL = process.env.WAITWELL_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Two hub processes that share one PostgreSQL schema (made for the run, dropped by stop()) and one
 * Redis (a channel prefix of the run's own). Every venue has kiosks on both hubs, and each board
 * watches from one of them, so half of what a board is told crossed from the other hub.
 */
export async function startCluster(
  load: ReturnType<typeof loadOptions>,
  log: (line: string) => void,
): Promise<LoadedHubs> {
  const run = randomBytes(6).toString('hex');
  const schema = `bench_cluster_${run}`;
  const storeUrl = `${POSTGRES_URL}?schema=${schema}`;
  const redisUrl = `${REDIS_URL}?prefix=waitwell_bench_${run}`;
  const hubs: RunningProcess[] = [];
  const stop = async () => {
    await Promise.all(hubs.map((hub) => stopHub(hub)));
    await withPostgresAt(POSTGRES_URL, (client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).catch(
      (error: Error) => log(`could not drop schema ${schema}: ${error.message}`),
    );
  };
  try {
    log(`provisioning ${load.venues} venues and ${load.kiosks} kiosks in PostgreSQL schema ${schema}`);
    const layout = loadLayout(load, 2);
    const store = await openHubStore(storeUrl);
    let boardTokens: Map<string, string>;
    try {
      boardTokens = await provisionVenues(store, layout.venueIds, load.alertRules);
      await store.addDevices(
        layout.devices.map((d) => ({ id: d.deviceId, venueId: d.venueId, name: d.deviceId, tokenHash: d.tokenHash })),
      );
    } finally {
      await store.close();
    }
    for (let i = 0; i < 2; i += 1)
      hubs.push(spawnWaitwell(['hub', '--store', storeUrl, '--redis', redisUrl, '--port', '0']));
    const urls = await Promise.all(hubs.map(hubUrlOf));
    log(`hub A (pid ${hubs[0]!.child.pid}) at ${urls[0]}, hub B (pid ${hubs[1]!.child.pid}) at ${urls[1]}`);
    return {
      urls,
      connections: planConnections(layout, boardTokens),
      peakRssMb: () => hubs.map((hub) => processMemoryMb(hub.child.pid).peakRssMb),
      stored: () =>
        withPostgresAt(POSTGRES_URL, async (client) =>
          Number((await client.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${schema}.events`)).rows[0]!.n),
        ),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * `npm run bench -- cluster`: the `hub` load spread over two hubs on PostgreSQL and Redis
 * (startCluster); crossHubP99Ms times the presses that reached a board through the other hub.
 */
export default async function run(
  options: Record<string, string>,
  log: (line: string) => void,
): Promise<Record<string, unknown>> {
  const { load, openFiles, result, memory, rssMb, stored, lost, connected } = await measureLoad(
    options,
    startCluster,
    log,
  );
  log(
    `p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, cross-hub p99 ${result.crossHubP99Ms} ms, ` +
      `hub rss ${memory.join(' / ')} MB, stored ${stored}/${result.sent}`,
  );
  return {
    hubs: 2,
    ...loadFigures(load, result),
    crossHubSamples: result.crossHubSamples,
    crossHubP50Ms: result.crossHubP50Ms,
    crossHubP99Ms: result.crossHubP99Ms,
    rssMb,
    rssMbPerHub: memory,
    stored,
    lost,
    ...machineFigures(result, openFiles),
    targets: {
      connections: load.kiosks + load.boards,
      lost: 0,
      p99MsBelow: 250,
      crossHubP99MsBelow: 250,
      rssMbBelow: 1024,
    },
    targetsMet: connected && lost === 0 && result.p99Ms < 250 && result.crossHubP99Ms < 250 && rssMb < 1024,
  };
}
