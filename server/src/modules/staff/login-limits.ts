import type { RateLimitRule } from '../../common/rate-limit/rate-limiter';

const FIFTEEN_MINUTES = 15 * 60 * 1000;

/** Failed staff logins per username: guessing one account's password. */
export const STAFF_LOGIN_PER_USERNAME: RateLimitRule = {
  name: 'staff-login-user',
  limit: 10,
  windowMs: FIFTEEN_MINUTES,
};

/**
 * Failed staff logins per IP address: guessing across accounts. Higher than per username because a store's
 * tills often share one address; successful logins do not count.
 */
export const STAFF_LOGIN_PER_IP: RateLimitRule = { name: 'staff-login-ip', limit: 30, windowMs: FIFTEEN_MINUTES };
