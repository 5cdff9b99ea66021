import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KioskStatus } from '../kiosk/runtime.ts';
import { startTestHub, tempDir, TEST_VENUE } from './support/fixtures.ts';
import { spawnWaitwell, type RunningProcess } from './support/processes.ts';
import { waitFor } from './support/wait.ts';
import { useCleanups } from './support/cleanups.ts';

/** Requests in flight at once: enough that the kill always lands while several are open. */
const CONCURRENCY = 16;
/** The kill comes after this many 201s, with the burst still running. */
const KILL_AFTER_ACKS = 300;

interface Acknowledged {
  id: string;
  seq: number;
}

async function startKiosk(configFile: string): Promise<{ process: RunningProcess; localUrl: string }> {
  const child = spawnWaitwell(['kiosk', '--config', configFile]);
  // A process loading the TypeScript sources through tsx can take 20 s to start on a busy 2-core machine.
  const [, localUrl] = await child.waitForLine(/screen API at (http:\/\/127\.0\.0\.1:\d+)/, 60_000);
  return { process: child, localUrl: localUrl! };
}

async function status(localUrl: string): Promise<KioskStatus> {
  const response = await fetch(`${localUrl}/local/status`);
  return (await response.json()) as KioskStatus;
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
        const response = await fetch(`${localUrl}/local/feedback`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ touchpointId: 'entrance', level: ((index + n) % 4) + 1, source: 'screen' }),
        });
        const body = (await response.json()) as Acknowledged;
        if (response.status !== 201) throw new Error(`kiosk answered ${response.status}: ${JSON.stringify(body)}`);
        const ack = { id: body.id, seq: body.seq };
        acknowledged.push(ack);
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
  const cleanups = useCleanups();

  it('delivers every acknowledged press to the hub exactly once after a restart', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const hub = await startTestHub({ file: join(dir.path, 'hub.db') });
    cleanups.push(() => hub.close());
    const token = await hub.addKiosk('k1');
    const configFile = join(dir.path, 'kiosk.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        hubUrl: hub.url,
        venueId: TEST_VENUE.id,
        deviceId: 'k1',
        token,
        store: join(dir.path, 'k1.db'),
        localPort: 0,
      }),
    );

    const first = await startKiosk(configFile);
    cleanups.push(() => first.process.kill('SIGKILL'));
    await waitFor(async () => (await status(first.localUrl)).sync === 'online', {
      what: 'the kiosk to connect to the hub',
    });

    let killed = false;
    const { acknowledged, failed } = await burst(first.localUrl, (count) => {
      if (killed || count < KILL_AFTER_ACKS) return;
      killed = true;
      first.process.child.kill('SIGKILL');
    });
    expect(await first.process.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(killed).toBe(true);
    expect(failed).toBeGreaterThan(0);
    expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);

    const second = await startKiosk(configFile);
    cleanups.push(() => second.process.kill());
    const maxAckedSeq = Math.max(...acknowledged.map((a) => a.seq));
    const settled = await waitFor(
      async () => {
        const s = await status(second.localUrl);
        return s.sync === 'online' && s.hubContiguousSeq === s.lastSeq ? s : undefined;
      },
      { what: 'the restarted kiosk to drain its outbox', timeoutMs: 15_000 },
    );
    // The store kept every acknowledged press (and maybe a few committed but never answered).
    expect(settled.lastSeq).toBeGreaterThanOrEqual(maxAckedSeq);

    const stored = await hub.store.deviceEvents('k1');
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: settled.lastSeq }, (_, i) => i + 1));
    expect(new Set(stored.map((e) => e.id)).size).toBe(stored.length);
    const storedSeqById = new Map(stored.map((e) => [e.id, e.seq]));
    const missing = acknowledged.filter((a) => storedSeqById.get(a.id) !== a.seq);
    expect(missing).toEqual([]);
    // Resends after the restart did not count twice: the live counts match the stored presses
    // (minus those the kiosk flagged as repeat-press misuse, which are stored but not counted).
    const hubDb = new Database(join(dir.path, 'hub.db'), { readonly: true, fileMustExist: true });
    const { counted } = hubDb
      .prepare(
        "SELECT COUNT(*) AS counted FROM events WHERE device_id = 'k1' AND json_extract(payload, '$.misuse') = 0",
      )
      .get() as { counted: number };
    hubDb.close();
    const entrance = (await hub.store.touchpointCounts(TEST_VENUE.id)).find((t) => t.touchpointId === 'entrance');
    expect(entrance?.total ?? 0).toBe(counted);
  });
});
