import { Semaphore } from 'async-mutex';
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** 256-bit random token, URL-safe: device tokens, board tokens and session ids. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Tokens are random and long, so a plain SHA-256 is enough to keep a stolen database from
 * yielding usable tokens; passwords are not, and get scrypt below.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function tokenMatches(token: string, expectedHash: string): boolean {
  const actual = Buffer.from(hashToken(token), 'hex');
  const expected = Buffer.from(expectedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

// OWASP's scrypt minimum (N=2^17, r=8, p=1) costs ~128 MiB and ~0.3 s here per login, which a kiosk
// hub can afford; the parameters are stored with each hash so they can be raised later.
const SCRYPT = { N: 2 ** 17, r: 8, p: 1, keyLength: 32 };

/**
 * Each scrypt holds 128 MiB: two at once (the hub's two cores), at most MAX_IN_LINE waiting or
 * running, so a flood of sign-ins costs a bounded 256 MiB and a short queue, never the hub.
 */
const hashing = new Semaphore(2);
const MAX_IN_LINE = 16;
let inLine = 0;

/** Too many passwords are being checked at once: the caller answers 503 and the client tries again. */
export class HashingBusy extends Error {
  constructor() {
    super('the hub is busy checking other sign-ins: try again in a few seconds');
    this.name = 'HashingBusy';
  }
}

async function scryptAsync(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  if (inLine >= MAX_IN_LINE) throw new HashingBusy();
  inLine += 1;
  try {
    return await hashing.runExclusive(
      () =>
        new Promise<Buffer>((resolve, reject) =>
          scrypt(password, salt, keyLength, { ...options, maxmem: 256 * 1024 * 1024 }, (error, key) =>
            error ? reject(error) : resolve(key),
          ),
        ),
    );
  } finally {
    inLine -= 1;
  }
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(actual, expected);
}

/** A readable password for generated first logins (the demo prints it). */
export function newPassword(): string {
  return randomBytes(12).toString('base64url');
}
