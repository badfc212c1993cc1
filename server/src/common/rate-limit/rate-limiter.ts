import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError } from '../app-error';
import { Clock } from '../clock';
import { RateLimitRepository } from './rate-limit.repository';

/** At most `limit` hits per key in each fixed window of `windowMs`. */
export interface RateLimitRule {
  /** Short and unique, part of every counter's key: `staff-login-user`, `otp-phone`. */
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
}

/** A hit that was counted, so it can be taken back. */
export interface RateLimitHit {
  readonly rule: RateLimitRule;
  readonly key: string;
  readonly windowStart: number;
  readonly hits: number;
}

export interface RateLimitCheck {
  rule: RateLimitRule;
  key: string;
}

const MAX_BUCKET_KEY = 160;
/** Expired windows are deleted at most this often per instance. */
const SWEEP_EVERY_MS = 60_000;

/**
 * Fixed-window rate limits whose counters live in the database, so they hold across every server instance
 * on it (an in-process counter would multiply the limit by the number of instances). Windows follow the
 * shared Clock. A fixed window lets up to twice the limit through around a window boundary; for the
 * limits here (guessing passwords, codes) that is acceptable, and it keeps each check one row.
 *
 * Refusals are AppError RATE_LIMITED with `details.retryAfterSeconds`, which the exception filter turns
 * into a `retry-after` header.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger('RateLimiter');
  private lastSweep = 0;

  constructor(
    private readonly counters: RateLimitRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /**
   * Counts one hit against every check, or refuses with RATE_LIMITED when any of them is already at its limit
   * (a refused call counts nothing, so a flood of refused calls writes nothing). Calls racing each other at
   * the limit are settled by the atomic counter: the ones that overshoot take their hits back and are refused.
   */
  async consume(checks: readonly RateLimitCheck[]): Promise<RateLimitHit[]> {
    const now = this.clock.now();
    for (const { rule, key } of checks) {
      const windowStart = this.windowStart(rule, now);
      if ((await this.counters.read(this.bucket(rule, key), windowStart)) >= rule.limit) {
        throw this.refusal(rule, windowStart, now);
      }
    }
    const hits: RateLimitHit[] = [];
    for (const { rule, key } of checks) {
      const windowStart = this.windowStart(rule, now);
      const count = await this.counters.increment(this.bucket(rule, key), windowStart, windowStart + rule.windowMs);
      hits.push({ rule, key, windowStart, hits: count });
      if (count > rule.limit) {
        await this.release(hits);
        throw this.refusal(rule, windowStart, now);
      }
    }
    await this.sweepNowAndThen(now);
    return hits;
  }

  /** Takes counted hits back: the attempt turned out not to be one the limit is about (a right password). */
  async release(hits: readonly RateLimitHit[]): Promise<void> {
    for (const hit of hits) await this.counters.decrement(this.bucket(hit.rule, hit.key), hit.windowStart);
  }

  /** Hits left in the current window. */
  async remaining(rule: RateLimitRule, key: string): Promise<number> {
    const count = await this.counters.read(this.bucket(rule, key), this.windowStart(rule, this.clock.now()));
    return Math.max(0, rule.limit - count);
  }

  /** Forgets every window of the key. */
  async reset(rule: RateLimitRule, key: string): Promise<void> {
    await this.counters.clear(this.bucket(rule, key));
  }

  private windowStart(rule: RateLimitRule, now: number): number {
    return Math.floor(now / rule.windowMs) * rule.windowMs;
  }

  /** A key too long for the column (it may come from the caller) is replaced by its hash. */
  private bucket(rule: RateLimitRule, key: string): string {
    const bucket = `${rule.name}:${key}`;
    return bucket.length <= MAX_BUCKET_KEY ? bucket : `${rule.name}:#${createHash('sha256').update(key).digest('hex')}`;
  }

  private refusal(rule: RateLimitRule, windowStart: number, now: number): AppError {
    const retryAfterSeconds = Math.max(1, Math.ceil((windowStart + rule.windowMs - now) / 1000));
    return new AppError('RATE_LIMITED', `too many attempts; try again in ${retryAfterSeconds} s`, {
      retryAfterSeconds,
    });
  }

  /** Awaited, so no work outlives the request; one indexed DELETE a minute per instance. Never fails the call. */
  private async sweepNowAndThen(now: number): Promise<void> {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    try {
      await this.counters.sweep(now);
    } catch (error) {
      this.logger.warn(`sweeping expired rate-limit counters failed: ${String(error)}`);
    }
  }
}
