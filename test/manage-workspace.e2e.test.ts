import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../core/alerts/tasks.ts';
import type { VenueAnalytics } from '../core/analytics/report.ts';
import type { FeedbackLevel } from '../core/events.ts';
import type { Language } from '../core/languages.ts';
import type { LocalStore } from '../kiosk/local-store.ts';
import type { OperationsReport } from '../core/analytics/operations.ts';
import { previousRange } from '../renderer/manage/workspace/slicing.ts';
import { RESOURCES } from '../renderer/shared/i18n.ts';
import { launchChromium } from './support/chromium.ts';
import type { Cleanup } from './support/test-fixtures.ts';
import { signedInUser, startTestHub, syncingKioskStore, TEST_QUEUE_VENUE, tempDir } from './support/fixtures.ts';
import { expectText, screenshot } from './support/page.ts';
import { accessibilityViolations, layoutProblems } from './support/screen-checks.ts';
import { waitFor } from './support/wait.ts';

const name = (ko: string, zh: string, en: string) => ({ ko, zh, en });

/** A venue whose journey map has every stage, owners, targets, reasons and two segments. */
const VENUE = {
  ...TEST_QUEUE_VENUE,
  timezone: 'Asia/Seoul',
  touchpoints: [
    {
      id: 'entrance',
      name: name('입구', '入口', 'Entrance'),
      stage: 'before' as const,
      owner: '안내',
      target: 0,
      reasons: [{ id: 'crowded', name: name('혼잡', '拥挤', 'Crowded') }],
    },
    {
      id: 'restroom',
      name: name('화장실', '洗手间', 'Restroom'),
      stage: 'during' as const,
      owner: '시설',
      target: 20,
      reasons: [
        { id: 'dirty', name: name('청결', '清洁', 'Cleanliness') },
        { id: 'queue', name: name('대기 줄', '排队', 'Queue') },
      ],
    },
    { id: 'lounge', name: name('라운지', '休息区', 'Lounge'), stage: 'during' as const },
    { id: 'counter-1', name: name('1번 창구', '1号窗口', 'Counter 1'), counterId: 'c1', owner: '창구', target: 50 },
    { id: 'exit', name: name('출구', '出口', 'Exit'), stage: 'after' as const },
  ],
  segments: [
    { id: 'gold', name: name('골드', '金卡', 'Gold'), weight: 1 },
    { id: 'normal', name: name('일반', '普通', 'Normal'), weight: 0 },
  ],
};

const PAGES = [
  'overview',
  'journey',
  'mots',
  'pain',
  'sweet',
  'heatmap',
  'peakend',
  'reasons',
  'waits',
  'tasks',
  'compare',
] as const;
const VIEWPORTS = [
  { width: 1920, height: 1080 },
  { width: 1366, height: 768 },
];
/** What a venue enters itself (its name, owners, time zone) and format names may stay Latin in ko and zh. */
const LATIN_ALLOWED = ['Test', 'Branch', 'Asia', 'Seoul', 'CSV', 'PDF', 'XLSX', 'Excel'];

const showIndex = (v: number | null | undefined) => (v === null || v === undefined ? '–' : String(Math.round(v)));
/** One decimal, "0.0" rather than "-0.0". */
const oneDecimal = (v: number) => (v.toFixed(1) === '-0.0' ? '0.0' : v.toFixed(1));
const showMean = (v: number | null | undefined) => (v === null || v === undefined ? '–' : oneDecimal(v));
const DAY_MS = 24 * 3_600_000;
/** Seoul's venue day YYYY-MM-DD of an instant (UTC+9, no summer time). */
const seoulDay = (at: number) => new Date(at + 9 * 3_600_000).toISOString().slice(0, 10);
const seoulMidnight = (at: number) => at - ((at + 9 * 3_600_000) % DAY_MS);

