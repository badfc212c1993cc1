import type { RateLimitRule } from '../../common/rate-limit/rate-limiter';

const TEN_MINUTES = 10 * 60 * 1000;

/** Join attempts per login identity: a person joins once; retries after a failed form are fine. */
export const JOIN_PER_IDENTITY: RateLimitRule = { name: 'join-identity', limit: 30, windowMs: TEN_MINUTES };

/** Join attempts per address: a store's poster brings many people behind one mobile network address. */
export const JOIN_PER_IP: RateLimitRule = { name: 'join-ip', limit: 300, windowMs: TEN_MINUTES };
