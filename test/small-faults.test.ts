import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInUser, startTestHub, tempDir, TEST_VENUE } from './support/fixtures.ts';

function refusal(url: string, auth: Record<string, unknown>): Promise<{ code?: string; message: string }> {
  return new Promise((resolve) => {
    const socket = io(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
    socket.once('connect', () => {
      socket.disconnect();
      resolve({ message: 'connected' });
    });
    socket.once('connect_error', (error: Error & { data?: { code?: string } }) => {
      socket.disconnect();
      resolve({ code: error.data?.code, message: error.message });
    });
  });
}

describe('small faults of the hub (issue 15, point 7)', () => {
  const dir = tempDir();
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  const get = async (path: string, headers: Record<string, string>) => {
    const response = await fetch(`${hub.url}/api${path}`, { headers });
    return { status: response.status, body: (await response.json()) as unknown };
  };

  beforeAll(async () => {
    hub = await startTestHub({
      file: join(dir.path, 'hub.db'),
      venue: { ...TEST_VENUE, webhooks: [{ url: 'http://127.0.0.1:9/hook', secret: 'webhook-secret-123456' }] },
    });
  });
  afterAll(async () => {
    await hub.close();
    dir.remove();
  });

  it('answers a session cookie that is not valid percent-encoding with 401, not 500', async () => {
    expect(await get('/me', { cookie: 'waitwell_session=%E0%A4%A' })).toMatchObject({
      status: 401,
      body: { error: { code: 'session-invalid' } },
    });
  });

  it('shows webhook secrets to admins only', async () => {
    const manager = await signedInUser(hub, { username: 'boss', role: 'manager' });
    const admin = await signedInUser(hub, { username: 'root', role: 'admin', venueIds: [] });
    const asManager = await get('/venues', { authorization: `Bearer ${manager}` });
    expect(JSON.stringify(asManager.body)).not.toContain('webhook-secret');
    expect(
      JSON.stringify((await get('/venues/venue-a/versions', { authorization: `Bearer ${manager}` })).body),
    ).not.toContain('webhook-secret');
    const saved = await fetch(`${hub.url}/api/venues/venue-a/journey`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${manager}`, 'content-type': 'application/json' },
      body: JSON.stringify({ touchpoints: TEST_VENUE.touchpoints }),
    });
    expect(saved.status).toBe(200);
    expect(await saved.text()).not.toContain('webhook-secret');
    expect(JSON.stringify((await get('/venues', { authorization: `Bearer ${admin}` })).body)).toContain(
      'webhook-secret-123456',
    );
  });

  it('refuses a board for an unknown venue in the same words as a wrong token', async () => {
    const unknown = await refusal(`${hub.url}/board`, { venueId: 'no-such-venue', token: 'guess' });
    const known = await refusal(`${hub.url}/board`, { venueId: 'venue-a', token: 'guess' });
    expect(unknown.code).toBe('board-token-invalid');
    expect(known.code).toBe('board-token-invalid');
    expect(unknown.message.replace('no-such-venue', 'X')).toBe(known.message.replace('venue-a', 'X'));
  });
});
