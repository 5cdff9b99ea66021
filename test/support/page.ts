import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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

/**
 * What breaks a layout or a touch screen, as the page itself measures it: content wider than the
 * viewport (a horizontal scrollbar), and visible controls smaller than 48 x 48 CSS pixels.
 */
export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width + 1)
      problems.push(`content is ${document.documentElement.scrollWidth}px wide in a ${width}px viewport`);
    for (const control of document.querySelectorAll<HTMLElement>('button, input, select, a[href]')) {
      const box = control.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue; // not shown
      if (control.closest('.visually-hidden')) continue;
      if (box.width < 47.5 || box.height < 47.5)
        problems.push(
          `${control.tagName.toLowerCase()} "${control.textContent?.trim() || control.getAttribute('aria-label')}" ` +
            `is ${Math.round(box.width)}x${Math.round(box.height)}px`,
        );
    }
    return problems;
  });
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * WCAG 2 A and AA violations on the page as axe-core finds them (contrast, names and labels,
 * landmarks, language), one line each. Evaluated through the DevTools protocol, so the kiosk
 * screen's Content-Security-Policy does not stop it.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const results = (await page.evaluate(`${AXE_SOURCE}
    ;axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] }, resultTypes: ['violations'] })`)) as {
    violations: { id: string; help: string; nodes: { target: string[] }[] }[];
  };
  return results.violations.map(
    (v) =>
      `${v.id}: ${v.help} (${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 3)
        .join(', ')})`,
  );
}

/**
 * What keeps a wall screen from being read at a glance, as the page measures it: content taller or
 * wider than the viewport (nobody scrolls a TV), an element of `mustShow` not wholly on screen,
 * and a number of `numbers` broken over two lines or cut off.
 */
export async function fitProblems(page: Page, selectors: { numbers: string; mustShow: string }): Promise<string[]> {
  return page.evaluate(({ numbers, mustShow }) => {
    const problems: string[] = [];
    const { clientWidth: width, clientHeight: height, scrollWidth, scrollHeight } = document.documentElement;
    if (scrollHeight > height + 1) problems.push(`content is ${scrollHeight}px tall in a ${height}px viewport`);
    if (scrollWidth > width + 1) problems.push(`content is ${scrollWidth}px wide in a ${width}px viewport`);
    const describe = (element: Element) =>
      `${element.tagName.toLowerCase()}${[...element.attributes].map((a) => `[${a.name}="${a.value}"]`).join('')} ` +
      `"${element.textContent?.trim().slice(0, 40)}"`;
    const onScreen = (box: DOMRect) =>
      box.width > 0 && box.left >= -1 && box.top >= -1 && box.right <= width + 1 && box.bottom <= height + 1;
    for (const element of document.querySelectorAll(mustShow))
      if (!onScreen(element.getBoundingClientRect())) problems.push(`${describe(element)} is not wholly on screen`);
    for (const element of document.querySelectorAll<HTMLElement>(numbers)) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue; // not shown (left out by priority)
      const range = document.createRange();
      range.selectNodeContents(element);
      const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.bottom)));
      if (lines.size > 1) problems.push(`${describe(element)} breaks over ${lines.size} lines`);
      if (element.scrollWidth > element.clientWidth + 1 && element.clientWidth > 0)
        problems.push(`${describe(element)} is cut off (${element.scrollWidth}px in ${element.clientWidth}px)`);
      if (!onScreen(range.getBoundingClientRect())) problems.push(`${describe(element)} is not wholly on screen`);
    }
    return problems;
  }, selectors);
}
