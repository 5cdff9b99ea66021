import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { SqliteHubStore } from '../../server/store/sqlite-store.ts';
import {
  expectNothingLostOrDoubled,
  sleep,
  startBusiness,
  startKioskRuntimes,
  waitForPapersMerged,
} from '../support/chaos.ts';
import { provisionHubFile, TEST_QUEUE_VENUE } from '../support/fixtures.ts';
import { restartableHub } from '../support/processes.ts';
import { waitFor } from '../support/wait.ts';
import { test } from '../support/test-fixtures.ts';

/**
 * Fault injection, chaos tier only (README "Reliability"): the hub is SIGKILLed and stays down for
 * 30 seconds while three kiosks keep recording presses and giving out tickets from their reserved
 * numbers. Once it is back, every press reaches it exactly once and every ticket is in its queue
 * under the number printed on the paper.
 */
const OUTAGE_MS = 30_000;
const SEED = Number(process.env.CHAOS_SEED ?? 15);
const KIOSKS = ['k1', 'k2', 'k3'];
const SERVICES = ['deposits', 'loans'];

describe('a 30-second hub outage', () => {
  test('loses and doubles nothing the kiosks recorded or printed while the hub was down', async ({ cleanups, dir }) => {
    const hubFile = join(dir, 'hub.db');
    const tokens = await provisionHubFile(hubFile, TEST_QUEUE_VENUE, KIOSKS);
    const hub = await restartableHub(hubFile, cleanups);
    await hub.start();
    const { kiosks, stop: stopKiosks } = await startKioskRuntimes(
      { dir, hubUrl: hub.url, venueId: TEST_QUEUE_VENUE.id, tokens },
      cleanups,
    );
    await waitFor(() => kiosks.every((k) => SERVICES.every((s) => k.offlineNumbersLeft(s) > 0)), {
      what: 'every kiosk to hold offline numbers for every service',
      timeoutMs: 30_000,
    });

    // At each kiosk a customer takes a ticket every 1.5-2.5 s and someone presses a smiley every 0.1-0.3 s.
    const business = startBusiness(kiosks, {
      seed: SEED,
      services: SERVICES,
      ticketPauseMs: [1500, 2500],
      pressPauseMs: [100, 300],
    });
    const { papers, refusals, presses } = business;

    await waitFor(() => papers.filter((p) => !p.offline).length >= KIOSKS.length, {
      what: 'tickets numbered by the hub before the outage',
      timeoutMs: 30_000,
    });
    await hub.kill('SIGKILL');
    const killedAt = Date.now();
    const pressesBefore = presses.length;
    const papersBefore = papers.length;
    await sleep(OUTAGE_MS);
    const startupMs = await hub.start();
    const outageMs = Date.now() - killedAt;
    const pressesDuringOutage = presses.length - pressesBefore;
    const papersDuringOutage = papers.length - papersBefore;
    // Business goes on a little with the hub back, then the kiosks deliver everything.
    await waitFor(() => kiosks.every((k) => k.status().sync === 'online'), {
      what: 'every kiosk back online',
      timeoutMs: 30_000,
    });
    await sleep(2000);
    await business.stop();
    await waitFor(() => kiosks.every((k) => k.status().sync === 'online' && k.status().outbox === 0), {
      what: 'every kiosk outbox to drain',
      timeoutMs: 60_000,
    });
    const recorded = new Map(kiosks.map((k) => [k.config.deviceId, k.status().lastSeq]));
    await stopKiosks();
    // The offline tickets are merged into the queue after their batch is stored: wait for that.
    await waitForPapersMerged(hub.url, TEST_QUEUE_VENUE.id, papers);
    await hub.kill('SIGTERM');

    const context = await expectNothingLostOrDoubled({
      title: '30-second hub outage',
      store: new SqliteHubStore(hubFile),
      venueId: TEST_QUEUE_VENUE.id,
      kioskIds: KIOSKS,
      presses,
      papers,
      refusals,
      recorded,
      figures: { kills: 1, outageMs, hubStartupMs: startupMs, pressesDuringOutage, papersDuringOutage },
      cleanups,
    });
    // The outage was real: presses and offline tickets were recorded while the hub was down.
    expect(pressesDuringOutage, context).toBeGreaterThan(0);
    expect(papers.filter((p) => p.offline).length, context).toBeGreaterThan(0);
  }, 240_000);
});
