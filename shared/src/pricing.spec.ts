import fc from 'fast-check';
import { type BasketLine, priceBasket, type PricingInput, PricingError, refundShare } from './pricing';
import { defaultProgramConfig, type Tier } from './program';

const program = defaultProgramConfig();
const tier = (code: string): Tier => {
  const found = program.tiers.ladder.find((t) => t.code === code);
  if (!found) throw new Error(code);
  return found;
};

function input(overrides: Partial<PricingInput>): PricingInput {
  return {
    lines: [],
    program,
    tier: tier('normal'),
    isMemberDay: false,
    isBirthday: false,
    campaigns: [],
    coupons: [],
    pointsToUse: 0,
    payWithBalanceFen: 0,
    earnedToday: 0,
    ...overrides,
  };
}

const eligible200: BasketLine = { sku: 'A1', name: '衬衫', unitPriceFen: 10000, quantity: 2 };
const special50: BasketLine = { sku: 'S1', name: '特价袜子', unitPriceFen: 5000, quantity: 1, pointsEligible: false };

describe('pricing on the default program (DOMAIN §3, §7, §8)', () => {
  it('earns 1 point per ¥1 paid; specials earn nothing and get no member discount', () => {
    const result = priceBasket(input({ lines: [eligible200, special50] }));
    expect(result.totals).toEqual({
      grossFen: 25000,
      discountFen: 0,
      couponFen: 0,
      pointsCashFen: 0,
      balancePaidFen: 0,
      payableFen: 25000,
    });
    expect(result.pointsEarned).toBe(200);
    expect(result.lines.map((l) => l.pointsEarned)).toEqual([200, 0]);
  });

  it('on the 19th a 普通 member buying ¥200 eligible + ¥50 special pays ¥230 and earns 180 points', () => {
    const result = priceBasket(input({ lines: [eligible200, special50], isMemberDay: true }));
    expect(result.totals.payableFen).toBe(23000);
    expect(result.totals.discountFen).toBe(2000);
    expect(result.pointsEarned).toBe(180);
    expect(result.discount).toEqual({ source: 'memberDay', percent: 90, campaignId: null });
    expect(result.lines[1]).toMatchObject({ discountFen: 0, pointsEarned: 0, paidFen: 5000 });
  });

  it('银卡/金卡/钻石 get 9/8/7折, and the better of tier and member day applies', () => {
    const line: BasketLine = { sku: 'A', name: 'x', unitPriceFen: 100000, quantity: 1 };
    expect(priceBasket(input({ lines: [line], tier: tier('silver') })).totals.payableFen).toBe(90000);
    expect(priceBasket(input({ lines: [line], tier: tier('gold') })).totals.payableFen).toBe(80000);
    expect(priceBasket(input({ lines: [line], tier: tier('diamond') })).totals.payableFen).toBe(70000);
    // Member day 9折 does not stack with gold's 8折: the better one applies.
    const goldOnMemberDay = priceBasket(input({ lines: [line], tier: tier('gold'), isMemberDay: true }));
    expect(goldOnMemberDay.totals.payableFen).toBe(80000);
    expect(goldOnMemberDay.discount.source).toBe('tier');
    // A campaign better than the tier wins instead.
    const campaign = { id: 'c1', name: '周年庆', discountPercent: 75, pointsMultiplierHundredths: null };
    expect(priceBasket(input({ lines: [line], tier: tier('gold'), campaigns: [campaign] })).discount).toEqual({
      source: 'campaign',
      percent: 75,
      campaignId: 'c1',
    });
  });

  it('gives gold the member-day price every day (pharmacy seed) but no stacking', () => {
    const line: BasketLine = { sku: 'A', name: 'x', unitPriceFen: 10000, quantity: 1 };
    const goldEveryDay = { ...tier('gold'), discountPercent: 100 };
    expect(priceBasket(input({ lines: [line], tier: goldEveryDay })).totals.payableFen).toBe(9000);
  });

  it('applies birthday multipliers 2x/3x/5x by tier, highest multiplier wins', () => {
    const line: BasketLine = { sku: 'A', name: 'x', unitPriceFen: 10000, quantity: 1 };
    const earned = (code: string, isBirthday: boolean) =>
      priceBasket(input({ lines: [line], tier: tier(code), isBirthday })).pointsEarned;
    expect(earned('normal', true)).toBe(100);
    expect(earned('silver', true)).toBe(90 * 2);
    expect(earned('gold', true)).toBe(80 * 3);
    expect(earned('diamond', true)).toBe(70 * 5);
    expect(earned('diamond', false)).toBe(70);
    const double = { id: 'd', name: '双倍积分日', discountPercent: null, pointsMultiplierHundredths: 200 };
    expect(
      priceBasket(input({ lines: [line], tier: tier('gold'), isBirthday: true, campaigns: [double] })).multiplier,
    ).toEqual({
      value: 3,
      factors: [300],
      sources: ['birthday'],
    });
  });

  it('rounds points down per order', () => {
    const line: BasketLine = { sku: 'A', name: 'x', unitPriceFen: 999, quantity: 3 };
    expect(priceBasket(input({ lines: [line] })).pointsEarned).toBe(29);
  });

  it('takes points as cash at 100 points = ¥1 within the maximum share, and earns nothing on them', () => {
    const line: BasketLine = { sku: 'A', name: 'x', unitPriceFen: 10000, quantity: 1 };
    const result = priceBasket(input({ lines: [line], pointsToUse: 2000 }));
    expect(result.totals.pointsCashFen).toBe(2000);
    expect(result.pointsSpent).toBe(2000);
    expect(result.totals.payableFen).toBe(8000);
    expect(result.pointsEarned).toBe(80);
    const clamped = priceBasket(input({ lines: [line], pointsToUse: 9000 }));
    expect(clamped.totals.pointsCashFen).toBe(5000);
    expect(clamped.pointsSpent).toBe(5000);
    expect(clamped.pointsClamped).toBe(true);
  });

  it('refuses points below the minimum order', () => {
    const strict = { ...program, pointsAsCash: { ...program.pointsAsCash, minOrderFen: 5000 } };
    const line: BasketLine = { sku: 'A', name: 'x', unitPriceFen: 1000, quantity: 1 };
    expect(() => priceBasket(input({ lines: [line], program: strict, pointsToUse: 100 }))).toThrow(PricingError);
  });

  it('caps points per order and per day when configured', () => {
    const capped = { ...program, earning: { ...program.earning, perOrderCap: 150, dailyCap: 300 } };
    const line: BasketLine = { sku: 'A', name: 'x', unitPriceFen: 50000, quantity: 1 };
    expect(priceBasket(input({ lines: [line], program: capped })).pointsEarned).toBe(150);
    expect(priceBasket(input({ lines: [line], program: capped, earnedToday: 250 })).pointsEarned).toBe(50);
    expect(priceBasket(input({ lines: [line], program: capped, earnedToday: 400 })).pointsEarned).toBe(0);
  });

  it('applies a coupon after the member discount and earns only on what was paid', () => {
    const result = priceBasket(
      input({ lines: [eligible200, special50], coupons: [{ couponId: 'c', amountFen: 1000 }] }),
    );
    expect(result.totals).toMatchObject({ couponFen: 1000, payableFen: 24000 });
    expect(result.lines.reduce((s, l) => s + l.couponFen, 0)).toBe(1000);
    expect(result.pointsEarned).toBe(192);
  });

  it('refuses baskets that make no sense', () => {
    expect(() => priceBasket(input({ lines: [] }))).toThrow(PricingError);
    expect(() => priceBasket(input({ lines: [{ sku: 'A', name: 'x', unitPriceFen: -1, quantity: 1 }] }))).toThrow(
      PricingError,
    );
    expect(() => priceBasket(input({ lines: [{ sku: 'A', name: 'x', unitPriceFen: 1, quantity: 0 }] }))).toThrow(
      PricingError,
    );
  });
});