describe("the manager's customer-experience workspace in a real Chromium", () => {
  const cleanups: Cleanup[] = [];
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  let boss: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let range: string;
  const pageErrors: string[] = [];

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${hub.url}${path}`, { headers: { authorization: `Bearer ${boss}` } });
    expect(response.status, path).toBe(200);
    return (await response.json()) as T;
  };

  /** Opens a view and waits until its analytics are on screen; returns the analytics query it asked. */
  async function openView(query: string): Promise<string> {
    await page.goto(`${hub.url}/manage/?venue=venue-a&${query}`);
    await waitFor(async () => (await page.getAttribute('main', 'data-loading')) === 'false', {
      what: `the workspace (${query}) to load`,
    });
    return (await page.getAttribute('main', 'data-query'))!;
  }

  beforeAll(async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    hub = await startTestHub({ file: join(dir.path, 'hub.db'), venue: VENUE });
    cleanups.push(() => hub.close());
    await hub.venues.upsert({ ...VENUE, id: 'venue-b', name: 'Test Branch B' });
    boss = await signedInUser(hub, { username: 'boss', role: 'manager', venueIds: ['venue-a', 'venue-b'] });
    const token = await hub.addKiosk('k1');
    const kiosk: LocalStore = syncingKioskStore(
      hub,
      { file: join(dir.path, 'k1.db'), deviceId: 'k1', token },
      cleanups,
    );

    // Forty minutes ago: a dirty restroom and a pleasant lounge, no visit nearby (unattributed). Never
    // before today's Seoul midnight: a view of two days would take in the earlier presses below.
    // (Run from 00:00 to 00:03 in Seoul, the test first waits out those minutes.)
    const sinceMidnight = (Date.now() + 9 * 3_600_000) % DAY_MS;
    if (sinceMidnight < 3 * 60_000) await setTimeout(3 * 60_000 - sinceMidnight);
    const start = Math.max(Date.now() - 40 * 60_000, seoulMidnight(Date.now()) + 1000);
    let appended = 0;
    const press = (touchpointId: string, level: FeedbackLevel, at: number) => {
      appended += 1;
      return kiosk.append('feedback.pressed', { touchpointId, level, source: 'serial' }, at);
    };
    for (let i = 0; i < 36; i += 1) {
      const dirty = press('restroom', i % 6 === 0 ? 2 : 1, start + i * 1000);
      if (i % 3 === 0) {
        appended += 1;
        kiosk.append(
          'feedback.reason',
          { touchpointId: 'restroom', pressId: dirty.id, reasonId: 'dirty' },
          start + i * 1000 + 500,
        );
      }
      press('lounge', i % 5 === 0 ? 3 : 4, start + 60_000 + i * 1000);
    }
    // A day earlier (always inside the previous period of the view's days): a pleasant restroom, a
    // change the hub tests as beyond noise, and a lounge as it is now, a change within noise.
    for (let i = 0; i < 30; i += 1) {
      const pleasant = press('restroom', i % 4 === 0 ? 3 : 4, start - DAY_MS + i * 1000);
      press('lounge', i % 5 === 0 ? 3 : 4, start - DAY_MS + 60_000 + i * 1000);
      // A few reasons then too, so the reasons page has previous counts to show.
      if (i % 10 === 0) {
        appended += 1;
        kiosk.append(
          'feedback.reason',
          { touchpointId: 'restroom', pressId: pleasant.id, reasonId: 'dirty' },
          start - DAY_MS + i * 1000 + 500,
        );
      }
    }
    // Six visits: a ticket at the kiosk, a press there, the counter, the exit.
    const run = async (command: Parameters<typeof hub.queues.commands.execute>[1]) => {
      const result = await hub.queues.commands.execute('venue-a', command);
      if (!result.ok) throw new Error(result.message);
      return result.events[0]!.at;
    };
    await run({ type: 'open-counter', counterId: 'c1' });
    for (let n = 0; n < 6; n += 1) {
      const ticketId = `0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a${String(n).padStart(2, '0')}`;
      const issuedAt = await run({
        type: 'issue',
        ticketId,
        serviceId: 'deposits',
        segmentId: n % 2 ? 'gold' : 'normal',
        kioskId: 'k1',
      });
      press('entrance', ((n % 4) + 1) as FeedbackLevel, issuedAt + 1000);
      await run({ type: 'call', counterId: 'c1', ticketId });
      const servedAt = await run({ type: 'serve', counterId: 'c1' });
      press('counter-1', n % 3 ? 4 : 2, servedAt + 1000);
      press('exit', n === 0 ? 1 : 3, servedAt + 2000);
    }
    await waitFor(async () => ((await hub.store.deviceEvents('k1')).length === appended ? true : undefined), {
      what: 'every press on the hub',
    });
    const now = Date.now();
    range = `range=custom&from=${seoulDay(start)}&to=${seoulDay(now)}`;

    browser = await launchChromium();
    context = await browser.newContext({ viewport: VIEWPORTS[0] });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${hub.url}/manage/?venue=venue-a&lang=en`);
    await page.fill('input[name="username"]', 'boss');
    await page.fill('input[name="password"]', 'boss-password-1');
    await page.click('.sign-in button[type="submit"]');
    await expectText(page, '.page-title', RESOURCES.en.translation.workspace.pages.overview.title, 20_000);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    for (const cleanup of cleanups.reverse()) await cleanup();
    expect(pageErrors).toEqual([]);
  });

  it('opens on the overview, a card per instrument, each opening its page; live and operations reachable', async () => {
    await openView(`lang=en&${range}`);
    const cards = await page.$$eval('[data-card]', (links) => links.map((a) => a.getAttribute('data-card')));
    expect(cards).toEqual(PAGES.filter((p) => p !== 'overview'));
    expect(await page.locator('.overview-card .chart svg').count()).toBeGreaterThanOrEqual(8);
    await page.click('a[data-card="heatmap"]');
    await expectText(page, '.page-title', RESOURCES.en.translation.workspace.pages.heatmap.title);
    const url = new URL(page.url());
    expect(url.searchParams.get('page')).toBe('heatmap');
    expect(url.searchParams.get('from')).toBe(range.match(/from=([\d-]+)/)![1]);
    expect(await page.getAttribute('a[data-link="operations"]', 'href')).toContain('page=operations');
    expect(await page.getAttribute('a[data-link="live"]', 'href')).toContain('page=live');
    expect(await page.getAttribute('a[data-download="pdf"]', 'href')).toMatch(/reports\/cx\?.*format=pdf.*lang=en/);
  });

  for (const lang of ['ko', 'zh', 'en'] as Language[]) {
    it(`shows every page in ${lang} at 1920x1080 and 1366x768: translated, no overflow, axe-clean`, async () => {
      const texts = RESOURCES[lang].translation.workspace;
      for (const viewport of VIEWPORTS) {
        await page.setViewportSize(viewport);
        for (const name of PAGES) {
          // The smaller screen also carries the previous period's columns (compare=previous).
          const compare = viewport.width === 1366 ? '&compare=previous' : '';
          await openView(`lang=${lang}&page=${name}&${range}${compare}`);
          await expectText(page, '.page-title', texts.pages[name].title);
          // Drawn, in the page's language: nothing left as a key or (in ko and zh) as English.
          const words = await page.evaluate(
            // biome-ignore lint/performance/useDomNodeTextContent: what is shown, as a person reads it, is the point
            () => document.body.innerText,
          );
          expect(words, `${name} ${lang}`).not.toMatch(/\bworkspace\.|\bmanage\.|\boperations\.|\bundefined\b|NaN/);
          if (lang !== 'en') {
            const english = (words.match(/[A-Za-z]{3,}/g) ?? []).filter((w) => !LATIN_ALLOWED.includes(w));
            expect(english, `${name} ${lang}`).toEqual([]);
          }
          if (viewport.width === 1920) await screenshot(page, `manage-workspace-${name}-${lang}`);
          expect(await layoutProblems(page), `${name} ${lang} ${viewport.width}`).toEqual([]);
          expect(await accessibilityViolations(page), `${name} ${lang} ${viewport.width}`).toEqual([]);
        }
      }
      await page.setViewportSize(VIEWPORTS[0]!);
    }, 600_000);
  }

  it('shows the API’s numbers for the same range and filters: journey cards, heat map, moments of truth', async () => {
    for (const filter of ['', '&segment=gold']) {
      const journeyQuery = await openView(`lang=en&page=journey&${range}${filter}`);
      // The page asks for the venue days as Seoul's midnights.
      const params = new URLSearchParams(journeyQuery);
      const from = range.match(/from=([\d-]+)/)![1]!;
      expect(Number(params.get('from'))).toBe(Date.parse(`${from}T00:00:00Z`) - 9 * 3_600_000);
      expect(params.get('segment')).toBe(filter ? 'gold' : null);
      const analytics = await api<VenueAnalytics>(`/api/venues/venue-a/analytics?${journeyQuery}`);
      const overall = analytics.touchpoints.filter((r) => r.segmentId === null);
      expect(overall.length).toBeGreaterThanOrEqual(3);
      for (const row of overall) {
        const card = `[data-card="${row.touchpointId}"]`;
        expect(await page.textContent(`${card} [data-volume]`), row.touchpointId).toBe(String(row.volume));
        expect(await page.textContent(`${card} [data-happy-index]`), row.touchpointId).toBe(showIndex(row.happyIndex));
        expect(await page.textContent(`${card} [data-mean]`), row.touchpointId).toBe(showMean(row.meanExperience));
      }
      // The phone's rating closes the journey, even with no rating yet.
      expect(await page.locator('[data-card="phone"].journey-end').count()).toBe(1);

      const heatQuery = await openView(`lang=en&page=heatmap&${range}${filter}&metric=mean`);
      expect(heatQuery).toBe(journeyQuery);
      expect(analytics.heatMap.length).toBeGreaterThanOrEqual(3);
      for (const cell of analytics.heatMap) {
        const column = cell.unattributed ? 'unattributed' : (cell.segmentId ?? 'none');
        const selector = `[data-cell="${cell.touchpointId}/${column}"]`;
        expect(await page.textContent(`${selector} [data-volume]`), selector).toBe(String(cell.volume));
        expect(await page.textContent(`${selector} [data-value]`), selector).toBe(showMean(cell.meanExperience));
        expect(await page.getAttribute(selector, 'data-thin'), selector).toBe(cell.volume < 30 ? 'true' : 'false');
      }
      if (!filter) expect(await page.locator('[data-thin="false"]').count()).toBeGreaterThan(0);

      await openView(`lang=en&page=mots&${range}${filter}`);
      const ranked = await page.$$eval('tr[data-mot]', (rows) =>
        rows.map((row) => ({
          id: row.getAttribute('data-mot'),
          volume: row.querySelector('[data-volume]')?.textContent,
          impact: row.querySelector('[data-impact]')?.textContent,
          mark: row.querySelector('[data-mark]')?.getAttribute('data-mark'),
        })),
      );
      const pain = new Set(analytics.painPoints.map((s) => s.touchpointId));
      const sweet = new Set(analytics.sweetSpots.map((s) => s.touchpointId));
      expect(ranked).toEqual(
        analytics.mots.map((s) => ({
          id: s.touchpointId,
          volume: String(s.volume),
          impact: oneDecimal(s.impact),
          mark: pain.has(s.touchpointId) ? 'pain' : sweet.has(s.touchpointId) ? 'sweet' : 'none',
        })),
      );
      if (!filter) {
        // Unattributed presses belong to no segment: the dirty restroom and the lounge stand out overall.
        expect([...pain]).toContain('restroom');
        expect([...sweet]).toContain('lounge');
      }
    }
  });

  it('filters by stage and by touchpoint end to end: the cards and the comparison show the API’s answer', async () => {
    const whole = await api<VenueAnalytics>(`/api/venues/venue-a/analytics?${await openView(`lang=en&${range}`)}`);
    for (const [filter, shownCards] of [
      ['stage=during', ['restroom', 'lounge', 'counter-1', 'wait:deposits', 'wait:loans']],
      ['touchpoint=restroom', ['restroom']],
    ] as const) {
      const query = await openView(`lang=en&page=journey&${range}&${filter}`);
      const [key, value] = filter.split('=') as [string, string];
      expect(new URLSearchParams(query).get(key)).toBe(value);
      const analytics = await api<VenueAnalytics>(`/api/venues/venue-a/analytics?${query}`);
      // The hub did narrow the answer: fewer moments than the whole venue, none outside the filter.
      expect(analytics.baseline.volume, filter).toBeLessThan(whole.baseline.volume);
      expect(analytics.baseline.volume, filter).toBeGreaterThan(0);
      const overall = analytics.touchpoints.filter((r) => r.segmentId === null);
      for (const row of overall) expect(shownCards as readonly string[], filter).toContain(row.touchpointId);
      const cards = await page.$$eval('[data-card]', (nodes) => nodes.map((n) => n.getAttribute('data-card')));
      expect(cards, filter).toEqual(shownCards);
      for (const id of shownCards) {
        const row = overall.find((r) => r.touchpointId === id);
        const card = `[data-card="${id}"]`;
        expect(await page.textContent(`${card} [data-volume]`), `${filter} ${id}`).toBe(String(row?.volume ?? 0));
        expect(await page.textContent(`${card} [data-happy-index]`), `${filter} ${id}`).toBe(
          showIndex(row?.happyIndex),
        );
        expect(await page.textContent(`${card} [data-mean]`), `${filter} ${id}`).toBe(showMean(row?.meanExperience));
      }

      const compareQuery = await openView(`lang=en&page=compare&${range}&${filter}`);
      expect(new URLSearchParams(compareQuery).get(key)).toBe(value);
      expect(new URLSearchParams(compareQuery).get('compare')).toBe('previous');
      const compared = await api<VenueAnalytics>(`/api/venues/venue-a/analytics?${compareQuery}`);
      await expectText(page, 'tr[data-figure="responses"] [data-now]', String(compared.baseline.volume));
      await expectText(page, 'tr[data-figure="responses"] [data-before]', String(compared.compare!.baseline.volume));
      const rows = await page.$$eval('table[data-table="compare"] tr[data-figure^="mean:"]', (nodes) =>
        nodes.map((n) => n.getAttribute('data-figure')),
      );
      expect(rows, filter).toEqual(compared.compare!.touchpoints.map((r) => `mean:${r.touchpointId}`));
      for (const id of rows) expect(shownCards as readonly string[], filter).toContain(id!.slice('mean:'.length));
    }
  });

  it('marks each change of the comparison beyond or within noise, as the hub tests it', async () => {
    const query = await openView(`lang=en&page=compare&${range}`);
    const analytics = await api<VenueAnalytics>(`/api/venues/venue-a/analytics?${query}`);
    const texts = RESOURCES.en.translation.workspace.compare;
    const compared = analytics.compare!;
    expect(compared.touchpoints.find((r) => r.touchpointId === 'restroom')?.significant).toBe(true);
    expect(compared.touchpoints.find((r) => r.touchpointId === 'lounge')?.significant).toBe(false);
    for (const row of [
      ...compared.touchpoints.map((r) => ({ ...r, figure: `mean:${r.touchpointId}` })),
      ...compared.stages.map((r) => ({ ...r, figure: `stage:${r.stage}` })),
    ]) {
      const cell = `table[data-table="compare"] tr[data-figure="${row.figure}"]`;
      expect(await page.textContent(`${cell} [data-now]`), row.figure).toBe(showMean(row.meanExperience));
      expect(await page.textContent(`${cell} [data-before]`), row.figure).toBe(showMean(row.previousMeanExperience));
      const mark = page.locator(`${cell} [data-significant]`);
      if (row.change === null) {
        expect(await mark.count(), row.figure).toBe(0);
        continue;
      }
      expect(await mark.getAttribute('data-significant'), row.figure).toBe(String(row.significant));
      expect(await mark.textContent(), row.figure).toBe(row.significant ? texts.beyondNoise : texts.withinNoise);
      expect(await mark.getAttribute('title'), row.figure).toBe(
        row.significant ? texts.beyondNoiseHint : texts.withinNoiseHint,
      );
    }
    expect(await page.getAttribute('tr[data-figure="mean:restroom"] [data-significant]', 'data-significant')).toBe(
      'true',
    );
    expect(await page.getAttribute('tr[data-figure="stage:during"] [data-significant]', 'data-significant')).toBe(
      'true',
    );
  });

  it('drills into a journey card; lists the reasons as the API counts them; moves a task on the board', async () => {
    const query = await openView(`lang=en&page=journey&${range}`);
    const analytics = await api<VenueAnalytics>(`/api/venues/venue-a/analytics?${query}`);
    await page.click('[data-card="restroom"]');
    await expectText(page, '#drill-heading', 'Restroom in detail');
    expect(await page.getAttribute('[data-card="restroom"]', 'aria-expanded')).toBe('true');
    const segments = analytics.heatMap.filter((c) => c.touchpointId === 'restroom').length;
    expect(await page.locator('[data-drill="restroom"] tbody tr').count()).toBeGreaterThanOrEqual(segments);

    // Reasons: the page sums the API's rows per touchpoint and reason.
    await openView(`lang=en&page=reasons&${range}`);
    const expected = new Map<string, number>();
    for (const row of analytics.reasons.rows) {
      const key = `${row.touchpointId}/${row.reasonId}`;
      expected.set(key, (expected.get(key) ?? 0) + row.count);
    }
    const shown = await page.$$eval('table[data-table="reasons"] tr[data-reason]', (rows) =>
      rows.map((row) => [row.getAttribute('data-reason'), Number(row.querySelector('[data-count]')?.textContent)]),
    );
    expect(new Map(shown as [string, number][])).toEqual(expected);
    expect(expected.get('restroom/dirty')).toBe(12);

    // The restroom's unhappy presses opened a task: acknowledge it from the board.
    await openView(`lang=en&page=tasks&${range}`);
    const tasks = await api<Task[]>('/api/venues/venue-a/tasks');
    const open = tasks.find((task) => task.state === 'open');
    expect(open, JSON.stringify(tasks)).toBeDefined();
    const card = `[data-column="open"] [data-task="${open!.id}"]`;
    await expectText(page, `${card} [data-deadline]`, /^Acknowledge by /);
    await page.click(`${card} button[data-action="acknowledge"]`);
    await waitFor(
      async () => (await page.locator(`[data-column="acknowledged"] [data-task="${open!.id}"]`).count()) === 1,
      {
        what: 'the task in the acknowledged column',
      },
    );
    const moved = (await api<Task[]>('/api/venues/venue-a/tasks')).find((task) => task.id === open!.id);
    expect(moved?.state).toBe('acknowledged');
    // Resolved: the effect check says it cannot tell yet (no response after the fix).
    await page.click(`[data-column="acknowledged"] [data-task="${open!.id}"] button[data-action="resolve"]`);
    const resolved = `[data-column="resolved"] [data-task="${open!.id}"]`;
    await waitFor(
      async () => (await page.getAttribute(`${resolved} [data-effect]`, 'data-effect')) === 'not-enough-data',
      {
        what: 'the resolved task with its effect check',
      },
    );
    await expectText(
      page,
      `${resolved} [data-effect]`,
      RESOURCES.en.translation.workspace.tasks.effect['not-enough-data'],
    );
    expect(await page.locator(`${resolved} button[data-action="verify"]`).count()).toBe(1);
  });

  it('keeps the slicing in the URL: presets, filters and the comparison reproduce the view', async () => {
    await openView(`lang=en&page=compare&${range}`);
    await page.click('button[data-preset="last7"]');
    await waitFor(() => new URL(page.url()).searchParams.get('range') === 'last7', { what: 'the preset in the URL' });
    const [from, to] = (await page.getAttribute('main', 'data-range'))!.split('/');
    expect(to).toBe(seoulDay(Date.now()));
    expect(Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)).toBe(6 * 86_400_000);
    await page.selectOption('select[name="segment"]', 'gold');
    await waitFor(() => new URL(page.url()).searchParams.get('segment') === 'gold', { what: 'the segment in the URL' });
    await page.click('button[data-action="compare"]');
    await waitFor(() => new URL(page.url()).searchParams.get('compare') === 'previous', { what: 'compare in the URL' });
    await waitFor(async () => (await page.getAttribute('main', 'data-loading')) === 'false', { what: 'the view' });
    const query = (await page.getAttribute('main', 'data-query'))!;
    const analytics = await api<VenueAnalytics>(`/api/venues/venue-a/analytics?${query}`);
    await expectText(page, 'tr[data-figure="responses"] [data-now]', String(analytics.baseline.volume));
    // The previous seven days had nothing.
    await expectText(page, 'tr[data-figure="responses"] [data-before]', '0');

    // The same link in a new page shows the same view.
    const again = await context.newPage();
    await again.goto(page.url());
    await waitFor(async () => (await again.getAttribute('main', 'data-loading')) === 'false', { what: 'the link' });
    expect(await again.getAttribute('main', 'data-query')).toBe(query);
    expect(await again.getAttribute('button[data-action="compare"]', 'aria-pressed')).toBe('true');
    await again.close();

    // Venue against venue, for a manager of two.
    await page.selectOption('[data-panel="compare-venue"] select', 'venue-b');
    await expectText(page, 'table[data-table="compare-venue"] tr[data-figure="responses"] [data-other]', '0');
  });

  it('with compare on: heat map, reasons, waits and tasks show the previous period as the API answers it', async () => {
    const params = new URLSearchParams(range);
    const days = { from: params.get('from')!, to: params.get('to')! };
    const before = previousRange(days);
    // The previous period's days as the instants that bound them in Seoul (UTC+9).
    const seoulStart = (day: string) => Date.parse(`${day}T00:00:00Z`) - 9 * 3_600_000;
    const beforeQuery = `from=${seoulStart(before.from)}&to=${seoulStart(days.from)}`;
    const previous = await api<VenueAnalytics>(`/api/venues/venue-a/analytics?${beforeQuery}`);
    const previousText = (value: string | number) =>
      RESOURCES.en.translation.workspace.previousValue.replace('{{value}}', String(value));

    // Heat map: each cell beside the previous period's value and volume.
    const heatQuery = await openView(`lang=en&page=heatmap&${range}&metric=mean&compare=previous`);
    const current = await api<VenueAnalytics>(`/api/venues/venue-a/analytics?${heatQuery}`);
    const columnOf = (cell: VenueAnalytics['heatMap'][number]) =>
      cell.unattributed ? 'unattributed' : (cell.segmentId ?? 'none');
    const restroomBefore = previous.heatMap.find((c) => c.touchpointId === 'restroom' && c.unattributed);
    expect(restroomBefore?.volume).toBe(30);
    for (const cell of current.heatMap) {
      const was = previous.heatMap.find((c) => c.touchpointId === cell.touchpointId && columnOf(c) === columnOf(cell));
      const selector = `[data-cell="${cell.touchpointId}/${columnOf(cell)}"]`;
      await expectText(page, `${selector} [data-previous-value]`, previousText(showMean(was?.meanExperience)));
      expect(await page.textContent(`${selector} [data-previous-volume]`), selector).toBe(String(was?.volume ?? 0));
    }

    // Reasons: each row's count beside the previous period's.
    await openView(`lang=en&page=reasons&${range}&compare=previous`);
    const beforeCounts = new Map<string, number>();
    for (const row of previous.reasons.rows) {
      const key = `${row.touchpointId}/${row.reasonId}`;
      beforeCounts.set(key, (beforeCounts.get(key) ?? 0) + row.count);
    }
    expect(beforeCounts.get('restroom/dirty')).toBe(3);
    await expectText(page, 'tr[data-reason="restroom/dirty"] [data-previous]', '3');
    const shown = await page.$$eval('table[data-table="reasons"] tr[data-reason]', (rows) =>
      rows.map((row) => [row.getAttribute('data-reason'), Number(row.querySelector('[data-previous]')?.textContent)]),
    );
    for (const [key, count] of shown as [string, number][]) expect(count, key).toBe(beforeCounts.get(key) ?? 0);

    // Waits and promises: promises kept and the promise's mean error, this period and the previous one.
    await openView(`lang=en&page=waits&${range}&compare=previous`);
    const pct = (v: number | null) => (v === null ? '–' : `${v}%`);
    const now = await api<OperationsReport>(`/api/venues/venue-a/reports/operations?from=${days.from}&to=${days.to}`);
    const was = await api<OperationsReport>(
      `/api/venues/venue-a/reports/operations?from=${before.from}&to=${before.to}`,
    );
    expect(now.total.promise.promised).toBeGreaterThan(0);
    const promises = 'table[data-table="promises-compare"]';
    await expectText(page, `${promises} tr[data-figure="kept"] [data-now]`, pct(now.total.promise.keptPct));
    await expectText(page, `${promises} tr[data-figure="kept"] [data-before]`, pct(was.total.promise.keptPct));
    await expectText(page, `${promises} tr[data-figure="error"] [data-now]`, showMean(now.total.promise.maeMin));
    await expectText(page, `${promises} tr[data-figure="error"] [data-before]`, showMean(was.total.promise.maeMin));

    // Tasks: how many were opened in this period, beside the previous period's count.
    await openView(`lang=en&page=tasks&${range}&compare=previous`);
    const tasks = await api<Task[]>('/api/venues/venue-a/tasks');
    const openedBetween = (from: string, to: string) =>
      tasks.filter((task) => task.openedAt >= seoulStart(from) && task.openedAt < seoulStart(to)).length;
    const nextDay = new Date(Date.parse(`${days.to}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
    const opened = openedBetween(days.from, nextDay);
    expect(opened).toBeGreaterThan(0);
    const texts = RESOURCES.en.translation.workspace.tasks;
    await expectText(
      page,
      '[data-opened] [data-now]',
      (opened === 1 ? texts.openedInPeriod_one : texts.openedInPeriod_other).replace('{{count}}', String(opened)),
    );
    await expectText(page, '[data-opened] [data-before]', previousText(openedBetween(before.from, days.from)));
  });
});
