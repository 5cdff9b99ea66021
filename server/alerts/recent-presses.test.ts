import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { AnyEventEnvelope } from '../../core/events.ts';
import { newEventId } from '../../core/ids.ts';
import { venueSchema } from '../../core/venue.ts';
import { test } from '../../test/support/test-fixtures.ts';
import type { HubStore, PressGroup } from '../store/hub-store.ts';
import { SqliteHubStore } from '../store/sqlite-store.ts';
import { RecentPresses } from './recent-presses.ts';

const MIN = 60_000;
const NOW = 1_000 * 60 * MIN; // a minute boundary, far from zero
const LOOKBACK = 135 * MIN;

/** A SQLite hub store with one venue and kiosk, and every feedbackSummary range it was asked for. */
async function storeWithKiosk(file: string) {
  const store = new SqliteHubStore(file);
  await store.upsertVenue(
    venueSchema.parse({
      id: 'v1',
      name: 'Venue',
      touchpoints: [{ id: 'entrance', name: { ko: '입구', zh: '入口', en: 'Entrance' } }],
    }),
  );
  await store.addDevices([{ id: 'k1', venueId: 'v1', name: 'k1', tokenHash: 'x' }]);
  const asked: { from: number; to: number }[] = [];
  const counted: Pick<HubStore, 'feedbackSummary'> = {
    feedbackSummary: (venueId, range, options) => {
      asked.push(range);
      return store.feedbackSummary(venueId, range, options);
    },
  };
  let seq = 0;
  const pressAt = async (at: number, level: 1 | 2 | 3 | 4 = 1) => {
    seq += 1;
    const event: AnyEventEnvelope = {
      id: newEventId(),
      type: 'feedback.pressed',
      v: 1,
      venueId: 'v1',
      deviceId: 'k1',
      seq,
      occurredAt: at,
      payload: { touchpointId: 'entrance', level, source: 'serial', misuse: false },
    };
    await store.ingest('k1', [event], { receivedAt: NOW, clockOffsetMs: 0 });
    return event;
  };
  return { store, counted, asked, pressAt };
}

const total = (groups: readonly PressGroup[], from: number) =>
  groups.filter((g) => g.bucket >= from).reduce((sum, g) => sum + g.count, 0);

describe("the alert rules' recent presses", () => {
  test('read the settled minutes once a minute and only the last minutes in between, with the same counts', async ({
    cleanups,
    dir,
  }) => {
    const { store, counted, asked, pressAt } = await storeWithKiosk(join(dir, 'hub.db'));
    cleanups.push(() => store.close());
    for (let m = 0; m < 120; m += 7) await pressAt(NOW - m * MIN - 1_000);
    const recent = new RecentPresses(counted);
    const range = (now: number) => ({ from: now - LOOKBACK, to: now + 1 });

    const first = await recent.read('v1', range(NOW));
    expect(total(first, NOW - LOOKBACK)).toBe(18);
    expect(asked).toHaveLength(2); // the settled minutes, then the last ones
    asked.length = 0;

    // Seconds later: only the minutes since the settled ones are read; a new press counts.
    await pressAt(NOW + 10_000);
    const later = await recent.read('v1', range(NOW + 20_000));
    expect(asked).toHaveLength(1);
    expect(asked[0]!.from).toBeGreaterThanOrEqual(NOW - 3 * MIN);
    expect(total(later, NOW - LOOKBACK)).toBe(19);
    expect(total(later, NOW - LOOKBACK)).toBe(
      total(await store.feedbackSummary('v1', range(NOW + 20_000), { bucketMs: MIN }), NOW - LOOKBACK),
    );
  });

  test('count a late press for a settled minute at once when this hub stored it, else within a minute', async ({
    cleanups,
    dir,
  }) => {
    const { store, counted, pressAt } = await storeWithKiosk(join(dir, 'hub.db'));
    cleanups.push(() => store.close());
    await pressAt(NOW - 30 * MIN);
    const recent = new RecentPresses(counted);
    const count = async (now: number) => total(await recent.read('v1', { from: now - LOOKBACK, to: now + 1 }), 0);
    expect(await count(NOW)).toBe(1);

    // A kiosk back from an outage sends a press of 20 minutes ago, stored by another hub: not yet...
    await pressAt(NOW - 20 * MIN);
    expect(await count(NOW + 5_000)).toBe(1);
    // ...but by the next reading of the settled minutes.
    expect(await count(NOW + MIN)).toBe(2);

    // Stored by this hub: counted on the next run.
    const late = await pressAt(NOW - 10 * MIN);
    recent.stored('v1', [late], 0);
    expect(await count(NOW + MIN + 5_000)).toBe(3);
  });
});
