import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import type { Language } from '../../core/languages.ts';
import { RESOURCES } from '../../renderer/shared/i18n.ts';

/** The screens' key groups ("kiosk", "board", ...): "kiosk.chooseService" on screen is a key shown raw. */
const KEY_GROUPS = Object.keys(RESOURCES.en.translation);

/** What may go past the viewport: nothing on a wall or kiosk screen ('screen'); a desk or phone page scrolls down. */
export type Fit = 'screen' | 'width';

/**
 * Content wider than the viewport (a horizontal scrollbar), or for a wall or kiosk screen taller
 * (nobody scrolls a TV or a kiosk), as the page measures it.
 */
async function overflowProblems(page: Page, fit: Fit): Promise<string[]> {
  return page.evaluate((fit) => {
    const problems: string[] = [];
    const { clientWidth: width, clientHeight: height, scrollWidth, scrollHeight } = document.documentElement;
    if (scrollWidth > width + 1) problems.push(`content is ${scrollWidth}px wide in a ${width}px viewport`);
    if (fit === 'screen' && scrollHeight > height + 1)
      problems.push(`content is ${scrollHeight}px tall in a ${height}px viewport`);
    return problems;
  }, fit);
}

/** Visible controls smaller than 48 x 48 CSS pixels (a finger's width; docs and base.css say 48). */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
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

/**
 * Every number shown (a ticket number "A-001", a count, a time "10:30", "-50", "75%") that breaks
 * over two lines or is cut off by a box that clips it or by the edge of the screen; and any text
 * an element cuts off (an ellipsis or hidden overflow).
 */
async function numberAndClippingProblems(page: Page, fit: Fit): Promise<string[]> {
  return page.evaluate((fit) => {
    const problems: string[] = [];
    const { clientWidth: width, clientHeight: height } = document.documentElement;
    const NUMBER = /(?:[A-Z]-)?[+\-−]?\d+(?:[:.,]\d+)*\s?%?/g;
    const clips = (element: Element) => {
      const style = getComputedStyle(element);
      return style.overflowX !== 'visible' || style.overflowY !== 'visible';
    };
    const name = (element: Element) =>
      `${element.tagName.toLowerCase()}${[...element.classList].map((c) => `.${c}`).join('')}`;
    const shown = (element: Element) => element.getClientRects().length > 0 && !element.closest('.visually-hidden');
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || !shown(parent)) continue;
      for (const match of (node.textContent ?? '').matchAll(NUMBER)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].trimEnd().length);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0);
        if (rects.length === 0) continue;
        const lines = new Set(rects.map((r) => Math.round(r.bottom)));
        const box = range.getBoundingClientRect();
        const where = `"${match[0].trim()}" in ${name(parent)}`;
        if (lines.size > 1) problems.push(`${where} breaks over ${lines.size} lines`);
        // "Counter" on one line and "1" alone on the next: the number is broken off its words.
        const text = node.textContent ?? '';
        const lineOf = (from: number, to: number) => {
          const word = document.createRange();
          word.setStart(node, from);
          word.setEnd(node, to);
          return Math.round(word.getBoundingClientRect().bottom);
        };
        const before = text.slice(0, match.index).trimEnd();
        const after = text.slice(match.index + match[0].length).trimStart();
        const ownLine = Math.round(box.bottom);
        const beforeElsewhere = before === '' || lineOf(before.length - 1, before.length) !== ownLine;
        const afterElsewhere =
          after === '' || lineOf(text.length - after.length, text.length - after.length + 1) !== ownLine;
        if ((before !== '' || after !== '') && beforeElsewhere && afterElsewhere)
          problems.push(`${where} stands alone on a line, broken off "${text.trim().slice(0, 40)}"`);
        if (box.left < -1 || box.right > width + 1 || (fit === 'screen' && (box.top < -1 || box.bottom > height + 1)))
          problems.push(`${where} is not wholly on screen`);
        for (let up: Element | null = parent; up && up !== document.body; up = up.parentElement) {
          if (!clips(up)) continue;
          const outer = up.getBoundingClientRect();
          if (box.left < outer.left - 1 || box.right > outer.right + 1 || box.bottom > outer.bottom + 1) {
            problems.push(`${where} is cut off by ${name(up)}`);
            break;
          }
        }
      }
    }
    for (const element of document.body.querySelectorAll('*')) {
      if (!shown(element) || element.matches('canvas, svg, svg *')) continue;
      // A box whose content sticks out of it unclipped (a table wider than its panel) is drawn
      // under its neighbour: what sticks out is hidden as surely as if it were cut off.
      if (!clips(element) && element.clientWidth > 0 && element.scrollWidth > element.clientWidth + 1) {
        problems.push(
          `${name(element)} "${element.textContent?.trim().slice(0, 40)}" sticks out of its box ` +
            `(${element.scrollWidth}px in ${element.clientWidth}px)`,
        );
        continue;
      }
      if (!clips(element)) continue;
      const own = [...element.childNodes].some(
        (child) => child.nodeType === Node.TEXT_NODE && child.textContent?.trim(),
      );
      if (own && element.scrollWidth > element.clientWidth + 1)
        problems.push(
          `text "${element.textContent?.trim().slice(0, 40)}" is cut off (${element.scrollWidth}px in ` +
            `${element.clientWidth}px)`,
        );
    }
    return problems;
  }, fit);
}

