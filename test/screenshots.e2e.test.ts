import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEventId } from '../core/ids.ts';
import { LANGUAGES, type Language } from '../core/languages.ts';
import type { VenueInput } from '../core/venue.ts';
import { kioskConfigSchema } from '../kiosk/config.ts';
import { KioskRuntime } from '../kiosk/runtime.ts';
import { RESOURCES } from '../renderer/shared/i18n.ts';
import { SESSION_COOKIE } from '../server/auth/credentials.ts';
import { launchChromium } from './support/chromium.ts';
import { signedInUser, startTestHub, tempDir } from './support/fixtures.ts';
import { expectText } from './support/page.ts';
import { expectMatchesReference, UPDATING_REFERENCES } from './support/reference-images.ts';
import { type Fit, screenProblems, untranslatedText, accessibilityViolations } from './support/screen-checks.ts';
import { waitFor } from './support/wait.ts';

const texts = (lang: Language) => RESOURCES[lang].translation;
const names = (ko: string, zh: string, en: string) => ({ ko, zh, en });

/** 09:00 on Friday 4 December 2026 in Seoul: every screen is taken at 09:40 by the hub's and the browser's clock. */
const NINE = Date.UTC(2026, 11, 4, 0, 0);
const at = (minutes: number) => NINE + minutes * 60_000;
const SHOT_AT = at(40);

const VENUE_NAME = 'Central Branch';
/** A branch on a Friday morning: three services, three counters, a kiosk with the entrance's smileys. */
const VENUE: VenueInput = {
  id: 'central',
  name: VENUE_NAME,
  timezone: 'Asia/Seoul',
  services: [
    { id: 'deposits', prefix: 'A', name: names('입출금·예금', '存取款', 'Deposits and withdrawals') },
    { id: 'loans', prefix: 'B', name: names('대출 상담', '贷款咨询', 'Loans and mortgages'), expectedServiceMin: 12 },
    { id: 'exchange', prefix: 'C', name: names('외환·해외송금', '外汇及境外汇款', 'Foreign exchange') },
  ],
  counters: [
    { id: 'c1', name: names('1번 창구', '1号窗口', 'Counter 1'), services: ['deposits', 'exchange'] },
    { id: 'c2', name: names('2번 창구', '2号窗口', 'Counter 2'), services: ['deposits', 'loans'] },
    { id: 'c3', name: names('3번 창구', '3号窗口', 'Counter 3'), services: ['loans', 'exchange'] },
  ],
  touchpoints: [
    {
      id: 'entrance',
      name: names('입구', '入口', 'Entrance'),
      reasons: [
        { id: 'wait', name: names('대기 시간', '等候时间', 'Waiting time') },
        { id: 'staff', name: names('직원', '工作人员', 'Staff') },
        { id: 'clean', name: names('청결', '清洁', 'Cleanliness') },
      ],
    },
    { id: 'waiting-area', name: names('대기 공간', '等候区', 'Waiting area') },
    { id: 'at-c1', name: names('1번 창구', '1号窗口', 'Counter 1'), counterId: 'c1' },
    { id: 'at-c2', name: names('2번 창구', '2号窗口', 'Counter 2'), counterId: 'c2' },
    { id: 'exit', name: names('출구', '出口', 'Exit') },
  ],
};

type Screen = 'kiosk' | 'board' | 'staff' | 'manage' | 'phone';
interface Size {
  width: number;
  height: number;
}

/** Each screen at the sizes it is shown at (docs/screens.md): kiosks, the board's TVs, a desk, a wall, a phone. */
const SIZES: Record<Screen, readonly Size[]> = {
  kiosk: [
    { width: 1280, height: 800 },
    { width: 1080, height: 1920 },
  ],
  board: [
    { width: 1920, height: 1080 },
    { width: 1080, height: 1920 },
    { width: 1366, height: 768 },
  ],
  staff: [{ width: 1366, height: 768 }],
  manage: [{ width: 1920, height: 1080 }],
  phone: [{ width: 390, height: 844 }],
};

