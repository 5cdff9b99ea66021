import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { VenueAnalytics } from '../server/analytics/analytics-service.ts';
import { signedInUser, syncingKioskStore, TEST_QUEUE_VENUE } from './support/fixtures.ts';
import { POLL, test } from './support/test-fixtures.ts';

/** Journey analytics over what really reached the hub: presses from a kiosk and the queue log. */
describe('venue analytics on the hub', () => {
  const venue = {
    ...TEST_QUEUE_VENUE,
    touchpoints: TEST_QUEUE_VENUE.touchpoints.map((tp) =>
      tp.id === 'counter-1' ? { ...tp, counterId: 'c1', target: 0 } : tp,
    ),
    segments: [{ id: 'gold', name: { ko: '골드', zh: '金卡', en: 'Gold' }, weight: 1 }],
  };
  test.override({ hubOptions: { venue } });

  test('scores presses and waits, gives a counter’s press to the journey it served, and exports CSV', async ({
    hub,
    dir,
    cleanups,
  }) => {
    const manager = await signedInUser(hub, { username: 'boss', role: 'manager' });

    // A gold customer waits, is served at counter c1, then presses very unhappy at that counter.
    await hub.queues.commands.execute('venue-a', { type: 'open-counter', counterId: 'c1' });
    const issued = await hub.queues.commands.execute('venue-a', {
      type: 'issue',
      ticketId: '0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      serviceId: 'deposits',
      segmentId: 'gold',
    });
    expect(issued.ok).toBe(true);
    await hub.queues.commands.execute('venue-a', { type: 'call-next', counterId: 'c1' });
    await hub.queues.commands.execute('venue-a', { type: 'serve', counterId: 'c1' });

    const token = await hub.addKiosk('k1');
    const store = syncingKioskStore(hub, { file: join(dir, 'k1.db'), deviceId: 'k1', token }, cleanups);
    store.append('feedback.pressed', { touchpointId: 'counter-1', level: 1, source: 'serial' });
    store.append('feedback.pressed', { touchpointId: 'entrance', level: 4, source: 'serial' });
    store.append('feedback.pressed', { touchpointId: 'entrance', level: 3, source: 'serial' });
    store.append('feedback.pressed', { touchpointId: 'entrance', level: 1, source: 'serial', misuse: true });
    await expect.poll(async () => (await hub.store.deviceEvents('k1')).length, POLL).toBe(4); // all presses on the hub

    const get = (query: string, session = manager) =>
      fetch(`${hub.url}/api/venues/venue-a/analytics?${query}`, { headers: { authorization: `Bearer ${session}` } });
    const response = await get(`from=0&to=${Date.now() + 60_000}`);
    expect(response.status).toBe(200);
    const report = (await response.json()) as VenueAnalytics;

    const byTouchpoint = Object.fromEntries(report.touchpoints.map((t) => [t.touchpointId, t]));
    expect(byTouchpoint['counter-1']).toMatchObject({
      volume: 1,
      meanExperience: -5,
      happyIndex: -100,
      target: 0,
      meetsTarget: false,
    });
    // The misuse press is kept on the hub but left out: entrance is 4 and 3, i.e. +5 and +2.
    expect(byTouchpoint.entrance).toMatchObject({ volume: 2, meanExperience: 3.5, happyIndex: 75 });
    // The wait is a moment too, scored by its surprise (posted - actual).
    expect(byTouchpoint['wait:deposits']?.volume).toBe(1);
    expect(report.heatMap).toContainEqual(
      expect.objectContaining({ touchpointId: 'counter-1', segmentId: 'gold', volume: 1 }),
    );
    expect(report.heatMap).toContainEqual(
      expect.objectContaining({ touchpointId: 'entrance', segmentId: null, unattributed: true, volume: 2 }),
    );
    // One journey: the wait, then the press at the counter; its end is the unhappy press.
    expect(report.journeys.count).toBe(1);
    expect(report.journeys.items).toEqual([
      expect.objectContaining({
        ticketId: '0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
        segmentId: 'gold',
        moments: 2,
        end: -5,
        endTouchpointId: 'counter-1',
        peak: -5,
      }),
    ]);
    expect(report.surprise.reduce((n, row) => n + row.volume, 0)).toBe(1);

    const withMisuse = (await (await get(`from=0&to=${Date.now() + 60_000}&misuse=include`)).json()) as VenueAnalytics;
    expect(withMisuse.touchpoints.find((t) => t.touchpointId === 'entrance')?.volume).toBe(3);

    const csv = await get(`from=0&to=${Date.now() + 60_000}&format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('touchpoint,segment,volume,mean_experience,happy_index,mean_expected,mean_satisfaction');
    // counter-1's target happy index 0 expects 0 on the scale: the -5 is 5 below it.
    expect(lines).toContain('counter-1,gold,1,-5,-100,0,-5');
    expect(lines).toContain('entrance,unattributed,2,3.5,75,,');

    expect((await get('from=5&to=1')).status).toBe(400);
    const staff = await signedInUser(hub, { username: 'mina', role: 'staff' });
    expect((await get('from=0', staff)).status).toBe(403);
  });
});

describe('the analytics period on the hub’s clock', () => {
  /** 09:00 on 4 December 2026 UTC: far from the machine's own time, so a stray Date.now() shows. */
  const NOW = Date.UTC(2026, 11, 4, 9, 0);
  test.override({ hubOptions: { clock: { now: () => NOW } } });

  test('defaults to the last 24 hours of the hub’s clock', async ({ hub }) => {
    const manager = await signedInUser(hub, { username: 'boss', role: 'manager' });
    const response = await fetch(`${hub.url}/api/venues/venue-a/analytics`, {
      headers: { authorization: `Bearer ${manager}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ from: NOW - 24 * 60 * 60_000, to: NOW });
    const tomorrow = await fetch(`${hub.url}/api/venues/venue-a/analytics?from=${NOW + 60_000}`, {
      headers: { authorization: `Bearer ${manager}` },
    });
    // from after the clock's now, with to defaulting to it: an empty period is refused
    expect(tomorrow.status).toBe(400);
  });
});
