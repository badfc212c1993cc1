import type { RateLimitRule } from '../../common/rate-limit/rate-limiter';

const MINUTE = 60 * 1000;

/** Scans per staff member: far above a busy till, low enough to stop a script. */
export const POS_SCAN_PER_STAFF: RateLimitRule = { name: 'pos-scan-staff', limit: 300, windowMs: 10 * MINUTE };

/**
 * Wrong manual lookups (card number + last 4 digits of the phone) per card: after 5 in a row the card is
 * locked for manual lookup until the window ends; a right one starts the count again.
 */
export const POS_MANUAL_PER_CARD: RateLimitRule = { name: 'pos-manual-card', limit: 5, windowMs: 30 * MINUTE };

/** Wrong manual lookups per staff member, across cards: guessing card numbers. */
export const POS_MANUAL_PER_STAFF: RateLimitRule = { name: 'pos-manual-staff', limit: 30, windowMs: 15 * MINUTE };

/** Card reissues per member: each needs a text message anyway; this stops a loop. */
export const CARD_REISSUE_PER_MEMBER: RateLimitRule = { name: 'card-reissue', limit: 5, windowMs: 24 * 60 * MINUTE };
