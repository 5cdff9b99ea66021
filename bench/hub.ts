import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashToken } from '../server/auth/secrets.ts';
import { SqliteHubStore } from '../server/store/sqlite-store.ts';
import { Venues } from '../server/venues.ts';
import type { VenueInput } from '../core/venue.ts';
import { spawnWaitwell, type RunningProcess } from '../test/support/processes.ts';
import type { HubStore } from '../server/store/hub-store.ts';
import {
  processMemoryMb,
  requireOpenFiles,
  runLoad,
  type LoadBoard,
  type LoadKiosk,
  type LoadResult,
} from './hub-load.ts';
import { numberOption } from './sync.ts';

const LOAD_VENUE: VenueInput = {
  id: 'load-v001',
  name: 'Benchmark Branch',
  touchpoints: [
    { id: 'entrance', name: { ko: '입구', zh: '入口', en: 'Entrance' } },
    { id: 'entrance-b', name: { ko: '입구 B', zh: '入口 B', en: 'Entrance B' } },
  ],
};

/** Connection-load options shared by `hub` and `cluster`. */
export function loadOptions(options: Record<string, string>) {
  return {
    kiosks: numberOption(options, 'kiosks', 5000),
    boards: numberOption(options, 'boards', 50),
    // A hub for a chain serves many venues; 5000 kiosks in one venue is a stress case (--venues 1).
    venues: numberOption(options, 'venues', 100),
    rate: numberOption(options, 'rate', 1000, false),
    seconds: numberOption(options, 'seconds', 15, false),
    warmupSeconds: options.warmup === '0' ? 0 : numberOption(options, 'warmup', 5, false),
    connectWindow: numberOption(options, 'connect-window', 100),
    alertRules: alertRulesOption(options),
  };
}

/** `--alert-rules off` runs the venue without alert rules, to measure the socket path alone. */
function alertRulesOption(options: Record<string, string>): 'default' | 'off' {
  const value = options['alert-rules'] ?? 'default';
  if (value !== 'default' && value !== 'off') throw new Error(`--alert-rules is "default" or "off", not "${value}"`);
  return value;
}

/** Touchpoints pressed from hub 0 and hub 1: a board tells from the touchpoint where a press came from. */
const HUB_TOUCHPOINTS = ['entrance', 'entrance-b'];

/**
 * Who goes where: kiosk i belongs to venue i mod V and connects to hub (i div V) mod H, so every
 * venue has kiosks on every hub; board j watches venue j mod V from hub j mod H.
 */
/** The figures `hub` and `cluster` both report, in the same order. */
export function loadFigures(load: ReturnType<typeof loadOptions>, result: LoadResult) {
  return {
    connections: result.connections,
    kioskConnections: result.kioskConnections,
    boardConnections: result.boardConnections,
    connectSeconds: result.connectSeconds,
    venues: load.venues,
    rate: load.rate,
    warmupSeconds: load.warmupSeconds,
    seconds: load.seconds,
    alertRules: load.alertRules,
    sent: result.sent,
    eventsPerSec: result.eventsPerSec,
    samples: result.samples,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    maxMs: result.maxMs,
  };
}

/** What both report after the latencies. */
export function machineFigures(result: LoadResult, openFiles: number) {
  return {
    refused: result.refused,
    disconnects: result.disconnects,
    openFilesLimit: openFiles,
    cpus: availableParallelism(),
    loadAverage: Math.round(loadavg()[0]! * 100) / 100,
  };
}

export function loadLayout(load: ReturnType<typeof loadOptions>, hubs: number) {
  const venueIds = Array.from({ length: load.venues }, (_, v) => `load-v${String(v + 1).padStart(3, '0')}`);
  const devices = loadDevices(load.kiosks).map((d, i) => ({
    ...d,
    venueId: venueIds[i % venueIds.length]!,
    hub: Math.floor(i / venueIds.length) % hubs,
  }));
  const boards = Array.from({ length: load.boards }, (_, j) => ({
    venueId: venueIds[j % venueIds.length]!,
    hub: j % hubs,
  }));
  return { venueIds, devices, boards };
}

/** Saves the venues (with the default alert rules, or none) and returns a board link token for each. */
export async function provisionVenues(
  store: HubStore,
  venueIds: readonly string[],
  alertRules: 'default' | 'off',
): Promise<Map<string, string>> {
  const venues = new Venues(store);
  const tokens = new Map<string, string>();
  for (const [v, id] of venueIds.entries()) {
    await venues.upsert({
      ...LOAD_VENUE,
      id,
      name: `Benchmark Branch ${v + 1}`,
      ...(alertRules === 'off' ? { analytics: { alertRules: [] } } : {}),
    });
    tokens.set(id, await venues.newBoardToken(id));
  }
  return tokens;
}

/** The load plan's kiosks and boards for a layout. */
export function planConnections(
  layout: ReturnType<typeof loadLayout>,
  boardTokens: ReadonlyMap<string, string>,
): { kiosks: LoadKiosk[]; boards: LoadBoard[] } {
  return {
    kiosks: layout.devices.map((d) => ({
      deviceId: d.deviceId,
      token: d.token,
      venueId: d.venueId,
      hub: d.hub,
      touchpointId: HUB_TOUCHPOINTS[d.hub]!,
    })),
    boards: layout.boards.map((b) => ({ ...b, token: boardTokens.get(b.venueId)! })),
  };
}

