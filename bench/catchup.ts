import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { LocalStore } from '../kiosk/local-store.ts';
import { auditHub, startHubChild } from './hub-child.ts';
import {
  connectKiosk,
  drained,
  expectedIds,
  fillStore,
  numberOption,
  openKioskStore,
  type BenchKiosk,
} from './sync.ts';

/**
 * A kiosk that was offline for a long time comes back: `events` (default 100,000) stored, unsent
 * events drain through the real path into a hub child process. The clock runs from the sync
 * client's start (connect and hello included) to the last ack. Target: under 10 s.
 */
export default async function run(
  options: Record<string, string>,
  log: (line: string) => void,
): Promise<Record<string, unknown>> {
  const events = numberOption(options, 'events', 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'waitwell-bench-catchup-'));
  const deviceId = 'bench-catchup';
  let store: LocalStore | undefined;
  let kiosk: BenchKiosk | undefined;
  let hub: Awaited<ReturnType<typeof startHubChild>> | undefined;
  try {
    log(`filling the kiosk store with ${events} unsent events`);
    store = openKioskStore(dir, deviceId);
    fillStore(store, events);
    hub = await startHubChild(dir, [deviceId]);
    log(`hub child process at ${hub.url}`);
    kiosk = connectKiosk(store, hub);

    const started = performance.now();
    kiosk.sync.start();
    await drained([kiosk], log);
    const seconds = (performance.now() - started) / 1000;
    const audit = auditHub(hub.file, expectedIds([kiosk]));
    log(`drained ${events} events in ${seconds.toFixed(2)} s; audit ${JSON.stringify(audit)}`);
    return {
      events,
      seconds: Math.round(seconds * 1000) / 1000,
      eventsPerSec: Math.round(events / seconds),
      lost: audit.lost,
      duplicated: audit.duplicated,
      hubRows: audit.stored,
      targets: { secondsBelow: 10, lost: 0, duplicated: 0 },
      targetsMet: seconds < 10 && audit.lost === 0 && audit.duplicated === 0,
    };
  } finally {
    await kiosk?.sync.stop();
    store?.close();
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
