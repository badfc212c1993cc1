import { randomInt } from 'node:crypto';

/** Upper-case letters and digits without 0/O and 1/I, which are misread when typed from a phone screen. */
export const PICKUP_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** 10 characters of a 32-letter alphabet: 50 random bits, far beyond guessing at a rate-limited till. */
export const PICKUP_CODE_LENGTH = 10;

/** A new pickup code from a cryptographic source; the unique index settles the (rare) collision. */
export function newPickupCode(): string {
  let code = '';
  for (let i = 0; i < PICKUP_CODE_LENGTH; i += 1) code += PICKUP_ALPHABET[randomInt(PICKUP_ALPHABET.length)];
  return code;
}
