import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { LocalStore } from '../kiosk/local-store.ts';
import { spawnWaitwell } from './support/processes.ts';
import { test } from './support/test-fixtures.ts';

/** issue 15 point 4: one kiosk per store, and a kiosk that cannot serve its screen exits. */
describe('a kiosk process that cannot run as it should', () => {
  // No hub needs to answer: the kiosk records and serves its screen without one.
  const kioskArgs = (store: string, port = 0) => [
    'kiosk',
    '--hub',
    'http://127.0.0.1:9',
    '--venue',
    'venue-a',
    '--device',
    'k1',
    '--token',
    'not-checked-here',
    '--store',
    store,
    '--port',
    String(port),
  ];

  test('lets one process hold a store: a second one on the same store exits non-zero and says why', async ({
    cleanups,
    dir,
  }) => {
    const store = join(dir, 'k1.db');
    const first = spawnWaitwell(kioskArgs(store));
    cleanups.push(() => first.kill('SIGKILL'));
    await first.waitForLine(/screen API at http:\/\/127\.0\.0\.1:\d+/);

    const second = spawnWaitwell(kioskArgs(store));
    cleanups.push(() => second.kill('SIGKILL'));
    expect(await second.exited).toEqual({ code: 1, signal: null });
    expect(second.output.join('\n')).toMatch(
      /kiosk store .*k1\.db is in use by another kiosk.*give this one its own store/,
    );
    // In this process too: the file is held while the first kiosk runs, free once it is gone.
    expect(() => new LocalStore(store, { venueId: 'venue-a', deviceId: 'k1' })).toThrow(/in use by another kiosk/);
    await first.kill('SIGKILL');
    new LocalStore(store, { venueId: 'venue-a', deviceId: 'k1' }).close();
  });

  test('exits non-zero when its screen port is taken, naming the port', async ({ cleanups, dir }) => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const port = (taken.address() as AddressInfo).port;

    const kiosk = spawnWaitwell(kioskArgs(join(dir, 'k1.db'), port));
    cleanups.push(() => kiosk.kill('SIGKILL'));
    expect(await kiosk.exited).toEqual({ code: 1, signal: null });
    expect(kiosk.output.join('\n')).toContain(`port ${port} is taken`);
    // It let go of its store on the way out: another kiosk can take it.
    new LocalStore(join(dir, 'k1.db'), { venueId: 'venue-a', deviceId: 'k1' }).close();
  });
});
