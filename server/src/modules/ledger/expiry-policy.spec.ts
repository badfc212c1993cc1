import { expiresAtFor } from './expiry-policy';

const TZ = 'Asia/Shanghai';
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe('expiry policy', () => {
  it('natural year: points earned in 2026 expire when 2027 begins in Shanghai', () => {
    const expires = expiresAtFor({ kind: 'naturalYear' }, at('2026-03-15T10:00:00+08:00'), TZ, 'purchase');
    expect(iso(expires)).toBe(new Date('2027-01-01T00:00:00+08:00').toISOString());
    const lateDec30 = expiresAtFor({ kind: 'naturalYear' }, at('2026-12-30T23:59:59+08:00'), TZ, 'purchase');
    expect(iso(lateDec30)).toBe(new Date('2027-01-01T00:00:00+08:00').toISOString());
  });

  it('natural year: what is earned on Dec 31 counts toward the next year', () => {
    for (const moment of ['2026-12-31T00:00:00+08:00', '2026-12-31T23:59:59+08:00']) {
      const expires = expiresAtFor({ kind: 'naturalYear' }, at(moment), TZ, 'purchase');
      expect(iso(expires)).toBe(new Date('2028-01-01T00:00:00+08:00').toISOString());
    }
  });

  it('counts the day in the program time zone, not UTC', () => {
    // 2026-12-30T16:30Z is already Dec 31 in Shanghai.
    const expires = expiresAtFor({ kind: 'naturalYear' }, at('2026-12-30T16:30:00Z'), TZ, 'purchase');
    expect(iso(expires)).toBe(new Date('2028-01-01T00:00:00+08:00').toISOString());
  });

  it('rolling months and never', () => {
    const rolling = expiresAtFor(
      { kind: 'rollingMonths', months: 12 },
      at('2026-02-28T12:00:00+08:00'),
      TZ,
      'purchase',
    );
    expect(iso(rolling)).toBe(new Date('2027-02-28T12:00:00+08:00').toISOString());
    expect(expiresAtFor({ kind: 'never' }, at('2026-02-28T12:00:00+08:00'), TZ, 'purchase')).toBeNull();
  });

  it('top-up bonus points never expire, whatever the policy', () => {
    expect(expiresAtFor({ kind: 'naturalYear' }, at('2026-05-01T00:00:00+08:00'), TZ, 'topup')).toBeNull();
  });
});
