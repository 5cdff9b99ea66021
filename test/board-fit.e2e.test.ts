import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEventId } from '../core/ids.ts';
import type { Language } from '../core/languages.ts';
import type { VenueInput } from '../core/venue.ts';
import { RESOURCES } from '../renderer/shared/i18n.ts';
import { launchChromium } from './support/chromium.ts';
import { startTestHub, tempDir } from './support/fixtures.ts';
import { expectText, screenshot } from './support/page.ts';
import { accessibilityViolations, notWhollyOnScreen, screenProblems } from './support/screen-checks.ts';

const names = (ko: string, zh: string, en: string) => ({ ko, zh, en });

const SERVICES = [
  { id: 'deposits', prefix: 'A', name: names('입출금·예금', '存取款', 'Deposits and withdrawals') },
  { id: 'loans', prefix: 'B', name: names('대출 상담', '贷款咨询', 'Loans and mortgages') },
  { id: 'exchange', prefix: 'C', name: names('외환·해외송금', '外汇及境外汇款', 'Foreign exchange') },
  { id: 'business', prefix: 'D', name: names('기업 금융', '企业金融', 'Business banking') },
  { id: 'cards', prefix: 'E', name: names('카드·계좌 개설', '银行卡及开户', 'Cards and new accounts') },
  { id: 'pensions', prefix: 'F', name: names('연금·보험', '养老金及保险', 'Pensions and insurance') },
];

/** A busy branch: six services, eight counters, eleven touchpoints, six kiosks. */
const BUSY: VenueInput = {
  id: 'busy',
  name: 'Central Branch',
  timezone: 'Asia/Seoul',
  services: SERVICES.map((s) => ({ ...s, expectedServiceMin: 6 })),
  counters: Array.from({ length: 8 }, (_, i) => ({
    id: `c${i + 1}`,
    name: names(`${i + 1}번 창구`, `${i + 1}号窗口`, `Counter ${i + 1}`),
    services: [SERVICES[i % 6]!.id, SERVICES[(i + 1) % 6]!.id],
  })),
  touchpoints: [
    { id: 'entrance', name: names('입구', '入口', 'Entrance') },
    { id: 'waiting-area', name: names('대기 공간', '等候区', 'Waiting area') },
    ...Array.from({ length: 8 }, (_, i) => ({
      id: `at-c${i + 1}`,
      name: names(`${i + 1}번 창구`, `${i + 1}号窗口`, `Counter ${i + 1}`),
      counterId: `c${i + 1}`,
    })),
    { id: 'exit', name: names('출구', '出口', 'Exit') },
  ],
};

/** The same branch before opening: no counter open, nobody waiting. */
const EMPTY: VenueInput = { ...BUSY, id: 'empty', name: 'Central Branch (before opening)' };

const KIOSKS = ['entrance', 'hall-1', 'hall-2', 'exit', 'counters-left', 'counters-right'];
const kioskIds = (venueId: string) => KIOSKS.map((kiosk) => `${venueId}-${kiosk}`);
const venueName = (venueId: string) => (venueId === BUSY.id ? BUSY.name : EMPTY.name);

const VIEWPORTS = [
  { name: 'landscape', width: 1920, height: 1080 },
  { name: 'portrait', width: 1080, height: 1920 },
  { name: 'laptop', width: 1366, height: 768 },
] as const;

/**
 * The wall board on the TVs it hangs on, measured in a real Chromium: it fits without scrolling,
 * every counter's number and every service's wait is on screen, and no number breaks over lines.
 */
describe('the wall board fits its screen', () => {
  const dir = tempDir();
  const pageErrors: string[] = [];
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  let browser: Browser;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    browser = await launchChromium(); // the screens are built by test/global-setup.ts
    hub = await startTestHub({ file: join(dir.path, 'hub.db'), venue: EMPTY });
    await hub.venues.upsert(BUSY);
    for (const venue of [BUSY, EMPTY]) {
      tokens[venue.id] = await hub.venues.newBoardToken(venue.id);
      for (const deviceId of kioskIds(venue.id)) await hub.addKiosk(deviceId, venue.id);
    }
    const commands = hub.queues.commands;
    for (const counter of BUSY.counters!)
      await commands.execute('busy', { type: 'open-counter', counterId: counter.id });
    // 48 tickets, 8 per service; each counter calls one: 40 wait.
    for (let round = 0; round < 8; round += 1)
      for (const service of SERVICES)
        await commands.execute('busy', { type: 'issue', ticketId: newEventId(), serviceId: service.id });
    for (const counter of BUSY.counters!) await commands.execute('busy', { type: 'call-next', counterId: counter.id });
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    dir.remove();
    expect(pageErrors).toEqual([]);
  });

  async function openBoard(venueId: string, lang: Language, viewport: (typeof VIEWPORTS)[number]): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: viewport.width, height: viewport.height } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${hub.url}/board/?venue=${venueId}&lang=${lang}#token=${tokens[venueId]}`);
    await expectText(page, '#now-heading', RESOURCES[lang].translation.board.nowServing);
    await page.waitForFunction(() => document.querySelectorAll('[data-service]').length === 6);
    return page;
  }

  for (const viewport of VIEWPORTS)
    for (const venue of ['busy', 'empty'] as const)
      it(`${venue} venue at ${viewport.width}x${viewport.height}, in ko, zh and en`, async () => {
        for (const lang of ['ko', 'zh', 'en'] as const) {
          const page = await openBoard(venue, lang, viewport);
          if (venue === 'busy')
            await page.waitForFunction(
              () =>
                [...document.querySelectorAll('[data-now-serving]')].filter((e) => /-\d{3}/.test(e.textContent!))
                  .length === 8,
            );
          // The board's own words in `lang`; the venue's name and its kiosks' ids are the venue's.
          const problems = [
            ...(await screenProblems(page, { lang, fit: 'screen', allowed: [venueName(venue), ...kioskIds(venue)] })),
            ...(await notWhollyOnScreen(
              page,
              '[data-counter], tr[data-service], tr[data-touchpoint], [data-device], [data-more]',
            )),
          ];
          await screenshot(page, `board-fit-${venue}-${viewport.name}-${lang}`);
          expect(problems, `${venue} ${lang} ${viewport.width}x${viewport.height}`).toEqual([]);
          expect(await page.locator('[data-counter]').count()).toBe(8);
          // Lower down, what fits: the touchpoints shown and "+N more" account for all eleven.
          const more = await page.locator('.feedback [data-more]').allTextContents();
          const left = more.length === 0 ? 0 : Number(/\d+/.exec(more[0]!)![0]);
          expect((await page.locator('tr[data-touchpoint]').count()) + left).toBe(11);
          if (venue === 'busy') {
            // Every line says how many wait (40 in all), its next three numbers and "+N" for the rest.
            const waiting = await page.locator('[data-waiting]').allTextContents();
            expect(waiting.reduce((sum, count) => sum + Number(count), 0)).toBe(40);
            const deposits = page.locator('tr[data-service="deposits"] [data-next]');
            expect(await deposits.locator('[data-number]').allTextContents()).toEqual([
              expect.stringMatching(/^A-\d{3}$/),
              expect.stringMatching(/^A-\d{3}$/),
              expect.stringMatching(/^A-\d{3}$/),
            ]);
            expect(await deposits.locator('.more-numbers').textContent()).toMatch(/^\+\d$/);
          }
          if (lang === 'ko' && viewport.name === 'landscape') expect(await accessibilityViolations(page)).toEqual([]);
          await page.close();
        }
      });
});
