import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import type { FigureGroup, OperationsReport } from '../core/analytics/operations.ts';
import type { Language } from '../core/languages.ts';
import type { QueueCommand } from '../core/queue/types.ts';
import { RESOURCES } from '../renderer/shared/i18n.ts';
import { launchChromium } from './support/chromium.ts';
import { signedInUser, startTestHub, TEST_QUEUE_VENUE } from './support/fixtures.ts';
import { expectText, screenshot } from './support/page.ts';
import { accessibilityViolations, layoutProblems } from './support/screen-checks.ts';
import { test } from './support/test-fixtures.ts';

/** 09:00 on 4 December 2026 in Seoul; the hub's clock is moved by hand. */
const NINE = Date.UTC(2026, 11, 4, 0, 0);
const minute = (m: number) => NINE + m * 60_000;
const FULL_HD = { width: 1920, height: 1080 };

type Figures = Record<string, string>;

/** What the page should show for a report, keyed "section/group/field", by the page's rule (null is "–"). */
function expectedFigures(report: OperationsReport, venues: { venueId: string; total: FigureGroup }[]): Figures {
  const figures: Figures = {};
  const shown = (value: number | null | undefined) => (value === null || value === undefined ? '–' : String(value));
  const add = (section: string, groups: FigureGroup[]) => {
    for (const g of groups) {
      const fields: Record<string, number | null> = {
        tickets: g.tickets,
        ...Object.fromEntries(Object.entries(g.outcomes).map(([o, n]) => [`outcomes.${o}`, n])),
        'wait.meanMin': g.wait.meanMin,
        'wait.medianMin': g.wait.medianMin,
        'wait.p90Min': g.wait.p90Min,
        'wait.withinPostedPct': g.wait.withinPostedPct,
        'service.meanMin': g.service.meanMin,
        'service.medianMin': g.service.medianMin,
      };
      for (const [field, value] of Object.entries(fields)) figures[`${section}/${g.key}/${field}`] = shown(value);
    }
  };
  add('total', [report.total]);
  add('service', report.byService);
  add('counter', report.byCounter);
  for (const c of report.counters) {
    figures[`counter/${c.counterId}/openMin`] = shown(c.openMin);
    figures[`counter/${c.counterId}/breakMin`] = shown(c.breakMin);
    figures[`counter/${c.counterId}/idleMin`] = shown(c.idleMin);
  }
  add('clerk', report.byClerk ?? []);
  add(
    'hour',
    report.byHour.filter((h) => h.tickets > 0),
  );
  add('day', report.byDay);
  add(
    'venue',
    venues.map((v) => ({ ...v.total, key: v.venueId })),
  );
  return figures;
}

/** Every figure the page shows, keyed like expectedFigures. */
const pageFigures = (page: Page): Promise<Figures> =>
  page.evaluate(() => {
    const figures: Record<string, string> = {};
    for (const cell of document.querySelectorAll<HTMLElement>('table[data-section] tr[data-group] td[data-field]')) {
      const section = cell.closest('table')!.dataset.section;
      const group = cell.closest('tr')!.dataset.group;
      figures[`${section}/${group}/${cell.dataset.field}`] = cell.textContent ?? '';
    }
    return figures;
  });

