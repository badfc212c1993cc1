import { randomInt } from 'node:crypto';
import { violatedUniqueKey } from '../members/unique-key';

/** Card numbers: the brand's prefix, random digits, and a Luhn check digit (DOMAIN §2: 12+ digits). */
const PREFIX = '8';
const RANDOM_DIGITS = 10;

/** The Luhn check digit for a string of digits. */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    // Doubling starts from the rightmost digit of the payload (the check digit goes after it).
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return (10 - (sum % 10)) % 10;
}

/** Whether a card number's last digit is its Luhn check digit: a mistyped digit is caught at the till. */
export function isValidCardNo(cardNo: string): boolean {
  if (!/^\d{12,20}$/.test(cardNo)) return false;
  return luhnCheckDigit(cardNo.slice(0, -1)) === Number(cardNo.slice(-1));
}

export function newCardNo(): string {
  let payload = PREFIX;
  for (let i = 0; i < RANDOM_DIGITS; i += 1) payload += String(randomInt(0, 10));
  return `${payload}${luhnCheckDigit(payload)}`;
}

/** Whether a unique violation is the card number's (a random collision, worth another number). */
export function isCardNoCollision(error: unknown): boolean {
  return violatedUniqueKey(error)?.includes('card_no') ?? false;
}

/** Runs `work` with fresh random card numbers until one is not taken (collisions are rare; a few tries). */
export async function withNewCardNo<T>(work: (cardNo: string) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work(newCardNo());
    } catch (error) {
      if (attempt >= 5 || !isCardNoCollision(error)) throw error;
    }
  }
}
