import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AnyEventEnvelope } from '../core/events.ts';
import type { QueueEvent } from '../core/queue/types.ts';
import { newEventId } from '../core/ids.ts';
import { venueSchema } from '../core/venue.ts';
import { AnalyticsService } from '../server/analytics/analytics-service.ts';
import { SqliteHubStore } from '../server/store/sqlite-store.ts';
import { numberOption } from './sync.ts';

const TOUCHPOINTS = ['entrance', 'ticket-kiosk', 'waiting-area', 'counter-1', 'counter-2', 'restroom', 'exit'];
/** The journey map of the bench venue: which touchpoints a visit reaches and by which rule. */
const STAGES: Record<string, object> = {
  entrance: { stage: 'before' },
  'ticket-kiosk': { stage: 'before' },
  'counter-1': { counterId: 'c1' },
  'counter-2': { counterId: 'c2' },
  exit: { stage: 'after' },
};
const SEGMENTS = [null, 'gold', 'diamond'] as const;
/** Shares of levels 1..4 seen on smiley terminals (most people are content). */
const LEVEL_WEIGHTS = [0.08, 0.14, 0.36, 0.42];

/**
 * The full touchpoint x segment report over `events` (default 1,000,000) stored presses on a
 * SQLite hub store, with visits joined: `tickets` (default 20,000) issued by the kiosks, called
 * and served at two counters, a quarter of them rated on the phone. Through the same
 * AnalyticsService the HTTP API uses. Loading is not timed; the report is, from the queries to the
 * last fold. Targets: under 2 s with the visits joined, under 0.6 s for the same presses without
 * them (`reportSeconds`: the touchpoint x segment report alone).
 */
export default async function run(
  options: Record<string, string>,
  log: (line: string) => void,
): Promise<Record<string, unknown>> {
  const events = numberOption(options, 'events', 1_000_000);
  const ticketCount = numberOption(options, 'tickets', 20_000);
  const devices = 20;
  const dir = mkdtempSync(join(tmpdir(), 'waitwell-bench-analytics-'));
  const store = new SqliteHubStore(join(dir, 'hub.db'));
  try {
    await store.upsertVenue(
      venueSchema.parse({
        id: 'bench',
        name: 'Bench',
        touchpoints: TOUCHPOINTS.map((id) => ({ id, name: { ko: id, zh: id, en: id }, ...STAGES[id] })),
        services: [{ id: 'deposits', name: { ko: '예금', zh: '存款', en: 'Deposits' } }],
        counters: ['c1', 'c2'].map((id) => ({ id, name: { ko: id, zh: id, en: id }, services: ['deposits'] })),
        segments: SEGMENTS.flatMap((id) => (id ? [{ id, name: { ko: id, zh: id, en: id } }] : [])),
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

    log(`storing ${ticketCount} tickets (issued, called, served) and their phone ratings`);
    const span = 30 * 24 * 3_600_000;
    const queueLog: QueueEvent[] = [];
    let rated = 0;
    for (let t = 0; t < ticketCount; t += 1) {
      const ticketId = newEventId();
      const issuedAt = start + Math.floor((t / ticketCount) * span);
      const calledAt = issuedAt + Math.floor(next() * 20 * 60_000);
      const servedAt = calledAt + Math.floor(next() * 5 * 60_000);
      const counterId = t % 2 === 0 ? 'c1' : 'c2';
      const segmentId = SEGMENTS[t % SEGMENTS.length]!;
      queueLog.push(
        {
          type: 'ticket.issued',
          at: issuedAt,
          ticketId,
          serviceId: 'deposits',
          number: `A-${t + 1}`,
          seq: t + 1,
          day: '2026-11-01',
          segmentId,
          weight: 0,
          issuedAt,
          kioskId: `k${t % devices}`,
          offline: false,
          postedWaitMin: 10,
          pointWaitMin: 8,
          returnWindow: null,
        },
        { type: 'ticket.called', at: calledAt, ticketId, counterId, outOfOrder: false },
        { type: 'ticket.served', at: servedAt, ticketId, counterId },
      );
      if (t % 4 === 0) {
        rated += 1;
        await store.recordVisitRating('bench', {
          ticketId,
          touchpointId: 'phone',
          level: next() < 0.3 ? 2 : 4,
          vsExpectation: Math.round(next() * 10) - 5,
          at: servedAt + 10 * 60_000,
          segmentId,
          serviceId: 'deposits',
          counterId,
          postedWaitMin: 10,
          actualWaitMin: (calledAt - issuedAt) / 60_000,
        });
      }
    }
    // The log in time order, as a live queue writes it.
    queueLog.sort((a, b) => a.at - b.at);
    for (let i = 0; i < queueLog.length; i += 5_000)
      await store.appendQueueEvents('bench', i, queueLog.slice(i, i + 5_000));

    const analytics = new AnalyticsService(store);
    const began = performance.now();
    const report = await analytics.venueAnalytics('bench', { from: 0, to: Date.UTC(2030, 0, 1) });
    const seconds = (performance.now() - began) / 1000;
    // The same presses without the visit join (no queue log): the touchpoint x segment report alone.
    const reportBegan = performance.now();
    await analytics.venueAnalytics('bench', { from: 0, to: Date.UTC(2030, 0, 1), queueLog: [] });
    const reportSeconds = (performance.now() - reportBegan) / 1000;
    const counted = report!.baseline.volume;
    const { count: visits, unattributed } = report!.journeys;
    log(
      `report over ${events} events (${counted} counted, misuse left out), ${visits} visits joined ` +
        `(${unattributed} presses unattributed) in ${seconds.toFixed(3)} s; ` +
        `without visits ${reportSeconds.toFixed(3)} s`,
    );
    return {
      bench: 'analytics',
      events,
      counted,
      tickets: ticketCount,
      rated,
      visits,
      unattributed,
      touchpoints: report!.touchpoints.length,
      seconds: Number(seconds.toFixed(3)),
      reportSeconds: Number(reportSeconds.toFixed(3)),
      targets: { secondsBelow: 2, reportSecondsBelow: 0.6 },
      targetsMet: seconds < 2 && reportSeconds < 0.6,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
