import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../core/events.ts';
import { newEventId } from '../core/ids.ts';
import type { RecordedPress } from '../core/kiosk-screen.ts';
import type { Language } from '../core/languages.ts';
import type { VenueInput } from '../core/venue.ts';
import { runButtonsEmulator } from '../drivers/emulators/buttons-emulator.ts';
import { runPrinterEmulator } from '../drivers/emulators/printer-emulator.ts';
import { printerModel } from '../drivers/ticket-printer/printer-models.ts';
import { createPtyPair } from '../drivers/emulators/pty-pair.ts';
import { kioskConfigSchema } from '../kiosk/config.ts';
import { KioskRuntime } from '../kiosk/runtime.ts';
import { RESOURCES } from '../renderer/shared/i18n.ts';
import { launchChromium } from './support/chromium.ts';
import { startTestHub, tempDir, TEST_QUEUE_VENUE, verifiedTask } from './support/fixtures.ts';
import { expectText, screenshot } from './support/page.ts';
import { accessibilityViolations, layoutProblems, notWhollyOnScreen, screenProblems } from './support/screen-checks.ts';
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
        { id: 'signs', name: { ko: '안내 표지', zh: '指示标识', en: 'Signs' } },
        { id: 'comfort', name: { ko: '편안함', zh: '舒适度', en: 'Comfort' } },
        { id: 'solved', name: { ko: '문제 해결', zh: '问题解决', en: 'Problem solved' } },
      ],
    },
    { id: 'counter-1', name: { ko: '1번 창구', zh: '1号窗口', en: 'Counter 1' }, counterId: 'c1' },
  ],
};

/** The kiosk screen sizes venues use: a 1280x800 landscape tablet and a 1080x1920 portrait pillar. */
const SIZES = [
  { name: 'landscape', width: 1280, height: 800 },
  { name: 'portrait', width: 1080, height: 1920 },
] as const;

type TestHub = Awaited<ReturnType<typeof startTestHub>>;

/**
 * The kiosk screen as a customer meets it, in a real Chromium on a real kiosk runtime whose button
 * box (at the screen's own touchpoint, the hard case) sits on a pseudo-terminal and whose printer
 * is an ESC/POS emulator on TCP.
 */
