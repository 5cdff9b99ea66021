import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteHubStore } from '../server/store/sqlite-store.ts';
import { Venues } from '../server/venues.ts';
import { spawnWaitwell, type RunningProcess } from '../test/support/processes.ts';

export const BENCH_VENUE = {
  id: 'bench-venue',
  name: 'Benchmark Branch',
  touchpoints: [{ id: 'entrance', name: { ko: '입구', zh: '入口', en: 'Entrance' } }],
};

export interface HubChild {
  url: string;
  file: string;
  tokens: Map<string, string>;
  process: RunningProcess;
  /** CPU seconds (user + system) the hub process has used so far; Linux only, else NaN. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** utime + stime from /proc/PID/stat, in clock ticks of 1/100 s (USER_HZ on Linux). */
function processCpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * Provisions a venue and its devices in a fresh hub SQLite file, then runs the real `waitwell hub`
 * as a child process over it, so the hub has its own event loop (and core) and the kiosks in the
 * benchmark process cannot slow it down or hide its costs.
 */
export async function startHubChild(dir: string, deviceIds: readonly string[]): Promise<HubChild> {
  const file = join(dir, 'hub.db');
  const tokens = new Map<string, string>();
  const store = new SqliteHubStore(file);
  const venues = new Venues(store);
  await venues.upsert(BENCH_VENUE);
  for (const deviceId of deviceIds)
    tokens.set(deviceId, (await venues.addDevice({ venueId: BENCH_VENUE.id, deviceId })).token);
  await store.close();

  const child = spawnWaitwell(['hub', '--store', file, '--port', '0']);
  // A hub that dies on start should fail the run at once, with its own words.
  const died = child.exited.then(({ code, signal }) => {
    throw new Error(
      `the hub child process exited (${signal ?? `code ${code}`}) before listening:\n${child.output.join('\n')}`,
    );
  });
  died.catch(() => {}); // once it is up, a later exit is stop()'s business
  const [, url] = await Promise.race([child.waitForLine(/waitwell hub listening on (http:\/\/\S+)/, 30_000), died]);
  return {
    url: url!,
    file,
    tokens,
    process: child,
    cpuSeconds: () => processCpuSeconds(child.child.pid),
    stop: () => child.kill('SIGTERM'),
  };
}

export interface Audit {
  /** Rows the hub holds for these devices. */
  stored: number;
  /** Expected events the hub does not hold (by id at its seq). */
  lost: number;
  /** Rows beyond one per expected event: repeated ids or (device, seq), or events nobody sent. */
  duplicated: number;
}

/**
 * Reads the hub's SQLite file directly (read-only; WAL lets it run beside the live hub) and
 * compares it with what the kiosks hold: `expected` maps each device to its event ids by seq
 * (index 0 = seq 1).
 */
export function auditHub(file: string, expected: ReadonlyMap<string, readonly string[]>): Audit {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare<[string], { id: string; seq: number }>('SELECT id, seq FROM events WHERE device_id = ?');
    let stored = 0;
    let lost = 0;
    let duplicated = 0;
    for (const [deviceId, ids] of expected) {
      const held = rows.all(deviceId);
      stored += held.length;
      const seqById = new Map<string, number>();
      const seqs = new Set<number>();
      for (const row of held) {
        if (seqById.has(row.id) || seqs.has(row.seq)) duplicated += 1;
        seqById.set(row.id, row.seq);
        seqs.add(row.seq);
      }
      let matched = 0;
      ids.forEach((id, index) => {
        if (seqById.get(id) === index + 1) matched += 1;
        else lost += 1;
      });
      // Rows that match nothing the kiosk sent (and are not already counted as repeats).
      duplicated += Math.max(0, seqById.size - matched);
    }
    return { stored, lost, duplicated };
  } finally {
    db.close();
  }
}
