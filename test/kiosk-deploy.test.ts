import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { freePort } from '../bin/free-port.ts';
import { RESOURCES } from '../renderer/shared/i18n.ts';
import { CHROMIUM_PATH } from './support/chromium.ts';
import { TEST_QUEUE_VENUE } from './support/fixtures.ts';
import { waitFor } from './support/wait.ts';
import { test } from './support/test-fixtures.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const RUNTIME_UNIT = join(ROOT, 'deploy', 'waitwell-kiosk-runtime.service');
const BROWSER_UNIT = join(ROOT, 'deploy', 'waitwell-kiosk-browser.service');
/** The screen API port the units are written for. */
const UNIT_PORT = '7420';

/** The words of a unit's `key=` line (continuation lines joined; our units use no quoting). */
function unitCommand(file: string, key: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\\\n/g, ' ');
  const line = text.split('\n').find((l) => l.startsWith(`${key}=`));
  if (!line) throw new Error(`${file} has no ${key}= line`);
  return line
    .slice(key.length + 1)
    .trim()
    .split(/\s+/);
}

/** The chromium command of deploy/chromium-kiosk.sh, its flags by name. */
function scriptFlagNames(): string[] {
  const script = readFileSync(join(ROOT, 'deploy', 'chromium-kiosk.sh'), 'utf8').replace(/\\\n/g, ' ');
  const line = script.split('\n').find((l) => /^\s*(exec\s+)?chromium\s/.test(l))!;
  return line.match(/--[a-z-]+/g)!;
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

describe('kiosk mode without Electron (deploy/)', () => {
  test.override({ hubOptions: { venue: TEST_QUEUE_VENUE } });

  test('has systemd units that systemd-analyze verifies without a warning', async () => {
    // Each unit names binaries that must exist (node, curl, cage, chromium): CI installs them (.ci/run).
    const { stdout, stderr } = await run('systemd-analyze', ['verify', RUNTIME_UNIT, BROWSER_UNIT]);
    expect(`${stdout}${stderr}`.trim()).toBe('');
  });

  it("runs the browser unit's Chromium in --kiosk --app mode under cage, with every flag of chromium-kiosk.sh", () => {
    const command = unitCommand(BROWSER_UNIT, 'ExecStart');
    expect(command.slice(0, 3)).toEqual(['/usr/bin/cage', '-d', '--']);
    const flags = command.slice(4);
    expect(flags).toContain('--kiosk');
    expect(flags).toContain(`--app=http://127.0.0.1:${UNIT_PORT}/`);
    expect(flags).toContain('--autoplay-policy=no-user-gesture-required');
    const names = new Set(flags.map((f) => f.split('=')[0]));
    expect(scriptFlagNames().filter((name) => !names.has(name))).toEqual([]);
    expect(readFileSync(BROWSER_UNIT, 'utf8')).toMatch(/^Restart=always$/m);
    expect(readFileSync(RUNTIME_UNIT, 'utf8')).toMatch(/^Restart=always$/m);
  });

  test("opens the kiosk screen with the units' own command lines: runtime, readiness check, then Chromium", async ({
    cleanups,
    dir,
    hub,
  }) => {
    const port = String(await freePort());
    const config = join(dir, 'kiosk.json');
    writeFileSync(
      config,
      JSON.stringify({
        hubUrl: hub.url,
        venueId: 'venue-a',
        deviceId: 'k1',
        token: await hub.addKiosk('k1'),
        store: join(dir, 'kiosk.db'),
        screen: { touchpointId: 'entrance' },
      }),
    );
    // The units' paths and port, pointed at this checkout, this test's config and a free port.
    const local = (word: string) =>
      word
        .replace('/opt/waitwell', ROOT)
        .replace('/etc/waitwell/kiosk.json', config)
        .replace(`:${UNIT_PORT}/`, `:${port}/`)
        .replace(/^7420$/, port)
        .replace('%S', dir);

    const [node, ...runtimeArgs] = unitCommand(RUNTIME_UNIT, 'ExecStart').map(local);
    expect(node).toBe('node');
    const runtime = spawn(process.execPath, runtimeArgs, { stdio: 'ignore' });
    cleanups.push(() => stopProcess(runtime));
    const [curl, ...ready] = unitCommand(RUNTIME_UNIT, 'ExecStartPost').map(local);
    await run(curl!, ready, { timeout: 60_000 });

    // Chromium as the browser unit runs it, headless instead of on cage's Wayland display.
    const [, , , browserPath, ...unitFlags] = unitCommand(BROWSER_UNIT, 'ExecStart').map(local);
    expect(browserPath).toBe('/usr/bin/chromium');
    const flags = [
      ...unitFlags.filter((flag) => !flag.startsWith('--ozone-platform=')),
      '--headless',
      '--remote-debugging-port=0',
      // Chromium refuses to run as root without it (test machines run as root; the unit does not).
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    ];
    const browser = spawn(CHROMIUM_PATH, flags, { stdio: 'ignore' });
    cleanups.push(() => stopProcess(browser));
    const devtoolsFile = join(dir, 'waitwell-browser', 'DevToolsActivePort');
    const devtoolsPort = await waitFor(
      () => existsSync(devtoolsFile) && readFileSync(devtoolsFile, 'utf8').split('\n')[0],
      { what: 'Chromium up with its DevTools port' },
    );
    const cdp = await chromium.connectOverCDP(`http://127.0.0.1:${devtoolsPort}`);
    cleanups.push(() => cdp.close());
    const page = await waitFor(
      () =>
        cdp
          .contexts()
          .flatMap((context) => context.pages())
          .find((p) => p.url() === `http://127.0.0.1:${port}/`),
      { what: 'the kiosk screen open in the app window' },
    );
    await waitFor(
      async () =>
        (await page.textContent('#take-heading', { timeout: 1000 }).catch(() => null)) ===
        RESOURCES.en.translation.kiosk.chooseService,
      { what: 'the kiosk screen showing its services' },
    );
    expect(await page.textContent('h1')).toBe(TEST_QUEUE_VENUE.name);
  });
});
