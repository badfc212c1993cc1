import type { TemplateRow } from './coupons.repository';

/**
 * 入会有礼 as the program's default (DOMAIN §1: "default a ¥10 cash coupon"): ¥10 off from ¥50, valid 30 days
 * after issue, one per member. Created with the program's first version; headquarters changes the template or
 * takes it out of `coupons.joinGiftTemplateIds` like any other.
 */
export function defaultJoinGiftTemplate(id: string, now: number): TemplateRow {
  return {
    id,
    name: '¥10 入会礼券',
    kind: 'cashOff',
    valueFen: 1000,
    percent: null,
    maxDiscountFen: null,
    minSpendFen: 5000,
    sku: null,
    categories: null,
    storeIds: null,
    validFrom: null,
    validTo: null,
    validDays: 30,
    totalQuota: null,
    issuedCount: 0,
    perMemberLimit: 1,
    stackable: false,
    active: true,
    createdBy: null,
    createdAt: now,
    updatedAt: now,
  };
}
