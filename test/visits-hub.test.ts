import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { VenueAnalytics } from '../server/analytics/analytics-service.ts';
import type { Hub } from '../server/hub.ts';
import { signedInUser, syncingKioskStore, TEST_QUEUE_VENUE } from './support/fixtures.ts';
import { POLL, test } from './support/test-fixtures.ts';

const name = (en: string) => ({ ko: en, zh: en, en });

/** A venue whose journey map has a stage for every moment of a visit (the phone's is the default). */
const VISIT_VENUE = {
  ...TEST_QUEUE_VENUE,
  touchpoints: [
    { id: 'entrance', name: name('Entrance'), stage: 'before' as const },
    { id: 'counter-1', name: name('Counter 1'), counterId: 'c1' },
    { id: 'exit', name: name('Exit'), stage: 'after' as const },
  ],
  segments: [
    { id: 'gold', name: { ko: '골드', zh: '金卡', en: 'Gold' }, weight: 1 },
    { id: 'normal', name: { ko: '일반', zh: '普通', en: 'Normal' }, weight: 0 },
  ],
};

/** A visit driven end to end: kiosk, queue, counter box, exit box, the phone's rating, the report. */
describe('visits on the hub', () => {
  test.override({ hubOptions: { venue: VISIT_VENUE } });

  /** The phone's rating of a ticket, as its page sends it. */
  const rater = (hub: Hub) => (ticketId: string, body: unknown) =>
    fetch(`${hub.url}/api/venues/venue-a/tickets/${ticketId}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  test('rates a served visit once from the phone, and ends the visit at its last moment, wherever it is', async ({
    hub,
    dir,
    cleanups,
  }) => {
    const token = await hub.addKiosk('k1');
    const kiosk = syncingKioskStore(hub, { file: join(dir, 'k1.db'), deviceId: 'k1', token }, cleanups);
    const rate = rater(hub);
    const manager = await signedInUser(hub, { username: 'boss', role: 'manager' });
    const staff = await signedInUser(hub, { username: 'mina', role: 'staff' });
    const command = (body: unknown) =>
      fetch(`${hub.url}/api/venues/venue-a/queue/commands`, {
        method: 'POST',
        headers: { authorization: `Bearer ${staff}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ticketId = '0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

    expect((await command({ type: 'open-counter', counterId: 'c1' })).status).toBe(200);
    const issued = await hub.queues.commands.execute('venue-a', {
      type: 'issue',
      ticketId,
      serviceId: 'deposits',
      segmentId: 'gold',
      kioskId: 'k1',
    });
    if (!issued.ok) throw new Error(issued.message);
    // Presses are stamped a little after the moment they follow, by the kiosk's clock: the hub
    // corrects it by an offset measured over the network, so "at once" could land just before.
    const issuedAt = issued.events[0]!.at;
    // Right after taking the ticket, a very happy press on the kiosk's own box.
    kiosk.append('feedback.pressed', { touchpointId: 'entrance', level: 4, source: 'serial' }, issuedAt + 1000);

    // Not served yet: the phone cannot rate the visit.
    const early = await rate(ticketId, { level: 3 });
    expect(early.status).toBe(409);
    expect(((await early.json()) as { error: { code: string } }).error.code).toBe('not-served');

    expect((await command({ type: 'call-next', counterId: 'c1' })).status).toBe(200);
    const served = await command({ type: 'serve', counterId: 'c1' });
    expect(served.status).toBe(200);
    const servedAt = ((await served.json()) as { events: { at: number }[] }).events[0]!.at;
    // Delighted at the desk, angry at the exit.
    kiosk.append('feedback.pressed', { touchpointId: 'counter-1', level: 4, source: 'serial' }, servedAt + 1000);
    kiosk.append('feedback.pressed', { touchpointId: 'exit', level: 1, source: 'serial' }, servedAt + 2000);
    await expect.poll(async () => (await hub.store.deviceEvents('k1')).length, POLL).toBe(3); // the presses on the hub
    // The phone's rating comes after the exit (the hub stamps it on arrival).
    await expect.poll(() => Date.now(), POLL).toBeGreaterThan(servedAt + 2500);

    expect((await rate('0196a1b2-c3d4-7e5f-8a9b-000000000000', { level: 3 })).status).toBe(404);
    const invalid = await rate(ticketId, { level: 7, vsExpectation: 9 });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { message: string } }).error.message).toMatch(/level/);
    const badReason = await rate(ticketId, { level: 2, reasonId: 'parking' });
    expect(badReason.status).toBe(400);
    expect(((await badReason.json()) as { error: { message: string } }).error.message).toMatch(/waiting-time/);

    const first = await rate(ticketId, { level: 2, reasonId: 'staff', vsExpectation: -3 });
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({
      ticketId,
      touchpointId: 'phone',
      level: 2,
      reasonId: 'staff',
      vsExpectation: -3,
      segmentId: 'gold',
      serviceId: 'deposits',
      counterId: 'c1',
    });
    const again = await rate(ticketId, { level: 4 });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('already-rated');

    const get = async (query = '') => {
      const response = await fetch(`${hub.url}/api/venues/venue-a/analytics?from=0&to=${Date.now() + 60_000}${query}`, {
        headers: { authorization: `Bearer ${manager}` },
      });
      expect(response.status).toBe(200);
      return (await response.json()) as VenueAnalytics;
    };
    const report = await get();
    expect(report.journeys.count).toBe(1);
    const [visit] = report.journeys.items;
    // In time order (the wait is a moment when it ends, at the call: before or after the kiosk press).
    const path = visit!.path.map((m) => m.touchpointId);
    expect([...path].sort()).toEqual(['counter-1', 'entrance', 'exit', 'phone', 'wait:deposits']);
    expect(path.slice(2)).toEqual(['counter-1', 'exit', 'phone']);
    expect(visit!.path.map((m) => m.at)).toEqual([...visit!.path.map((m) => m.at)].sort((a, b) => a - b));
    // +5 at the kiosk and the desk, -5 at the exit (the later extreme: the peak), -2 on the phone (the end).
    expect(visit).toMatchObject({
      ticketId,
      segmentId: 'gold',
      peak: -5,
      peakTouchpointId: 'exit',
      end: -2,
      endTouchpointId: 'phone',
      peakEnd: -3.5,
      vsExpectation: -3,
    });
    expect(report.journeys.meanVsExpectation).toBe(-3);
    // Gold is seen wherever the visit went, not at the counter only.
    for (const touchpointId of ['entrance', 'wait:deposits', 'counter-1', 'exit', 'phone'])
      expect(report.heatMap).toContainEqual(
        expect.objectContaining({ touchpointId, segmentId: 'gold', unattributed: false, volume: 1 }),
      );
    // Experience -2, "3 worse than expected": the holder expected +1.
    expect(report.touchpoints.find((t) => t.touchpointId === 'phone')?.expectation).toMatchObject({
      volume: 1,
      meanExperience: -2,
      meanExpected: 1,
      meanSatisfaction: -3,
    });
    // With a window too short to tie the desk's press to the service, it stays unattributed, a
    // row apart from "no segment".
    const narrow = await get('&windowMin=0.0001');
    expect(narrow.heatMap).toContainEqual(
      expect.objectContaining({ touchpointId: 'counter-1', segmentId: null, unattributed: true }),
    );
    // The kiosk, desk and exit presses: the kiosk window is never longer than the window asked for.
    expect(narrow.journeys.unattributed).toBe(3);
    // A segment filter shows the same gold numbers, and nothing of other segments.
    const gold = await get('&segment=gold');
    expect(gold.heatMap.every((c) => c.segmentId === 'gold')).toBe(true);
    expect(gold.heatMap).toEqual(report.heatMap.filter((c) => c.segmentId === 'gold'));
    expect((await get('&segment=normal')).journeys.count).toBe(0);
  });

  test('throttles one address, and refuses an inverted experience scale', async ({ hub }) => {
    const rate = rater(hub);
    const statuses: number[] = [];
    for (let i = 0; i < 21; i += 1)
      statuses.push((await rate(`0196a1b2-c3d4-7e5f-8a9b-${String(i).padStart(12, '0')}`, { level: 3 })).status);
    expect(statuses.slice(0, 20).every((s) => s === 404)).toBe(true);
    expect(statuses[20]).toBe(429);

    const admin = await signedInUser(hub, { username: 'root', role: 'admin' });
    const inverted = await fetch(`${hub.url}/api/venues/venue-a`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...VISIT_VENUE, analytics: { experienceScale: { 1: 5, 2: 2, 3: -2, 4: -5 } } }),
    });
    expect(inverted.status).toBe(400);
    expect(((await inverted.json()) as { error: { message: string } }).error.message).toMatch(/rise with the level/);
  });
});
