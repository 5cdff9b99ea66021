import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { mulberry32 } from '../core/simulation/random.ts';
import { pressAt, reportFigures } from './support/chaos.ts';
import { TEST_VENUE } from './support/fixtures.ts';
import { kioskStatus, type RunningProcess, startKioskProcess } from './support/processes.ts';
import { waitFor } from './support/wait.ts';
import { test } from './support/test-fixtures.ts';

/**
 * Fault injection (README "Reliability"): a kiosk process recording a burst of presses is
 * SIGKILLed at a random moment, restarted on the same store, and killed again, KILLS times. The
 * hub must end up holding every press any of those processes acknowledged, each exactly once.
 * CHAOS_SEED=<n> replays a run's kill moments; CHAOS_KIOSK_KILLS sets how many.
 */
const SEED = Number(process.env.CHAOS_SEED ?? 15);
const KILLS = Number(process.env.CHAOS_KIOSK_KILLS ?? 3);
/** Requests in flight at once: enough that a kill always lands while several are open. */
const CONCURRENCY = 16;

interface Acknowledged {
  id: string;
  seq: number;
}

/**
 * CONCURRENCY workers POST presses back to back until the kiosk stops answering. `onAck` sees
 * every 201 as it arrives, so the caller can pull the plug mid-burst. Only a 201 with its body
 * read counts as acknowledged: that is what a screen would have shown as "recorded".
 */
async function burst(
  localUrl: string,
  onAck: (count: number) => void,
): Promise<{ acknowledged: Acknowledged[]; failed: number }> {
  const acknowledged: Acknowledged[] = [];
  let failed = 0;
  let dead = false;
  const worker = async (index: number) => {
    for (let n = 0; !dead; n += 1) {
      try {
        acknowledged.push(await pressAt(localUrl, index + n));
        onAck(acknowledged.length);
      } catch (error) {
        if (!dead && !(error instanceof TypeError)) throw error; // a non-201 answer is a bug, not the kill
        failed += 1;
        dead = true;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, index) => worker(index)));
  return { acknowledged, failed };
}

describe('a kiosk process killed in the middle of a burst', () => {
  test(`delivers every acknowledged press to the hub exactly once after ${KILLS} SIGKILLs and restarts`, async ({
    cleanups,
    dir,
    hub,
  }) => {
    const random = mulberry32(SEED);
    const token = await hub.addKiosk('k1');
    const configFile = join(dir, 'kiosk.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        hubUrl: hub.url,
        venueId: TEST_VENUE.id,
        deviceId: 'k1',
        token,
        store: join(dir, 'k1.db'),
        localPort: 0,
      }),
    );

    let kiosk: RunningProcess | undefined;
    cleanups.push(() => kiosk?.kill('SIGKILL'));
    const acknowledged: Acknowledged[] = [];
    const killedAfter: number[] = [];
    for (let kill = 0; kill < KILLS; kill += 1) {
      const started = await startKioskProcess(configFile);
      kiosk = started.process;
      await waitFor(async () => (await kioskStatus(started.localUrl)).sync === 'online', {
        what: 'the kiosk to connect to the hub',
      });
      // The kill lands after a random number of acknowledged presses, with the burst still running.
      const killAfter = 50 + Math.floor(random() * 250);
      let killed = false;
      const run = await burst(started.localUrl, (count) => {
        if (killed || count < killAfter) return;
        killed = true;
        started.process.child.kill('SIGKILL');
      });
      expect(await started.process.exited).toEqual({ code: null, signal: 'SIGKILL' });
      expect(run.failed).toBeGreaterThan(0);
      expect(run.acknowledged.length).toBeGreaterThanOrEqual(killAfter);
      killedAfter.push(run.acknowledged.length);
      acknowledged.push(...run.acknowledged);
    }

    const last = await startKioskProcess(configFile);
    kiosk = last.process;
    const maxAckedSeq = Math.max(...acknowledged.map((a) => a.seq));
    const settled = await waitFor(
      async () => {
        const s = await kioskStatus(last.localUrl);
        return s.sync === 'online' && s.hubContiguousSeq === s.lastSeq ? s : undefined;
      },
      { what: 'the restarted kiosk to drain its outbox', timeoutMs: 15_000 },
    );
    // The store kept every acknowledged press (and maybe a few committed but never answered).
    expect(settled.lastSeq).toBeGreaterThanOrEqual(maxAckedSeq);

    const stored = await hub.store.deviceEvents('k1');
    const storedIds = new Set(stored.map((e) => e.id));
    const storedSeqById = new Map(stored.map((e) => [e.id, e.seq]));
    const missing = acknowledged.filter((a) => storedSeqById.get(a.id) !== a.seq);
    const context = reportFigures('kiosk SIGKILL mid-burst', {
      seed: SEED,
      kills: KILLS,
      acknowledgedBeforeEachKill: killedAfter,
      acknowledged: acknowledged.length,
      kioskRecorded: settled.lastSeq,
      hubEvents: stored.length,
      hubDistinctIds: storedIds.size,
      missing: missing.length,
    });
    // Gap-free across the crashes, each event once, every acknowledged press at its seq.
    expect(
      stored.map((e) => e.seq),
      context,
    ).toEqual(Array.from({ length: settled.lastSeq }, (_, i) => i + 1));
    expect(storedIds.size, context).toBe(stored.length);
    expect(new Set(acknowledged.map((a) => a.id)).size, context).toBe(acknowledged.length);
    expect(missing, context).toEqual([]);
    // Resends after the restarts did not count twice: the live counts match the stored presses
    // (minus those the kiosk flagged as repeat-press misuse, which are stored but not counted).
    const hubDb = new Database(join(dir, 'hub.db'), { readonly: true, fileMustExist: true });
    const { counted } = hubDb
      .prepare(
        "SELECT COUNT(*) AS counted FROM events WHERE device_id = 'k1' AND json_extract(payload, '$.misuse') = 0",
      )
      .get() as { counted: number };
    hubDb.close();
    const entrance = (await hub.store.touchpointCounts(TEST_VENUE.id)).find((t) => t.touchpointId === 'entrance');
    expect(entrance?.total ?? 0, context).toBe(counted);
  }, 180_000);
});
