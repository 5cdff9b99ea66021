import { Redis } from 'ioredis';
import {
  type IRateLimiterOptions,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { parseRedisLocation } from '../cluster/redis-location.ts';

/** A sign-in refused before any password was checked: too many attempts; try again after `retryAfterSec`. */
export class Throttled extends Error {
  constructor(
    readonly retryAfterSec: number,
    message: string,
  ) {
    super(message);
    this.name = 'Throttled';
  }
}

/**
 * Sign-in limits (docs/security.md). Every attempt counts when it starts (so a burst sent at once
 * is held back too) and a successful one is given back: only failures add up.
 *   - one account from one address: 5 in 15 min, then 15 min locked (guessing one password);
 *   - one account from anywhere: 20 in an hour (guessing it from many addresses);
 *   - one address, any accounts: 50 in an hour (trying many accounts).
 */
const LIMITS = {
  accountAddress: { points: 5, duration: 15 * 60, blockDuration: 15 * 60 },
  account: { points: 20, duration: 60 * 60, blockDuration: 15 * 60 },
  address: { points: 50, duration: 60 * 60, blockDuration: 15 * 60 },
} satisfies Record<string, IRateLimiterOptions>;

/** Sign-ins of one address checked at once; more are answered 429 at once instead of queueing. */
const MAX_IN_FLIGHT = 2;

type Limiters = Record<keyof typeof LIMITS, RateLimiterAbstract>;

/**
 * Counts sign-in attempts with rate-limiter-flexible: in memory for a hub alone, in Redis for
 * hubs that share one, so an attacker gains nothing by spreading attempts over the hubs. A Redis
 * outage falls back to this hub's memory (the library's insurance limiter) instead of failing open.
 */
export class LoginThrottle {
  /** Sign-ins being checked now, per address: a burst from one address cannot fill the hashing queue. */
  private readonly inFlight = new Map<string, number>();

  private constructor(
    private readonly limiters: Limiters,
    private readonly redis: Redis | undefined,
  ) {}

  static create(redisLocation?: string): LoginThrottle {
    if (!redisLocation)
      return new LoginThrottle(
        mapLimits((name, options) => new RateLimiterMemory({ ...options, keyPrefix: `login:${name}` })),
        undefined,
      );
    const { url, prefix } = parseRedisLocation(redisLocation);
    // Its own connection without an offline queue: a limit check during an outage must not wait
    // for Redis (the cluster's clients queue their commands), it goes to the insurance limiter.
    const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined); // the cluster's clients report the outage
    const limiters = mapLimits(
      (name, options) =>
        new RateLimiterRedis({
          ...options,
          storeClient: redis,
          keyPrefix: `${prefix}:login:${name}`,
          rejectIfRedisNotReady: true,
          insuranceLimiter: new RateLimiterMemory({ ...options, keyPrefix: `login:${name}` }),
        }),
    );
    return new LoginThrottle(limiters, redis);
  }

  /**
   * Counts an attempt; throws Throttled (nothing checked) when any limit is reached or the address
   * already has MAX_IN_FLIGHT sign-ins being checked. Call finished(address) after an attempt passed.
   */
  async attempt(username: string, address: string): Promise<void> {
    const running = this.inFlight.get(address) ?? 0;
    if (running >= MAX_IN_FLIGHT)
      throw new Throttled(1, 'a sign-in from this address is still being checked: wait for its answer, then try again');
    const keys = this.keys(username, address);
    const refusals = await Promise.all(
      (Object.keys(keys) as (keyof Limiters)[]).map((name) =>
        this.limiters[name].consume(keys[name]).then(
          () => undefined,
          (rejection: unknown) => {
            if (rejection instanceof RateLimiterRes) return rejection.msBeforeNext;
            throw rejection;
          },
        ),
      ),
    );
    const waitMs = Math.max(0, ...refusals.filter((ms): ms is number => ms !== undefined));
    if (waitMs > 0) {
      const retryAfterSec = Math.ceil(waitMs / 1000);
      throw new Throttled(
        retryAfterSec,
        `too many sign-in attempts: try again in ${describeWait(retryAfterSec)}, or ask an admin to check the account`,
      );
    }
    this.inFlight.set(address, (this.inFlight.get(address) ?? 0) + 1);
  }

  /** An attempt that passed attempt() has been answered, whatever the answer. */
  finished(address: string): void {
    const left = (this.inFlight.get(address) ?? 1) - 1;
    if (left > 0) this.inFlight.set(address, left);
    else this.inFlight.delete(address);
  }

  /** A successful sign-in: its attempt is given back, and the account's failures from this address forgotten. */
  async succeeded(username: string, address: string): Promise<void> {
    const keys = this.keys(username, address);
    await Promise.all([
      this.limiters.accountAddress.delete(keys.accountAddress),
      this.limiters.account.reward(keys.account, 1),
      this.limiters.address.reward(keys.address, 1),
    ]);
  }

  /** Resolves once the shared counts can be reached (at once without Redis); until then this hub counts alone. */
  async ready(): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.status === 'ready') return;
    await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  }

  close(): void {
    this.redis?.disconnect();
  }

  private keys(username: string, address: string): Record<keyof Limiters, string> {
    const account = username.toLowerCase();
    return { accountAddress: `${account}@${address}`, account, address };
  }
}

function mapLimits(make: (name: string, options: IRateLimiterOptions) => RateLimiterAbstract): Limiters {
  return {
    accountAddress: make('account-address', LIMITS.accountAddress),
    account: make('account', LIMITS.account),
    address: make('address', LIMITS.address),
  };
}

function describeWait(seconds: number): string {
  return seconds < 60 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}
