import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { kioskConfigSchema } from '../kiosk/config.ts';
import { KioskRuntime } from '../kiosk/runtime.ts';
import { POLL, test } from './support/test-fixtures.ts';

/** The repeat-press rule end to end: screen -> kiosk store (flagged) -> hub (kept, not counted). */
describe('repeat presses through a kiosk to the hub', () => {
  test('flags the third quick press as misuse, keeps it, and leaves it out of the counts', async ({
    hub,
    dir,
    cleanups,
  }) => {
    const token = await hub.addKiosk('k1');
    const kiosk = new KioskRuntime(
      kioskConfigSchema.parse({
        hubUrl: hub.url,
        venueId: 'venue-a',
        deviceId: 'k1',
        token,
        store: join(dir, 'k1.db'),
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

    await expect.poll(async () => (await hub.store.deviceEvents('k1')).length, POLL).toBe(5);
    const stored = await hub.store.deviceEvents('k1');
    expect(stored.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    const counts = await hub.store.touchpointCounts('venue-a');
    expect(counts.find((c) => c.touchpointId === 'entrance')?.total).toBe(2);
    expect(counts.find((c) => c.touchpointId === 'counter-1')?.total).toBe(1);
  });

  test('refuses a repeat-press rule that cannot work, saying which setting is wrong', () => {
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
