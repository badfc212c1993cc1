import type { CouponTemplateView, CouponView } from '@huika/shared';
import type { z } from 'zod';
import { isExpired } from './coupon-engine';
import type { CouponRow, TemplateRow } from './coupons.repository';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function templateView(t: TemplateRow): z.output<typeof CouponTemplateView> {
  return {
    id: t.id,
    name: t.name,
    kind: t.kind,
    valueFen: t.valueFen,
    percent: t.percent,
    maxDiscountFen: t.maxDiscountFen,
    minSpendFen: t.minSpendFen,
    sku: t.sku,
    categories: t.categories,
    storeIds: t.storeIds,
    validFrom: isoOrNull(t.validFrom),
    validTo: isoOrNull(t.validTo),
    validDays: t.validDays,
    totalQuota: t.totalQuota,
    issuedCount: t.issuedCount,
    perMemberLimit: t.perMemberLimit,
    stackable: t.stackable,
    active: t.active,
    createdAt: iso(t.createdAt),
    updatedAt: iso(t.updatedAt),
  };
}

/** A coupon as its member sees it: past its validity it shows as expired, whatever the job has done yet. */
export function couponView(c: CouponRow, now: number): z.output<typeof CouponView> {
  return {
    id: c.id,
    templateId: c.templateId,
    name: c.name,
    kind: c.kind,
    valueFen: c.valueFen,
    percent: c.percent,
    maxDiscountFen: c.maxDiscountFen,
    minSpendFen: c.minSpendFen,
    sku: c.sku,
    categories: c.categories,
    storeIds: c.storeIds,
    stackable: c.stackable,
    validFrom: iso(c.validFrom),
    validTo: iso(c.validTo),
    status: isExpired(c, now) ? 'expired' : c.status,
    issuedAt: iso(c.issuedAt),
    ...(c.usedAt === null ? {} : { usedAt: iso(c.usedAt) }),
    ...(c.purchaseId === null ? {} : { purchaseId: c.purchaseId }),
  };
}
