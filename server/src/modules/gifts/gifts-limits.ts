import type { RateLimitRule } from '../../common/rate-limit/rate-limiter';

/**
 * Wrong pickup codes per staff member: guessing codes at a till. A right code takes its hit back, so a busy
 * pickup counter never runs into it; 20 wrong ones in 15 minutes lock the staff member out until the window ends.
 */
export const PICKUP_WRONG_CODE_PER_STAFF: RateLimitRule = {
  name: 'pickup-code-staff',
  limit: 20,
  windowMs: 15 * 60 * 1000,
};
