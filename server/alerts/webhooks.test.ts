import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { Task } from '../../core/alerts/tasks.ts';
import { venueSchema } from '../../core/venue.ts';
import { type Cleanup, test } from '../../test/support/test-fixtures.ts';
import { SqliteHubStore } from '../store/sqlite-store.ts';
import { WebhookOutbox } from './webhook-outbox.ts';
import { attemptDelivery } from './webhooks.ts';

/** A real local HTTP receiver that fails the first `failures` deliveries. */
async function receiver(failures: number) {
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = received.length <= failures ? 503 : 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/waitwell`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('a webhook attempt', () => {
  test('posts the body signed with HMAC-SHA256 under its delivery id, and says how it went', async ({ cleanups }) => {
    const hook = await receiver(1);
    cleanups.push(hook.close);
    const body = JSON.stringify({ task: { id: 't1', summary: 'restroom unhappy' } });
    expect(await attemptDelivery({ url: hook.url, secret: 's3cret' }, body, { deliveryId: 'd-1' })).toEqual({
      ok: false,
      status: 503,
    });
    expect(await attemptDelivery({ url: hook.url, secret: 's3cret' }, body, { deliveryId: 'd-1' })).toEqual({
      ok: true,
      status: 204,
    });
    for (const received of hook.received) {
      expect(received.headers['x-waitwell-delivery']).toBe('d-1');
      expect(received.headers['x-waitwell-signature']).toBe(
        `sha256=${createHmac('sha256', 's3cret').update(received.body).digest('hex')}`,
      );
      expect(received.body).toBe(body);
    }
    const unreachable = await attemptDelivery({ url: 'http://127.0.0.1:9/', secret: 'x' }, '{}', { deliveryId: 'd' });
    expect(unreachable).toEqual({ ok: false, error: expect.any(String) });
  });
});

describe('the webhook outbox', () => {
  /** A hub's store over a file that outlives any one "hub", with a venue whose webhook is `url`. */
  async function venueStore(cleanups: Cleanup[], dir: string, url: string) {
    const file = join(dir, 'hub.db');
    const open = async () => {
      const store = new SqliteHubStore(file);
      cleanups.push(() => store.close());
      return store;
    };
    const store = await open();
    await store.upsertVenue(
      venueSchema.parse({
        id: 'venue-a',
        name: 'Branch',
        touchpoints: [{ id: 'entrance', name: { ko: '입구', zh: '入口', en: 'Entrance' } }],
        webhooks: [{ url, secret: 'a-webhook-secret-of-some-length' }],
      }),
    );
    return { store, open };
  }

  const task = (id: string) => ({ id: `${id}:open:0`, url: '', payload: JSON.stringify({ task: id }) });

  test('delivers a delivery queued by a hub that died after a failed attempt, with the same id', async ({
    cleanups,
    dir,
  }) => {
    const hook = await receiver(1);
    cleanups.push(hook.close);
    const { store, open } = await venueStore(cleanups, dir, hook.url);
    let now = 1_000;
    const clock = () => now;
    await store.saveTask('venue-a', taskRecord('t1'), [{ ...task('t1'), url: hook.url }], now);

    // Hub A attempts once (503), then dies: nothing of it is left but the store.
    const hubA = new WebhookOutbox(store, { now: clock });
    const failures: string[] = [];
    hubA.on('failed', (_d, error) => failures.push(error));
    expect(await hubA.drain()).toBe(1);
    expect(failures).toEqual(['HTTP 503']);
    await store.close();

    // Hub B, started later on the same store, finds it due after the backoff and delivers it.
    const hubB = new WebhookOutbox(await open(), { now: clock });
    expect(await hubB.drain()).toBe(0);
    now += 10_000;
    expect(await hubB.drain()).toBe(1);
    expect(hook.received.map((r) => r.headers['x-waitwell-delivery'])).toEqual(['t1:open:0', 't1:open:0']);
    const stored = await (await open()).webhookDeliveries('venue-a');
    expect(stored).toEqual([expect.objectContaining({ state: 'delivered', attempts: 2, lastStatus: 204 })]);
  });

  test('gives up after deadAfterMs and lists the delivery as dead for admins', async ({ cleanups, dir }) => {
    const hook = await receiver(99);
    cleanups.push(hook.close);
    const { store } = await venueStore(cleanups, dir, hook.url);
    let now = 1_000;
    await store.saveTask('venue-a', taskRecord('t2'), [{ ...task('t2'), url: hook.url }], now);
    const outbox = new WebhookOutbox(store, { now: () => now, deadAfterMs: 60_000 });
    const dead: string[] = [];
    outbox.on('dead', (d, error) => dead.push(`${d.id} after ${d.attempts}: ${error}`));
    await outbox.drain();
    for (let i = 0; i < 20 && dead.length === 0; i += 1) {
      now += 20_000;
      await outbox.drain();
    }
    expect(dead).toEqual([expect.stringMatching(/^t2:open:0 after \d+: HTTP 503$/)]);
    expect(await store.webhookDeliveries('venue-a', 'dead')).toHaveLength(1);
    expect(await store.claimWebhookDeliveries(now + 1e9, { limit: 10, leaseMs: 1 })).toEqual([]);
  });
});

function taskRecord(id: string): Task {
  return {
    id,
    causeKey: `unhappy-share:${id}`,
    rule: 'unhappy-share',
    subject: 'entrance',
    summary: 'unhappy presses at the entrance',
    owner: 'front-desk',
    state: 'open',
    openedAt: 1_000,
    acknowledgedAt: null,
    resolvedAt: null,
    verifiedAt: null,
    ackDeadline: 61_000,
    resolveDeadline: 121_000,
    escalation: 0,
  };
}
