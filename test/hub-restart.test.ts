import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { LocalStore } from '../kiosk/local-store.ts';
import { SyncClient } from '../kiosk/sync-client.ts';
import { provisionHubFile, TEST_VENUE } from './support/fixtures.ts';
import { restartableHub } from './support/processes.ts';
import { waitFor } from './support/wait.ts';
import { reportFigures } from './support/chaos.ts';
import { test } from './support/test-fixtures.ts';

const DEVICES = ['k1', 'k2', 'k3'];
const fastBackoff = { baseMs: 50, maxMs: 300, jitter: 0.5 };

interface Kiosk {
  deviceId: string;
  store: LocalStore;
  sync: SyncClient;
}

describe('the hub process stopped while kiosks keep producing', () => {
  test('receives everything exactly once, in per-device seq order, after SIGKILL and SIGTERM restarts', async ({
    cleanups,
    dir,
  }) => {
    const hubFile = join(dir, 'hub.db');
    const tokens = await provisionHubFile(hubFile, TEST_VENUE, DEVICES);
    const hub = await restartableHub(hubFile, cleanups);
    const hubUrl = hub.url;
    await hub.start();

    const kiosks: Kiosk[] = DEVICES.map((deviceId) => {
      const store = new LocalStore(join(dir, `${deviceId}.db`), { venueId: TEST_VENUE.id, deviceId });
      const sync = new SyncClient({
        hubUrl,
        deviceId,
        token: tokens.get(deviceId)!,
        store,
        backoff: fastBackoff,
        maxBatchEvents: 25,
        ackTimeoutMs: 2000,
      });
      sync.start();
      return { deviceId, store, sync };
    });
    cleanups.push(async () => {
      for (const { sync, store } of kiosks) {
        await sync.stop();
        store.close();
      }
    });
    // Every kiosk records a press every few milliseconds, whatever the hub is doing.
    let level = 0;
    const producer = setInterval(() => {
      for (const { store } of kiosks)
        store.append('feedback.pressed', {
          touchpointId: 'counter-1',
          level: ((level++ % 4) + 1) as 1 | 2 | 3 | 4,
          source: 'serial',
          misuse: false,
        });
    }, 3);
    cleanups.push(() => clearInterval(producer));

    const allAckedPast = (seqs: Map<string, number>) =>
      kiosks.every((k) => k.sync.contiguousSeq > seqs.get(k.deviceId)!);
    const lastSeqs = () => new Map(kiosks.map((k) => [k.deviceId, k.store.lastSeq]));

    let recordedWhileDown = 0;
    for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
      // Traffic is flowing: each kiosk has had events confirmed since the last (re)start.
      const before = lastSeqs();
      await waitFor(() => allAckedPast(before), { what: 'every kiosk to sync with the running hub' });
      await hub.kill(signal);
      await waitFor(() => kiosks.every((k) => k.sync.state !== 'online'), {
        what: 'every kiosk to notice the hub is gone',
      });
      // The kiosks keep recording while nobody listens.
      const down = lastSeqs();
      const confirmedWhileDown = new Map(kiosks.map((k) => [k.deviceId, k.sync.contiguousSeq]));
      await waitFor(() => kiosks.every((k) => k.store.lastSeq >= down.get(k.deviceId)! + 50), {
        what: 'kiosks to record presses offline',
      });
      expect(kiosks.map((k) => k.sync.contiguousSeq)).toEqual(kiosks.map((k) => confirmedWhileDown.get(k.deviceId)));
      recordedWhileDown += kiosks.reduce((sum, k) => sum + k.store.lastSeq - down.get(k.deviceId)!, 0);
      await hub.start();
    }

    clearInterval(producer);
    await waitFor(() => kiosks.every((k) => k.sync.contiguousSeq === k.store.lastSeq), {
      what: 'every outbox to drain',
      timeoutMs: 15_000,
    });

    const hubDb = new Database(hubFile, { readonly: true, fileMustExist: true });
    cleanups.push(() => void hubDb.close());
    const rowsOf = hubDb.prepare<[string], { id: string; seq: number }>(
      'SELECT id, seq FROM events WHERE device_id = ? ORDER BY rowid',
    );
    let expectedTotal = 0;
    for (const { deviceId, store } of kiosks) {
      const local = store.readAfter(0, { maxEvents: 1_000_000, maxBytes: Number.MAX_SAFE_INTEGER });
      expectedTotal += local.length;
      const stored = rowsOf.all(deviceId);
      // Stored in seq order (rowid is insertion order), no gaps, each of the kiosk's events once.
      expect(
        stored.map((r) => r.seq),
        deviceId,
      ).toEqual(local.map((_, i) => i + 1));
      expect(
        stored.map((r) => r.id),
        deviceId,
      ).toEqual(local.map((e) => e.id));
      expect(hubDb.prepare('SELECT contiguous_seq AS s FROM devices WHERE id = ?').get(deviceId)).toEqual({
        s: local.length,
      });
    }
    const hubEvents = hubDb.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM events').get()!.n;
    const hubDistinctIds = hubDb.prepare<[], { n: number }>('SELECT COUNT(DISTINCT id) AS n FROM events').get()!.n;
    reportFigures('hub SIGKILL and SIGTERM mid-burst', {
      kills: 1,
      terms: 1,
      kiosks: kiosks.length,
      kioskRecorded: expectedTotal,
      recordedWhileDown,
      hubEvents,
      hubDistinctIds,
    });
    expect(hubEvents).toBe(expectedTotal);
    expect(hubDistinctIds).toBe(expectedTotal);
    expect(hubDb.prepare('SELECT SUM(count) AS n FROM touchpoint_counts').get()).toEqual({ n: expectedTotal });
  });
});
