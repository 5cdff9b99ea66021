import { join } from 'node:path';
import { expect } from 'vitest';
import { mulberry32 } from '../../core/simulation/random.ts';
import { kioskConfigSchema } from '../../kiosk/config.ts';
import { KioskRuntime } from '../../kiosk/runtime.ts';
import type { TakenTicket } from '../../kiosk/ticket-desk.ts';
import { type Hub, startHub } from '../../server/hub.ts';
import type { HubStore } from '../../server/store/hub-store.ts';
import type { Cleanup } from './test-fixtures.ts';
import { waitFor } from './wait.ts';

/**
 * What the fault-injection tests share (README "Reliability"): seeded timings, customers pressing
 * and taking tickets through a kiosk's screen API, and the counts read back from the hub.
 */

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Kiosk runtimes (store, sync, ticket desk, screen API) in this process, one per token, each on its
 * own SQLite file in `dir`, with short sync timeouts so a dead hub is noticed within seconds.
 * `stop` stops them once (the cleanup does it if the test did not).
 */
export async function startKioskRuntimes(
  options: { dir: string; hubUrl: string; venueId: string; tokens: Map<string, string> },
  cleanups: Cleanup[],
): Promise<{ kiosks: KioskRuntime[]; stop(): Promise<void> }> {
  const kiosks = [...options.tokens].map(
    ([deviceId, token]) =>
      new KioskRuntime(
        kioskConfigSchema.parse({
          hubUrl: options.hubUrl,
          venueId: options.venueId,
          deviceId,
          token,
          store: join(options.dir, `${deviceId}.db`),
          sync: { ackTimeoutMs: 2000, takeDeadlineMs: 2500, retryMaxMs: 1000 },
        }),
      ),
  );
  let running = true;
  const stop = async () => {
    if (!running) return;
    running = false;
    for (const kiosk of kiosks) await kiosk.stop();
  };
  cleanups.push(stop);
  for (const kiosk of kiosks) await kiosk.start();
  return { kiosks, stop };
}

/** A ticket a customer holds: what its paper says. */
export interface Paper {
  kioskId: string;
  ticketId: string;
  serviceId: string;
  number: string;
  day: string;
  offline: boolean;
}

interface Refusal {
  kioskId: string;
  status: number;
  code: string;
}

/** Takes one ticket through a kiosk's screen API, as its "take a ticket" button does. */
async function takeTicketAt(
  localUrl: string,
  kioskId: string,
  serviceId: string,
): Promise<{ paper: Paper } | { refusal: Refusal }> {
  const response = await fetch(`${localUrl}/local/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ serviceId, language: 'en' }),
  });
  const body = (await response.json()) as TakenTicket & { error?: { code: string } };
  if (response.status !== 201) return { refusal: { kioskId, status: response.status, code: body.error?.code ?? '' } };
  const { ticket, offline } = body;
  return { paper: { kioskId, ticketId: ticket.ticketId, serviceId, number: ticket.number, day: ticket.day, offline } };
}

/**
 * Business at the kiosks while the test injects faults: at each kiosk `customersPerKiosk`
 * customers take tickets (a seeded random service, a pause in `ticketPauseMs` between takes) and,
 * with `pressPauseMs`, someone presses a smiley on the screen between such pauses. Everything a
 * kiosk answered is kept: the papers, the refusals, the acknowledged presses. `stop` ends it.
 */
export function startBusiness(
  kiosks: readonly KioskRuntime[],
  options: {
    seed: number;
    services: readonly string[];
    customersPerKiosk?: number;
    ticketPauseMs: readonly [number, number];
    pressPauseMs?: readonly [number, number];
  },
) {
  const papers: Paper[] = [];
  const refusals: (Refusal & { numbersLeft: number })[] = [];
  const presses: { kioskId: string; id: string; seq: number }[] = [];
  let open = true;
  const pause = (pace: () => number, [min, max]: readonly [number, number]) => sleep(min + pace() * (max - min));
  const customer = async (kiosk: KioskRuntime, index: number) => {
    const pace = mulberry32(options.seed * 100 + index);
    while (open) {
      const serviceId = options.services[Math.floor(pace() * options.services.length)]!;
      const taken = await takeTicketAt(kiosk.status().localUrl!, kiosk.config.deviceId, serviceId);
      if ('paper' in taken) papers.push(taken.paper);
      else refusals.push({ ...taken.refusal, numbersLeft: kiosk.offlineNumbersLeft(serviceId) });
      await pause(pace, options.ticketPauseMs);
    }
  };
  const presser = async (kiosk: KioskRuntime, index: number, pressPauseMs: readonly [number, number]) => {
    const pace = mulberry32(options.seed * 1000 + index);
    for (let n = 0; open; n += 1) {
      presses.push({ kioskId: kiosk.config.deviceId, ...(await pressAt(kiosk.status().localUrl!, n)) });
      await pause(pace, pressPauseMs);
    }
  };
  const perKiosk = options.customersPerKiosk ?? 1;
  const running = kiosks.flatMap((kiosk, k) => [
    ...Array.from({ length: perKiosk }, (_, c) => customer(kiosk, k * perKiosk + c)),
    ...(options.pressPauseMs ? [presser(kiosk, k, options.pressPauseMs)] : []),
  ]);
  return {
    papers,
    refusals,
    presses,
    async stop() {
      open = false;
      await Promise.all(running);
    },
  };
}

/** Records one smiley press through a kiosk's screen API; the answer is the stored event's id and seq. */
export async function pressAt(localUrl: string, level: number): Promise<{ id: string; seq: number }> {
  const response = await fetch(`${localUrl}/local/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ touchpointId: 'entrance', level: (level % 4) + 1, source: 'screen' }),
  });
  const body = (await response.json()) as { id: string; seq: number };
  if (response.status !== 201) throw new Error(`kiosk answered ${response.status}: ${JSON.stringify(body)}`);
  return { id: body.id, seq: body.seq };
}

