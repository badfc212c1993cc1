import type { PricedLine } from '@huika/shared';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError } from '../../common/app-error';
import {
  type AppliedCoupon,
  applyCoupons,
  type CouponRefusal,
  isExpired,
  type NotApplicableReason,
} from './coupon-engine';
import { CouponsRepository } from './coupons.repository';

const NOT_APPLICABLE: Record<NotApplicableReason, string> = {
  NOT_YET_VALID: 'this coupon is not valid yet',
  STORE_NOT_ELIGIBLE: 'this coupon cannot be used at this store',
  NO_ELIGIBLE_ITEMS: 'nothing in this basket is eligible for this coupon',
  MIN_SPEND_NOT_MET: 'the eligible items do not reach the minimum spend of this coupon',
  NOTHING_TO_DISCOUNT: 'nothing is left for this coupon to take off',
};

function refusalError(refusal: CouponRefusal): AppError {
  switch (refusal.code) {
    case 'COUPON_USED':
      return new AppError('COUPON_USED', 'this coupon has been used', { couponId: refusal.couponId });
    case 'COUPON_EXPIRED':
      return new AppError('COUPON_EXPIRED', 'this coupon has expired', { couponId: refusal.couponId });
    case 'COUPON_NOT_STACKABLE':
      return new AppError('COUPON_NOT_STACKABLE', 'this coupon cannot be combined with other coupons', {
        couponId: refusal.couponId,
      });
    case 'COUPON_NOT_APPLICABLE':
      return new AppError('COUPON_NOT_APPLICABLE', NOT_APPLICABLE[refusal.reason], {
        couponId: refusal.couponId,
        reason: refusal.reason,
        ...refusal.details,
      });
  }
}

/**
 * Coupons at the till (DOMAIN §9, §6): the member's coupons for a basket become what priceBasket deducts;
 * a purchase marks them used, once; a refund of the whole purchase gives back those still valid.
 */
@Injectable()
export class CouponCheckoutService {
  constructor(private readonly repository: CouponsRepository) {}

  /**
   * What the member's coupons take off this basket, priced without coupons (`lines`: after the member
   * discount). Refuses with COUPON_NOT_FOUND, COUPON_USED, COUPON_EXPIRED, COUPON_NOT_STACKABLE or
   * COUPON_NOT_APPLICABLE (the reason in details).
   */
  async apply(
    tx: EntityManager,
    input: { memberId: string; couponIds: string[]; storeId: string | null; lines: PricedLine[]; now: number },
  ): Promise<AppliedCoupon[]> {
    if (input.couponIds.length === 0) return [];
    const ids = input.couponIds.map((id) => id.toUpperCase());
    if (new Set(ids).size !== ids.length) {
      throw new AppError('VALIDATION_FAILED', 'a coupon is named twice', {
        fields: [{ path: 'body.couponIds', message: 'duplicate coupon' }],
      });
    }
    const found = new Map((await this.repository.couponsOfMember(tx, input.memberId, ids)).map((c) => [c.id, c]));
    const missing = ids.find((id) => !found.has(id));
    if (missing) throw new AppError('COUPON_NOT_FOUND', 'the member has no such coupon', { couponId: missing });
    const outcome = applyCoupons(
      ids.map((id) => found.get(id)).filter((c) => c !== undefined),
      input.lines.map((line) => ({
        sku: line.sku,
        category: line.category,
        quantity: line.quantity,
        pointsEligible: line.pointsEligible,
        dueFen: line.grossFen - line.discountFen,
      })),
      { storeId: input.storeId, now: input.now },
    );
    if (!outcome.ok) throw refusalError(outcome.refusal);
    return outcome.applied;
  }

  /**
   * Inside the purchase's transaction: available to used, each coupon once. Of two purchases with the same
   * coupon, the second waits on the first's row lock and then finds it used: 409 COUPON_USED.
   */
  async markUsed(
    tx: EntityManager,
    input: { memberId: string; purchaseId: string; applied: AppliedCoupon[]; now: number },
  ): Promise<void> {
    for (const coupon of input.applied) {
      const used = await this.repository.markUsed(tx, {
        id: coupon.couponId,
        memberId: input.memberId,
        purchaseId: input.purchaseId,
        discountFen: coupon.amountFen,
        now: input.now,
      });
      if (used) continue;
      const current = await this.repository.coupon(tx, coupon.couponId);
      if (current?.status === 'used') {
        throw new AppError('COUPON_USED', 'this coupon has been used', { couponId: coupon.couponId });
      }
      if (current && isExpired(current, input.now)) {
        throw new AppError('COUPON_EXPIRED', 'this coupon has expired', { couponId: coupon.couponId });
      }
      throw new AppError('COUPON_NOT_FOUND', 'the member has no such coupon', { couponId: coupon.couponId });
    }
  }

  /**
   * Inside the refund's transaction, once the whole purchase is refunded (DOMAIN §6, §9): its coupons come
   * back if still valid; one past its validity does not, and shows as expired. Returns those restored.
   */
  async restoreAfterFullRefund(
    tx: EntityManager,
    purchaseId: string,
    now: number,
  ): Promise<{ id: string; name: string }[]> {
    const restored: { id: string; name: string }[] = [];
    for (const coupon of await this.repository.usedBy(tx, purchaseId)) {
      if (await this.repository.restore(tx, coupon.id, purchaseId, now)) {
        restored.push({ id: coupon.id, name: coupon.name });
      } else {
        await this.repository.expireRefunded(tx, coupon.id, purchaseId, now);
      }
    }
    return restored;
  }
}
