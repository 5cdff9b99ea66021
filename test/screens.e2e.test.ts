import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Language } from '../core/languages.ts';
import { newEventId } from '../core/ids.ts';
import type { VenueInput } from '../core/venue.ts';
import { runButtonsEmulator } from '../drivers/emulators/buttons-emulator.ts';
import { runPrinterEmulator } from '../drivers/emulators/printer-emulator.ts';
import { createPtyPair } from '../drivers/emulators/pty-pair.ts';
import { kioskConfigSchema } from '../kiosk/config.ts';
import { KioskRuntime } from '../kiosk/runtime.ts';
import { RESOURCES } from '../renderer/shared/i18n.ts';
import { launchChromium } from './support/chromium.ts';
import { startTestHub, tempDir, TEST_QUEUE_VENUE } from './support/fixtures.ts';
import { expectText, screenshot } from './support/page.ts';
import { accessibilityViolations, layoutProblems, untranslatedText } from './support/screen-checks.ts';
import { waitFor } from './support/wait.ts';

const texts = (lang: Language) => RESOURCES[lang].translation;

const VENUE: VenueInput = {
  ...TEST_QUEUE_VENUE,
  touchpoints: [
    {
      id: 'entrance',
      name: { ko: '입구', zh: '入口', en: 'Entrance' },
      reasons: [
        { id: 'wait', name: { ko: '대기 시간', zh: '等候时间', en: 'Waiting time' } },
        { id: 'staff', name: { ko: '직원', zh: '工作人员', en: 'Staff' } },
        { id: 'clean', name: { ko: '청결', zh: '清洁', en: 'Cleanliness' } },
      ],
    },
    { id: 'counter-1', name: { ko: '1번 창구', zh: '1号窗口', en: 'Counter 1' }, counterId: 'c1' },
  ],
};

const VIEWPORTS = {
  portrait: { width: 1080, height: 1920 },
  landscape: { width: 1920, height: 1080 },
  phone: { width: 390, height: 844 },
} as const;

type TestHub = Awaited<ReturnType<typeof startTestHub>>;

/**
 * Every screen in a real Chromium against a real hub and a real kiosk runtime, whose button box
 * sits on a pseudo-terminal and whose printer is an ESC/POS emulator on TCP.
 */
