import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { kioskConfigSchema } from '../kiosk/config.ts';
import { KioskRuntime } from '../kiosk/runtime.ts';
import { launchChromium } from './support/chromium.ts';
import { startTestHub, tempDir, verifiedTask } from './support/fixtures.ts';
import { expectText, screenshot } from './support/page.ts';
import { accessibilityViolations, layoutProblems } from './support/screen-checks.ts';

type TestHub = Awaited<ReturnType<typeof startTestHub>>;

describe('the live board page in a real Chromium', () => {
  const dir = tempDir();
  let hub: TestHub;
  let browser: Browser;
  let boardToken: string;
  let kioskToken: string;
  const cleanups: (() => Promise<void> | void)[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium(); // the screens are built by test/global-setup.ts
    hub = await startTestHub({ file: join(dir.path, 'hub.db') });
    kioskToken = await hub.addKiosk('k1');
    boardToken = await hub.venues.newBoardToken('venue-a');
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    expect(pageErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    dir.remove();
  });

  async function openBoard(path: string, hubUrl = hub.url): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    cleanups.push(() => page.close());
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${hubUrl}${path}`);
    return page;
  }

  async function startKiosk(deviceId: string, token: string, hubUrl = hub.url): Promise<KioskRuntime> {
    const config = kioskConfigSchema.parse({
      hubUrl,
      venueId: 'venue-a',
      deviceId,
      token,
      store: join(dir.path, `${deviceId}-${Date.now()}.db`),
      localPort: 0,
      sync: { maxBatchEvents: 1000, maxInFlight: 4, ackTimeoutMs: 10_000 },
      // These tests press one touchpoint quickly on purpose; the misuse rule has its own tests.
      repeatPress: { withinMs: 10_000, count: 10 },
    });
    const runtime = new KioskRuntime(config);
    cleanups.push(() => runtime.stop());
    await runtime.start();
    return runtime;
  }

  it('shows the venue, then counts and device health live as a kiosk records presses', async () => {
    const page = await openBoard(`/board/?venue=venue-a#token=${boardToken}`);
    await expectText(page, 'h1', 'Test Branch A');
    await expectText(page, '[data-connection]', 'Live');
    await expectText(page, 'tr[data-touchpoint="entrance"] th', 'Entrance');
    await expectText(page, 'tr[data-touchpoint="counter-1"] th', 'Counter 1');
    await expectText(page, 'tr[data-touchpoint="entrance"] [data-total]', '0');
    await expectText(page, 'li[data-device="k1"] .device-state', 'offline');

    const kiosk = await startKiosk('k1', kioskToken);
    await expectText(page, 'li[data-device="k1"] .device-state', 'connected');

    kiosk.recordPress({ touchpointId: 'entrance', level: 4, source: 'screen' });
    await expectText(page, 'tr[data-touchpoint="entrance"] [data-level="4"]', '1');
    await expectText(page, 'tr[data-touchpoint="entrance"] [data-total]', '1');
    await expectText(page, 'tr[data-touchpoint="entrance"] .share-value', '100%');

    kiosk.recordPress({ touchpointId: 'entrance', level: 3, source: 'screen' });
    kiosk.recordPress({ touchpointId: 'entrance', level: 1, source: 'screen' });
    kiosk.recordPress({ touchpointId: 'counter-1', level: 2, source: 'screen' });
    await expectText(page, 'tr[data-touchpoint="entrance"] [data-total]', '3');
    await expectText(page, 'tr[data-touchpoint="entrance"] .share-value', '67%');
    await expectText(page, 'tr[data-touchpoint="counter-1"] .share-value', '0%');
    expect(await page.locator('tr[data-touchpoint="entrance"] td[data-level]').allTextContents()).toEqual([
      '1',
      '0',
      '1',
      '1',
    ]);
    // Screen readers hear the change, not just a number.
    await expectText(page, '[aria-live="polite"].visually-hidden', /Counter 1: 1 responses, 0% happy/);
    await screenshot(page, 'board');

    await kiosk.stop();
    cleanups.pop();
    await expectText(page, 'li[data-device="k1"] .device-state', 'offline');
  });

  it('speaks Korean with ?lang=ko: touchpoint names and its own labels', async () => {
    const page = await openBoard(`/board/?venue=venue-a&lang=ko#token=${boardToken}`);
    await expectText(page, 'tr[data-touchpoint="entrance"] th', '입구');
    await expectText(page, 'tr[data-touchpoint="counter-1"] th', '1번 창구');
    await expectText(page, '[data-connection]', '실시간');
    expect(await page.locator('thead th').allTextContents()).toContain('합계');
    expect(await page.getAttribute('html', 'lang')).toBe('ko');
    await screenshot(page, 'board-ko');

    const zh = await openBoard(`/board/?venue=venue-a&lang=zh#token=${boardToken}`);
    await expectText(zh, 'tr[data-touchpoint="entrance"] th', '入口');
    await expectText(zh, '#feedback-heading', '各服务触点的反馈');
  });

  it("shows what the venue changed, in the board's language, live, for the note's days", async () => {
    await hub.store.saveTask('venue-a', verifiedTask('heating', Date.now()));
    await hub.alerts.setPublicNote(
      'venue-a',
      'heating',
      {
        ko: '대기 공간이 춥다고 하셨죠. 12월 3일에 난방을 고쳤습니다.',
        zh: '您说等候区很冷，我们已于 12 月 3 日修好暖气。',
        en: 'You said the waiting area was cold; we fixed the heating on 3 Dec.',
      },
      14,
    );
    const page = await openBoard(`/board/?venue=venue-a&lang=ko#token=${boardToken}`);
    await expectText(page, '#public-notes-heading', '이렇게 바꿨습니다');
    await expectText(
      page,
      'li[data-public-note="heating"]',
      '대기 공간이 춥다고 하셨죠. 12월 3일에 난방을 고쳤습니다.',
    );
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(await layoutProblems(page)).toEqual([]);
    await screenshot(page, 'board-public-note-ko');

    // A note set while the board is open appears without a reload.
    await hub.store.saveTask('venue-a', verifiedTask('signs', Date.now() + 1));
    await hub.alerts.setPublicNote(
      'venue-a',
      'signs',
      { ko: '안내 표지를 새로 달았습니다.', zh: '我们换了新的指示牌。', en: 'We put up new signs.' },
      3,
    );
    await expectText(page, 'li[data-public-note="signs"]', '안내 표지를 새로 달았습니다.');
  });

  it('says why when the hub refuses the board link', async () => {
    const wrongToken = await openBoard('/board/?venue=venue-a#token=not-the-token');
    await expectText(wrongToken, '[role="alert"] h2', 'This board cannot be shown');
    await expectText(
      wrongToken,
      '[role="alert"] p',
      /not valid for venue "venue-a": ask a manager for a new board link/,
    );
    expect(await wrongToken.locator('table').count()).toBe(0);
    await screenshot(wrongToken, 'board-refused');

    const unknownVenue = await openBoard(`/board/?venue=no-such-venue#token=${boardToken}`);
    // Said as a wrong link: a stranger learns nothing of which venue ids exist.
    await expectText(unknownVenue, '[role="alert"] p', /not valid for venue "no-such-venue"/);

    const noVenue = await openBoard('/board/');
    await expectText(noVenue, '[role="alert"] p', /names no venue/);
  });

  it('says "reconnecting…" while the hub is down and catches up when it is back', async () => {
    const own = tempDir();
    cleanups.push(() => own.remove());
    const file = join(own.path, 'hub.db');
    const first = await startTestHub({ file });
    const token = await first.venues.newBoardToken('venue-a');
    const deviceToken = await first.addKiosk('k2');
    const port = first.port;
    let current: TestHub = first;
    cleanups.push(() => current.close());

    const page = await openBoard(`/board/?venue=venue-a#token=${token}`, first.url);
    await expectText(page, '[data-connection]', 'Live');
    await first.close();
    await expectText(page, '[data-connection]', /reconnecting…/);
    await screenshot(page, 'board-reconnecting');
    expect(await page.locator('tr[data-touchpoint="entrance"]').count()).toBe(1); // the last state stays up

    current = await startTestHub({ file, port });
    const kiosk = await startKiosk('k2', deviceToken, current.url);
    kiosk.recordPress({ touchpointId: 'entrance', level: 4, source: 'screen' });
    await expectText(page, '[data-connection]', 'Live', 15_000);
    await expectText(page, 'tr[data-touchpoint="entrance"] [data-total]', '1');
  });
});
