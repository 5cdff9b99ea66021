import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { QueueCommand } from '../core/queue/types.ts';
import { RESOURCES } from '../renderer/shared/i18n.ts';
import { launchChromium } from './support/chromium.ts';
import { startTestHub, TEST_QUEUE_VENUE } from './support/fixtures.ts';
import { expectText } from './support/page.ts';
import { accessibilityViolations } from './support/screen-checks.ts';
import { test } from './support/test-fixtures.ts';

const DAY_MS = 24 * 60 * 60_000;

/**
 * A venue's queue over days (core/queue/engine.ts retireEarlierDays): yesterday's served tickets
 * leave the live queue at today's first ticket, and everything that may still ask for them finds them.
 */
describe("yesterday's tickets on the hub", () => {
  test('are found by the phone and by a kiosk retrying its take, before and after a restart', async ({
    dir,
    cleanups,
  }) => {
    let now = Date.UTC(2026, 2, 2, 1, 0);
    const clock = { now: () => now };
    const file = join(dir, 'hub.db');
    let hub = await startTestHub({ file, venue: TEST_QUEUE_VENUE, clock });
    cleanups.push(() => hub.close());
    const execute = (command: QueueCommand) => hub.queues.commands.execute('venue-a', command);
    const ticketId = '0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a51';
    const take: QueueCommand = { type: 'issue', ticketId, serviceId: 'deposits', kioskId: 'k1' };

    await execute({ type: 'open-counter', counterId: 'c1' });
    const first = await execute(take);
    if (!first.ok) throw new Error(first.message);
    now += 60_000;
    await execute({ type: 'call-next', counterId: 'c1' });
    now += 4 * 60_000;
    await execute({ type: 'serve', counterId: 'c1' });

    // The next day's first customer.
    now += DAY_MS;
    const today = await execute({
      type: 'issue',
      ticketId: '0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a52',
      serviceId: 'deposits',
    });
    if (!today.ok) throw new Error(today.message);
    expect(today.ticket?.number).toBe('A-001');

    const check = async () => {
      const live = await hub.queues.live.get('venue-a');
      expect(Object.keys(live!.state.tickets)).toEqual([today.ticket!.ticketId]);
      // The holder's page still shows yesterday's ticket as served.
      expect(await hub.queues.reads.ticket('venue-a', ticketId)).toMatchObject({
        number: first.ticket!.number,
        status: 'served',
      });
      // A kiosk that never heard its answer and retries gets its ticket back, not a refusal or a second one.
      const retry = await execute(take);
      expect(retry).toMatchObject({ ok: true, events: [], ticket: { number: first.ticket!.number, status: 'served' } });
      const waiting = (await hub.queues.reads.snapshot('venue-a'))?.services.find((s) => s.serviceId === 'deposits');
      expect(waiting?.waiting).toBe(1);
    };
    await check();
    // Rated from home the evening after.
    const rating = await fetch(`${hub.url}/api/venues/venue-a/tickets/${ticketId}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ level: 3 }),
    });
    expect(rating.status).toBe(201);

    await hub.close();
    hub = await startTestHub({ file, venue: TEST_QUEUE_VENUE, clock });
    await check();
  });

  test('leave the morning line empty when the venue closed on people still waiting', async ({ dir, cleanups }) => {
    let now = Date.UTC(2026, 2, 2, 7, 0);
    const clock = { now: () => now };
    const hub = await startTestHub({ file: join(dir, 'hub.db'), venue: TEST_QUEUE_VENUE, clock });
    cleanups.push(() => hub.close());
    const execute = (command: QueueCommand) => hub.queues.commands.execute('venue-a', command);
    const waitingFor = async (serviceId: string) =>
      (await hub.queues.reads.snapshot('venue-a'))?.services.find((s) => s.serviceId === serviceId)?.waiting;

    await execute({ type: 'open-counter', counterId: 'c1' });
    const left = '0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a61';
    await execute({ type: 'issue', ticketId: left, serviceId: 'deposits' });
    now += 8 * 60 * 60_000;
    await execute({ type: 'close-counter', counterId: 'c1' });
    expect(await waitingFor('deposits')).toBe(1);

    now += 16 * 60 * 60_000;
    await execute({ type: 'open-counter', counterId: 'c1' });
    expect(await waitingFor('deposits')).toBe(0);
    expect(await hub.queues.reads.ticket('venue-a', left)).toMatchObject({ status: 'waiting', position: null });
    const call = await execute({ type: 'call', counterId: 'c1', ticketId: left });
    expect(call).toMatchObject({ ok: false, code: 'ticket-from-earlier-day' });
    // The holder who opens yesterday's link is told to take a new ticket, with nothing to press.
    const browser = await launchChromium();
    cleanups.push(() => browser.close());
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await phone.goto(`${hub.url}/t/${left}?lang=ko`);
    await expectText(phone, '[data-state]', RESOURCES.ko.translation.ticket.fromEarlierDay);
    expect(await phone.locator('[data-action]').count()).toBe(0);
    expect(await accessibilityViolations(phone)).toEqual([]);
    const today = await execute({
      type: 'issue',
      ticketId: '0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a62',
      serviceId: 'deposits',
    });
    expect(today).toMatchObject({ ok: true, ticket: { number: 'A-001', position: 1 } });
  });
});
