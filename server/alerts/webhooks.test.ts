import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { deliver } from './webhooks.ts';

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

describe('webhook delivery', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });
  const fastBackoff = { baseMs: 10, maxMs: 50, jitter: 0 };

  it('signs the body with HMAC-SHA256 and retries until the receiver takes it', async () => {
    const hook = await receiver(2);
    closers.push(hook.close);
    const sleeps: number[] = [];
    const result = await deliver(
      { url: hook.url, secret: 's3cret' },
      { task: { id: 't1', summary: 'restroom unhappy' } },
      {
        deliveryId: 'd-1',
        backoff: fastBackoff,
        sleep: async (ms) => void sleeps.push(ms),
      },
    );
    expect(result).toEqual({ url: hook.url, ok: true, attempts: 3, status: 204 });
    expect(sleeps).toEqual([10, 20]);
    expect(hook.received).toHaveLength(3);
    for (const { headers, body } of hook.received) {
      expect(headers['x-waitwell-delivery']).toBe('d-1');
      expect(headers['x-waitwell-signature']).toBe(
        `sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`,
      );
      expect(JSON.parse(body)).toEqual({ task: { id: 't1', summary: 'restroom unhappy' } });
    }
  });

  it('gives up after the last attempt and says why, without throwing', async () => {
    const hook = await receiver(99);
    closers.push(hook.close);
    expect(
      await deliver({ url: hook.url, secret: 'x' }, {}, { deliveryId: 'd-2', maxAttempts: 3, backoff: fastBackoff }),
    ).toEqual({ url: hook.url, ok: false, attempts: 3, status: 503 });
    const unreachable = await deliver(
      { url: 'http://127.0.0.1:9/', secret: 'x' },
      {},
      { deliveryId: 'd-3', maxAttempts: 2, backoff: fastBackoff },
    );
    expect(unreachable).toMatchObject({ ok: false, attempts: 2, error: expect.any(String) });
  });
});
