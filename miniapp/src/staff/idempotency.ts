import { useCallback, useRef } from 'react';
import { ApiError } from '../api/client';

/** A new Idempotency-Key. The mini-program has no Web Crypto; keys are scoped to one staff member, so time plus
 * 80 random bits is unique enough there. */
export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const random = Array.from({ length: 4 }, () => Math.floor(Math.random() * 0x100000).toString(36)).join('');
  return `${Date.now().toString(36)}-${random}`;
}

/**
 * A receipt number for a till purchase: the local date and time plus four random characters, unique enough
 * per store; the server refuses a repeat with DUPLICATE_RECEIPT and the next confirmation makes a new one.
 */
export function newReceiptNo(now: Date = new Date()): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const date = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}`;
  const time = `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  const suffix = Math.floor(Math.random() * 36 ** 4)
    .toString(36)
    .toUpperCase()
    .padStart(4, '0');
  return `H${date}${time}${suffix}`;
}

export interface Attempt {
  key: string;
  receiptNo: string;
}

/**
 * Whether the server gave a definite answer to a value-moving call. Definite answers (success and every 4xx,
 * which the server stores against the key and which moved nothing) end an attempt; after a lost connection,
 * a 5xx or a key still in progress the outcome is unknown, and the retry must carry the same key.
 */
export function isDefiniteAnswer(error: unknown): boolean {
  if (!(error instanceof ApiError) || error.status === null) return false;
  return error.status < 500 && error.code !== 'IDEMPOTENCY_KEY_IN_PROGRESS';
}

/**
 * One Idempotency-Key (and receipt number) per confirmation: the same request sent again gets the same key,
 * a changed request gets a new one (the server would refuse a reused key with another body).
 */
export function useAttempt(): { attemptFor: (request: unknown) => Attempt; endAttempt: () => void } {
  const current = useRef<{ fingerprint: string; attempt: Attempt } | null>(null);
  const attemptFor = useCallback((request: unknown): Attempt => {
    const fingerprint = JSON.stringify(request);
    if (current.current?.fingerprint !== fingerprint) {
      current.current = { fingerprint, attempt: { key: newIdempotencyKey(), receiptNo: newReceiptNo() } };
    }
    return current.current.attempt;
  }, []);
  const endAttempt = useCallback(() => {
    current.current = null;
  }, []);
  return { attemptFor, endAttempt };
}