/** The ticket.taken events a hub stored from these devices, by ticket id: the number each kiosk recorded. */
async function ticketTakenRecords(store: HubStore, deviceIds: readonly string[]): Promise<Map<string, string>> {
  const byTicket = new Map<string, string>();
  for (const deviceId of deviceIds)
    for (const { event } of await store.deviceTicketRecords(deviceId, 0)) {
      if (event.type !== 'ticket.taken') continue;
      const { ticketId, number } = event.payload as { ticketId: string; number: string };
      if (byTicket.has(ticketId)) throw new Error(`ticket ${ticketId} was recorded twice`);
      byTicket.set(ticketId, number);
    }
  return byTicket;
}

/** Each fault-injection test prints one line of figures; the README's reliability table quotes them. */
export function reportFigures(test: string, figures: Record<string, unknown>): string {
  const line = JSON.stringify({ test, ...figures });
  console.log(`chaos figures: ${line}`);
  return line;
}

/**
 * Waits until a running hub shows every paper under its printed number: offline tickets join the
 * queue only after their batch is stored (server/queue/offline-tickets.ts), so a drained outbox is
 * not yet a merged queue.
 */
export async function waitForPapersMerged(hubUrl: string, venueId: string, papers: readonly Paper[]): Promise<void> {
  await waitFor(
    async () => {
      const unmerged: string[] = [];
      for (const paper of papers) {
        const response = await fetch(`${hubUrl}/api/venues/${venueId}/tickets/${paper.ticketId}`);
        const held = response.ok ? ((await response.json()) as { number: string }).number : `HTTP ${response.status}`;
        if (held !== paper.number) unmerged.push(`${paper.number} (hub: ${held})`);
      }
      if (unmerged.length) throw new Error(`${unmerged.length} papers not merged: ${unmerged.slice(0, 5).join(', ')}`);
      return true;
    },
    { what: 'every paper in the hub queue under its printed number', timeoutMs: 30_000, intervalMs: 200 },
  );
}

/** The venue's queue as every screen reads it (board, staff console, phone page), from a stopped hub's store. */
export async function readHubQueue(store: HubStore, venueId: string, cleanups: Cleanup[]) {
  const reader = await startHub({ store, port: 0 });
  cleanups.push(() => reader.close());
  const queue = (await reader.queues.live.get(venueId))!;
  const log = await reader.store.queueEvents(venueId);
  return {
    reader,
    venueId,
    tickets: queue.state.tickets,
    renumbered: log.filter((e) => e.type === 'ticket.renumbered').length,
  };
}

/** Each kiosk's events as the hub stored them, with the acknowledged presses it does not hold. */
async function storedEvents(
  store: HubStore,
  kioskIds: readonly string[],
  presses: readonly { kioskId: string; id: string; seq: number }[],
) {
  const byKiosk = new Map(await Promise.all(kioskIds.map(async (id) => [id, await store.deviceEvents(id)] as const)));
  const all = [...byKiosk.values()].flat();
  return {
    byKiosk,
    total: all.length,
    distinctIds: new Set(all.map((e) => e.id)).size,
    missingPresses: presses.filter((p) => !byKiosk.get(p.kioskId)!.some((e) => e.id === p.id && e.seq === p.seq)),
  };
}

