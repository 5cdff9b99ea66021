import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (CI installs it with apt); WAITWELL_CHROMIUM points elsewhere. Never a Playwright download. */
export const CHROMIUM_PATH = process.env.WAITWELL_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** A real headless Chromium through playwright-core; `extraArgs` as a venue's TV would start it. */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: run "apt-get install -y chromium" (or set WAITWELL_CHROMIUM); ` +
        `do not run "npx playwright install"`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...ARGS, ...extraArgs], headless: true });
}
