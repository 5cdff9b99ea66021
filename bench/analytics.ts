import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AnyEventEnvelope } from '../core/events.ts';
import { newEventId } from '../core/ids.ts';
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
    const start = Date.UTC(2026, 10, 1);
    let random = 42;
    const next = () => {
      random = (random * 1_103_515_245 + 12_345) % 2 ** 31;
      return random / 2 ** 31;
    };
    // Through ingest, as kiosks store them: each device's presses in seq order, all devices'
    // batches at once (one commit), in rounds small enough that the rows lie in time order
    // across devices, as live kiosks' batches interleave (the report reads them in that order).
    const batches: AnyEventEnvelope[][] = Array.from({ length: devices }, () => []);
    const ingestBatches = async () => {
      const outcomes = await Promise.all(
        batches.map((batch, d) => store.ingest(`k${d}`, batch.splice(0), { receivedAt: Date.now(), clockOffsetMs: 0 })),
      );
      const refused = outcomes.find((outcome) => outcome.kind !== 'stored');
      if (refused) throw new Error(`the store refused a bench batch: ${JSON.stringify(refused)}`);
    };
    for (let i = 0; i < events; i += 1) {
      const roll = next();
      const level = roll < LEVEL_WEIGHTS[0]! ? 1 : roll < 0.22 ? 2 : roll < 0.58 ? 3 : 4;
      const at = start + Math.floor((i / events) * 30 * 24 * 3_600_000);
      const d = i % devices;
      batches[d]!.push({
        id: newEventId(),
        type: 'feedback.pressed',
        v: 1,
        venueId: 'bench',
        deviceId: `k${d}`,
        seq: Math.floor(i / devices) + 1,
        occurredAt: at,
        payload: { touchpointId: TOUCHPOINTS[i % TOUCHPOINTS.length]!, level, source: 'serial', misuse: i % 50 === 0 },
      });
      if ((i + 1) % 1_000 === 0) await ingestBatches();
    }
    await ingestBatches();

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
