import { defaultProgramConfig, priceBasket, type Tier } from '@huika/shared';
import fc from 'fast-check';
import { applyCoupons, type CouponTerms, type LineAtTill, stackingBreaker } from './coupon-engine';

const NOW = Date.parse('2026-11-03T12:00:00+08:00');
const DAY = 24 * 60 * 60 * 1000;

function coupon(overrides: Partial<CouponTerms> = {}): CouponTerms {
  return {
    id: 'C1',
    name: '¥10 券',
    kind: 'cashOff',
    valueFen: 1000,
    percent: null,
    maxDiscountFen: null,
    minSpendFen: 5000,
    sku: null,
    categories: null,
    storeIds: null,
    stackable: false,
    validFrom: NOW - DAY,
    validTo: NOW + DAY,
    status: 'available',
    ...overrides,
  };
}

function line(dueFen: number, overrides: Partial<LineAtTill> = {}): LineAtTill {
  return { sku: 'A', category: null, quantity: 1, pointsEligible: true, dueFen, ...overrides };
}

const at = { storeId: 'S1', now: NOW };

describe('applyCoupons', () => {
  it('takes a cash-off coupon off the eligible lines once the minimum spend is met', () => {
    const outcome = applyCoupons([coupon()], [line(3000), line(3000, { sku: 'B' })], at);
    expect(outcome).toEqual({
      ok: true,
      applied: [{ couponId: 'C1', name: '¥10 券', amountFen: 1000, lineIndexes: [0, 1] }],
    });
  });

  it('measures the minimum spend on eligible lines only: specials and other categories do not count', () => {
    const outcome = applyCoupons(
      [coupon({ categories: ['衬衫'] })],
      [line(4000, { category: '衬衫' }), line(3000, { category: '裤子' }), line(9000, { pointsEligible: false })],
      at,
    );
    expect(outcome).toEqual({
      ok: false,
      refusal: {
        code: 'COUPON_NOT_APPLICABLE',
        couponId: 'C1',
        reason: 'MIN_SPEND_NOT_MET',
        details: { minSpendFen: 5000, eligibleFen: 4000 },
      },
    });
  });

  it('refuses used and expired coupons, another store, not yet valid, nothing eligible', () => {
    const basket = [line(10000, { category: '衬衫' })];
    const refusal = (c: CouponTerms, context = at) => {
      const outcome = applyCoupons([c], basket, context);
      return outcome.ok ? null : outcome.refusal;
    };
    expect(refusal(coupon({ status: 'used' }))).toMatchObject({ code: 'COUPON_USED' });
    expect(refusal(coupon({ status: 'expired' }))).toMatchObject({ code: 'COUPON_EXPIRED' });
    expect(refusal(coupon({ validTo: NOW - 1 }))).toMatchObject({ code: 'COUPON_EXPIRED' });
    expect(refusal(coupon({ validTo: NOW }))).toBeNull();
    expect(refusal(coupon({ storeIds: ['S2'] }))).toMatchObject({ reason: 'STORE_NOT_ELIGIBLE' });
    expect(refusal(coupon({ storeIds: ['S1'] }))).toBeNull();
    expect(refusal(coupon({ validFrom: NOW + 1 }))).toMatchObject({ reason: 'NOT_YET_VALID' });
    expect(refusal(coupon({ categories: ['裤子'] }))).toMatchObject({ reason: 'NO_ELIGIBLE_ITEMS' });
  });

  it('uses a non-stackable coupon alone; stackable ones combine', () => {
    const a = coupon({ id: 'A', minSpendFen: 0 });
    const b = coupon({ id: 'B', minSpendFen: 0, stackable: true });
    const c = coupon({ id: 'C', minSpendFen: 0, stackable: true });
    expect(stackingBreaker([a])).toBeNull();
    expect(applyCoupons([b, a], [line(10000)], at)).toEqual({
      ok: false,
      refusal: { code: 'COUPON_NOT_STACKABLE', couponId: 'A' },
    });
    expect(applyCoupons([b, c], [line(10000)], at)).toMatchObject({
      ok: true,
      applied: [{ amountFen: 1000 }, { amountFen: 1000 }],
    });
  });

  it('percent off is rounded down and capped; applied after cash off on what is left', () => {
    const cash = coupon({ id: 'CASH', minSpendFen: 0, stackable: true });
    const pct = coupon({
      id: 'PCT',
      kind: 'percentOff',
      valueFen: null,
      percent: 15,
      maxDiscountFen: 1200,
      minSpendFen: 0,
      stackable: true,
    });
    expect(applyCoupons([pct], [line(3333)], at)).toMatchObject({ ok: true, applied: [{ amountFen: 499 }] });
    expect(applyCoupons([pct], [line(100000)], at)).toMatchObject({ ok: true, applied: [{ amountFen: 1200 }] });
    // Given percent first, cash off still goes first: 15% of (5000 − 1000) = 600.
    expect(applyCoupons([pct, cash], [line(5000)], at)).toMatchObject({
      ok: true,
      applied: [
        { couponId: 'CASH', amountFen: 1000 },
        { couponId: 'PCT', amountFen: 600 },
      ],
    });
  });

  it('an item voucher pays for one unit of the dearest eligible item, up to its value', () => {
    const voucher = coupon({ kind: 'itemVoucher', sku: 'TEA', valueFen: 2500, minSpendFen: 0 });
    const outcome = applyCoupons(
      [voucher],
      [line(9000, { sku: 'COAT' }), line(4000, { sku: 'TEA', quantity: 2 }), line(1800, { sku: 'TEA' })],
      at,
    );
    expect(outcome).toMatchObject({ ok: true, applied: [{ amountFen: 2000, lineIndexes: [1] }] });
    const byCategory = coupon({ kind: 'itemVoucher', categories: ['饮品'], valueFen: 1500, minSpendFen: 0 });
    expect(
      applyCoupons([byCategory], [line(1200, { category: '饮品' }), line(2400, { category: '饮品', sku: 'B' })], at),
    ).toMatchObject({ ok: true, applied: [{ amountFen: 1500, lineIndexes: [1] }] });
  });

  it('amounts never exceed what is due, so priceBasket deducts exactly them and the parts add up', () => {
    const program = defaultProgramConfig();
    const tier = program.tiers.ladder[1] as Tier;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            unitPriceFen: fc.integer({ min: 0, max: 50_000 }),
            quantity: fc.integer({ min: 1, max: 4 }),
            special: fc.boolean(),
            category: fc.constantFrom('A', 'B'),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        fc.integer({ min: 1, max: 30_000 }),
        fc.integer({ min: 1, max: 99 }),
        (raw, valueFen, percent) => {
          const lines = raw.map((l, i) => ({
            sku: `S${i}`,
            name: 'x',
            category: l.category,
            unitPriceFen: l.unitPriceFen,
            quantity: l.quantity,
            pointsEligible: !l.special,
          }));
          const basket = {
            lines,
            program,
            tier,
            isMemberDay: false,
            isBirthday: false,
            campaigns: [],
            pointsToUse: 0,
            payWithBalanceFen: 0,
            earnedToday: 0,
          };
          const plain = priceBasket({ ...basket, coupons: [] });
          const outcome = applyCoupons(
            [
              coupon({
                id: 'V',
                kind: 'itemVoucher',
                sku: null,
                categories: ['A'],
                valueFen,
                minSpendFen: 0,
                stackable: true,
              }),
              coupon({ id: 'C', valueFen, minSpendFen: 0, stackable: true }),
              coupon({ id: 'P', kind: 'percentOff', valueFen: null, percent, minSpendFen: 0, stackable: true }),
            ],
            plain.lines.map((l) => ({ ...l, dueFen: l.grossFen - l.discountFen })),
            at,
          );
          if (!outcome.ok) return;
          const priced = priceBasket({ ...basket, coupons: outcome.applied });
          expect(priced.totals.couponFen).toBe(outcome.applied.reduce((sum, c) => sum + c.amountFen, 0));
          expect(priced.lines.filter((l) => !l.pointsEligible).every((l) => l.couponFen === 0)).toBe(true);
          expect(priced.lines.every((l) => l.paidFen >= 0)).toBe(true);
        },
      ),
    );
  });
});
