import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.ts';
import { signedInUser, startTestHub, tempDir } from './support/fixtures.ts';
import { POLL } from './support/test-fixtures.ts';

describe("the hub's screens against other pages of the browser", () => {
  const dir = tempDir();
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  let manager: string;
  let browser: Browser;
  /** Another origin on the same host (same site, so the Strict cookie goes along): a would-be attacker. */
  let elsewhere: Server;
  let elsewhereUrl: string;

  beforeAll(async () => {
    hub = await startTestHub({ file: join(dir.path, 'hub.db') });
    manager = await signedInUser(hub, { username: 'boss', role: 'manager' });
    elsewhere = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><html><body>
        <form id="f" method="POST" action="${hub.url}/api/venues/venue-a/board-token"></form>
        <script>document.getElementById('f').submit()</script></body></html>`);
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    elsewhere?.close();
    await hub.close();
    dir.remove();
  });

  it.each(['/board/', '/staff/', '/manage/', '/ticket/', '/t/0190a0b0-0000-7000-8000-000000000000'])(
    '%s forbids framing, sniffing, referrers and foreign scripts',
    async (path) => {
      const response = await fetch(`${hub.url}${path}`, { redirect: 'manual' });
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe/);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    },
  );

  it("refuses a cross-site form POST riding on the manager's cookie, and the board link stays", async () => {
    const before = await hub.store.getBoardTokenHash('venue-a');
    const context = await browser.newContext();
    await context.addCookies([{ name: 'waitwell_session', value: manager, url: hub.url, sameSite: 'Strict' }]);
    const page = await context.newPage();
    const answer = page.waitForResponse((r) => r.url().endsWith('/board-token'));
    await page.goto(elsewhereUrl);
    const response = await answer;
    expect(response.status()).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'cross-origin' } });
    expect(await hub.store.getBoardTokenHash('venue-a')).toBe(before);
    await context.close();
  });

  it('lets the same change through from the hub’s own origin or with a Bearer token', async () => {
    const own = await fetch(`${hub.url}/api/venues/venue-a/board-token`, {
      method: 'POST',
      headers: { cookie: `waitwell_session=${manager}`, origin: hub.url },
    });
    expect(own.status).toBe(201);
    const bearer = await fetch(`${hub.url}/api/venues/venue-a/board-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${manager}`, origin: elsewhereUrl },
    });
    expect(bearer.status).toBe(201);
  });

  it('opens no /staff socket on the cookie from another origin', async () => {
    const connect = (origin: string) =>
      new Promise<string>((resolve) => {
        const socket = io(`${hub.url}/staff`, {
          auth: { venueId: 'venue-a' },
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
          extraHeaders: { cookie: `waitwell_session=${manager}`, origin },
        });
        socket.once('connect', () => {
          socket.disconnect();
          resolve('connected');
        });
        socket.once('connect_error', (error: Error & { data?: { code?: string } }) => {
          socket.disconnect();
          resolve(error.data?.code ?? error.message);
        });
      });
    expect(await connect(elsewhereUrl)).toBe('session-missing');
    expect(await connect(hub.url)).toBe('connected');
  });

  it('the board still renders under its Content-Security-Policy, with nothing refused', async () => {
    const token = await hub.venues.newBoardToken('venue-a');
    const page = await browser.newPage();
    const refused: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/.test(message.text())) refused.push(message.text());
    });
    await page.goto(`${hub.url}/board/?venue=venue-a#token=${token}`);
    await expect.poll(() => page.locator('h1').count(), POLL).toBeGreaterThan(0); // the board heading
    expect(refused).toEqual([]);
    await page.close();
  });
});
