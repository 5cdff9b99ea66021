import { createHmac } from 'node:crypto';
import { backoffDelay, type BackoffPolicy } from '../../core/backoff.ts';

/**
 * Webhooks: a task pushed to a venue's other systems (a helpdesk, a chat channel) as an HTTP POST
 * of JSON, signed so the receiver can tell it came from this hub:
 *
 *   X-Waitwell-Signature: sha256=<hex HMAC-SHA256 of the raw body with the webhook's secret>
 *   X-Waitwell-Delivery:  <id, the same on every retry, for the receiver to drop duplicates>
 *
 * A non-2xx answer or a network error is retried with capped, jittered backoff; after the last
 * attempt the failure is reported (never thrown into the hub).
 */

export interface Webhook {
  url: string;
  secret: string;
}

export interface DeliveryResult {
  url: string;
  ok: boolean;
  attempts: number;
  status?: number;
  error?: string;
}

const WEBHOOK_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 5 * 60_000, jitter: 0.3 };

function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export async function deliver(
  webhook: Webhook,
  payload: unknown,
  options: {
    deliveryId: string;
    maxAttempts?: number;
    backoff?: BackoffPolicy;
    timeoutMs?: number;
    sleep?: (ms: number) => Promise<void>;
  },
): Promise<DeliveryResult> {
  const body = JSON.stringify(payload);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'waitwell-hub',
    'x-waitwell-signature': signBody(body, webhook.secret),
    'x-waitwell-delivery': options.deliveryId,
  };
  const maxAttempts = options.maxAttempts ?? 6;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref()));
  let last: DeliveryResult = { url: webhook.url, ok: false, attempts: 0 };
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      last = { url: webhook.url, ok: response.ok, attempts: attempt, status: response.status };
      await response.body?.cancel();
      if (response.ok) return last;
    } catch (error) {
      last = { url: webhook.url, ok: false, attempts: attempt, error: (error as Error).message };
    }
    if (attempt < maxAttempts) await sleep(backoffDelay(attempt, options.backoff ?? WEBHOOK_BACKOFF));
  }
  return last;
}
