import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { PromiseLedger } from '../core/analytics/operations.ts';
import { kioskConfigSchema } from '../kiosk/config.ts';
import { KioskRuntime } from '../kiosk/runtime.ts';
import type { VenueAnalytics } from '../server/analytics/analytics-service.ts';
import { signedInUser, syncingKioskStore, TEST_QUEUE_VENUE } from './support/fixtures.ts';
import { test } from './support/test-fixtures.ts';
import { waitFor } from './support/wait.ts';

const name = (en: string) => ({ ko: en, zh: en, en });

/** A Seoul branch (UTC+9, no daylight saving): its days are not UTC's. */
const CX_VENUE = {
  ...TEST_QUEUE_VENUE,
  timezone: 'Asia/Seoul',
  touchpoints: [
    { id: 'entrance', name: name('Entrance'), stage: 'before' as const },
    {
      id: 'counter-1',
      name: name('Counter 1'),
      counterId: 'c1',
      reasons: [
        { id: 'slow', name: name('Slow') },
        { id: 'rude', name: name('Rude') },
      ],
    },
    { id: 'exit', name: name('Exit'), stage: 'after' as const },
  ],
  segments: [{ id: 'gold', name: name('Gold'), weight: 1 }],
};

/** A day of Seoul's calendar, `days` from the one holding `at`. */
const seoulDay = (at: number, days = 0) => new Date(at + 9 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
const seoulMidnight = (day: string) => Date.parse(`${day}T00:00:00+09:00`);

/** The analytics a manager slices, over HTTP on a real hub fed by a real kiosk store. */
describe('analytics a manager can slice', () => {
  test.override({ hubOptions: { venue: CX_VENUE } });

  test('answers days of the venue’s calendar, each filter, compare=previous, reasons, unknown touchpoints', async ({
    cleanups,
    dir,
    hub,
  }) => {
    const manager = await signedInUser(hub, { username: 'boss', role: 'manager' });
    const staff = await signedInUser(hub, { username: 'mina', role: 'staff' });

    await hub.queues.commands.execute('venue-a', { type: 'open-counter', counterId: 'c1' });
    const ticketId = '0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
    const issued = await hub.queues.commands.execute('venue-a', {
      type: 'issue',
      ticketId,
      serviceId: 'deposits',
      segmentId: 'gold',
    });
    if (!issued.ok) throw new Error(issued.message);
    await hub.queues.commands.execute('venue-a', { type: 'call-next', counterId: 'c1' });
    const served = await hub.queues.commands.execute('venue-a', { type: 'serve', counterId: 'c1' });
    if (!served.ok) throw new Error(served.message);
    const servedAt = served.events[0]!.at;

    const token = await hub.addKiosk('k1');
    const kiosk = syncingKioskStore(hub, { file: join(dir, 'k1.db'), deviceId: 'k1', token }, cleanups);
    const atCounter = kiosk.append(
      'feedback.pressed',
      { touchpointId: 'counter-1', level: 1, source: 'screen' },
      servedAt + 1000,
    );
    kiosk.append('feedback.pressed', { touchpointId: 'entrance', level: 4, source: 'serial' }, servedAt + 1100);
    // A kiosk with an outdated journey map: a touchpoint the map no longer has.
    kiosk.append('feedback.pressed', { touchpointId: 'old-door', level: 2, source: 'serial' }, servedAt + 1200);
    const reason = (fields: { touchpointId: string; pressId: string; reasonId: string }) =>
      kiosk.append('feedback.reason', fields, servedAt + 1300);
    reason({ touchpointId: 'counter-1', pressId: atCounter.id, reasonId: 'slow' });
    reason({ touchpointId: 'counter-1', pressId: atCounter.id, reasonId: 'parking' });
    reason({ touchpointId: 'exit', pressId: atCounter.id, reasonId: 'slow' });
    reason({ touchpointId: 'counter-1', pressId: '0196a1b2-c3d4-7e5f-8a9b-ffffffffffff', reasonId: 'slow' });
    await waitFor(async () => ((await hub.store.deviceEvents('k1')).length === 7 ? true : undefined), {
      what: 'the presses and reasons on the hub',
    });
    await waitFor(async () => (Date.now() > servedAt + 1500 ? true : undefined), { what: 'the presses to be past' });
    const rated = await fetch(`${hub.url}/api/venues/venue-a/tickets/${ticketId}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ level: 2, reasonId: 'staff' }),
    });
    expect(rated.status).toBe(201);

    const get = (query: string, session = manager) =>
      fetch(`${hub.url}/api/venues/venue-a/analytics?${query}`, { headers: { authorization: `Bearer ${session}` } });
    const read = async (query: string) => {
      const response = await get(query);
      expect(response.status).toBe(200);
      return (await response.json()) as VenueAnalytics;
    };
    const today = seoulDay(servedAt);
    const days = `from=${seoulDay(servedAt, -1)}&to=${today}`;

    // Days are the venue's: from its local midnight to the end of the last day (inclusive).
    const all = await read(days);
    expect(all.timeZone).toBe('Asia/Seoul');
    expect(all.from).toBe(seoulMidnight(seoulDay(servedAt, -1)));
    expect(all.to).toBe(seoulMidnight(seoulDay(servedAt, 1)));
    expect(all.compare).toBeNull();
    expect(all.journeys.items).toEqual([
      expect.objectContaining({ ticketId, ticketNumber: 'A-001', serviceId: 'deposits', rating: 2, segmentId: 'gold' }),
    ]);
    expect(all.stages.map((s) => [s.stage, s.volume])).toEqual([
      ['before', 1],
      ['during', 2],
      ['after', 1],
    ]);
    // The old touchpoint is kept and shown, never scored.
    expect(all.unknownTouchpoints).toEqual([{ touchpointId: 'old-door', volume: 1 }]);
    expect(all.touchpoints.map((t) => t.touchpointId)).not.toContain('old-door');
    expect(all.baseline.volume).toBe(4);
    // One valid reason; the hub refuses to count the other three and says why.
    expect(all.reasons.rows).toEqual([
      {
        touchpointId: 'counter-1',
        stage: 'during',
        segmentId: 'gold',
        unattributed: false,
        reasonId: 'slow',
        count: 1,
        share: 1,
      },
      // The phone's rating gave one too (the default phone touchpoint's list).
      {
        touchpointId: 'phone',
        stage: 'after',
        segmentId: 'gold',
        unattributed: false,
        reasonId: 'staff',
        count: 1,
        share: 1,
      },
    ]);
    expect(all.reasons.trend.map((p) => [p.reasonId, p.count]).sort()).toEqual([
      ['slow', 1],
      ['staff', 1],
    ]);
    expect(all.reasons.refused).toEqual([
      { code: 'press-elsewhere', count: 1 },
      { code: 'unknown-press', count: 1 },
      { code: 'unknown-reason', count: 1 },
    ]);
    // The same span in ms gives the same answer.
    expect(await read(`from=${all.from}&to=${all.to}`)).toEqual(all);
    // A day with nothing in it.
    const empty = await read(`from=${seoulDay(servedAt, -3)}&to=${seoulDay(servedAt, -3)}`);
    expect([empty.baseline.volume, empty.journeys.count, empty.reasons.rows.length]).toEqual([0, 0, 0]);

    // Each filter gives the unfiltered figures of its subset.
    const row = (report: VenueAnalytics, id: string) => report.touchpoints.find((t) => t.touchpointId === id);
    const before = await read(`${days}&stage=before`);
    expect(before.touchpoints).toEqual([row(all, 'entrance')]);
    expect(before.stages.find((s) => s.stage === 'before')).toEqual(all.stages.find((s) => s.stage === 'before'));
    expect(before.journeys.count).toBe(0);
    expect(before.reasons.rows).toEqual([]);
    expect((await read(`${days}&stage=after`)).reasons.rows).toEqual([all.reasons.rows[1]]);
    const during = await read(`${days}&stage=during`);
    expect(during.touchpoints).toEqual([row(all, 'counter-1'), row(all, 'wait:deposits')]);
    expect(during.journeys.items).toEqual(all.journeys.items);
    expect(during.unknownTouchpoints).toEqual([]);
    const counter = await read(`${days}&touchpoint=counter-1`);
    expect(counter.touchpoints).toEqual([row(all, 'counter-1')]);
    expect(counter.reasons.rows).toEqual([all.reasons.rows[0]]);
    expect(counter.journeys.count).toBe(1);
    const wait = await read(`${days}&touchpoint=wait:deposits`);
    expect(wait.touchpoints).toEqual([row(all, 'wait:deposits')]);
    expect(wait.stages.find((s) => s.stage === 'during')!.volume).toBe(1);
    const gold = await read(`${days}&segment=gold`);
    expect(gold.heatMap).toEqual(all.heatMap.filter((c) => c.segmentId === 'gold' && !c.unattributed));
    expect(gold.journeys.items).toEqual(all.journeys.items);
    const none = await read(`${days}&segment=none`);
    expect([none.journeys.count, none.reasons.rows.length, none.heatMap.length]).toEqual([0, 0, 0]);

    // compare=previous: the two days before, with nothing in them.
    const compared = await read(`${days}&compare=previous`);
    expect(compared.compare).toMatchObject({
      from: seoulMidnight(seoulDay(servedAt, -3)),
      to: all.from,
      baseline: { volume: 0, meanExperience: null },
      journeys: { count: 1, previousCount: 0, change: null, significant: false },
    });
    expect(compared.compare!.touchpoints.find((t) => t.touchpointId === 'counter-1')).toEqual({
      touchpointId: 'counter-1',
      volume: 1,
      meanExperience: -5,
      previousVolume: 0,
      previousMeanExperience: null,
      change: null,
      significant: false,
    });
    expect(compared.compare!.stages.map((s) => s.stage)).toEqual(['before', 'during', 'after']);

    // Refusals: bad parameters are named; staff may not slice analytics.
    for (const bad of [
      'stage=middle',
      'from=2026-02-30',
      'from=tomorrow',
      'compare=last-year',
      'touchpoint=Not A Slug',
    ]) {
      const response = await get(bad);
      expect(response.status, bad).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid-request');
    }
    expect((await get(days, staff)).status).toBe(403);

    // The promise ledger over the venue's day.
    const ledgerOf = (query: string, session = manager) =>
      fetch(`${hub.url}/api/venues/venue-a/promises?${query}`, { headers: { authorization: `Bearer ${session}` } });
    const response = await ledgerOf(`from=${today}&to=${today}`);
    expect(response.status).toBe(200);
    const ledger = (await response.json()) as PromiseLedger & { timeZone: string };
    expect(ledger).toMatchObject({ venueId: 'venue-a', from: today, to: today, timeZone: 'Asia/Seoul' });
    expect(ledger.fromMs).toBe(seoulMidnight(today));
    // One ticket promised a wait and called at once.
    expect(ledger.total.promised).toBe(1);
    expect(ledger.total.keptPct).toBe(ledger.total.kept * 100);
    expect(ledger.total.maeMin).not.toBeNull();
    expect(ledger.byHour).toHaveLength(24);
    expect(ledger.byDay).toEqual([expect.objectContaining({ key: today, promised: 1 })]);
    expect(ledger.byService).toEqual([expect.objectContaining({ key: 'deposits', promised: 1 })]);
    expect((await ledgerOf(`from=${today}&to=${today}`, staff)).status).toBe(403);
    expect((await ledgerOf('from=2026-13-01')).status).toBe(400);
  });

  test('the kiosk’s local API refuses (422) a press at a touchpoint off the journey map, naming it', async ({
    cleanups,
    dir,
    hub,
  }) => {
    const token = await hub.addKiosk('k1');
    const kiosk = new KioskRuntime(
      kioskConfigSchema.parse({
        hubUrl: hub.url,
        venueId: 'venue-a',
        deviceId: 'k1',
        token,
        store: join(dir, 'k1.db'),
      }),
    );
    cleanups.push(() => kiosk.stop());
    await kiosk.start();
    const localUrl = kiosk.status().localUrl!;
    await waitFor(() => (kiosk.onJourneyMap('old-door') ? undefined : true), { what: 'the journey map on the kiosk' });
    const press = (touchpointId: string) =>
      fetch(`${localUrl}/local/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ touchpointId, level: 3 }),
      });
    const refused = await press('old-door');
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: unknown }).error).toMatchObject({
      code: 'unknown-touchpoint',
      params: { touchpointId: 'old-door' },
    });
    expect((await press('exit')).status).toBe(201);
    // Only the accepted press reaches the hub.
    const stored = await waitFor(
      async () => {
        const events = await hub.store.deviceEvents('k1');
        return events.some((e) => e.type === 'feedback.pressed') ? events : undefined;
      },
      { what: 'the press on the hub' },
    );
    expect(stored.filter((e) => e.type === 'feedback.pressed')).toHaveLength(1);
  });
});
