/**
 * A token bucket: up to `capacity` calls at once, then `refillPerMinute` calls a minute. Time is in
 * milliseconds of a monotonic source.
 */
export interface TokenBucketRule {
  readonly capacity: number;
  readonly refillPerMinute: number;
}

export interface TokenBucket {
  /**
   * Tokens × one minute in ms: a millisecond refills `refillPerMinute` of it exactly, so whole milliseconds
   * add up without rounding drift (a token's worth is 60,000).
   */
  readonly credit: number;
  /** When `credit` was worked out. */
  readonly at: number;
}

export type TokenTake =
  | { readonly allowed: true; readonly bucket: TokenBucket }
  | { readonly allowed: false; readonly bucket: TokenBucket; readonly retryAfterMs: number };

const MINUTE_MS = 60_000;
/** What one call takes. */
export const TOKEN = MINUTE_MS;

/** The bucket as it stands at `now`: refilled for the time since it was last worked out, never above capacity. */
function refilled(bucket: TokenBucket | undefined, rule: TokenBucketRule, now: number): TokenBucket {
  const full = rule.capacity * TOKEN;
  if (!bucket) return { credit: full, at: now };
  // A clock that went backwards (it should not, being monotonic) refills nothing rather than draining.
  const elapsed = Math.max(0, now - bucket.at);
  return { credit: Math.min(full, bucket.credit + elapsed * rule.refillPerMinute), at: now };
}

/**
 * Takes one token for a call at `now`. A refused call takes nothing, so refused calls do not push the
 * next allowed one further away; `retryAfterMs` is when the next whole token will be there.
 */
export function takeToken(bucket: TokenBucket | undefined, rule: TokenBucketRule, now: number): TokenTake {
  const current = refilled(bucket, rule, now);
  if (current.credit >= TOKEN) return { allowed: true, bucket: { credit: current.credit - TOKEN, at: now } };
  return { allowed: false, bucket: current, retryAfterMs: Math.ceil((TOKEN - current.credit) / rule.refillPerMinute) };
}

/** How long after its last call a bucket is full again, and so no different from a bucket never used. */
export function refillTimeMs(rule: TokenBucketRule): number {
  return Math.ceil((rule.capacity * MINUTE_MS) / rule.refillPerMinute);
}
