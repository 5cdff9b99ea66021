import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HashingBusy, verifyPassword } from './secrets.ts';

describe('password hashing is bounded', () => {
  it('checks at most sixteen passwords at a time and answers the rest busy at once', async () => {
    // A stored hash carries its own cost: a cheap one (N=2^10) keeps the test quick, the bound is the same.
    const salt = randomBytes(16);
    const key = scryptSync('correct horse', salt, 32, { N: 1024, r: 8, p: 1 });
    const stored = ['scrypt', 1024, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => verifyPassword(i === 0 ? 'correct horse' : `guess-${i}`, stored)),
    );
    const busy = results.filter((r) => r.status === 'rejected' && r.reason instanceof HashingBusy);
    expect(busy).toHaveLength(4);
    expect(results[0]).toEqual({ status: 'fulfilled', value: true });
    expect(results.filter((r) => r.status === 'fulfilled' && r.value === false)).toHaveLength(15);
    // Once the line has cleared, a check goes through again.
    expect(await verifyPassword('correct horse', stored)).toBe(true);
  });
});
