import { describe } from 'vitest';
import { mulberry32 } from '../../core/simulation/random.ts';
import { openHubStore } from '../../server/open-store.ts';
import {
  expectNothingLostOrDoubled,
  sleep,
  startBusiness,
  startKioskRuntimes,
  waitForPapersMerged,
} from '../support/chaos.ts';
import { provisionChain, startHubProcess, tcpBalancer } from '../support/cluster.ts';
import { TEST_QUEUE_VENUE } from '../support/fixtures.ts';
import { waitFor } from '../support/wait.ts';
import { test } from '../support/test-fixtures.ts';

/**
 * Fault injection, chaos tier only (README "Reliability"): two hubs on one PostgreSQL and one
 * Redis, two kiosks on each, all of them pressing and giving out tickets; hub A is SIGKILLed
 * mid-burst and its kiosks reconnect, through their load balancer, to hub B; hub A comes back,
 * then hub B is killed. Every press reaches the store once and every ticket keeps the number on
 * its paper.
 */
const SEED = Number(process.env.CHAOS_SEED ?? 15);
/** Kills, alternating between the two hubs; CHAOS_CLUSTER_KILLS sets how many. */
const KILLS = Number(process.env.CHAOS_CLUSTER_KILLS ?? 2);
const ON_A = ['k1', 'k2'];
const ON_B = ['k3', 'k4'];
const SERVICES = ['deposits', 'loans'];

describe('two hubs, each SIGKILLed mid-burst in turn', () => {
  test('loses and doubles no press and no ticket of the kiosks on either hub', async ({ cleanups, dir }) => {
    const random = mulberry32(SEED);
    const kioskIds = [...ON_A, ...ON_B];
    const chain = await provisionChain(cleanups, { venue: TEST_QUEUE_VENUE, kiosks: kioskIds, staff: [] });
    const hubs = await Promise.all([startHubProcess(chain, cleanups), startHubProcess(chain, cleanups)]);
    // Each pair of kiosks knows one load balancer's address: balancer A sends it to hub A, B to hub B.
    const balancers = await Promise.all(hubs.map((hub) => tcpBalancer(hub.port, cleanups)));
    const tokensOf = (ids: string[]) => new Map(ids.map((id) => [id, chain.tokens.get(id)!]));
    const venueId = TEST_QUEUE_VENUE.id;
    const groups = [ON_A, ON_B];
    const onA = await startKioskRuntimes({ dir, hubUrl: balancers[0]!.url, venueId, tokens: tokensOf(ON_A) }, cleanups);
    const onB = await startKioskRuntimes({ dir, hubUrl: balancers[1]!.url, venueId, tokens: tokensOf(ON_B) }, cleanups);
    const kiosks = [...onA.kiosks, ...onB.kiosks];
    await waitFor(() => kiosks.every((k) => SERVICES.every((s) => k.offlineNumbersLeft(s) > 0)), {
      what: 'every kiosk to hold offline numbers for every service',
      timeoutMs: 30_000,
    });

    const business = startBusiness(kiosks, {
      seed: SEED,
      services: SERVICES,
      ticketPauseMs: [300, 800],
      pressPauseMs: [30, 100],
    });
    const { papers, refusals, presses } = business;
    const numberedOnline = (ids: string[]) => papers.filter((p) => !p.offline && ids.includes(p.kioskId)).length;
    await waitFor(() => groups.every((ids) => numberedOnline(ids) >= 2), {
      what: 'tickets numbered on both hubs',
      timeoutMs: 30_000,
    });
    // The chaos: hub A, then hub B (then A...) is SIGKILLed mid-burst; both balancers send new
    // connections to the survivor until the killed hub is back, restarted on a new port.
    const failoversMs: number[] = [];
    let pressesAfterKills = 0;
    for (let kill = 0; kill < KILLS; kill += 1) {
      const victim = kill % 2;
      const survivor = hubs[1 - victim]!;
      await sleep(200 + random() * 1000);
      await hubs[victim]!.process.kill('SIGKILL');
      const killedAt = Date.now();
      for (const balancer of balancers) balancer.sendTo(survivor.port);
      const pressesAtKill = presses.length;
      const onlineBefore = numberedOnline(groups[victim]!);
      // The killed hub's kiosks are served by the survivor: tickets numbered online again.
      await waitFor(() => numberedOnline(groups[victim]!) > onlineBefore + 2, {
        what: `kiosks of the killed hub to take tickets on the other (kill ${kill + 1})`,
        timeoutMs: 60_000,
      });
      failoversMs.push(Date.now() - killedAt);
      pressesAfterKills += presses.length - pressesAtKill;
      hubs[victim] = await startHubProcess(chain, cleanups);
      balancers[victim]!.sendTo(hubs[victim]!.port);
    }
    await sleep(2000);
    await business.stop();
    await waitFor(() => kiosks.every((k) => k.status().sync === 'online' && k.status().outbox === 0), {
      what: 'every kiosk outbox to drain',
      timeoutMs: 60_000,
    });
    const recorded = new Map(kiosks.map((k) => [k.config.deviceId, k.status().lastSeq]));
    await onA.stop();
    await onB.stop();
    // The offline tickets are merged into the queue after their batch is stored: wait for that.
    await waitForPapersMerged(hubs[0]!.url, venueId, papers);
    for (const hub of hubs) await hub.process.kill('SIGTERM');

    await expectNothingLostOrDoubled({
      title: 'two hubs, SIGKILLed mid-burst in turn',
      store: await openHubStore(chain.storeUrl),
      venueId,
      kioskIds,
      presses,
      papers,
      refusals,
      recorded,
      figures: { kills: KILLS, failoversMs, pressesAfterKills },
      cleanups,
    });
  }, 240_000);
});