describe('the operations page in a real Chromium', () => {
  test('shows the API’s numbers at 1920x1080 in ko, zh and en, axe-clean', async ({ cleanups, dir }) => {
    let now = NINE;
    const hub = await startTestHub({
      file: join(dir, 'hub.db'),
      venue: { ...TEST_QUEUE_VENUE, timezone: 'Asia/Seoul' },
      clock: { now: () => now },
    });
    cleanups.push(() => hub.close());
    await hub.venues.upsert({ ...TEST_QUEUE_VENUE, id: 'venue-b', name: 'Test Branch B', timezone: 'Asia/Seoul' });
    const boss = await signedInUser(hub, { username: 'boss', role: 'manager', venueIds: ['venue-a', 'venue-b'] });

    // A short morning: two clerks (named in the calls as the staff routes name the signed-in user).
    const run = async (at: number, command: QueueCommand, venueId = 'venue-a') => {
      now = minute(at);
      const result = await hub.queues.commands.execute(venueId, command);
      expect(result.ok, JSON.stringify(result)).toBe(true);
    };
    const ticket = (n: number) => `0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a${String(n).padStart(2, '0')}`;
    await run(0, { type: 'open-counter', counterId: 'c1' });
    await run(0, { type: 'open-counter', counterId: 'c2' });
    for (const n of [1, 2, 3, 4]) await run(n, { type: 'issue', ticketId: ticket(n), serviceId: 'deposits' });
    await run(2, { type: 'issue', ticketId: ticket(5), serviceId: 'loans' });
    await run(6, { type: 'call', counterId: 'c1', ticketId: ticket(1), calledBy: 'kim' });
    await run(9, { type: 'call', counterId: 'c2', ticketId: ticket(5), calledBy: 'lee' });
    await run(13, { type: 'serve', counterId: 'c1' });
    await run(20, { type: 'serve', counterId: 'c2' });
    await run(21, { type: 'call', counterId: 'c1', ticketId: ticket(2), calledBy: 'kim' });
    await run(24, { type: 'no-show', counterId: 'c1' });
    await run(25, { type: 'call', counterId: 'c2', ticketId: ticket(3), calledBy: 'lee' });
    await run(32, { type: 'serve', counterId: 'c2' });
    await run(40, { type: 'break-counter', counterId: 'c1' });
    await run(62, { type: 'issue', ticketId: ticket(6), serviceId: 'loans' });
    await run(70, { type: 'call', counterId: 'c2', ticketId: ticket(6), calledBy: 'lee' });
    await run(75, { type: 'serve', counterId: 'c2' });
    await run(80, { type: 'cancel', ticketId: ticket(4) });
    await run(81, { type: 'open-counter', counterId: 'c1' }, 'venue-b');
    await run(82, { type: 'issue', ticketId: ticket(7), serviceId: 'deposits' }, 'venue-b');
    now = minute(90);

    const api = async <T>(path: string): Promise<T> =>
      (await fetch(`${hub.url}${path}`, { headers: { authorization: `Bearer ${boss}` } })).json() as Promise<T>;
    const report = await api<OperationsReport>('/api/venues/venue-a/reports/operations');
    const { venues } = await api<{ venues: { venueId: string; total: FigureGroup }[] }>('/api/reports/operations');
    expect(report.byClerk?.map((g) => g.key)).toEqual(['kim', 'lee']);
    expect(report.total.tickets).toBe(6);
    const expected = expectedFigures(report, venues);

    const browser: Browser = await launchChromium();
    cleanups.push(() => browser.close());
    const context = await browser.newContext({ viewport: FULL_HD });
    const pageErrors: string[] = [];

    // From the dashboard, the manager follows the link to the operations page.
    const dashboard = await context.newPage();
    dashboard.on('pageerror', (error) => pageErrors.push(error.message));
    await dashboard.goto(`${hub.url}/manage/?venue=venue-a&lang=en`);
    await dashboard.fill('input[name="username"]', 'boss');
    await dashboard.fill('input[name="password"]', 'boss-password-1');
    await dashboard.click('.sign-in button[type="submit"]');
    await dashboard.click('a[data-link="operations"]');
    await expectText(dashboard, 'main[data-range]', /./, 20_000);
    expect(new URL(dashboard.url()).searchParams.get('page')).toBe('operations');
    await dashboard.close();

    for (const lang of ['ko', 'zh', 'en'] as Language[]) {
      const texts = RESOURCES[lang].translation.operations;
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(`${hub.url}/manage/?venue=venue-a&lang=${lang}&page=operations`);
      await expectText(page, '#venue-heading', texts.venueAgainstVenue, 20_000);
      expect(await page.getAttribute('main', 'data-range')).toBe('2026-12-04/2026-12-04');
      expect(await pageFigures(page)).toEqual(expected);
      // Names, not ids: the service and counter rows in the page's language.
      await expectText(
        page,
        'table[data-section="service"] tr[data-group="deposits"] th',
        TEST_QUEUE_VENUE.services[0]!.name[lang],
      );
      await expectText(
        page,
        'table[data-section="counter"] tr[data-group="c1"] th',
        TEST_QUEUE_VENUE.counters[0]!.name[lang],
      );
      await expectText(page, '#clerk-heading', texts.byClerk);
      await expectText(page, '[data-busiest]', new RegExp(`^${report.busiestHours[0]!.hour}`));
      expect(await page.getAttribute('a[data-download="xlsx"]', 'href')).toContain(`lang=${lang}`);
      await screenshot(page, `manage-operations-${lang}`);
      expect(await layoutProblems(page)).toEqual([]);
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.close();
    }

    // A range chosen on the page asks the API for it: the day before had no tickets.
    const page = await context.newPage();
    await page.goto(`${hub.url}/manage/?venue=venue-a&lang=en&page=operations`);
    await expectText(page, 'main[data-range]', /./, 20_000);
    await page.fill('input[name="from"]', '2026-12-03');
    await page.fill('input[name="to"]', '2026-12-03');
    await page.click('.range-form button[type="submit"]');
    await expectText(page, 'table[data-section="total"] tr[data-group="all"] td[data-field="tickets"]', '0');
    expect(await page.getAttribute('main', 'data-range')).toBe('2026-12-03/2026-12-03');
    expect(pageErrors).toEqual([]);
  }, 300_000); // four page loads with axe on a shared 2-core machine
});
