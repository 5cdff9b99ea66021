import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { WaitCancelledError, Waitress, WaitTimeoutError } from './waitress.ts';

describe('Waitress', () => {
  it('gives each item to the oldest waiter that matches it, and says who took nothing', async () => {
    const waitress = new Waitress<number>();
    const even = waitress.waitFor((n) => (n % 2 === 0 ? `even ${n}` : undefined), {
      what: 'an even number',
      timeoutMs: 1000,
    });
    const anyFirst = waitress.waitFor((n) => n, { what: 'any number', timeoutMs: 1000 });
    const anySecond = waitress.waitFor((n) => n, { what: 'any number', timeoutMs: 1000 });
    expect(waitress.deliver(3)).toBe(true); // skips the even waiter, goes to the first "any"
    expect(waitress.deliver(4)).toBe(true); // the even waiter is older than the second "any"
    expect(waitress.deliver(5)).toBe(true);
    expect(waitress.deliver(6)).toBe(false);
    await expect(even).resolves.toBe('even 4');
    await expect(anyFirst).resolves.toBe(3);
    await expect(anySecond).resolves.toBe(5);
    expect(waitress.pending).toBe(0);
  });

  it('times out with an error naming what it waited for', async () => {
    const waitress = new Waitress<string>();
    const waiting = waitress.waitFor((s) => (s === 'OK' ? s : undefined), {
      what: 'the reply to DLE EOT 4 (paper status)',
      timeoutMs: 30,
    });
    waitress.deliver('nope');
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toBe('no the reply to DLE EOT 4 (paper status) within 30 ms');
    expect(waitress.pending).toBe(0);
    // A late reply is no longer taken.
    expect(waitress.deliver('OK')).toBe(false);
  });

  it('cancels all waiters with a reason, and honours an abort signal', async () => {
    const waitress = new Waitress<string>();
    const a = waitress.waitFor((s) => s, { what: 'a status reply', timeoutMs: 1000 });
    const controller = new AbortController();
    const b = waitress.waitFor((s) => s, { what: 'another reply', timeoutMs: 1000, signal: controller.signal });
    controller.abort(new Error('printer stopped'));
    await expect(b).rejects.toThrow('stopped waiting for another reply: printer stopped');
    waitress.cancelAll('the link dropped');
    await expect(a).rejects.toBeInstanceOf(WaitCancelledError);
    await expect(a).rejects.toThrow('stopped waiting for a status reply: the link dropped');
    await expect(waitress.waitFor((s) => s, { what: 'x', timeoutMs: 10, signal: controller.signal })).rejects.toThrow(
      /printer stopped/,
    );
  });

  it('a throwing matcher does not eat the item', async () => {
    const waitress = new Waitress<number>();
    const broken = waitress.waitFor<number>(
      () => {
        throw new Error('bug');
      },
      { what: 'broken', timeoutMs: 30 },
    );
    const good = waitress.waitFor((n) => n, { what: 'good', timeoutMs: 1000 });
    expect(waitress.deliver(1)).toBe(true);
    await expect(good).resolves.toBe(1);
    await expect(broken).rejects.toBeInstanceOf(WaitTimeoutError);
  });

  it('works over an event stream', async () => {
    const stream = new EventEmitter<{ data: [Buffer] }>();
    const waitress = new Waitress<number>();
    stream.on('data', (chunk) => {
      for (const byte of chunk) waitress.deliver(byte);
    });
    const waiting = waitress.waitFor((b) => ((b & 0x93) === 0x12 ? b : undefined), {
      what: 'a DLE EOT reply',
      timeoutMs: 1000,
    });
    stream.emit('data', Buffer.from([0x00, 0x7f, 0x16]));
    await expect(waiting).resolves.toBe(0x16);
  });
});