describe('the screens in a real Chromium', () => {
  const dir = tempDir();
  const stop = new AbortController();
  const cleanups: (() => Promise<void> | void)[] = [];
  const pageErrors: string[] = [];
  let hub: TestHub;
  let port: number;
  let browser: Browser;
  let kiosk: KioskRuntime;
  let boardToken: string;
  let printer: Awaited<ReturnType<typeof runPrinterEmulator>>;
  let buttonLine: Awaited<ReturnType<typeof createPtyPair>>;
  const taken: { lang: Language; number: string; ticketId: string; phone: Page }[] = [];

  async function open(
    url: string,
    viewport: { width: number; height: number },
    context?: BrowserContext,
  ): Promise<Page> {
    const page = await (context ?? browser).newPage({ viewport });
    page.on('pageerror', (error) => pageErrors.push(`${url}: ${error.message}`));
    // The kiosk screen is served under the Electron shell's Content-Security-Policy: nothing may break it.
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) pageErrors.push(`${url}: ${message.text()}`);
    });
    await page.goto(url);
    return page;
  }

  async function signIn(page: Page, username: string): Promise<void> {
    await page.fill('input[name="username"]', username);
    await page.fill('input[name="password"]', `${username}-password-1`);
    await page.click('.sign-in button[type="submit"]');
  }

  beforeAll(async () => {
    browser = await launchChromium(); // the screens are built by test/global-setup.ts
    hub = await startTestHub({ file: join(dir.path, 'hub.db'), venue: VENUE });
    port = hub.port;
    const kioskToken = await hub.addKiosk('k1');
    boardToken = await hub.venues.newBoardToken('venue-a');
    await hub.accounts.createUser({
      username: 'clerk',
      password: 'clerk-password-1',
      role: 'staff',
      venueIds: ['venue-a'],
      departments: ['Front desk'],
    });
    await hub.accounts.createUser({
      username: 'boss',
      password: 'boss-password-1',
      role: 'manager',
      venueIds: ['venue-a'],
    });

    buttonLine = await createPtyPair();
    printer = await runPrinterEmulator({ tcpPort: 0, outDir: join(dir.path, 'printed'), signal: stop.signal });
    kiosk = new KioskRuntime(
      kioskConfigSchema.parse({
        hubUrl: hub.url,
        venueId: 'venue-a',
        deviceId: 'k1',
        token: kioskToken,
        store: join(dir.path, 'k1.db'),
        devices: [
          {
            kind: 'buttons',
            id: 'exit-smileys',
            touchpointId: 'entrance',
            connection: { type: 'serial', path: buttonLine.a },
          },
          {
            kind: 'printer',
            id: 'ticket-printer',
            // Korean font only: Korean and English print as text, Chinese as images.
            model: 'epson-tm-t20iii-kr',
            connection: { type: 'tcp', port: printer.tcpPort },
          },
        ],
        // The manager test presses one box several times on purpose; the misuse rule has its own tests.
        repeatPress: { withinMs: 1000, count: 100 },
        screen: { touchpointId: 'entrance', adminPin: '2468' },
      }),
    );
    await kiosk.start();
    await waitFor(
      () => kiosk.deviceSummaries().every((d) => d.status.state === 'ready') && kiosk.status().sync === 'online',
      { what: 'the kiosk online with its devices ready' },
    );
    // Numbers for offline issue are reserved at hello.
    await waitFor(() => kiosk.offlineNumbersLeft('deposits') > 0, {
      what: 'a block of numbers reserved for offline issue',
    });
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await kiosk?.stop();
    stop.abort();
    await printer?.close();
    buttonLine?.dispose();
    await browser?.close();
    await hub?.close();
    dir.remove();
    expect(pageErrors).toEqual([]);
  });

  let kioskPage: Page;
  let board: Page;
  let manage: Page;

  it('takes a ticket on the kiosk in each language; the board and the phone page show it within a second', async () => {
    await hub.queues.commands.execute('venue-a', { type: 'open-counter', counterId: 'c1' });
    board = await open(`${hub.url}/board/?venue=venue-a#token=${boardToken}`, VIEWPORTS.landscape);
    await expectText(board, '[data-connection]', 'Live');
    const csp = (await fetch(`${kiosk.status().localUrl}/`)).headers.get('content-security-policy');
    expect(csp).toContain(`script-src ${kiosk.status().localUrl}`);
    expect(csp).toContain(`connect-src ${kiosk.status().localUrl} ${hub.url}`);
    kioskPage = await open(`${kiosk.status().localUrl}/`, VIEWPORTS.portrait);
    await expectText(kioskPage, 'h1', 'Test Branch A');
    await screenshot(kioskPage, 'kiosk-idle-portrait');
    expect(await layoutProblems(kioskPage)).toEqual([]);
    expect(await accessibilityViolations(kioskPage)).toEqual([]);

    for (const lang of ['ko', 'zh', 'en'] as const) {
      await kioskPage.click(`button[data-lang="${lang}"]`);
      await expectText(kioskPage, '#take-heading', texts(lang).kiosk.chooseService);
      await kioskPage.click('button[data-service="deposits"]');
      await expectText(kioskPage, '#quote-heading', VENUE.services![0]!.name[lang]);
      // The promise before the commitment: the posted wait and the place in line.
      await expectText(kioskPage, '.promise .position', new RegExp(String(taken.length + 1)));
      if (lang === 'ko') await screenshot(kioskPage, 'kiosk-quote-ko');
      const printedBefore = printer.tickets.length;
      await kioskPage.click('button[data-action="take"]');
      const number = await expectText(kioskPage, '[data-number]', /^A-\d{3}$/);
      const shownAt = Date.now();
      await expectText(kioskPage, '#number-heading', texts(lang).kiosk.yourNumber);
      await expectText(kioskPage, '[data-printed]', texts(lang).kiosk.takeYourTicket);
      const ticketId = (await kioskPage.getAttribute('[data-ticket]', 'data-ticket'))!;
      expect(await kioskPage.getAttribute('.qr', 'data-url')).toBe(`${hub.url}/t/${ticketId}`);
      expect(await kioskPage.locator('.qr svg').count()).toBe(1);
      await screenshot(kioskPage, `kiosk-ticket-${lang}`);

      // The printer got it too, in the customer's language.
      const paper = await waitFor(() => printer.tickets[printedBefore], { what: 'the ticket on paper' });
      expect(paper.text.replace(/\s+/g, '')).toContain(number);
      if (lang === 'zh') expect(paper.images.length).toBeGreaterThan(1);
      else expect(paper.text).toContain(VENUE.services![0]!.name[lang]);

      await expectText(board, 'tr[data-service="deposits"] [data-next]', new RegExp(number), 1000);
      const phone = await open(`${hub.url}/t/${ticketId}?lang=${lang}`, VIEWPORTS.phone);
      await expectText(phone, '[data-number]', number, Math.max(1000 - (Date.now() - shownAt), 500) + 1000);
      await expectText(
        phone,
        '[data-ahead]',
        taken.length === 0 ? texts(lang).ticket.aheadNone : new RegExp(String(taken.length)),
      );
      expect(phone.url()).toContain(`/ticket/?venue=venue-a&ticket=${ticketId}`);
      taken.push({ lang, number, ticketId, phone });

      await kioskPage.click('.issued button.primary'); // done: back to idle in the kiosk's language
      await expectText(kioskPage, '#take-heading', texts('en').kiosk.chooseService);
    }

    await expectText(board, 'tr[data-service="deposits"] [data-waiting]', '3');
    await screenshot(board, 'board-landscape');
    expect(await layoutProblems(board)).toEqual([]);
    expect(await accessibilityViolations(board)).toEqual([]);
    await screenshot(taken[0]!.phone, 'phone-ticket-ko');
    expect(await layoutProblems(taken[0]!.phone)).toEqual([]);
    expect(await accessibilityViolations(taken[0]!.phone)).toEqual([]);
  });

  it('lets staff call the next ticket: the board highlights it and the phone page says where to go', async () => {
    const staff = await open(`${hub.url}/staff/?venue=venue-a&counter=c1`, VIEWPORTS.landscape);
    await signIn(staff, 'clerk');
    await expectText(staff, '[data-counter="c1"] .counter-status', 'Open');
    await expectText(staff, 'tr[data-service="deposits"] [data-waiting]', '3');
    await staff.keyboard.press('n'); // call next, from the keyboard

    const [first, second, third] = taken;
    await expectText(staff, '[data-desk-number]', first!.number);
    await expectText(board, 'li[data-counter="c1"] [data-now-serving]', first!.number, 1000);
    expect(await board.getAttribute('li[data-counter="c1"]', 'class')).toContain('called');
    await expectText(first!.phone, '[data-state]', texts('ko').ticket.called.replace('{{counter}}', '1번 창구'), 1000);
    await screenshot(board, 'board-call');
    await screenshot(first!.phone, 'phone-called-ko');

    // "I'm on my way" from the phone shows at the counter.
    await first!.phone.click('button[data-action="on-my-way"]');
    await expectText(first!.phone, '[role="status"].notice', texts('ko').ticket.onMyWayDone);
    await expectText(staff, '.on-the-way', 'on the way');

    // "I need more time": the second holder lets the third go first.
    await expectText(second!.phone, '[data-ahead]', texts('zh').ticket.aheadNone);
    await second!.phone.click('button[data-action="defer"]');
    await expectText(second!.phone, '[data-ahead]', texts('zh').ticket.ahead_other.replace('{{count}}', '1'));
    await expectText(third!.phone, '[data-ahead]', texts('en').ticket.aheadNone);
    await screenshot(second!.phone, 'phone-deferred-zh');

    await staff.click('button[data-command="serve"]');
    await expectText(first!.phone, '[data-state]', texts('ko').ticket.served);
    await staff.click('button[data-command="call-next"]');
    await expectText(staff, '[data-desk-number]', third!.number);
    await expectText(board, 'li[data-counter="c1"] [data-now-serving]', third!.number);
    // A refusal is said, not swallowed.
    await staff.click('button[data-command="open-counter"]');
    await expectText(staff, '[data-result="refused"]', /already/);
    await screenshot(staff, 'staff-console');
    expect(await layoutProblems(staff)).toEqual([]);

    // A 30-minute break: the board says when the counter is back; then the clerk opens again.
    await staff.click('button[data-command="serve"]');
    await expectText(staff, '[data-desk-number]', 'Nobody at the desk');
    await staff.selectOption(`select[aria-label="${texts('en').staff.breakLength}"]`, '30');
    await staff.click('button[data-command="break-counter"]');
    await expectText(board, 'li[data-counter="c1"] [data-back]', /^back at \d{1,2}:\d{2}/);
    await screenshot(board, 'board-break');
    await staff.click('button[data-command="open-counter"]');
    await expectText(board, 'li[data-counter="c1"] [data-now-serving]', '–');
    expect(await accessibilityViolations(staff)).toEqual([]);
  });

  it('shows the thank-you and the follow-up reasons after a press on the screen', async () => {
    await kioskPage.click('.smiley[data-level="2"]');
    await expectText(kioskPage, '.thanks h2', texts('en').kiosk.thanks);
    expect(await kioskPage.locator('.thanks [data-reason]').allTextContents()).toEqual([
      'Waiting time',
      'Staff',
      'Cleanliness',
    ]);
    await screenshot(kioskPage, 'kiosk-thanks');
    await kioskPage.click('.thanks [data-reason="wait"]');
    await expectText(kioskPage, '.thanks h2', texts('en').kiosk.reasonThanks);
    const reason = await waitFor(
      async () => (await hub.store.deviceEvents('k1')).find((e) => e.type === 'feedback.reason'),
      { what: 'the reason on the hub' },
    );
    expect(reason).toBeDefined();
    await expectText(kioskPage, '#take-heading', texts('en').kiosk.chooseService, 10_000);
  });

  it('lets the manager watch a touchpoint score change live', async () => {
    manage = await open(`${hub.url}/manage/?venue=venue-a&page=live`, VIEWPORTS.landscape);
    await signIn(manage, 'boss');
    // One "unhappy" press so far (the previous test): index -50.
    await expectText(manage, 'tr[data-touchpoint="entrance"] [data-happy-index]', '-50');
    await expectText(manage, 'tr[data-touchpoint="entrance"] [data-volume]', '1');
    await runButtonsEmulator({ path: buttonLine.b, script: '4@300 4@300 4@300' });
    // (4 x 100 ... ) -> (3 x 100 - 50) / 4 = 62.5
    await expectText(manage, 'tr[data-touchpoint="entrance"] [data-happy-index]', '63');
    await expectText(manage, 'tr[data-touchpoint="entrance"] [data-volume]', '4');
    await expectText(manage, 'tr[data-service="deposits"] [data-waiting]', '1');
    expect(await manage.locator('.chart svg').count()).toBeGreaterThanOrEqual(2);
    await screenshot(manage, 'manage-dashboard');
    expect(await layoutProblems(manage)).toEqual([]);
    expect(await accessibilityViolations(manage)).toEqual([]);

    // The journey map, edited on the dashboard: a new owner and a fourth reason reach the kiosk.
    const versionBefore = (await hub.store.getVenue('venue-a'))!.version;
    const entrance = manage.locator('fieldset[data-touchpoint="entrance"]');
    await entrance.locator('input[data-field="owner"]').fill('Front desk');
    await entrance.locator('button[data-action="add-reason"]').click();
    const row = entrance.locator('.reason-row').last();
    const inputs = row.locator('input');
    await inputs.nth(0).fill('signs');
    await inputs.nth(1).fill('안내 표지');
    await inputs.nth(2).fill('指示标识');
    await inputs.nth(3).fill('Signs');
    await manage.click('button[data-action="save-journey"]');
    await expectText(manage, '[data-journey-result]', new RegExp(String(versionBefore + 1)));
    const pushed = await waitFor(
      () => kiosk.currentVenue?.touchpoints.find((tp) => tp.id === 'entrance' && tp.owner === 'Front desk'),
      { what: 'the new journey map on the kiosk' },
    );
    expect(pushed.reasons.map((r) => r.id)).toEqual(['wait', 'staff', 'clean', 'signs']);
    // A mistake is refused with the hub's reason, and nothing is saved.
    await entrance.locator('input[data-field="target"]').fill('500');
    await manage.click('button[data-action="save-journey"]');
    await expectText(manage, '[data-journey-result="refused"]', /target/);
    expect((await hub.store.getVenue('venue-a'))!.version).toBe(versionBefore + 1);
    await entrance.locator('input[data-field="target"]').fill('');
    await screenshot(manage, 'manage-journey');

    // The box moves to the counter on the journey map: its next press counts there, not at the entrance.
    await manage.locator('fieldset[data-touchpoint="counter-1"] input[data-field="devices"]').fill('k1/exit-smileys');
    await manage.click('button[data-action="save-journey"]');
    await expectText(manage, '[data-journey-result="saved"]', new RegExp(String(versionBefore + 2)));
    await waitFor(
      () => kiosk.currentVenue?.touchpoints.find((tp) => tp.id === 'counter-1')?.devices.includes('k1/exit-smileys'),
      { what: 'the device map on the kiosk' },
    );
    await runButtonsEmulator({ path: buttonLine.b, script: '3@300' });
    await expectText(manage, 'tr[data-touchpoint="counter-1"] [data-volume]', '1');
    await expectText(manage, 'tr[data-touchpoint="entrance"] [data-volume]', '4');

    // The manager runs the programme: deadlines, who escalations end at, the attribution window.
    const programme = manage.locator('.programme');
    await programme.locator('input[data-field="ack"]').fill('30');
    await programme.locator('input[data-field="resolve"]').fill('600');
    await programme.locator('input[data-field="manager"]').fill('Ms Yoon');
    await programme.locator('input[data-field="window"]').fill('20');
    await manage.click('button[data-action="save-programme"]');
    await expectText(manage, '[data-programme-result="saved"]', new RegExp(String(versionBefore + 3)));
    const saved = (await hub.store.getVenue('venue-a'))!.analytics;
    expect(saved).toMatchObject({
      taskPolicy: { ackWithinMin: 30, resolveWithinMin: 600 },
      escalation: { manager: 'Ms Yoon' },
      attributionWindowMin: 20,
    });
    // A deadline of no minutes is refused in the screen's words, and nothing is saved.
    await programme.locator('input[data-field="ack"]').fill('0');
    await manage.click('button[data-action="save-programme"]');
    await expectText(manage, '[data-programme-result="refused"]', texts('en').refusals['invalid-request']);
    expect((await hub.store.getVenue('venue-a'))!.version).toBe(versionBefore + 3);
    expect(await accessibilityViolations(manage)).toEqual([]);
    await screenshot(manage, 'manage-programme');
  });

  it('says so on the kiosk and the dashboard when the printer has no paper, still giving the number', async () => {
    printer.paperOut();
    await expectText(kioskPage, '[data-banner="printer"]', texts('en').kiosk.printerTrouble);
    await expectText(manage, '[data-component="ticket-printer"]', /out of paper/);
    await expectText(kioskPage, '#take-heading', texts('en').kiosk.chooseService);
    await kioskPage.click('button[data-lang="ko"]');
    await kioskPage.click('button[data-service="deposits"]');
    await kioskPage.click('button[data-action="take"]');
    await expectText(kioskPage, '[data-number]', /^A-\d{3}$/);
    await expectText(kioskPage, '[data-printed="false"]', /번호표/);
    await screenshot(kioskPage, 'kiosk-paper-out-ko');
    await screenshot(manage, 'manage-paper-out');
    await kioskPage.click('.issued button.primary');
    printer.refill();
    await waitFor(async () => (await kioskPage.locator('[data-banner="printer"]').count()) === 0, {
      what: 'the printer banner gone after a new roll',
    });
  });

  it('issues a ticket while cut off from the hub, which reaches the board after it reconnects', async () => {
    const waitingBefore = Number(await board.textContent('tr[data-service="deposits"] [data-waiting]'));
    await hub.close();
    await expectText(kioskPage, '[data-banner="offline"]', texts('en').kiosk.offline, 20_000);
    await expectText(board, '[data-connection]', /reconnecting/);
    await kioskPage.click('button[data-service="deposits"]');
    await kioskPage.click('button[data-action="take"]');
    const number = await expectText(kioskPage, '[data-number]', /^A-\d{3}$/, 20_000);
    await screenshot(kioskPage, 'kiosk-offline-ticket');
    expect(taken.map((t) => t.number)).not.toContain(number);

    hub = await startTestHub({ file: join(dir.path, 'hub.db'), port, venue: VENUE });
    await expectText(board, '[data-connection]', 'Live', 20_000);
    // The board shows the next three numbers and "+N": the offline ticket is one more in line.
    await expectText(board, 'tr[data-service="deposits"] [data-waiting]', String(waitingBefore + 1), 30_000);
    await kioskPage.click('.issued button.primary');
  });

  it('lays out the kiosk in landscape and the board in portrait; the admin panel opens with the PIN', async () => {
    const landscape = await open(`${kiosk.status().localUrl}/?lang=zh`, VIEWPORTS.landscape);
    await expectText(landscape, '#take-heading', texts('zh').kiosk.chooseService);
    expect(await layoutProblems(landscape)).toEqual([]);
    expect(await accessibilityViolations(landscape)).toEqual([]);
    await screenshot(landscape, 'kiosk-idle-landscape-zh');

    const portraitBoard = await open(`${hub.url}/board/?venue=venue-a&lang=ko#token=${boardToken}`, VIEWPORTS.portrait);
    await expectText(portraitBoard, '#now-heading', texts('ko').board.nowServing);
    expect(await layoutProblems(portraitBoard)).toEqual([]);
    expect(await accessibilityViolations(portraitBoard)).toEqual([]);
    await screenshot(portraitBoard, 'board-portrait-ko');

    await landscape.click('.staff-button');
    await landscape.fill('input[name="pin"]', '1111');
    await landscape.click('.pin-form button[type="submit"]');
    await expectText(landscape, '.admin-message', texts('zh').kiosk.wrongPin);
    await landscape.fill('input[name="pin"]', '2468');
    await landscape.click('.pin-form button[type="submit"]');
    await expectText(landscape, '#admin-heading', texts('zh').kiosk.adminTitle);
    await expectText(
      landscape,
      '[data-device="ticket-printer"]',
      new RegExp(texts('zh').kiosk.adminStates.device.ready),
    );
    const printedBefore = printer.tickets.length;
    await landscape.click('[data-device="ticket-printer"] button');
    await expectText(landscape, '.admin-message', texts('zh').kiosk.testPrinted);
    const paper = await waitFor(() => printer.tickets[printedBefore], { what: 'the test ticket on paper' });
    expect(paper.text).toContain('T-001');
    await screenshot(landscape, 'kiosk-admin');
  });

  it('offers a return window on the kiosk when the line is long, and prints the window instead of a wait', async () => {
    const withReturns: VenueInput = {
      ...VENUE,
      services: VENUE.services!.map((service) =>
        service.id === 'loans' ? { ...service, returnTimes: { thresholdMin: 5 } } : service,
      ),
    };
    await hub.venues.upsert(withReturns);
    await hub.queues.commands.execute('venue-a', { type: 'open-counter', counterId: 'c2' });
    for (let i = 0; i < 4; i += 1)
      await hub.queues.commands.execute('venue-a', {
        type: 'issue',
        ticketId: newEventId(),
        serviceId: 'loans',
        postedWaitMin: 0,
      });
    const page = await open(`${kiosk.status().localUrl}/`, VIEWPORTS.portrait);
    await expectText(page, '#take-heading', texts('en').kiosk.chooseService);
    await page.click('button[data-service="loans"]');
    await expectText(page, '#offer-text', /Come back between \d{1,2}:\d{2}/, 10_000);
    await screenshot(page, 'kiosk-return-offer');
    await page.click('button[data-action="accept-return"]');
    await expectText(page, '.issued', /Please come back between/);
    const ticketId = (await page.getAttribute('[data-ticket]', 'data-ticket'))!;
    const ticket = await hub.queues.reads.ticket('venue-a', ticketId);
    expect(ticket?.returnWindow?.from).toBeGreaterThan(Date.now());
    await screenshot(page, 'kiosk-return-ticket');
  });

  it("puts a bad moment's task live on the console of the owning department's staff, and only theirs", async () => {
    const current = (await hub.store.getVenue('venue-a'))!;
    await hub.venues.upsert({
      ...current,
      touchpoints: current.touchpoints.map((tp) => ({
        ...tp,
        owner: tp.id === 'entrance' ? 'Front desk' : 'Loans team',
      })),
      analytics: {
        ...current.analytics,
        alertRules: [{ kind: 'unhappy-share', windowMin: 30, minVolume: 2, maxShare: 0.4 }],
      },
    });
    const staff = await open(`${hub.url}/staff/?venue=venue-a&counter=c1`, VIEWPORTS.landscape);
    await signIn(staff, 'clerk');
    await expectText(staff, '[data-counter="c1"] .counter-status', 'Open');
    for (const touchpointId of ['entrance', 'counter-1', 'entrance', 'counter-1'])
      kiosk.recordPress({ touchpointId, level: 1, source: 'screen' });
    const tasks = await waitFor(
      async () => {
        const list = await hub.store.tasks('venue-a');
        return list.length >= 2 ? list : undefined;
      },
      { what: 'tasks for both touchpoints' },
    );
    const frontDesk = tasks.find((task) => task.owner === 'Front desk')!;
    const loans = tasks.find((task) => task.owner === 'Loans team')!;
    // In the clerk's language, with the touchpoint's name, not the hub's English sentence with its id.
    await expectText(
      staff,
      `[data-task="${frontDesk.id}"] .task-summary`,
      /^\d+% of \d+ presses at Entrance in the last 30 min were unhappy \(limit 40%\)$/,
    );
    expect(await staff.locator(`[data-task="${loans.id}"]`).count()).toBe(0);
    await staff.click(`[data-task="${frontDesk.id}"] button[data-action="acknowledge"]`);
    await waitFor(
      async () => (await staff.getAttribute(`[data-task="${frontDesk.id}"]`, 'data-state')) === 'acknowledged',
      { what: 'the task acknowledged, pushed back live' },
    );
    await screenshot(staff, 'staff-tasks');

    // A console opened later starts with the open tasks of its departments.
    const later = await open(`${hub.url}/staff/?venue=venue-a&counter=c1`, VIEWPORTS.landscape);
    await signIn(later, 'clerk');
    await waitFor(
      async () => (await later.getAttribute(`[data-task="${frontDesk.id}"]`, 'data-state')) === 'acknowledged',
      { what: 'the open task on a console opened later' },
    );
    expect(await later.locator(`[data-task="${loans.id}"]`).count()).toBe(0);

    // In Korean, nothing English but what the venue entered: the task, its state, a refusal, a result.
    const ko = await open(`${hub.url}/staff/?venue=venue-a&counter=c1&lang=ko`, VIEWPORTS.landscape);
    await signIn(ko, 'clerk');
    await expectText(ko, `[data-task="${frontDesk.id}"] [data-task-state]`, texts('ko').tasks.states.acknowledged);
    await expectText(ko, `[data-task="${frontDesk.id}"] .task-summary`, /입구의 응답 \d+건 중 \d+%가 불만족/);
    await ko.click('button[data-command="open-counter"]');
    await expectText(ko, '[data-result="refused"]', '1번 창구는 이미 열림 상태입니다.');
    await ko.click('button[data-command="call-next"]');
    // Called, or refused (someone at the desk, nobody waiting): either way said in Korean.
    const said = await expectText(ko, '[data-result]', /[가-힣]/);
    expect(said).not.toMatch(/call-next|counter|c1/i);
    expect(await untranslatedText(ko, 'ko', ['Front desk', VENUE.name])).toEqual([]);
    await screenshot(ko, 'staff-console-ko');
  });
});