describe('pricing properties', () => {
  const lineArb = fc.record({
    sku: fc.string({ minLength: 1, maxLength: 8 }),
    name: fc.constant('商品'),
    unitPriceFen: fc.integer({ min: 0, max: 2_000_000 }),
    quantity: fc.integer({ min: 1, max: 20 }),
    pointsEligible: fc.boolean(),
  });
  const situationArb = fc.record({
    lines: fc.array(lineArb, { minLength: 1, maxLength: 8 }),
    tierCode: fc.constantFrom('normal', 'silver', 'gold', 'diamond'),
    isMemberDay: fc.boolean(),
    isBirthday: fc.boolean(),
    couponFen: fc.integer({ min: 0, max: 100_000 }),
    pointsToUse: fc.integer({ min: 0, max: 5_000_000 }),
    payWithBalanceFen: fc.integer({ min: 0, max: 10_000_000 }),
  });

  it('gross − discount − coupons − points cash − stored value = payable ≥ 0, and lines add up to totals', () => {
    fc.assert(
      fc.property(situationArb, (s) => {
        const result = priceBasket(
          input({
            lines: s.lines,
            tier: tier(s.tierCode),
            isMemberDay: s.isMemberDay,
            isBirthday: s.isBirthday,
            coupons: s.couponFen ? [{ couponId: 'c', amountFen: s.couponFen }] : [],
            pointsToUse: s.pointsToUse,
            payWithBalanceFen: s.payWithBalanceFen,
          }),
        );
        const t = result.totals;
        expect(t.grossFen - t.discountFen - t.couponFen - t.pointsCashFen - t.balancePaidFen).toBe(t.payableFen);
        expect(t.payableFen).toBeGreaterThanOrEqual(0);
        const sum = (key: 'grossFen' | 'discountFen' | 'couponFen' | 'pointsCashFen' | 'balancePaidFen') =>
          result.lines.reduce((acc, line) => acc + line[key], 0);
        expect(sum('grossFen')).toBe(t.grossFen);
        expect(sum('discountFen')).toBe(t.discountFen);
        expect(sum('couponFen')).toBe(t.couponFen);
        expect(sum('pointsCashFen')).toBe(t.pointsCashFen);
        expect(sum('balancePaidFen')).toBe(t.balancePaidFen);
        expect(result.lines.reduce((acc, line) => acc + line.pointsEarned, 0)).toBe(result.pointsEarned);
        for (const line of result.lines) {
          expect(line.paidFen).toBeGreaterThanOrEqual(0);
          if (!line.pointsEligible) expect(line).toMatchObject({ discountFen: 0, pointsEarned: 0 });
        }
      }),
    );
  });

  it('partial refunds of a line add up to its full refund', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc
          .integer({ min: 1, max: 30 })
          .chain((quantity) =>
            fc.tuple(fc.constant(quantity), fc.array(fc.integer({ min: 1, max: quantity }), { maxLength: 30 })),
          ),
        (amount, [quantity, chunks]) => {
          let refunded = 0;
          let total = 0;
          for (const chunk of chunks) {
            const take = Math.min(chunk, quantity - refunded);
            if (take === 0) break;
            total += refundShare(amount, quantity, refunded, take);
            refunded += take;
          }
          const rest = quantity - refunded;
          if (rest > 0) total += refundShare(amount, quantity, refunded, rest);
          expect(total).toBe(amount);
        },
      ),
    );
  });
});