/** Every event each kiosk recorded (presses, tickets, device reports) is at the hub once, gap-free. */
function expectEveryEventOnce(
  stored: Awaited<ReturnType<typeof storedEvents>>,
  recorded: ReadonlyMap<string, number>,
  context: string,
): void {
  for (const [deviceId, events] of stored.byKiosk)
    expect(
      events.map((e) => e.seq),
      `${deviceId} ${context}`,
    ).toEqual(Array.from({ length: recorded.get(deviceId)! }, (_, i) => i + 1));
  expect(stored.distinctIds, context).toBe(stored.total);
  expect(stored.missingPresses, context).toEqual([]);
}

/**
 * Every ticket a customer holds is in the hub's queue under the number on their paper, no number
 * twice (on paper or at the hub), nothing lost, nothing extra, and each kiosk's ticket.taken record
 * reached the hub once with that number (docs/queues.md, "One ticket, one number").
 */
export async function expectHubHoldsPapers(
  hub: {
    reader: Hub;
    venueId: string;
    tickets: Record<string, { id: string; number: string; day: string }>;
  },
  papers: readonly Paper[],
  deviceIds: readonly string[],
  context: string,
): Promise<void> {
  const mismatched = papers.flatMap((paper) => {
    const held = hub.tickets[paper.ticketId];
    return held?.number === paper.number ? [] : [{ ...paper, hub: held?.number ?? 'missing' }];
  });
  expect(mismatched, context).toEqual([]);
  for (const paper of papers.slice(0, 20)) {
    const view = await hub.reader.queues.reads.ticket(hub.venueId, paper.ticketId);
    expect(view?.number, context).toBe(paper.number);
  }
  const hubTickets = Object.values(hub.tickets);
  expect(new Set(papers.map((p) => `${p.day}/${p.number}`)).size, context).toBe(papers.length);
  expect(new Set(hubTickets.map((t) => `${t.day}/${t.number}`)).size, context).toBe(hubTickets.length);
  expect(new Set(hubTickets.map((t) => t.id)), context).toEqual(new Set(papers.map((p) => p.ticketId)));
  const snapshot = (await hub.reader.queues.reads.snapshot(hub.venueId))!;
  expect(
    snapshot.services.reduce((sum, s) => sum + s.waiting, 0),
    context,
  ).toBe(papers.length);
  const taken = await ticketTakenRecords(hub.reader.store, deviceIds);
  expect(taken.size, context).toBe(papers.length);
  for (const paper of papers) expect(taken.get(paper.ticketId), context).toBe(paper.number);
}

/**
 * After a run, its hubs stopped: reads what the store holds, prints the run's figures with it, and
 * expects every event at the hub once, every paper in its queue under its number, and nobody
 * refused a ticket while their kiosk had numbers left. Returns the figures line, for the run's own checks.
 */
export async function expectNothingLostOrDoubled(run: {
  title: string;
  store: HubStore;
  venueId: string;
  kioskIds: readonly string[];
  presses: readonly { kioskId: string; id: string; seq: number }[];
  papers: readonly Paper[];
  refusals: readonly { numbersLeft: number }[];
  /** Each kiosk's last seq, read once its outbox drained. */
  recorded: ReadonlyMap<string, number>;
  /** What the run itself measured (kills, outage, failovers...). */
  figures: Record<string, unknown>;
  cleanups: Cleanup[];
}): Promise<string> {
  const hubQueue = await readHubQueue(run.store, run.venueId, run.cleanups);
  const stored = await storedEvents(hubQueue.reader.store, run.kioskIds, run.presses);
  const context = reportFigures(run.title, {
    ...run.figures,
    presses: run.presses.length,
    papers: run.papers.length,
    offlinePapers: run.papers.filter((p) => p.offline).length,
    refusals: run.refusals.length,
    kioskRecorded: [...run.recorded.values()].reduce((sum, n) => sum + n, 0),
    hubEvents: stored.total,
    hubDistinctIds: stored.distinctIds,
    missingPresses: stored.missingPresses.length,
    hubTickets: Object.keys(hubQueue.tickets).length,
    renumbered: hubQueue.renumbered,
  });
  expectEveryEventOnce(stored, run.recorded, context);
  await expectHubHoldsPapers(hubQueue, run.papers, run.kioskIds, context);
  expect(
    run.refusals.filter((r) => r.numbersLeft > 0),
    context,
  ).toEqual([]);
  return context;
}