/** Kiosk and board are read standing, never scrolled; the desk, the manager's and the phone's pages scroll down. */
const FIT: Record<Screen, Fit> = { kiosk: 'screen', board: 'screen', staff: 'width', manage: 'width', phone: 'width' };

/** The journey map's versions say when the store saved them, by the wall clock, not the hub's. */
const MASKS: Partial<Record<Screen, string[]>> = {};

const CASES = (Object.keys(SIZES) as Screen[]).flatMap((screen) =>
  SIZES[screen].flatMap((size) => LANGUAGES.map((lang) => ({ screen, size, lang }))),
);

/**
 * Every screen at its real sizes in every language, in a real Chromium against a hub whose clock
 * stands still: it fits, no number wraps, nothing is left in another language, every control is a
 * finger wide, axe-core finds nothing, and it looks like its reviewed reference image.
 */
describe('every screen as people see it', () => {
  const dir = tempDir();
  const pageErrors: string[] = [];
  let now = NINE;
  const clock = { now: () => now };
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  let kiosk: KioskRuntime;
  let browser: Browser;
  let boardToken: string;
  let phoneTicket: string;
  const sessions: Partial<Record<Screen, string>> = {};
  /** One page per screen and size, moved between languages. */
  const pages = new Map<string, { context: BrowserContext; page: Page }>();

  beforeAll(async () => {
    browser = await launchChromium(); // the screens are built by test/global-setup.ts
    hub = await startTestHub({ file: join(dir.path, 'hub.db'), venue: VENUE, clock });
    boardToken = await hub.venues.newBoardToken(VENUE.id);
    sessions.staff = await signedInUser(hub, { username: 'clerk', role: 'staff', venueIds: [VENUE.id] });
    sessions.manage = await signedInUser(hub, { username: 'boss', role: 'manager', venueIds: [VENUE.id] });
    const execute = async (minute: number, command: Parameters<typeof hub.queues.commands.execute>[1]) => {
      now = at(minute);
      const result = await hub.queues.commands.execute(VENUE.id, command);
      if (!result.ok) throw new Error(`${command.type}: ${result.message}`);
    };

    // The morning so far: two counters open, a third on a break; fourteen tickets, four called.
    await execute(0, { type: 'open-counter', counterId: 'c1' });
    await execute(0, { type: 'open-counter', counterId: 'c2' });
    await execute(0, { type: 'open-counter', counterId: 'c3' });
    const services = ['deposits', 'deposits', 'loans', 'exchange', 'deposits', 'loans', 'deposits'];
    const issued: string[] = [];
    for (let i = 0; i < 14; i += 1) {
      const ticketId = newEventId();
      issued.push(ticketId);
      await execute(1 + i * 2, {
        type: 'issue',
        ticketId,
        serviceId: services[i % services.length]!,
        postedWaitMin: 8,
      });
    }
    // Every call comes over 10 minutes past its posted wait: one task per service, counting its late
    // customers, each counted at the call's minute (the clock waits for it), on every console.
    let late = 0;
    const lateCounted = async () =>
      (await hub.store.tasks(VENUE.id)).reduce((sum, task) => sum + (task.facts?.customers ?? 1), 0);
    const call = async (minute: number, counterId: string) => {
      await execute(minute, { type: 'call-next', counterId });
      late += 1;
      await waitFor(async () => (await lateCounted()) === late, { what: `late customer ${late} counted` });
    };
    await call(30, 'c1');
    await call(31, 'c2');
    await execute(34, { type: 'serve', counterId: 'c1' });
    await call(35, 'c1');
    await call(36, 'c3');
    await execute(37, { type: 'serve', counterId: 'c3' });
    await execute(38, { type: 'break-counter', counterId: 'c3', minutes: 20 });
    phoneTicket = issued[9]!;

    // The entrance kiosk, its smileys pressed through the morning.
    const token = await hub.addKiosk('k1', VENUE.id);
    kiosk = new KioskRuntime(
      kioskConfigSchema.parse({
        hubUrl: hub.url,
        venueId: VENUE.id,
        deviceId: 'k1',
        token,
        store: join(dir.path, 'k1.db'),
        screen: { touchpointId: 'entrance' },
      }),
      { clock },
    );
    await kiosk.start();
    const presses: [string, 1 | 2 | 3 | 4][] = [
      ['entrance', 4],
      ['entrance', 3],
      ['entrance', 2],
      ['waiting-area', 3],
      ['at-c1', 4],
      ['at-c1', 4],
      ['at-c2', 1],
      ['exit', 3],
    ];
    for (const [i, [touchpointId, level]] of presses.entries()) {
      now = at(5 + i * 4);
      kiosk.recordPress({ touchpointId, level, source: 'screen' });
    }
    now = SHOT_AT;
    await waitFor(
      async () => (await hub.store.deviceEvents('k1')).filter((e) => e.type === 'feedback.pressed').length === 8,
      { what: 'the presses on the hub' },
    );
  });

  afterAll(async () => {
    for (const { context } of pages.values()) await context.close();
    await kiosk?.stop();
    await browser?.close();
    await hub?.close();
    dir.remove();
    expect(pageErrors).toEqual([]);
  });

  function url(screen: Screen, lang: Language): string {
    const venue = `venue=${VENUE.id}&lang=${lang}`;
    switch (screen) {
      case 'kiosk':
        return `${kiosk.status().localUrl}/?lang=${lang}`;
      case 'board':
        return `${hub.url}/board/?${venue}#token=${boardToken}`;
      case 'staff':
        return `${hub.url}/staff/?${venue}&counter=c1`;
      case 'manage':
        return `${hub.url}/manage/?${venue}`;
      case 'phone':
        return `${hub.url}/ticket/?${venue}&ticket=${phoneTicket}`;
    }
  }

  /** What must be on screen before it is measured: the venue's live data in the page's language. */
  async function dataShown(page: Page, screen: Screen, lang: Language): Promise<void> {
    const t = texts(lang);
    switch (screen) {
      case 'kiosk':
        await expectText(page, '#take-heading', t.kiosk.chooseService);
        await page.waitForSelector('button[data-service="loans"] .service-wait');
        break;
      case 'board':
        await expectText(page, '#now-heading', t.board.nowServing);
        await expectText(page, '[data-connection]', t.common.live);
        await expectText(page, 'li[data-counter="c1"] [data-now-serving]', /^[AC]-\d{3}$/);
        break;
      case 'staff':
        await expectText(page, '[data-desk-number]', /^[AC]-\d{3}$/);
        // The venue's services have arrived: every one named in the transfer list.
        await page.waitForFunction(
          ({ label, names }) => {
            const shown = [...document.querySelectorAll(`select[aria-label="${label}"] option:not([value=""])`)].map(
              (option) => option.textContent ?? '',
            );
            return shown.length === names.length && names.every((name) => shown.includes(name));
          },
          { label: t.staff.transfer, names: VENUE.services!.map((service) => service.name[lang]) },
        );
        await expectText(page, '[data-connection]', t.common.live);
        break;
      case 'manage':
        // The workspace's overview: a card per instrument, each with its picture drawn.
        await expectText(page, '.page-title', t.workspace.pages.overview.title);
        await page.waitForFunction(() => document.querySelectorAll('.overview-card .chart svg').length >= 8);
        break;
      case 'phone':
        await expectText(page, '[data-number]', 'B-003');
        break;
    }
    await page.evaluate(() => document.fonts.ready.then(() => true));
  }

  async function pageFor(screen: Screen, size: Size): Promise<Page> {
    const key = `${screen}-${size.width}x${size.height}`;
    const open = pages.get(key);
    if (open) return open.page;
    const context = await browser.newContext({ viewport: size, reducedMotion: 'reduce', timezoneId: 'Asia/Seoul' });
    await context.clock.setFixedTime(SHOT_AT);
    const session = sessions[screen];
    if (session) await context.addCookies([{ name: SESSION_COOKIE, value: session, url: hub.url }]);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${key}: ${error.message}`));
    pages.set(key, { context, page });
    return page;
  }

  it('sees what a customer would notice, and a screen that is not its reference', async () => {
    const page = await (await pageFor('phone', { width: 400, height: 300 })).context().newPage();
    // Every fault the checks look for, on a Korean page.
    await page.setContent(`<!doctype html><html lang="ko"><body style="margin:0;font-size:20px">
      <div style="width:600px;height:400px">넓은 내용</div>
      <div style="width:90px">Counter 12</div>
      <div style="width:30px;word-break:break-all">A-001</div>
      <div style="width:40px;overflow:hidden;white-space:nowrap">B-123456</div>
      <p>대기 Waiting</p><p>kiosk.chooseService</p>
      <div style="width:20px">합계</div>
      <button style="min-height:0;padding:0">x</button></body></html>`);
    expect(await screenProblems(page, { lang: 'ko', fit: 'screen' })).toEqual(
      expect.arrayContaining([
        'content is 600px wide in a 400px viewport',
        expect.stringMatching(/^content is \d+px tall in a 300px viewport$/),
        expect.stringMatching(/^"12" in div stands alone on a line/),
        expect.stringMatching(/^"A-001" in div breaks over \d lines$/),
        '"B-123456" in div is cut off by div',
        expect.stringMatching(/^text "B-123456" is cut off/),
        'text "대기 Waiting" ("Waiting")',
        'text "kiosk.chooseService" (raw "kiosk.c")',
        expect.stringMatching(/^button "x" is \d+x\d+px$/),
        '"합계" in div breaks over 2 lines',
      ]),
    );
    expect(await untranslatedText(page, 'zh')).toContain('<html lang="ko"> on a zh screen');

    // No reference: a failure naming the screen's image (or, when updating, the new reference).
    const references = join(dir.path, 'references');
    const missing = expectMatchesReference(page, 'faults', { references });
    if (UPDATING_REFERENCES) {
      await missing;
      expect(existsSync(join(references, 'faults.png'))).toBe(true);
    } else {
      await expect(missing).rejects.toThrow(/^no reference image .*faults\.png; the screen is in test-output/);
      // A reference of another screen: a failure naming the actual and the difference images.
      mkdirSync(references, { recursive: true });
      writeFileSync(join(references, 'faults.png'), await page.screenshot({ fullPage: true }));
      await page.evaluate(() => {
        document.body.style.background = '#c00';
      });
      await expect(expectMatchesReference(page, 'faults', { references })).rejects.toThrow(
        /differs from .*faults\.png in \d+ pixels; .*faults\.actual\.png, the difference in red in .*faults\.diff\.png/,
      );
    }
    await page.close();
  });

  it.each(CASES)('$screen at $size.width x $size.height in $lang', async ({ screen, size, lang }) => {
    const page = await pageFor(screen, size);
    await page.goto(url(screen, lang));
    await dataShown(page, screen, lang);
    const where = `${screen} ${size.width}x${size.height} ${lang}`;
    // Names people sign in with, and file formats known by their own names (Excel, PDF).
    const allowed = [
      VENUE_NAME,
      ...(screen === 'staff' || screen === 'manage' ? ['clerk', 'boss'] : []),
      ...(screen === 'manage' ? ['Excel', 'XLSX', 'PDF', 'CSV'] : []),
    ];
    expect(await screenProblems(page, { lang, fit: FIT[screen], allowed }), where).toEqual([]);
    expect(await accessibilityViolations(page), where).toEqual([]);
    await expectMatchesReference(page, `${screen}-${size.width}x${size.height}-${lang}`, { mask: MASKS[screen] });
  });
});
