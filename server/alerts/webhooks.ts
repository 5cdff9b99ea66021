import { createHmac } from 'node:crypto';

/**
 * Webhooks: a task pushed to a venue's other systems (a helpdesk, a chat channel) as an HTTP POST
 * of JSON, signed so the receiver can tell it came from this hub:
 *
 *   X-Waitwell-Signature: sha256=<hex HMAC-SHA256 of the raw body with the webhook's secret>
 *   X-Waitwell-Delivery:  <id, the same on every retry, for the receiver to drop duplicates>
 *
 * One attempt here; retries, backoff and giving up belong to the outbox (webhook-outbox.ts).
 */

export interface Webhook {
  url: string;
  secret: string;
}

export interface AttemptResult {
  ok: boolean;
  status?: number;
  error?: string;
}

function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** POSTs `body` once; any 2xx is delivered, anything else (or no answer in time) is not. */
export async function attemptDelivery(
  webhook: Webhook,
  body: string,
  options: { deliveryId: string; timeoutMs?: number },
): Promise<AttemptResult> {
  try {
    const response = await fetch(webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'waitwell-hub',
        'x-waitwell-signature': signBody(body, webhook.secret),
        'x-waitwell-delivery': options.deliveryId,
      },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    await response.body?.cancel();
    return { ok: response.ok, status: response.status };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
