import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { waitFor } from './wait.ts';

/** Screenshots of every screen, kept with the test output (CI keeps the folder). */
const SCREENSHOTS = join(resolve(import.meta.dirname, '..', '..'), 'test-output', 'screens');

/** Polls the page until `selector`'s text is `expected`; on timeout says what it showed instead. */
export async function expectText(
  page: Page,
  selector: string,
  expected: string | RegExp,
  timeoutMs = 10_000,
): Promise<string> {
  return waitFor(
    async () => {
      const text = await page.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector);
      const ok = typeof expected === 'string' ? text === expected : text !== null && expected.test(text);
      if (!ok) throw new Error(`${selector} shows ${JSON.stringify(text)}, expected ${String(expected)}`);
      return text!;
    },
    { what: `${selector} to show ${String(expected)}`, timeoutMs },
  );
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
