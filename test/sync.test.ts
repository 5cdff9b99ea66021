import { join } from 'node:path';
import { io } from 'socket.io-client';
import { describe, expect } from 'vitest';
import type { BoardServerToClient, TouchpointCounts } from '../core/protocol.ts';
import { LocalStore } from '../kiosk/local-store.ts';
import { SyncClient } from '../kiosk/sync-client.ts';
import { startTestHub, syncingKioskStore } from './support/fixtures.ts';
import { waitFor } from './support/wait.ts';
import { test } from './support/test-fixtures.ts';

const press = { touchpointId: 'entrance', level: 4 as const, source: 'serial' as const };
const fastBackoff = { baseMs: 50, maxMs: 300, jitter: 0.5 };

describe('kiosk sync against a real hub', () => {
  test('keeps recording while the hub is down and drains, in order, once it is up', async ({ cleanups, dir }) => {
    const hubFile = join(dir, 'hub.db');
    // Learn a free port and the device token from a first hub, then take it down.
    const first = await startTestHub({ file: hubFile });
    const token = await first.addKiosk('k1');
    const port = first.port;
    await first.close();

    const store = new LocalStore(join(dir, 'k1.db'), { venueId: 'venue-a', deviceId: 'k1' });
    const sync = new SyncClient({
      hubUrl: `http://127.0.0.1:${port}`,
      deviceId: 'k1',
      token,
      store,
      backoff: fastBackoff,
      maxBatchEvents: 7,
    });
    const states: string[] = [];
    sync.on('state', (state) => states.push(state));
    sync.start();
    cleanups.push(async () => {
      await sync.stop();
      store.close();
    });

    const ids = Array.from({ length: 40 }, () => store.append('feedback.pressed', press).id);
    await waitFor(() => states.includes('offline'), { what: 'the kiosk to notice the hub is down' });
    expect(sync.contiguousSeq).toBe(0);

    const hub = await startTestHub({ file: hubFile, port });
    cleanups.push(() => hub.close());
    await waitFor(() => sync.contiguousSeq === 40, { what: 'the outbox to drain', timeoutMs: 15_000 });
    const stored = await hub.store.deviceEvents('k1');
    expect(stored.map((e) => e.id)).toEqual(ids);
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(store.hubContiguousSeq).toBe(40);
  });

  test('corrects the times of a kiosk whose clock is five minutes slow', async ({ cleanups, dir, hub }) => {
    const token = await hub.addKiosk('k1');
    const skew = -5 * 60_000;
    const kioskNow = () => Date.now() + skew;
    const store = new LocalStore(join(dir, 'k1.db'), { venueId: 'venue-a', deviceId: 'k1' });
    const sync = new SyncClient({ hubUrl: hub.url, deviceId: 'k1', token, store, now: kioskNow });
    sync.start();
    cleanups.push(async () => {
      await sync.stop();
      store.close();
    });
    await waitFor(() => sync.state === 'online', { what: 'hello' });
    store.append('feedback.pressed', press, kioskNow());
    await waitFor(() => sync.contiguousSeq === 1, { what: 'the event to sync' });

    const [stored] = await hub.store.deviceEvents('k1');
    expect(Math.abs(sync.clockOffset - 300_000)).toBeLessThan(1000);
    expect(Math.abs(stored!.receivedAt - stored!.occurredAt - 300_000)).toBeLessThan(1000);
    expect(Math.abs(stored!.receivedAt - stored!.correctedAt)).toBeLessThan(1000);
    expect((await hub.store.getDevice('k1'))?.clockOffsetMs).toBe(sync.clockOffset);
  });

  test('pushes live counts to a board as presses are stored', async ({ cleanups, dir, hub }) => {
    const token = await hub.addKiosk('k1');
    const boardToken = await hub.venues.newBoardToken('venue-a');

    const board = io(`${hub.url}/board`, {
      auth: { venueId: 'venue-a', token: boardToken },
      transports: ['websocket'],
    });
    cleanups.push(() => void board.disconnect());
    const updates: TouchpointCounts[][] = [];
    const snapshot = await new Promise<Parameters<BoardServerToClient['snapshot']>[0]>((resolve) =>
      board.once('snapshot', resolve),
    );
    board.on('touchpoint.counts', (update) => updates.push(update.touchpoints));
    expect(snapshot.venue.id).toBe('venue-a');
    expect(snapshot.touchpoints).toEqual([]);

    const store = syncingKioskStore(hub, { file: join(dir, 'k1.db'), deviceId: 'k1', token }, cleanups);
    store.append('feedback.pressed', press);
    store.append('feedback.pressed', { ...press, level: 1 });
    const latest = await waitFor(() => updates.flat().find((t) => t.touchpointId === 'entrance' && t.total === 2), {
      what: 'a board update with both presses',
    });
    expect(latest.counts).toEqual({ 1: 1, 2: 0, 3: 0, 4: 1 });
  });

  test('shows a board joining a restarted hub what the kiosks last said of their printers and buttons', async ({
    cleanups,
    dir,
  }) => {
    const file = join(dir, 'hub.db');
    const first = await startTestHub({ file });
    const token = await first.addKiosk('k1');
    const kiosk = syncingKioskStore(first, { file: join(dir, 'k1.db'), deviceId: 'k1', token }, cleanups);
    kiosk.append('device.status', { component: 'printer', state: 'offline', code: 'paper-out', detail: 'paper out' });
    kiosk.append('device.status', { component: 'buttons', state: 'ready' });
    await waitFor(async () => (await first.store.getDevice('k1'))?.contiguousSeq === 2 || undefined, {
      what: 'both reports stored',
    });
    await first.close();

    const restarted = await startTestHub({ file });
    cleanups.push(() => restarted.close());
    const boardToken = await restarted.venues.newBoardToken('venue-a');
    const board = io(`${restarted.url}/board`, {
      auth: { venueId: 'venue-a', token: boardToken },
      transports: ['websocket'],
    });
    cleanups.push(() => void board.disconnect());
    const snapshot = await new Promise<Parameters<BoardServerToClient['snapshot']>[0]>((resolve) =>
      board.once('snapshot', resolve),
    );
    expect(snapshot.components).toEqual([
      { deviceId: 'k1', component: 'buttons', state: 'ready', at: expect.any(Number) },
      {
        deviceId: 'k1',
        component: 'printer',
        state: 'offline',
        code: 'paper-out',
        detail: 'paper out',
        at: expect.any(Number),
      },
    ]);
  });
});
