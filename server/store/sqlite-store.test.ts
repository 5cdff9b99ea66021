import { venueSchema } from '../../core/venue.ts';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnyEventEnvelope } from '../../core/events.ts';
import { newEventId } from '../../core/ids.ts';
import { tempDir } from '../../test/support/fixtures.ts';
import { SqliteHubStore } from './sqlite-store.ts';

function press(seq: number, touchpointId = 'entrance', level: 1 | 2 | 3 | 4 = 4, misuse = false): AnyEventEnvelope {
  return { id: newEventId(), type: 'feedback.pressed', v: 1, venueId: 'venue-a', deviceId: 'k1', seq, occurredAt: 1_000_000 + seq, payload: { touchpointId, level, source: 'serial', misuse } };
}

const context = { receivedAt: 2_000_000, clockOffsetMs: 500 };

describe('SqliteHubStore.ingest', () => {
  let dir: { path: string; remove(): void };
  let store: SqliteHubStore;
  beforeEach(async () => {
    dir = tempDir();
    store = new SqliteHubStore(join(dir.path, 'hub.db'));
    await store.upsertVenue(venueSchema.parse({ id: 'venue-a', name: 'A' }));
    await store.addDevice({ id: 'k1', venueId: 'venue-a', name: 'k1', tokenHash: 'x' });
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it('stores new events, advances contiguousSeq and projects counts', async () => {
    const events = [press(1), press(2, 'entrance', 1), press(3, 'exit', 4)];
    const outcome = await store.ingest('k1', events, context);
    expect(outcome).toMatchObject({ kind: 'stored', contiguousSeq: 3, duplicates: 0 });
    expect(outcome.kind === 'stored' && outcome.touchpointsChanged.sort()).toEqual(['entrance', 'exit']);
    expect((await store.getDevice('k1'))?.contiguousSeq).toBe(3);
    const counts = await store.touchpointCounts('venue-a');
    expect(counts.find((c) => c.touchpointId === 'entrance')).toEqual({ touchpointId: 'entrance', counts: { 1: 1, 2: 0, 3: 0, 4: 1 }, total: 2 });
  });

  it('acks a resent batch as duplicates without counting it twice', async () => {
    const events = [press(1), press(2)];
    await store.ingest('k1', events, context);
    const again = await store.ingest('k1', [...events, press(3)], context);
    expect(again).toMatchObject({ kind: 'stored', contiguousSeq: 3, duplicates: 2 });
    expect(again.kind === 'stored' && again.inserted.map((e) => e.seq)).toEqual([3]);
    expect((await store.touchpointCounts('venue-a'))[0]?.total).toBe(3);
    expect((await store.deviceEvents('k1')).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('refuses a gap and stores nothing of that batch', async () => {
    await store.ingest('k1', [press(1)], context);
    const outcome = await store.ingest('k1', [press(2), press(4)], context);
    expect(outcome).toMatchObject({ kind: 'seq-gap', contiguousSeq: 1, eventIndex: 1, seq: 4 });
    expect((await store.deviceEvents('k1')).map((e) => e.seq)).toEqual([1]);
    expect((await store.touchpointCounts('venue-a'))[0]?.total).toBe(1);
  });

  it('refuses a different event at a seq it already holds (a reset kiosk)', async () => {
    await store.ingest('k1', [press(1)], context);
    expect(await store.ingest('k1', [press(1)], context)).toMatchObject({ kind: 'seq-conflict', seq: 1 });
  });

  it('refuses an id already stored at another seq', async () => {
    const first = press(1);
    await store.ingest('k1', [first], context);
    expect(await store.ingest('k1', [{ ...first, seq: 2 }], context)).toMatchObject({ kind: 'id-conflict', id: first.id });
    expect((await store.getDevice('k1'))?.contiguousSeq).toBe(1);
  });

  it('keeps presses flagged as misuse but leaves them out of the counts', async () => {
    await store.ingest('k1', [press(1), press(2, 'entrance', 4, true)], context);
    expect((await store.deviceEvents('k1')).length).toBe(2);
    expect((await store.touchpointCounts('venue-a'))[0]?.total).toBe(1);
  });

  it('stores the device clock corrected by its offset beside the received time', async () => {
    await store.ingest('k1', [press(1)], context);
    const [stored] = await store.deviceEvents('k1');
    expect(stored).toMatchObject({ occurredAt: 1_000_001, correctedAt: 1_000_501, receivedAt: 2_000_000 });
    expect((await store.getDevice('k1'))?.clockOffsetMs).toBe(500);
  });

  it('answers unknown-device for a device that is not registered', async () => {
    expect(await store.ingest('ghost', [press(1)], context)).toEqual({ kind: 'unknown-device', contiguousSeq: 0 });
  });
});