/**
 * Words broken over lines: Korean and English break between words only ("합" / "계" is a
 * syllable per line, docs/screens.md); Chinese, written without spaces, breaks anywhere.
 */
async function brokenWords(page: Page, lang: Language): Promise<string[]> {
  if (lang === 'zh') return [];
  return page.evaluate(() => {
    const problems: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.getClientRects().length === 0 || parent.closest('.visually-hidden, [lang="zh"]')) continue;
      // A middle dot or a slash joins two words ("외환·해외송금") and may end a line.
      for (const word of (node.textContent ?? '').matchAll(/[^\s·/]+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.bottom)));
        if (lines.size > 1)
          problems.push(`"${word[0]}" in ${parent.tagName.toLowerCase()} breaks over ${lines.size} lines`);
      }
    }
    return problems;
  });
}

/**
 * Text in the wrong language, as a reader of `lang` would see it: an i18n key or placeholder left
 * raw, a Latin word on a Korean or Chinese screen, Hangul on a Chinese one, Chinese characters on
 * a Korean or English one. Visible text and what a screen reader says (aria-label, title,
 * placeholder, alt) are read; an element marked with its own `lang` (a language button labelled in
 * its language) is that language's. `allowed` are texts the venue entered (its name, a department)
 * that are the same in every language.
 */
export async function untranslatedText(page: Page, lang: Language, allowed: readonly string[] = []): Promise<string[]> {
  return page.evaluate(
    ({ lang, allowed, groups }) => {
      const problems: string[] = [];
      if (document.documentElement.lang !== lang)
        problems.push(`<html lang="${document.documentElement.lang}"> on a ${lang} screen`);
      const wrong: Record<string, RegExp> = {
        ko: /[A-Za-z]{2,}|[\u4e00-\u9fff]/,
        zh: /[A-Za-z]{2,}|[\uac00-\ud7af\u1100-\u11ff]/,
        en: /[\uac00-\ud7af\u1100-\u11ff\u4e00-\u9fff]/,
      };
      const check = (text: string, element: Element, what: string) => {
        let rest = text;
        for (const allow of allowed) rest = rest.split(allow).join(' ');
        const ownLang = element.closest('[lang]')?.getAttribute('lang') ?? lang;
        const raw = new RegExp(`\\{\\{|\\}\\}|\\b(?:${groups.join('|')})\\.[A-Za-z]`).exec(rest);
        const foreign = wrong[ownLang]?.exec(rest);
        if (raw || foreign)
          problems.push(`${what} "${text.trim().slice(0, 60)}" (${raw ? `raw "${raw[0]}"` : `"${foreign![0]}"`})`);
      };
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        const text = node.textContent ?? '';
        if (!parent || !text.trim() || parent.closest('script, style')) continue;
        if (parent.getClientRects().length === 0 && !parent.closest('.visually-hidden')) continue; // not shown
        check(text, parent, 'text');
      }
      for (const element of document.body.querySelectorAll('[aria-label], [title], [placeholder], [alt]'))
        for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
          const value = element.getAttribute(name);
          if (value?.trim()) check(value, element, name);
        }
      return problems;
    },
    { lang, allowed, groups: KEY_GROUPS },
  );
}

/** Everything above at once, for a screen at its size in `lang`: one line per problem, none when it is right. */
export async function screenProblems(
  page: Page,
  options: { lang: Language; fit: Fit; allowed?: readonly string[] },
): Promise<string[]> {
  return [
    ...(await overflowProblems(page, options.fit)),
    ...(await numberAndClippingProblems(page, options.fit)),
    ...(await brokenWords(page, options.lang)),
    ...(await untranslatedText(page, options.lang, options.allowed)),
    ...(await smallTargets(page)),
  ];
}

/** What breaks a page read at a desk or on a phone: content wider than the viewport, controls under 48 px. */
export async function layoutProblems(page: Page): Promise<string[]> {
  return [...(await overflowProblems(page, 'width')), ...(await smallTargets(page))];
}

/** Elements of `selector` not wholly on screen (a counter on a wall board that must always show). */
export async function notWhollyOnScreen(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const { clientWidth: width, clientHeight: height } = document.documentElement;
    return [...document.querySelectorAll(selector)]
      .filter((element) => {
        const box = element.getBoundingClientRect();
        return !(
          box.width > 0 &&
          box.left >= -1 &&
          box.top >= -1 &&
          box.right <= width + 1 &&
          box.bottom <= height + 1
        );
      })
      .map(
        (element) =>
          `${element.tagName.toLowerCase()}` +
          `${[...element.attributes].map((a) => `[${a.name}="${a.value}"]`).join('')} ` +
          `"${element.textContent?.trim().slice(0, 40)}" is not wholly on screen`,
      );
  }, selector);
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
