import type { RateLimitRule } from '../../common/rate-limit/rate-limiter';

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;

/** Texts to one phone: on top of the once-a-minute resend rule, a daily ceiling against SMS bombing. */
export const SMS_SEND_PER_PHONE: RateLimitRule = { name: 'sms-send-phone', limit: 10, windowMs: 24 * HOUR };

/** Texts requested from one address (mobile networks put many people behind one address: generous). */
export const SMS_SEND_PER_IP: RateLimitRule = { name: 'sms-send-ip', limit: 60, windowMs: HOUR };

/** Code checks per phone: each code burns after 5 wrong tries, this caps the tries across codes. */
export const SMS_VERIFY_PER_PHONE: RateLimitRule = { name: 'sms-verify-phone', limit: 20, windowMs: HOUR };

export const SMS_VERIFY_PER_IP: RateLimitRule = { name: 'sms-verify-ip', limit: 200, windowMs: HOUR };

/** WeChat logins per address: each costs a call to WeChat, whose quota is the brand's. */
export const WECHAT_LOGIN_PER_IP: RateLimitRule = { name: 'wechat-login-ip', limit: 120, windowMs: MINUTE };