describe('the kiosk screen in a real Chromium', () => {
  const dir = tempDir();
  const stop = new AbortController();
  const pageErrors: string[] = [];
  let hub: TestHub;
  let browser: Browser;
  let kiosk: KioskRuntime;
  let localUrl: string;
  // A Korean and a Simplified Chinese model side by side: each language's ticket prints as text.
  let printer: Awaited<ReturnType<typeof runPrinterEmulator>>;
  let printerZh: Awaited<ReturnType<typeof runPrinterEmulator>>;
  let buttonLine: Awaited<ReturnType<typeof createPtyPair>>;

  async function open(size: { width: number; height: number }, query = ''): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: size.width, height: size.height } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${localUrl}/${query}`);
    await expectText(page, '#take-heading', /./);
    return page;
  }

  /** The presses in the kiosk's own file, read beside it (the runtime keeps its store inside). */
  const presses = (): EventEnvelope<'feedback.pressed'>[] => {
    const reader = new Database(join(dir.path, 'k1.db'), { readonly: true });
    try {
      return reader
        .prepare<[], { id: string; payload: string }>(
          "SELECT id, payload FROM events WHERE type = 'feedback.pressed' ORDER BY seq",
        )
        .all()
        .map((row) => ({ id: row.id, payload: JSON.parse(row.payload) }) as EventEnvelope<'feedback.pressed'>);
    } finally {
      reader.close();
    }
  };

  /** A press on the physical box, returned once the kiosk has recorded it. */
  async function boxPress(button: number): Promise<EventEnvelope<'feedback.pressed'>> {
    const before = presses().length;
    await runButtonsEmulator({ path: buttonLine.b, script: `${button}@20` });
    return waitFor(
      () =>
        presses()
          .slice(before)
          .find((p) => p.payload.source === 'serial'),
      {
        what: 'the box press recorded by the kiosk',
      },
    );
  }

  async function postReason(
    body: unknown,
  ): Promise<{ status: number; body: { error?: { code: string; message: string } } }> {
    const response = await fetch(`${localUrl}/local/feedback/reason`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string } } };
  }

  beforeAll(async () => {
    browser = await launchChromium(); // the screens are built by test/global-setup.ts
    hub = await startTestHub({ file: join(dir.path, 'hub.db'), venue: VENUE });
    const kioskToken = await hub.addKiosk('k1');
    buttonLine = await createPtyPair();
    printer = await runPrinterEmulator({
      tcpPort: 0,
      outDir: join(dir.path, 'printed'),
      model: printerModel('epson-tm-t20iii-kr'),
      signal: stop.signal,
    });
    printerZh = await runPrinterEmulator({
      tcpPort: 0,
      outDir: join(dir.path, 'printed-zh'),
      model: printerModel('epson-tm-t20iii-sc'),
      signal: stop.signal,
    });
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
            id: 'entrance-smileys',
            touchpointId: 'entrance',
            connection: { type: 'serial', path: buttonLine.a },
          },
          {
            kind: 'printer',
            id: 'ticket-printer',
            model: 'epson-tm-t20iii-kr',
            connection: { type: 'tcp', port: printer.tcpPort },
          },
          {
            kind: 'printer',
            id: 'ticket-printer-zh',
            model: 'epson-tm-t20iii-sc',
            connection: { type: 'tcp', port: printerZh.tcpPort },
          },
        ],
        screen: { touchpointId: 'entrance' },
      }),
    );
    await kiosk.start();
    localUrl = kiosk.status().localUrl!;
    await waitFor(
      () => kiosk.deviceSummaries().every((d) => d.status.state === 'ready') && kiosk.status().sync === 'online',
      { what: 'the kiosk online with its devices ready' },
    );
    await hub.queues.commands.execute('venue-a', { type: 'open-counter', counterId: 'c1' });
  });

  afterAll(async () => {
    await kiosk?.stop();
    stop.abort();
    await printer?.close();
    await printerZh?.close();
    buttonLine?.dispose();
    await browser?.close();
    await hub?.close();
    dir.remove();
    expect(pageErrors).toEqual([]);
  });

  it('thanks a customer for their own press only: a box press neither takes over nor gets their reason', async () => {
    const page = await open(SIZES[0]);
    // Every thank-you the screen ever shows, by press id.
    await page.evaluate(() => {
      const shown: string[] = [];
      (window as unknown as { shownPresses: string[] }).shownPresses = shown;
      new MutationObserver(() => {
        const id = document.querySelector('.thanks')?.getAttribute('data-press');
        if (id && shown.at(-1) !== id) shown.push(id);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });

    // A box press while the screen is idle leaves it idle. The queue snapshot that follows on the
    // same event stream proves the screen has seen everything the kiosk sent after the press.
    const idleBoxPress = await boxPress(1);
    await hub.queues.commands.execute('venue-a', {
      type: 'issue',
      ticketId: newEventId(),
      serviceId: 'loans',
      postedWaitMin: 0,
    });
    await expectText(
      page,
      'button[data-service="loans"] .service-wait',
      new RegExp(`^${texts('en').kiosk.waitingNow_one.replace('{{count}}', '1')}`),
    );
    expect(await page.locator('.thanks').count()).toBe(0);

    // The customer presses "happy" on the screen: their thank-you, for their press.
    await page.click('.smiley[data-level="3"]');
    await expectText(page, '.thanks h2', texts('en').kiosk.thanks);
    const mine = await waitFor(() => presses().find((p) => p.payload.source === 'screen'), {
      what: 'the screen press recorded',
    });
    expect(await page.getAttribute('.thanks', 'data-press')).toBe(mine.id);
    expect(mine.payload).toMatchObject({ touchpointId: 'entrance', level: 3 });

    // Someone presses the box beside the screen while the customer reads the reasons: the screen
    // stays theirs. The printer banner that follows on the same stream proves the press had time to show.
    const boxMeanwhile = await boxPress(1);
    printer.paperOut();
    await expectText(page, '[data-banner="printer"]', texts('en').kiosk.printerTrouble);
    expect(await page.getAttribute('.thanks', 'data-press')).toBe(mine.id);
    expect(await page.locator('.thanks-face .face.level-3').count()).toBe(1);
    printer.refill();

    // The reason they pick lands on their press, on the kiosk and on the hub.
    await page.click('.thanks [data-reason="staff"]');
    await expectText(page, '.thanks h2', texts('en').kiosk.reasonThanks);
    const reason = await waitFor(
      async () => (await hub.store.deviceEvents('k1')).find((e) => e.type === 'feedback.reason'),
      { what: 'the reason on the hub' },
    );
    // The hub's file, read beside it: the store contract lists events, not their payloads.
    const reader = new Database(join(dir.path, 'hub.db'), { readonly: true });
    const stored = reader
      .prepare<[string], { payload: string }>('SELECT payload FROM events WHERE id = ?')
      .get(reason.id)!;
    reader.close();
    expect(JSON.parse(stored.payload)).toEqual({ touchpointId: 'entrance', pressId: mine.id, reasonId: 'staff' });
    await expectText(page, '#take-heading', texts('en').kiosk.chooseService, 10_000);

    const shown = await page.evaluate(() => (window as unknown as { shownPresses: string[] }).shownPresses);
    expect(shown).toEqual([mine.id]);
    expect(shown).not.toContain(idleBoxPress.id);
    expect(shown).not.toContain(boxMeanwhile.id);
    await page.close();
  });

  it('refuses (422) a reason answering no screen press at its touchpoint, or not on the journey map', async () => {
    const press = async (touchpointId: string): Promise<RecordedPress> => {
      const response = await fetch(`${localUrl}/local/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ touchpointId, level: 2, source: 'screen' }),
      });
      expect(response.status).toBe(201);
      return (await response.json()) as RecordedPress;
    };
    const atEntrance = await press('entrance');
    const atCounter = await press('counter-1');
    const fromBox = await boxPress(2);
    const seqBefore = kiosk.status().lastSeq;

    const refused = [
      [{ touchpointId: 'entrance', pressId: newEventId(), reasonId: 'wait' }, 'unknown-press', /recorded no press/],
      [{ touchpointId: 'entrance', pressId: atCounter.id, reasonId: 'wait' }, 'press-elsewhere', /"counter-1"/],
      [{ touchpointId: 'entrance', pressId: fromBox.id, reasonId: 'wait' }, 'press-not-on-screen', /button box/],
      [{ touchpointId: 'entrance', pressId: atEntrance.id, reasonId: 'parking' }, 'unknown-reason', /wait, staff/],
      [{ touchpointId: 'counter-1', pressId: atCounter.id, reasonId: 'wait' }, 'unknown-reason', /lists none/],
    ] as const;
    for (const [body, code, message] of refused) {
      const answer = await postReason(body);
      expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status: 422, code });
      expect(answer.body.error?.message).toMatch(message);
    }
    expect(kiosk.status().lastSeq).toBe(seqBefore);

    const accepted = await postReason({ touchpointId: 'entrance', pressId: atEntrance.id, reasonId: 'clean' });
    expect(accepted.status).toBe(201);
    expect(kiosk.status().lastSeq).toBe(seqBefore + 1);
  });

  it.each(SIZES)(
    'fits $name ($width x $height): Done in view on every step, smileys that read happy and unhappy',
    async (size) => {
      const page = await open(size);
      const inView = async (selector: string) => {
        expect(await page.locator(selector).count(), `${selector} is shown`).toBe(1);
        expect(await notWhollyOnScreen(page, selector), `at ${size.width}x${size.height}`).toEqual([]);
      };
      // No scrolling, no number broken or cut off, nothing but English, every control a finger wide.
      const fits = async () =>
        expect(await screenProblems(page, { lang: 'en', fit: 'screen', allowed: [VENUE.name] })).toEqual([]);

      // Idle: services and smileys; every mouth is a curve bending the right way, more for the "very" faces.
      await fits();
      const bends = await page.$$eval('.smileys .smiley', (buttons) =>
        buttons.map((button) => {
          const mouth = button.querySelector('path') as SVGPathElement;
          const length = mouth.getTotalLength();
          const [start, middle, end] = [0, length / 2, length].map((at) => mouth.getPointAtLength(at));
          // SVG y grows downwards: a smile's middle sits below its corners.
          return { level: Number(button.getAttribute('data-level')), bend: middle!.y - (start!.y + end!.y) / 2 };
        }),
      );
      const bend = (level: number) => bends.find((b) => b.level === level)!.bend;
      expect(bend(4)).toBeGreaterThan(bend(3));
      expect(bend(3)).toBeGreaterThanOrEqual(6);
      expect(bend(2)).toBeLessThanOrEqual(-6);
      expect(bend(1)).toBeLessThan(bend(2));
      await screenshot(page, `kiosk-idle-${size.name}`);

      // Taking a ticket: the quote, then the number with its QR code and Done.
      await page.click('button[data-service="deposits"]');
      await expectText(page, '#quote-heading', 'Deposits');
      await inView('button[data-action="take"]');
      await page.click('button[data-action="take"]');
      await expectText(page, '[data-number]', /^A-\d{3}$/);
      await inView('.issued button.primary');
      await fits();
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, `kiosk-ticket-${size.name}`);
      await page.click('.issued button.primary');

      // A press on the screen: the thank-you with six reasons, and Done.
      await page.click('.smiley[data-level="4"]');
      await expectText(page, '.thanks h2', texts('en').kiosk.thanks);
      expect(await page.locator('.thanks [data-reason]').count()).toBe(6);
      await inView('.thanks button.done');
      await fits();
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, `kiosk-thanks-${size.name}`);
      await page.click('.thanks button.done');
      await page.close();
    },
  );

  it("shows on its idle screen what the venue changed, in the customer's language, at both sizes", async () => {
    const at = Date.now();
    await hub.store.saveTask('venue-a', verifiedTask('heating', at));
    const text = {
      ko: '대기 공간이 춥다고 하셨죠. 12월 3일에 난방을 고쳤습니다.',
      zh: '您说等候区很冷，我们已于 12 月 3 日修好暖气。',
      en: 'You said the waiting area was cold; we fixed the heating on 3 Dec.',
    };
    await hub.alerts.setPublicNote('venue-a', 'heating', text, 7);
    for (const size of SIZES) {
      const page = await open(size);
      for (const lang of ['ko', 'zh', 'en'] as const) {
        await page.click(`button[data-lang="${lang}"]`);
        await expectText(page, 'li[data-public-note="heating"]', text[lang]);
        await expectText(page, '#public-notes-heading', texts(lang).tasks.publicNote);
      }
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(await layoutProblems(page)).toEqual([]);
      await screenshot(page, `kiosk-public-note-${size.name}`);
      await page.close();
    }
  });

  it('says the same about a 0-minute wait on the screen and on the printed ticket, in every language', async () => {
    const page = await open(SIZES[0]);
    for (const lang of ['ko', 'zh', 'en'] as const) {
      // Nobody waits for deposits and a counter is open: the posted wait is 0.
      for (;;) {
        await hub.queues.commands.execute('venue-a', { type: 'serve', counterId: 'c1' });
        if (!(await hub.queues.commands.execute('venue-a', { type: 'call-next', counterId: 'c1' })).ok) break;
      }
      await page.click(`button[data-lang="${lang}"]`);
      await page.click('button[data-service="deposits"]');
      await waitFor(async () => (await page.getAttribute('.promise', 'data-posted')) === '0', {
        what: 'a posted wait of 0 minutes',
      });
      const soon = texts(lang).kiosk.postedWait.replace('{{wait}}', texts(lang).common.soon);
      await expectText(page, '.promise .posted-wait', soon);
      const paperOf = lang === 'zh' ? printerZh : printer;
      const printedBefore = paperOf.tickets.length;
      await page.click('button[data-action="take"]');
      await expectText(page, '.issued .posted-wait', soon);
      expect((await page.locator('.issued button.primary').boundingBox())!.y).toBeLessThan(SIZES[0].height - 48);
      await screenshot(page, `kiosk-ticket-soon-${lang}`);
      const paper = await waitFor(() => paperOf.tickets[printedBefore], { what: 'the ticket on paper' });
      expect(paper.images).toEqual([expect.anything()]); // the QR code only: every line went as text
      expect(paper.lines.map((line) => line.text.trim())).toContain(soon);
      expect(paper.text).not.toMatch(/\b0 ?(min|분|分钟)/);
      await page.click('.issued button.primary');
    }
    await page.close();
  });
});
