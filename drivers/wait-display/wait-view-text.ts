import type { WaitView } from '../device.ts';

/**
 * What a wait display says, as plain ASCII text: a 2x20 VFD (DM-D) and an Alpha LED sign both have
 * single-byte code tables (PC437 and friends), so every character must be one byte the display
 * knows.
 *
 * The texts are English on purpose. A display's language could be made configurable, but Korean
 * and Chinese cannot be shown on a 2x20 VFD with a Latin code table (the Korean and Chinese DM-D
 * models are different hardware with double-byte tables), so the customer-facing Korean and
 * Chinese wait information lives on the ticket, the phone page and the `board` page instead.
 */
const DISPLAY_COLUMNS = 20;

/** Shown in place of a ticket number while nobody is being served. */
export const NOBODY_SERVED = '---';

export interface WaitViewParts {
  /** "A-042", or NOBODY_SERVED. */
  serving: string;
  /** "Counter 3"; absent when not given or not showable in ASCII. */
  counter?: string;
  /** "WAIT ~15 MIN", the message that replaces it ("Closed - back 14:00"), or "" when nothing is known. */
  waitLine: string;
}

const TYPOGRAPHY: Record<string, string> = {
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u2026': '...',
  '\u00a0': ' ',
  '\u3000': ' ',
};

/**
 * Text reduced to what a single-byte display can show: typographic dashes and quotes become their
 * ASCII forms, accents are dropped ("Café" -> "CAFE"), whitespace runs become one space, and any
 * other character (Hangul, Han, emoji) becomes "?" so the column count stays honest.
 */
export function toDisplayAscii(text: string): string {
  // Per character, so one Hangul syllable (which NFKD splits into jamo) is still one "?".
  const mapped = [...text.replace(/\s+/g, ' ')].map((ch) => {
    const reduced = TYPOGRAPHY[ch] ?? ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
    // Combining marks left by NFKD are dropped above: the base letter alone is the accepted spelling.
    return /^[\x20-\x7e]+$/.test(reduced) ? reduced : '?';
  });
  return mapped.join('').replace(/ {2,}/g, ' ').trim();
}

/** False when reducing to ASCII had to replace a character (its own question marks aside). */
function isShowable(text: string): boolean {
  return !toDisplayAscii(text.replace(/\?/g, '')).includes('?');
}

/**
 * Cuts text to `width` columns: at the last space when that keeps at least three quarters of the
 * width (a whole word reads better than half of one), otherwise hard at the width.
 */
export function fitText(text: string, width: number = DISPLAY_COLUMNS): string {
  if (text.length <= width) return text;
  const cut = text.slice(0, width + 1).lastIndexOf(' ');
  if (cut >= Math.ceil(width * 0.75)) return text.slice(0, cut).trimEnd();
  return text.slice(0, width);
}

/** Pads (or cuts) to exactly `width` columns: each line is rewritten whole, so nothing old remains. */
function padLine(text: string, width: number = DISPLAY_COLUMNS): string {
  return fitText(text, width).padEnd(width, ' ');
}

/** "WAIT ~15 MIN", "WAIT ~2 H 5 MIN", "NO WAIT"; undefined when there is no usable estimate. */
export function waitText(minutes: number | null | undefined): string | undefined {
  if (minutes === null || minutes === undefined || !Number.isFinite(minutes) || minutes < 0) return undefined;
  const rounded = Math.round(minutes);
  if (rounded === 0) return 'NO WAIT';
  if (rounded < 100) return `WAIT ~${rounded} MIN`;
  const hours = Math.floor(rounded / 60);
  const rest = rounded % 60;
  return rest === 0 ? `WAIT ~${hours} H` : `WAIT ~${hours} H ${rest} MIN`;
}

/** The pieces of a view, for displays that place them themselves (the Alpha sign's STRING files). */
export function waitViewParts(view: WaitView): WaitViewParts {
  const number = view.nowServing ? toDisplayAscii(view.nowServing) : '';
  const serving = number === '' ? NOBODY_SERVED : number;
  // A counter name in Hangul or Han would be all "?": better not shown than shown as noise.
  const counter = view.counterName && isShowable(view.counterName) ? toDisplayAscii(view.counterName) : undefined;
  let waitLine: string;
  if (view.message !== undefined && toDisplayAscii(view.message) !== '') {
    waitLine = toDisplayAscii(view.message);
  } else {
    const waiting =
      view.waiting !== undefined && Number.isInteger(view.waiting) && view.waiting >= 0 ? view.waiting : undefined;
    waitLine =
      waitText(view.postedWaitMin) ?? (waiting === undefined ? '' : waiting === 0 ? 'NO WAIT' : `${waiting} WAITING`);
  }
  return counter ? { serving, counter, waitLine } : { serving, waitLine };
}

/**
 * The serving line: the longest form that fits, "NOW SERVING  A-042" first, shortening the label
 * before the number, and the number (which is what people look for) cut only as the last resort.
 */
function servingLine(parts: WaitViewParts, width: number = DISPLAY_COLUMNS): string {
  const { serving, counter } = parts;
  const candidates = counter
    ? [
        `NOW SERVING  ${serving}  ${counter}`,
        `NOW ${serving}  ${counter}`,
        `${serving}  ${counter}`,
        `${serving} ${counter}`,
        `NOW SERVING  ${serving}`,
        `NOW ${serving}`,
      ]
    : [`NOW SERVING  ${serving}`, `NOW SERVING ${serving}`, `NOW ${serving}`];
  return candidates.find((line) => line.length <= width) ?? serving.slice(0, width);
}

/**
 * A view as two lines of exactly `width` columns (default 20), e.g.
 *   "NOW SERVING  A-042  "
 *   "WAIT ~15 MIN        "
 * The message, when there is one, replaces the wait line ("Closed - back 14:00"), as staff wrote it.
 */
export function layoutWaitView(view: WaitView, width: number = DISPLAY_COLUMNS): [string, string] {
  const parts = waitViewParts(view);
  return [padLine(servingLine(parts, width), width), padLine(parts.waitLine, width)];
}
