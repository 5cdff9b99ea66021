/**
 * Requests that expect a reply (ARCHITECTURE.md "Contracts"): a caller registers what it waits for as a
 * matcher with a timeout, and whatever the device sends is offered to the waiters in the order
 * they started waiting. A reply goes to the first waiter whose matcher accepts it, so two
 * questions with the same kind of answer (DLE EOT 1, then DLE EOT 4) get their answers in order.
 * Generic over what arrives: decoded frames, status replies, lines, single bytes.
 */
export class WaitTimeoutError extends Error {
  constructor(
    /** What was waited for, as given by the caller: "the reply to DLE EOT 4 (paper status)". */
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`no ${what} within ${timeoutMs} ms`);
    this.name = 'WaitTimeoutError';
  }
}

export class WaitCancelledError extends Error {
  constructor(
    readonly what: string,
    readonly reason: string,
  ) {
    super(`stopped waiting for ${what}: ${reason}`);
    this.name = 'WaitCancelledError';
  }
}

/** Returns the value to resolve with, or undefined to let the item pass to the next waiter. */
export type Matcher<Item, Result> = (item: Item) => Result | undefined;

export interface WaitOptions {
  /** Names the awaited reply in the timeout error: "the reply to DLE EOT 4 (paper status)". */
  what: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

interface Waiter<Item> {
  what: string;
  offer(item: Item): boolean;
  cancel(error: Error): void;
}

export class Waitress<Item> {
  private waiters: Waiter<Item>[] = [];

  /** How many are waiting, for diagnostics and tests. */
  get pending(): number {
    return this.waiters.length;
  }

  /** Resolves with what `matcher` made of the first matching item; rejects on timeout, abort or cancelAll. */
  waitFor<Result>(matcher: Matcher<Item, Result>, options: WaitOptions): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(new WaitCancelledError(options.what, abortReason(options.signal)));
        return;
      }
      const done = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.waiters = this.waiters.filter((w) => w !== waiter);
      };
      const waiter: Waiter<Item> = {
        what: options.what,
        offer: (item) => {
          const result = matcher(item);
          if (result === undefined) return false;
          done();
          resolve(result);
          return true;
        },
        cancel: (error) => {
          done();
          reject(error);
        },
      };
      const timer = setTimeout(
        () => waiter.cancel(new WaitTimeoutError(options.what, options.timeoutMs)),
        options.timeoutMs,
      );
      const onAbort = () => waiter.cancel(new WaitCancelledError(options.what, abortReason(options.signal!)));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /**
   * Offers an item to the waiters, oldest first; the first that accepts it takes it. Returns
   * whether anyone took it (an unrequested reply is for the caller to log or ignore). A matcher
   * that throws is treated as not matching: one waiter's bug must not eat another's reply.
   */
  deliver(item: Item): boolean {
    for (const waiter of [...this.waiters]) {
      let taken = false;
      try {
        taken = waiter.offer(item);
      } catch {
        taken = false;
      }
      if (taken) return true;
    }
    return false;
  }

  /** Rejects every waiter, e.g. when the link drops and no reply can come any more. */
  cancelAll(reason: string): void {
    for (const waiter of [...this.waiters]) waiter.cancel(new WaitCancelledError(waiter.what, reason));
  }
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason.message;
  return reason === undefined ? 'aborted' : String(reason);
}
