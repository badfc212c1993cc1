import { isExchangeWindowOpen, refusalFor, type GiftTerms } from './gift-rules';
import { newPickupCode, PICKUP_ALPHABET, PICKUP_CODE_LENGTH } from './pickup-code';

const SHANGHAI = 'Asia/Shanghai';
const at = (iso: string) => Date.parse(iso);

describe('exchange windows', () => {
  it('is always open without a window', () => {
    expect(isExchangeWindowOpen(null, at('2026-01-15T12:00:00+08:00'), SHANGHAI)).toBe(true);
  });

  it('opens in the last month of each quarter, in the program time zone', () => {
    const quarterEnd = { kind: 'lastMonthOfQuarter' } as const;
    for (const month of ['03', '06', '09', '12']) {
      expect(isExchangeWindowOpen(quarterEnd, at(`2026-${month}-15T12:00:00+08:00`), SHANGHAI)).toBe(true);
    }
    for (const month of ['01', '02', '04', '05', '07', '08', '10', '11']) {
      expect(isExchangeWindowOpen(quarterEnd, at(`2026-${month}-15T12:00:00+08:00`), SHANGHAI)).toBe(false);
    }
    // 2026-03-31 20:00 UTC is already April 1st in Shanghai; 2026-02-28 17:00 UTC is March 1st there.
    expect(isExchangeWindowOpen(quarterEnd, at('2026-03-31T20:00:00Z'), SHANGHAI)).toBe(false);
    expect(isExchangeWindowOpen(quarterEnd, at('2026-02-28T17:00:00Z'), SHANGHAI)).toBe(true);
  });

  it('includes both ends of a date range, by local date', () => {
    const range = { kind: 'dateRange', from: '2026-05-01', to: '2026-05-07' } as const;
    expect(isExchangeWindowOpen(range, at('2026-05-01T00:00:00+08:00'), SHANGHAI)).toBe(true);
    expect(isExchangeWindowOpen(range, at('2026-05-07T23:59:59+08:00'), SHANGHAI)).toBe(true);
    expect(isExchangeWindowOpen(range, at('2026-04-30T23:59:59+08:00'), SHANGHAI)).toBe(false);
    expect(isExchangeWindowOpen(range, at('2026-05-08T00:00:00+08:00'), SHANGHAI)).toBe(false);
  });
});

describe('refusalFor', () => {
  const gift: GiftTerms = {
    pointsPrice: 100,
    stock: 5,
    perMemberLimit: 2,
    tiers: ['gold'],
    exchangeWindow: { kind: 'lastMonthOfQuarter' },
  };
  const june = at('2026-06-10T12:00:00+08:00');
  const member = { tierCode: 'gold', balance: 1000, redeemed: 0 };

  it('names the first rule broken, in the order a redemption checks them', () => {
    expect(refusalFor(gift, member, 1, june, SHANGHAI)).toBeNull();
    expect(
      refusalFor(gift, { ...member, tierCode: 'normal', balance: -5 }, 1, at('2026-05-10T12:00:00+08:00'), SHANGHAI),
    ).toBe('TIER_NOT_ELIGIBLE');
    expect(refusalFor(gift, { ...member, balance: -5 }, 1, at('2026-05-10T12:00:00+08:00'), SHANGHAI)).toBe(
      'OUTSIDE_EXCHANGE_WINDOW',
    );
    expect(refusalFor({ ...gift, stock: 0 }, { ...member, redeemed: 2 }, 1, june, SHANGHAI)).toBe('OUT_OF_STOCK');
    expect(refusalFor(gift, { ...member, redeemed: 2, balance: 0 }, 1, june, SHANGHAI)).toBe('LIMIT_REACHED');
    expect(refusalFor(gift, { ...member, redeemed: 1 }, 2, june, SHANGHAI)).toBe('LIMIT_REACHED');
    expect(refusalFor(gift, { ...member, balance: 199 }, 2, june, SHANGHAI)).toBe('POINTS_INSUFFICIENT');
  });

  it('refuses a member in debt, and ignores the limit when there is none', () => {
    const open: GiftTerms = { ...gift, tiers: null, exchangeWindow: null, perMemberLimit: null };
    expect(refusalFor(open, { ...member, balance: -1 }, 1, june, SHANGHAI)).toBe('POINTS_INSUFFICIENT');
    expect(refusalFor(open, { ...member, redeemed: 1000 }, 1, june, SHANGHAI)).toBeNull();
  });
});

describe('pickup codes', () => {
  it('are 10 characters of the unambiguous alphabet, and differ', () => {
    const codes = new Set(Array.from({ length: 1000 }, newPickupCode));
    expect(codes.size).toBe(1000);
    for (const code of codes) {
      expect(code).toHaveLength(PICKUP_CODE_LENGTH);
      expect([...code].every((c) => PICKUP_ALPHABET.includes(c))).toBe(true);
      expect(code).not.toMatch(/[01OI]/);
    }
  });
});
