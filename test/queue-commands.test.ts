import { describe, expect, it } from 'vitest';
import { newEventId } from '../core/ids.ts';
import type { QueueCommandResult } from '../core/protocol.ts';
import { readQueueCommitted } from '../server/cluster/hub-cluster.ts';
import { createHubQueues, type HubQueues } from '../server/queue/hub-queues.ts';
import type { SqliteHubStore } from '../server/store/sqlite-store.ts';
import { Venues } from '../server/venues.ts';
import { TEST_QUEUE_VENUE } from './support/fixtures.ts';
import { POLL, test } from './support/test-fixtures.ts';

/**
 * Two hubs' queue parts over one store file, each relaying its commits to the other the way the
 * cluster does (readQueueCommitted over the JSON the store keeps), a little late like a network:
 * the conflict loop and the cluster inbox without Redis or PostgreSQL.
 */
describe('queue commands of two hubs on one store', () => {
  async function twoHubs(store: SqliteHubStore, options: { relay: boolean }): Promise<[HubQueues, HubQueues]> {
    await new Venues(store).upsert(TEST_QUEUE_VENUE);
    const hubs = [createHubQueues(store), createHubQueues(store)] as const;
    if (options.relay) {
      for (const [from, to] of [hubs, [hubs[1], hubs[0]]] as const) {
        from.live.on('committed', ({ venueId, from: version, events }) => {
          const message = { venueId, from: version, events: JSON.stringify(events) };
          setTimeout(() => {
            const commit = readQueueCommitted(message);
            void to.inbox.applyCommitted(commit.venueId, commit.from, commit.events);
          }, 2);
        });
      }
    }
    return [hubs[0], hubs[1]];
  }

  const take = (hub: HubQueues) =>
    hub.commands.execute('venue-a', { type: 'issue', ticketId: newEventId(), serviceId: 'deposits', kioskId: 'k1' });

  test.for([
    ['hearing of each other’s commits', true],
    ['reading the log when no commit is relayed', false],
  ] as const)('never fork the log, %s', async ([_name, relay], { store }) => {
    const [a, b] = await twoHubs(store, { relay });
    expect(await a.commands.execute('venue-a', { type: 'open-counter', counterId: 'c1' })).toMatchObject({ ok: true });
    const takes: Promise<QueueCommandResult>[] = [];
    for (let i = 0; i < 40; i += 1) takes.push(take(i % 2 ? b : a));
    const results = await Promise.all(takes);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    const numbers = results.map((r) => (r.ok ? r.ticket?.number : undefined));
    expect(new Set(numbers).size).toBe(40);

    const log = await store.queueEvents('venue-a');
    expect(log.filter((e) => e.type === 'ticket.issued')).toHaveLength(40);
    // Committed in groups, each command is answered with the version its own event has in the log.
    for (const result of results)
      if (result.ok) expect(log[result.version - 1]).toMatchObject({ ticketId: result.ticket?.ticketId });
    // Each hub acts on the other's commits: b opens a counter, a calls, b calls the next one.
    expect(await b.commands.execute('venue-a', { type: 'open-counter', counterId: 'c2' })).toMatchObject({ ok: true });
    const calls = [
      await a.commands.execute('venue-a', { type: 'call-next', counterId: 'c1' }),
      await b.commands.execute('venue-a', { type: 'call-next', counterId: 'c2' }),
    ];
    expect(calls.map((c) => (c.ok ? c.ticket?.number : c.message))).toEqual(numbers.slice().sort().slice(0, 2));
    // Both hold the whole log: heard from the other hub, or read from the store when not.
    if (!relay) await Promise.all([a.inbox.resync('venue-a'), b.inbox.resync('venue-a')]);
    const version = (await store.queueEvents('venue-a')).length;
    const snapshots = () => Promise.all([a.reads.snapshot('venue-a'), b.reads.snapshot('venue-a')]);
    await expect.poll(async () => (await snapshots()).map((s) => s?.version), POLL).toEqual([version, version]);
    const [first, second] = await snapshots();
    expect(first?.counters).toEqual(second?.counters);
  });

  test('shows a ticket just issued with the wait it was promised, as recorded in the log', async ({ store }) => {
    const [a] = await twoHubs(store, { relay: false });
    await a.commands.execute('venue-a', { type: 'open-counter', counterId: 'c1' });
    for (let i = 0; i < 5; i += 1) await take(a);
    const result = await take(a);
    if (!result.ok) throw new Error(result.message);
    const issued = (await store.queueEvents('venue-a')).find(
      (e) => e.type === 'ticket.issued' && e.ticketId === result.ticket?.ticketId,
    );
    expect(issued).toMatchObject({ postedWaitMin: result.ticket?.postedWaitMin });
    expect(result.ticket?.postedWaitMin).toBeGreaterThan(0);
  });
});

describe('readQueueCommitted', () => {
  const event = { type: 'ticket.cancelled', at: 5, ticketId: 't1' };
  const message = (events: unknown) => ({ venueId: 'venue-a', from: 41, events: JSON.stringify(events) });

  it('reads the events another hub committed', () => {
    expect(readQueueCommitted(message([event]))).toEqual({ venueId: 'venue-a', from: 41, events: [event] });
  });

  it('refuses an event it cannot read, naming the venue and its version in the log', () => {
    expect(() => readQueueCommitted(message([event, { ...event, at: 'later' }]))).toThrow(
      /queue event 43 of venue venue-a cannot be read: ticket.cancelled v1: at:/,
    );
  });

  it('refuses a message that is not one', () => {
    expect(() => readQueueCommitted({ venueId: 'venue-a', events: '[]' })).toThrow(/from/);
    expect(() => readQueueCommitted({ ...message([]), events: '{' })).toThrow(/venue venue-a after version 41/);
  });
});
