import { type CouponApplication, type CouponKind, type CouponStatus, prorate } from '@huika/shared';

/**
 * The coupon engine (DOMAIN §9): pure rules from the member's coupons and the basket after the member
 * discount to what each coupon takes off and from which lines. The pricing engine (priceBasket) then
 * deducts these amounts between the member discount and points as cash. No I/O.
 */

/** A coupon's own terms, as issued (a later change of its template does not touch them). */
export interface CouponTerms {
  id: string;
  name: string;
  kind: CouponKind;
  valueFen: number | null;
  percent: number | null;
  maxDiscountFen: number | null;
  minSpendFen: number;
  sku: string | null;
  categories: string[] | null;
  storeIds: string[] | null;
  stackable: boolean;
  validFrom: number;
  /** The last instant it is valid (inclusive). */
  validTo: number;
  status: CouponStatus;
}

/** A basket line as the coupons see it: after the member discount. */
export interface LineAtTill {
  sku: string;
  category: string | null;
  quantity: number;
  /** false for 特价/指定商品: no coupon applies to them, as no member discount does. */
  pointsEligible: boolean;
  /** What is still due for the line after the member discount. */
  dueFen: number;
}

export type NotApplicableReason =
  'NOT_YET_VALID' | 'STORE_NOT_ELIGIBLE' | 'NO_ELIGIBLE_ITEMS' | 'MIN_SPEND_NOT_MET' | 'NOTHING_TO_DISCOUNT';

export type CouponRefusal =
  | { code: 'COUPON_USED' | 'COUPON_EXPIRED'; couponId: string }
  | { code: 'COUPON_NOT_STACKABLE'; couponId: string }
  | { code: 'COUPON_NOT_APPLICABLE'; couponId: string; reason: NotApplicableReason; details?: Record<string, unknown> };

export interface AppliedCoupon extends Required<CouponApplication> {
  name: string;
}

export type CouponOutcome = { ok: true; applied: AppliedCoupon[] } | { ok: false; refusal: CouponRefusal };

/** Whether a coupon counts as expired at `now`, whatever its stored status says. */
export function isExpired(coupon: Pick<CouponTerms, 'status' | 'validTo'>, now: number): boolean {
  return coupon.status === 'expired' || (coupon.status === 'available' && coupon.validTo < now);
}

/**
 * Stacking (DOMAIN §9: default one coupon per order): a coupon that is not stackable is used alone; any
 * number of stackable ones may be combined. Returns the coupon that breaks the rule, or null.
 */
export function stackingBreaker(coupons: CouponTerms[]): CouponTerms | null {
  if (coupons.length < 2) return null;
  return coupons.find((c) => !c.stackable) ?? null;
}

function eligibleLines(coupon: CouponTerms, lines: LineAtTill[]): number[] {
  const indexes: number[] = [];
  lines.forEach((line, i) => {
    if (!line.pointsEligible) return;
    if (coupon.categories !== null && (line.category === null || !coupon.categories.includes(line.category))) return;
    if (coupon.kind === 'itemVoucher' && coupon.sku !== null && line.sku !== coupon.sku) return;
    indexes.push(i);
  });
  return indexes;
}

/** Item vouchers first (one unit), then cash off, then percentages of what is left. */
const ORDER: Record<CouponKind, number> = { itemVoucher: 0, cashOff: 1, percentOff: 2 };

/**
 * Turns the coupons the member presents into what each takes off, or the first refusal: used or expired
 * coupons, a non-stackable coupon with others, a coupon for another store, not yet valid, with nothing
 * eligible in the basket, or below its minimum spend — measured on the eligible lines after the member
 * discount. Amounts never exceed what is still due on their lines, so priceBasket deducts them as given.
 */
export function applyCoupons(
  coupons: CouponTerms[],
  lines: LineAtTill[],
  context: { storeId: string | null; now: number },
): CouponOutcome {
  for (const coupon of coupons) {
    if (coupon.status === 'used') return { ok: false, refusal: { code: 'COUPON_USED', couponId: coupon.id } };
    if (isExpired(coupon, context.now)) {
      return { ok: false, refusal: { code: 'COUPON_EXPIRED', couponId: coupon.id } };
    }
  }
  const breaker = stackingBreaker(coupons);
  if (breaker) return { ok: false, refusal: { code: 'COUPON_NOT_STACKABLE', couponId: breaker.id } };

  const notApplicable = (
    coupon: CouponTerms,
    reason: NotApplicableReason,
    details?: Record<string, unknown>,
  ): CouponOutcome => ({
    ok: false,
    refusal: { code: 'COUPON_NOT_APPLICABLE', couponId: coupon.id, reason, ...(details ? { details } : {}) },
  });

  const targets = new Map<string, number[]>();
  for (const coupon of coupons) {
    if (coupon.validFrom > context.now) {
      return notApplicable(coupon, 'NOT_YET_VALID', { validFrom: new Date(coupon.validFrom).toISOString() });
    }
    if (coupon.storeIds !== null && (context.storeId === null || !coupon.storeIds.includes(context.storeId))) {
      return notApplicable(coupon, 'STORE_NOT_ELIGIBLE');
    }
    const indexes = eligibleLines(coupon, lines);
    if (indexes.length === 0) return notApplicable(coupon, 'NO_ELIGIBLE_ITEMS');
    const eligibleFen = indexes.reduce((sum, i) => sum + (lines[i]?.dueFen ?? 0), 0);
    if (eligibleFen < coupon.minSpendFen) {
      return notApplicable(coupon, 'MIN_SPEND_NOT_MET', { minSpendFen: coupon.minSpendFen, eligibleFen });
    }
    targets.set(coupon.id, indexes);
  }

  // What is still due per line as coupons are applied, allotted exactly as priceBasket allots them.
  const remaining = lines.map((line) => line.dueFen);
  const applied: AppliedCoupon[] = [];
  const ordered = [...coupons].sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
  for (const coupon of ordered) {
    let lineIndexes = targets.get(coupon.id) ?? [];
    let amountFen: number;
    if (coupon.kind === 'itemVoucher') {
      // One unit of the dearest eligible item, up to the voucher's value (the member's best use of it).
      const unit = (i: number) => Math.floor((remaining[i] ?? 0) / (lines[i]?.quantity ?? 1));
      const best = lineIndexes.reduce((a, b) => (unit(b) > unit(a) ? b : a));
      lineIndexes = [best];
      amountFen = Math.min(coupon.valueFen ?? 0, unit(best));
    } else {
      const base = lineIndexes.reduce((sum, i) => sum + (remaining[i] ?? 0), 0);
      if (coupon.kind === 'cashOff') {
        amountFen = Math.min(coupon.valueFen ?? 0, base);
      } else {
        // Rounded down: in the merchant's favour, like the member discount.
        const off = Math.floor((base * (coupon.percent ?? 0)) / 100);
        amountFen = coupon.maxDiscountFen === null ? off : Math.min(off, coupon.maxDiscountFen);
      }
    }
    if (amountFen <= 0) return notApplicable(coupon, 'NOTHING_TO_DISCOUNT');
    const shares = prorate(
      amountFen,
      lines.map((_, i) => (lineIndexes.includes(i) ? (remaining[i] ?? 0) : 0)),
    );
    shares.forEach((share, i) => (remaining[i] = (remaining[i] ?? 0) - share));
    applied.push({ couponId: coupon.id, name: coupon.name, amountFen, lineIndexes });
  }
  return { ok: true, applied };
}
