import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { Venue } from '../core/venue.ts';
import { SyncClient } from '../kiosk/sync-client.ts';
import { LocalStore } from '../kiosk/local-store.ts';
import { signedInUser, TEST_VENUE } from './support/fixtures.ts';
import { POLL, test } from './support/test-fixtures.ts';

/** The journey map: edited by the venue's manager, versioned, pushed to its kiosks at once. */
describe('journey map configuration', () => {
  test('saves each edit as a new version and pushes it to connected kiosks', async ({ hub, dir, cleanups }) => {
    const manager = await signedInUser(hub, { username: 'boss', role: 'manager' });
    const staff = await signedInUser(hub, { username: 'mina', role: 'staff' });

    const store = new LocalStore(join(dir, 'k1.db'), { venueId: 'venue-a', deviceId: 'k1' });
    const sync = new SyncClient({ hubUrl: hub.url, deviceId: 'k1', token: await hub.addKiosk('k1'), store });
    const seen: Venue[] = [];
    sync.on('venue', (venue) => seen.push(venue));
    sync.start();
    cleanups.push(async () => {
      await sync.stop();
      store.close();
    });
    await expect.poll(() => seen.length, POLL).toBeGreaterThan(0); // the venue at hello
    expect(seen[0]!.version).toBe(1);

    const journey = {
      touchpoints: [
        ...TEST_VENUE.touchpoints,
        { id: 'restroom', stage: 'during', name: { ko: '화장실', zh: '洗手间', en: 'Restroom' }, owner: 'facilities' },
      ],
      segments: [{ id: 'gold', name: { ko: '골드', zh: '金卡', en: 'Gold' }, weight: 1 }],
    };
    const put = (body: unknown, session: string) =>
      fetch(`${hub.url}/api/venues/venue-a/journey`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` },
        body: JSON.stringify(body),
      });
    const saved = await put(journey, manager);
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject({
      version: 2,
      touchpoints: expect.arrayContaining([expect.objectContaining({ id: 'restroom', owner: 'facilities' })]),
    });

    await expect.poll(() => seen.map((v) => v.version), POLL).toContain(2);
    const pushed = seen.find((v) => v.version === 2)!;
    expect(pushed.touchpoints.map((t) => t.id)).toEqual(['entrance', 'counter-1', 'restroom']);
    expect(pushed.segments.map((s) => s.id)).toEqual(['gold']);

    const versions = (await (
      await fetch(`${hub.url}/api/venues/venue-a/versions`, { headers: { authorization: `Bearer ${manager}` } })
    ).json()) as { version: number; venue: Venue }[];
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    expect(versions[1]!.venue.touchpoints.map((t) => t.id)).toEqual(['entrance', 'counter-1']);

    expect((await put(journey, staff)).status).toBe(403);
    const bad = await put({ touchpoints: [{ id: 'x' }] }, manager);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { code: 'invalid-request', message: expect.stringContaining('touchpoints.0.name') },
    });
  });
});