/** Device ids and fresh tokens for `count` kiosks (tokens stored as hashes, as the hub does). */
export function loadDevices(count: number): { deviceId: string; token: string; tokenHash: string }[] {
  return Array.from({ length: count }, (_, i) => {
    const token = randomBytes(32).toString('base64url');
    return { deviceId: `load-k${String(i + 1).padStart(5, '0')}`, token, tokenHash: hashToken(token) };
  });
}

/**
 * Stops a hub child: SIGTERM, and SIGKILL if it has not exited within `graceMs` (a hub buried in
 * a backlog may take minutes to close, and a benchmark must not leave it running).
 */
export async function stopHub(child: RunningProcess, graceMs = 10_000): Promise<void> {
  const timer = setTimeout(() => child.child.kill('SIGKILL'), graceMs);
  try {
    await child.kill('SIGTERM');
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for the hub's "listening" line; a hub that dies first fails the run with its own words. */
export async function hubUrlOf(child: RunningProcess): Promise<string> {
  const died = child.exited.then(({ code, signal }) => {
    throw new Error(
      `the hub child process exited (${signal ?? `code ${code}`}) before listening:\n${child.output.join('\n')}`,
    );
  });
  died.catch(() => {});
  const [, url] = await Promise.race([child.waitForLine(/waitwell hub listening on (http:\/\/\S+)/, 60_000), died]);
  return url!;
}

/** Hubs under load: where they listen, who connects where, and what they stored. */
export interface LoadedHubs {
  urls: string[];
  connections: { kiosks: LoadKiosk[]; boards: LoadBoard[] };
  /** Peak resident memory of each hub process so far, MB. */
  peakRssMb(): number[];
  /** Presses the store holds. */
  stored(): Promise<number>;
  stop(): Promise<void>;
}

/** One hub child process over a SQLite file, as a venue runs it, with the load's venues and kiosks. */
export async function startSqliteHub(
  load: ReturnType<typeof loadOptions>,
  log: (line: string) => void,
): Promise<LoadedHubs> {
  const dir = mkdtempSync(join(tmpdir(), 'waitwell-bench-hub-'));
  const file = join(dir, 'hub.db');
  let hub: RunningProcess | undefined;
  const stop = async () => {
    if (hub) await stopHub(hub);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    log(`provisioning ${load.venues} venues with a board link each and ${load.kiosks} kiosks in ${file}`);
    const layout = loadLayout(load, 1);
    const store = new SqliteHubStore(file);
    const boardTokens = await provisionVenues(store, layout.venueIds, load.alertRules);
    // In one transaction: one fsync, not one per kiosk.
    await store.addDevices(
      layout.devices.map((d) => ({ id: d.deviceId, venueId: d.venueId, name: d.deviceId, tokenHash: d.tokenHash })),
    );
    await store.close();

    const child = spawnWaitwell(['hub', '--store', file, '--port', '0']);
    hub = child;
    const url = await hubUrlOf(child);
    log(`hub child process (pid ${child.child.pid}) at ${url}`);
    return {
      urls: [url],
      connections: planConnections(layout, boardTokens),
      peakRssMb: () => [processMemoryMb(child.child.pid).peakRssMb],
      stored: async () => {
        const db = new Database(file, { readonly: true });
        try {
          return db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM events').get()!.n;
        } finally {
          db.close();
        }
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * What `hub` and `cluster` share: the load's hubs started, `runLoad` over them, then each hub's
 * peak memory and what the store holds; the hubs are stopped however it ends.
 */
export async function measureLoad(
  options: Record<string, string>,
  start: (load: ReturnType<typeof loadOptions>, log: (line: string) => void) => Promise<LoadedHubs>,
  log: (line: string) => void,
) {
  const load = loadOptions(options);
  const openFiles = requireOpenFiles(load.kiosks + load.boards + 256);
  const hubs = await start(load, log);
  try {
    const result = await runLoad(
      {
        hubs: hubs.urls,
        ...hubs.connections,
        rate: load.rate,
        seconds: load.seconds,
        warmupSeconds: load.warmupSeconds,
        connectWindow: load.connectWindow,
      },
      log,
    );
    const memory = hubs.peakRssMb();
    const stored = await hubs.stored();
    const lost = Math.max(result.lost, result.sent - stored);
    const connected = result.connections === load.kiosks + load.boards;
    return { load, openFiles, result, memory, rssMb: Math.max(...memory), stored, lost, connected };
  } finally {
    await hubs.stop();
  }
}

/**
 * `npm run bench -- hub`: C kiosk connections and B board connections to one hub (a child process
 * over a SQLite file, as a venue runs it); presses at a fixed rate from the kiosks, each timed
 * from its send on a kiosk socket to the moment each board is told of it.
 */
export default async function run(
  options: Record<string, string>,
  log: (line: string) => void,
): Promise<Record<string, unknown>> {
  const { load, openFiles, result, rssMb, stored, lost, connected } = await measureLoad(options, startSqliteHub, log);
  log(`p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, hub rss peak ${rssMb} MB, stored ${stored}/${result.sent}`);
  return {
    ...loadFigures(load, result),
    rssMb,
    stored,
    lost,
    ...machineFigures(result, openFiles),
    targets: { connections: load.kiosks + load.boards, lost: 0, p99MsBelow: 250, rssMbBelow: 1024 },
    targetsMet: connected && lost === 0 && result.p99Ms < 250 && rssMb < 1024,
  };
}
