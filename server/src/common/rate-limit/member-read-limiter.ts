import { performance } from 'node:perf_hooks';
import type { MemberAuth } from '../auth.types';
import { AppError } from '../app-error';
import { MEMBER_READ_DEFAULTS, type MemberReadLimitConfig } from '../../config/config';
import { refillTimeMs, takeToken, type TokenBucket, type TokenBucketRule } from './token-bucket';

/** About 100 bytes a key: a few MB at most, whatever the callers do. */
const DEFAULT_MAX_KEYS = 50_000;

/**
 * A per-member limit on member reads (GET routes), kept in this instance's memory. The database-backed
 * RateLimiter would turn each read into a write; for reads a per-instance limit is enough: it exists to keep
 * one member from loading the database every till shares, and N instances let through at most N times the
 * limit, which is still a bounded load. Writes that need one shared count (logins, codes) keep RateLimiter.
 *
 * Time is a monotonic clock, not the shared Clock: the limit is about real load now, and the dev clock
 * jumps by months, which would refill or drain every bucket at once.
 */
export class MemberReadLimiter {
  private readonly rule: TokenBucketRule;
  private readonly idleAfterMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  /** In order of last call, oldest first (a key is re-inserted on each call). */
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(config: MemberReadLimitConfig = MEMBER_READ_DEFAULTS) {
    this.rule = { capacity: config.burst, refillPerMinute: config.perMinute };
    this.idleAfterMs = refillTimeMs(this.rule);
    this.maxKeys = config.maxKeys ?? DEFAULT_MAX_KEYS;
    this.now = config.now ?? (() => performance.now());
  }

  /** Counts one read by the caller, or refuses it with RATE_LIMITED and when to try again. */
  take(auth: MemberAuth): void {
    // Before joining there is no member id yet; the login identity stands in for it.
    const key = auth.memberId ? `m:${auth.memberId}` : `i:${auth.identity}`;
    const now = this.now();
    this.forgetIdle(now);
    const taken = takeToken(this.buckets.get(key), this.rule, now);
    this.buckets.delete(key);
    this.buckets.set(key, taken.bucket);
    // Past the cap the least recently seen key goes: a caller being limited is always the most recent one.
    if (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next();
      if (!oldest.done) this.buckets.delete(oldest.value);
    }
    if (!taken.allowed) {
      const retryAfterSeconds = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
      throw new AppError('RATE_LIMITED', `too many requests; try again in ${retryAfterSeconds} s`, {
        retryAfterSeconds,
      });
    }
  }

  /** Keys remembered now (bounded by the cap). */
  get size(): number {
    return this.buckets.size;
  }

  /** A bucket untouched long enough to be full is the same as none: forgotten, oldest first, stopping at a recent one. */
  private forgetIdle(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.at < this.idleAfterMs) return;
      this.buckets.delete(key);
    }
  }
}
