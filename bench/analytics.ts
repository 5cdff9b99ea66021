import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { newEventId } from '../core/ids.ts';
import { mulberry32 } from '../core/simulation/random.ts';
import { venueSchema } from '../core/venue.ts';
import { AnalyticsService } from '../server/analytics/analytics-service.ts';
import { SqliteHubStore } from '../server/store/sqlite-store.ts';
import { numberOption } from './sync.ts';

const TOUCHPOINTS = ['entrance', 'ticket-kiosk', 'waiting-area', 'counter-1', 'counter-2', 'restroom', 'exit'];
/** Shares of levels 1..4 seen on smiley terminals (most people are content). */
const LEVEL_WEIGHTS = [0.08, 0.14, 0.36, 0.42];

/**
 * The full touchpoint x segment report over `events` (default 1,000,000) stored presses on a
 * SQLite hub store, through the same AnalyticsService the HTTP API uses. Loading the events is
 * not timed; the report is, from the query to the last fold. Target: under 2 s.
 */
export default async function run(
  options: Record<string, string>,
  log: (line: string) => void,
): Promise<Record<string, unknown>> {
  const events = numberOption(options, 'events', 1_000_000);
  const devices = 20;
  const dir = mkdtempSync(join(tmpdir(), 'waitwell-bench-analytics-'));
  const store = new SqliteHubStore(join(dir, 'hub.db'));
  try {
    await store.upsertVenue(
      venueSchema.parse({
        id: 'bench',
        name: 'Bench',
        touchpoints: TOUCHPOINTS.map((id) => ({ id, name: { ko: id, zh: id, en: id } })),
      }),
    );
    for (let d = 0; d < devices; d += 1)
      await store.addDevice({ id: `k${d}`, venueId: 'bench', name: `k${d}`, tokenHash: 'x' });
    log(`storing ${events} presses`);
    const insert = store.db.prepare(
      `INSERT INTO events (id, venue_id, device_id, seq, type, v, occurred_at, corrected_at, received_at, payload)
       VALUES (?, 'bench', ?, ?, 'feedback.pressed', 1, ?, ?, ?, ?)`,
    );
    const start = Date.UTC(2026, 10, 1);
    const next = mulberry32(42);
    const fill = store.db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i += 1) {
        const roll = next();
        const level = roll < LEVEL_WEIGHTS[0]! ? 1 : roll < 0.22 ? 2 : roll < 0.58 ? 3 : 4;
        const at = start + Math.floor((i / events) * 30 * 24 * 3_600_000);
        const payload = JSON.stringify({
          touchpointId: TOUCHPOINTS[i % TOUCHPOINTS.length],
          level,
          source: 'serial',
          misuse: i % 50 === 0,
        });
        insert.run(newEventId(), `k${i % devices}`, Math.floor(i / devices) + 1, at, at, at, payload);
      }
    });
    for (let i = 0; i < events; i += 50_000) fill(i, Math.min(events, i + 50_000));

    const analytics = new AnalyticsService(store);
    const began = performance.now();
    const report = await analytics.venueAnalytics('bench', { from: 0, to: Date.UTC(2030, 0, 1) });
    const seconds = (performance.now() - began) / 1000;
    const counted = report!.baseline.volume;
    log(`report over ${events} events (${counted} counted, misuse left out) in ${seconds.toFixed(3)} s`);
    return {
      bench: 'analytics',
      events,
      counted,
      touchpoints: report!.touchpoints.length,
      seconds: Number(seconds.toFixed(3)),
      targets: { secondsBelow: 2 },
      targetsMet: seconds < 2,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
