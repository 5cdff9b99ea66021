import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHub, type Hub } from '../../server/hub.ts';
import { SqliteHubStore } from '../../server/store/sqlite-store.ts';

export function tempDir(prefix = 'waitwell-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export const TEST_VENUE = {
  id: 'venue-a',
  name: 'Test Branch A',
  touchpoints: [
    { id: 'entrance', name: { ko: '입구', zh: '入口', en: 'Entrance' } },
    { id: 'counter-1', name: { ko: '1번 창구', zh: '1号窗口', en: 'Counter 1' } },
  ],
};

/** A real hub on port 0 over a real SQLite file, with one venue provisioned. */
export async function startTestHub(options: { file: string; port?: number }): Promise<Hub & { addKiosk(deviceId: string, venueId?: string): Promise<string> }> {
  const hub = await startHub({ store: new SqliteHubStore(options.file), port: options.port ?? 0 });
  await hub.venues.upsert(TEST_VENUE);
  return Object.assign(hub, {
    async addKiosk(deviceId: string, venueId = TEST_VENUE.id) {
      return (await hub.venues.addDevice({ venueId, deviceId })).token;
    },
  });
}
