import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEventId } from '../core/ids.ts';
import { LANGUAGES, type Language } from '../core/languages.ts';
import { RESOURCES } from '../renderer/shared/i18n.ts';
import { launchChromium } from './support/chromium.ts';
import { startTestHub, TEST_QUEUE_VENUE, tempDir } from './support/fixtures.ts';
import { expectText, screenshot } from './support/page.ts';
import { accessibilityViolations, layoutProblems } from './support/screen-checks.ts';
import { waitFor } from './support/wait.ts';

const texts = (lang: Language) => RESOURCES[lang].translation;

/** The phone page asks how the visit went once the ticket is served, in a real Chromium, in each language. */
describe('the phone’s after-visit rating in a real Chromium', () => {
  const dir = tempDir();
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  let browser: Browser;

  beforeAll(async () => {
    hub = await startTestHub({ file: join(dir.path, 'hub.db'), venue: TEST_QUEUE_VENUE });
    browser = await launchChromium(); // the screens are built by test/global-setup.ts
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    dir.remove();
  });

  async function servedTicket(): Promise<string> {
    const ticketId = newEventId();
    await hub.queues.commands.execute('venue-a', { type: 'open-counter', counterId: 'c1' });
    const issued = await hub.queues.commands.execute('venue-a', { type: 'issue', ticketId, serviceId: 'deposits' });
    if (!issued.ok) throw new Error(issued.message);
    for (const type of ['call-next', 'serve'] as const) {
      const result = await hub.queues.commands.execute('venue-a', { type, counterId: 'c1' });
      if (!result.ok) throw new Error(result.message);
    }
    return ticketId;
  }

  for (const lang of LANGUAGES)
    it(`rates a served visit once, in ${lang}, on a 390x844 phone, accessibly`, async () => {
      const ticketId = await servedTicket();
      const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      try {
        await page.goto(`${hub.url}/t/${ticketId}?lang=${lang}`);
        const t = texts(lang);
        await expectText(page, '#visit-rating-heading', t.visitRating.heading);
        // The default phone touchpoint's reasons, in the page's language.
        await expectText(page, '[data-reason="staff"]', { ko: '직원 응대', zh: '员工服务', en: 'Staff' }[lang]);
        expect(await accessibilityViolations(page)).toEqual([]);
        expect(await layoutProblems(page)).toEqual([]);
        await screenshot(page, `phone-visit-rating-${lang}`);

        await page.click('[data-action="send-rating"]');
        await expectText(page, '.visit-rating [role="status"]', t.visitRating.chooseFace);
        await page.click('.rating-face[data-level="2"]');
        await page.click('[data-reason="staff"]');
        await page.focus('#vs-expectation');
        for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowLeft');
        await expectText(page, '[data-vs-expectation]', '−3');
        await page.click('[data-action="send-rating"]');
        await expectText(page, '[data-rating-outcome]', t.visitRating.thanks);
        expect(await accessibilityViolations(page)).toEqual([]);

        const rating = await waitFor(
          async () =>
            (await hub.store.visitRatings('venue-a', { from: 0, to: Date.now() + 1 })).find(
              (r) => r.ticketId === ticketId,
            ),
          { what: 'the rating on the hub' },
        );
        expect(rating).toMatchObject({
          ticketId,
          level: 2,
          reasonId: 'staff',
          vsExpectation: -3,
          touchpointId: 'phone',
        });

        // Opened again: a second answer is refused, and said so kindly.
        await page.reload();
        await page.click('.rating-face[data-level="4"]');
        await page.click('[data-action="send-rating"]');
        await expectText(page, '[data-rating-outcome]', t.visitRating.alreadyRated);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    });
});
