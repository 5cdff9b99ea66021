import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import pixelmatch from 'pixelmatch';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
/** The reviewed reference images, committed with the screens they show (CONTRIBUTING.md says how to update them). */
const REFERENCES = join(ROOT, 'test', 'screenshots');
/** Where a failed comparison leaves what the screen showed and the difference (CI keeps test-output). */
const FAILED = join(ROOT, 'test-output', 'screenshot-diffs');

/** WAITWELL_UPDATE_SCREENSHOTS=1 rewrites the references from what the screens show now. */
export const UPDATING_REFERENCES = process.env.WAITWELL_UPDATE_SCREENSHOTS === '1';

/**
 * Pixels that may differ: pixelmatch's colour threshold and its anti-aliasing detection absorb
 * text edges; the few pixels more absorb a glyph drawn at another sub-pixel offset (up to 60 seen
 * on the staff console between runs). Kept small: ticket numbers moved 0.6em apart on a 1920x3700
 * page change about 460 pixels, which must fail.
 */
const COLOUR_THRESHOLD = 0.1;
const allowedPixels = (width: number, height: number) => 25 + Math.round(width * height * 0.00005);

/**
 * Compares what `page` shows (the whole page, animations stopped, caret hidden) with the
 * reference image `test/screenshots/<name>.png`; throws naming the actual and the difference
 * image when they differ or when there is no reference yet. `mask`: selectors of what the test
 * cannot hold still (a time the store stamps with the wall clock), covered by a box in both;
 * `references`: another folder of references (the test of this comparison).
 */
export async function expectMatchesReference(
  page: Page,
  name: string,
  options: { mask?: readonly string[]; references?: string } = {},
): Promise<void> {
  const actual = await page.screenshot({
    fullPage: true,
    animations: 'disabled',
    caret: 'hide',
    scale: 'css',
    mask: (options.mask ?? []).map((selector) => page.locator(selector)),
  });
  const folder = options.references ?? REFERENCES;
  const reference = join(folder, `${name}.png`);
  if (UPDATING_REFERENCES) {
    mkdirSync(folder, { recursive: true });
    writeFileSync(reference, actual);
    return;
  }
  const keep = (suffix: string, png: Buffer) => {
    mkdirSync(FAILED, { recursive: true });
    const path = join(FAILED, `${name}.${suffix}.png`);
    writeFileSync(path, png);
    return relative(ROOT, path);
  };
  const update = 'review it and run with WAITWELL_UPDATE_SCREENSHOTS=1 if the change is meant (CONTRIBUTING.md)';
  if (!existsSync(reference))
    throw new Error(
      `no reference image ${relative(ROOT, reference)}; the screen is in ${keep('actual', actual)}: ${update}`,
    );
  const expected = PNG.sync.read(readFileSync(reference));
  const shown = PNG.sync.read(actual);
  if (expected.width !== shown.width || expected.height !== shown.height)
    throw new Error(
      `${name} is ${shown.width}x${shown.height}, its reference ${expected.width}x${expected.height}; ` +
        `the screen is in ${keep('actual', actual)}: ${update}`,
    );
  const diff = new PNG({ width: shown.width, height: shown.height });
  const different = pixelmatch(expected.data, shown.data, diff.data, shown.width, shown.height, {
    threshold: COLOUR_THRESHOLD,
  });
  if (different > allowedPixels(shown.width, shown.height))
    throw new Error(
      `${name} differs from ${relative(ROOT, reference)} in ${different} pixels; the screen is in ` +
        `${keep('actual', actual)}, the difference in red in ${keep('diff', PNG.sync.write(diff))}: ${update}`,
    );
}
