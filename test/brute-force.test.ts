import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kioskConfigSchema } from '../kiosk/config.ts';
import { KioskRuntime } from '../kiosk/runtime.ts';
import { startTestHub, tempDir, TEST_REDIS_URL } from './support/fixtures.ts';
import { test } from './support/test-fixtures.ts';
import { LoginThrottle, Throttled } from '../server/auth/login-throttle.ts';

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: { error?: { code: string; message: string }; token?: string };
}

/**
 * A POST from a chosen loopback address (127.0.0.0/8 all reach the hub on 127.0.0.1), so one test
 * can be several clients, as the throttle sees them.
 */
function post(url: string, body: unknown, from = '127.0.0.1'): Promise<Answer> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', localAddress: from, headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'],
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Answer['body'],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

describe('sign-in is throttled per account and per address', () => {
  const dir = tempDir();
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  const login = (username: string, password: string, from?: string) =>
    post(`${hub.url}/api/login`, { username, password }, from);

  beforeAll(async () => {
    hub = await startTestHub({ file: join(dir.path, 'hub.db') });
    await hub.accounts.createUser({ username: 'mina', password: 'staff-pass-1', role: 'staff', venueIds: ['venue-a'] });
    await hub.accounts.createUser({ username: 'root', password: 'correct horse', role: 'admin' });
  });
  afterAll(async () => {
    await hub.close();
    dir.remove();
  });

  it('locks an account at one address after five wrong passwords, with Retry-After, not elsewhere', async () => {
    for (let i = 0; i < 5; i += 1)
      expect(await login('mina', `wrong-${i}`, '127.0.0.2')).toMatchObject({ status: 401 });
    const locked = await login('mina', 'staff-pass-1', '127.0.0.2');
    expect(locked.status).toBe(429);
    expect(locked.body.error).toMatchObject({ code: 'too-many-attempts', message: /try again in 15 min/ });
    expect(Number(locked.retryAfter)).toBeGreaterThan(800);
    // The same person from another address is not locked out by the guesser.
    expect(await login('mina', 'staff-pass-1', '127.0.0.3')).toMatchObject({ status: 200 });
  });

  it('answers a burst from one address at once instead of hashing it, and a real sign-in stays quick', async () => {
    const burst = Array.from({ length: 32 }, (_, i) => login(`nobody-${i}`, 'guess-guess', '127.0.0.4'));
    const real = login('root', 'correct horse', '127.0.0.5');
    const answers = await Promise.all(burst);
    expect((await real).status).toBe(200);
    const refused = answers.filter((a) => a.status === 429);
    // Two at a time are checked; what arrives meanwhile is refused without touching scrypt.
    expect(refused.length).toBeGreaterThanOrEqual(24);
    expect(refused.every((a) => a.retryAfter !== undefined)).toBe(true);
    expect(answers.filter((a) => a.status !== 429).every((a) => a.status === 401)).toBe(true);
  });
});

/** The counts themselves, without scrypt in between: in Redis, shared by every hub that uses it. */
describe('sign-in limits shared through Redis', () => {
  it('counts an address trying many accounts and an account tried from many addresses across two hubs', async () => {
    const location = `${TEST_REDIS_URL}?prefix=waitwell_test_${randomBytes(6).toString('hex')}`;
    const [hubA, hubB] = [LoginThrottle.create(location), LoginThrottle.create(location)];
    try {
      await Promise.all([hubA.ready(), hubB.ready()]);
      const tryOn = async (throttle: LoginThrottle, username: string, address: string) => {
        try {
          await throttle.attempt(username, address);
          throttle.finished(address);
          return 'counted';
        } catch (error) {
          if (error instanceof Throttled) return `throttled ${error.retryAfterSec}`;
          throw error;
        }
      };
      // Fifty accounts from one address, half through each hub: the 51st is refused on either.
      for (let i = 0; i < 50; i += 1) expect(await tryOn(i % 2 ? hubA : hubB, `user-${i}`, '10.0.0.1')).toBe('counted');
      expect(await tryOn(hubA, 'user-50', '10.0.0.1')).toMatch(/^throttled \d+/);
      // One account from twenty addresses (four each), then the 21st address is refused too.
      for (let i = 0; i < 20; i += 1)
        expect(await tryOn(i % 2 ? hubA : hubB, 'mina', `10.0.1.${Math.floor(i / 4)}`)).toBe('counted');
      expect(await tryOn(hubB, 'mina', '10.0.2.1')).toMatch(/^throttled/);
      // A success gives its attempt back: an address signing in rightly is never locked out by itself.
      for (let i = 0; i < 10; i += 1) {
        expect(await tryOn(hubA, 'lee', '10.0.3.1')).toBe('counted');
        await hubA.succeeded('lee', '10.0.3.1');
      }
      expect(await tryOn(hubB, 'lee', '10.0.3.1')).toBe('counted');
    } finally {
      hubA.close();
      hubB.close();
    }
  });
});

describe("the kiosk's staff PIN and body limit", () => {
  test('locks the staff panel after five wrong PINs and refuses a 70 KB body with 413', async ({ cleanups, dir }) => {
    const kiosk = new KioskRuntime(
      kioskConfigSchema.parse({
        hubUrl: 'http://127.0.0.1:9',
        venueId: 'venue-a',
        deviceId: 'k1',
        token: 'not-needed-offline',
        store: join(dir, 'k1.db'),
        screen: { adminPin: '4821' },
      }),
    );
    cleanups.push(() => kiosk.stop());
    await kiosk.start();
    const localUrl = kiosk.status().localUrl!;
    const unlock = (pin: string) => post(`${localUrl}/local/admin/unlock`, { pin });

    expect(await unlock('4821')).toMatchObject({ status: 200 });
    for (let i = 0; i < 5; i += 1) expect(await unlock(`000${i}`)).toMatchObject({ status: 403 });
    const locked = await unlock('4821');
    expect(locked.status).toBe(429);
    expect(locked.body.error?.code).toBe('too-many-attempts');
    expect(Number(locked.retryAfter)).toBeGreaterThan(0);
    expect((await post(`${localUrl}/local/admin/test-print`, { pin: '4821', printerId: 'p1' })).status).toBe(429);

    const big = await post(`${localUrl}/local/feedback`, {
      touchpointId: 'entrance',
      level: 3,
      note: 'x'.repeat(70 * 1024),
    });
    expect(big.status).toBe(413);
    expect(big.body.error).toMatchObject({ code: 'too-large', message: /over 64kb; nothing was recorded/ });
    expect(kiosk.status().outbox).toBe(0);
  });
});
