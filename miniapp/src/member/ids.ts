import Taro from '@tarojs/taro';

const DEVICE_KEY = 'huika.device';

function randomHex(bytes: number): string {
  const values = new Uint8Array(bytes);
  const crypto = (globalThis as { crypto?: { getRandomValues?: (array: Uint8Array) => Uint8Array } }).crypto;
  if (crypto?.getRandomValues) {
    crypto.getRandomValues(values);
  } else {
    // The mini-program runtime has no Web Crypto; these keys only need to be unique, not secret.
    for (let index = 0; index < bytes; index += 1) {
      values[index] = Math.floor(Math.random() * 256);
    }
  }
  return Array.from(values, (value) => value.toString(16).padStart(2, '0')).join('');
}

/** A fresh Idempotency-Key: one per confirmed action, reused only when that same action is retried. */
export function newIdempotencyKey(): string {
  return `m-${Date.now().toString(36)}-${randomHex(12)}`;
}

/** This installation's id for the self-referral guard (the server keeps only its hash). */
export function deviceId(): string {
  const stored: unknown = Taro.getStorageSync(DEVICE_KEY);
  if (typeof stored === 'string' && stored.length > 0) {
    return stored;
  }
  const created = `d-${randomHex(16)}`;
  Taro.setStorageSync(DEVICE_KEY, created);
  return created;
}
