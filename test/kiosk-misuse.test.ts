import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kioskConfigSchema } from '../kiosk/config.ts';
import { KioskRuntime } from '../kiosk/runtime.ts';
import { startTestHub, tempDir } from './support/fixtures.ts';
import { waitFor } from './support/wait.ts';
import { useCleanups } from './support/cleanups.ts';

/** The repeat-press rule end to end: screen -> kiosk store (flagged) -> hub (kept, not counted). */
describe('repeat presses through a kiosk to the hub', () => {
  const cleanups = useCleanups();

  it('flags the third quick press as misuse, keeps it, and leaves it out of the counts', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const hub = await startTestHub({ file: join(dir.path, 'hub.db') });
    cleanups.push(() => hub.close());
    const token = await hub.addKiosk('k1');
    const kiosk = new KioskRuntime(
      kioskConfigSchema.parse({
        hubUrl: hub.url,
        venueId: 'venue-a',
        deviceId: 'k1',
        token,
        store: join(dir.path, 'k1.db'),
      }),
    );
    cleanups.push(() => kiosk.stop());
    await kiosk.start();
    const localUrl = kiosk.status().localUrl!;

    const press = async (touchpointId: string) => {
      const response = await fetch(`${localUrl}/local/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ touchpointId, level: 1 }),
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { payload: { misuse: boolean } }).payload.misuse;
    };
    expect([
      await press('entrance'),
      await press('entrance'),
      await press('entrance'),
      await press('entrance'),
    ]).toEqual([false, false, true, true]);
    // Another touchpoint is another place (another person): not flagged.
    expect(await press('counter-1')).toBe(false);

    const stored = await waitFor(
      async () => {
        const events = await hub.store.deviceEvents('k1');
        return events.length === 5 ? events : undefined;
      },
      { what: 'all five presses on the hub' },
    );
    expect(stored.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    const counts = await hub.store.touchpointCounts('venue-a');
    expect(counts.find((c) => c.touchpointId === 'entrance')?.total).toBe(2);
    expect(counts.find((c) => c.touchpointId === 'counter-1')?.total).toBe(1);
  });

  it('refuses a repeat-press rule that cannot work, saying which setting is wrong', () => {
    expect(() =>
      kioskConfigSchema.parse({
        hubUrl: 'http://127.0.0.1:1',
        venueId: 'v',
        deviceId: 'k',
        token: 't',
        store: 'x.db',
        repeatPress: { count: 1 },
      }),
    ).toThrow(/count/);
  });
});
