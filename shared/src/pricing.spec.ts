import fc from 'fast-check';
import {
  type ActiveCampaign,
  type BasketLine,
  earnedPoints,
  priceBasket,
  type PricingInput,
  PricingError,
  refundShare,
} from './pricing';
import { defaultProgramConfig, type ProgramConfig, type Tier } from './program';

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

describe('points campaigns within their budgets (DOMAIN §8)', () => {
  const entry = tier('normal');
  const silver = { ...entry, code: 'silver', pointsMultiplier: 1.5 };
  const double = (id: string, pointsBudgetLeft: number | null): ActiveCampaign => ({
    id,
    name: id,
    discountPercent: null,
    pointsMultiplierHundredths: 200,
    pointsBudgetLeft,
  });
  const earning = (base: number, campaigns: ActiveCampaign[], tier: Tier = entry, over: Partial<ProgramConfig> = {}) =>
    earnedPoints(base, { tier, program: { ...program, ...over }, isBirthday: false, campaigns, earnedToday: 0 });

  it('a campaign gives the points earned with it minus those without it, all of it within the budget', () => {
    expect(earning(100, [double('c', null)])).toEqual({
      pointsEarned: 200,
      campaignPoints: [{ campaignId: 'c', points: 100 }],
    });
    expect(earning(100, [double('c', 100)]).campaignPoints).toEqual([{ campaignId: 'c', points: 100 }]);
    // Over a 1.5x tier, double points add 50 of the 200.
    expect(earning(100, [double('c', 1000)], silver)).toEqual({
      pointsEarned: 200,
      campaignPoints: [{ campaignId: 'c', points: 50 }],
    });
  });

  it('gives only what is left of the budget, and no less than the other multipliers give', () => {
    expect(earning(100, [double('c', 30)])).toEqual({
      pointsEarned: 130,
      campaignPoints: [{ campaignId: 'c', points: 30 }],
    });
    expect(earning(100, [double('c', 30)], silver)).toEqual({
      pointsEarned: 180,
      campaignPoints: [{ campaignId: 'c', points: 30 }],
    });
    expect(earning(100, [double('c', 0)])).toEqual({ pointsEarned: 100, campaignPoints: [] });
  });

  it('measures the extra after the per-order cap', () => {
    const capped = { earning: { ...program.earning, perOrderCap: 150 } };
    expect(earning(100, [double('c', 1000)], entry, capped)).toEqual({
      pointsEarned: 150,
      campaignPoints: [{ campaignId: 'c', points: 50 }],
    });
  });

  it('counts a campaign without a cap first: a capped one pays only for what it adds on top', () => {
    const triple: ActiveCampaign = { ...double('t', 5), pointsMultiplierHundredths: 300 };
    // Highest wins: the uncapped double gives 100; the triple adds 100 more, of which its budget pays 5.
    expect(earning(100, [triple, double('d', null)])).toEqual({
      pointsEarned: 205,
      campaignPoints: [
        { campaignId: 'd', points: 100 },
        { campaignId: 't', points: 5 },
      ],
    });
  });

  it('the parts always add up: base points plus every campaign share, never more than without budgets', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.array(fc.tuple(fc.integer({ min: 101, max: 500 }), fc.option(fc.integer({ min: 0, max: 5_000 }))), {
          maxLength: 4,
        }),
        fc.boolean(),
        (base, specs, stack) => {
          const campaigns = specs.map(([hundredths, left], i) => ({
            ...double(`c${i}`, left),
            pointsMultiplierHundredths: hundredths,
          }));
          const over = { earning: { ...program.earning, stackMultipliers: stack } };
          const limited = earning(base, campaigns, entry, over);
          const unlimited = earning(
            base,
            campaigns.map((c) => ({ ...c, pointsBudgetLeft: null })),
            entry,
            over,
          );
          const without = earning(base, [], entry, over).pointsEarned;
          const shares = limited.campaignPoints.reduce((sum, c) => sum + c.points, 0);
          expect(limited.pointsEarned).toBe(without + shares);
          expect(limited.pointsEarned).toBeLessThanOrEqual(unlimited.pointsEarned);
          for (const share of limited.campaignPoints) {
            const left = campaigns.find((c) => c.id === share.campaignId)?.pointsBudgetLeft;
            if (left !== null && left !== undefined) expect(share.points).toBeLessThanOrEqual(left);
          }
        },
      ),
    );
  });
});
