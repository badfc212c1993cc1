import type { GiftAdminView, PickupView, RedemptionView } from '@huika/shared';
import type { z } from 'zod';
import type { GiftEntity } from '../../database/entities';
import type { RedemptionRow } from './gifts.repository';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function giftAdminView(gift: GiftEntity): z.output<typeof GiftAdminView> {
  return {
    id: gift.id,
    name: gift.name,
    description: gift.description,
    imageUrl: gift.imageUrl,
    pointsPrice: gift.pointsPrice,
    stock: gift.stock,
    perMemberLimit: gift.perMemberLimit,
    tiers: gift.tiers,
    window: gift.exchangeWindow,
    active: gift.active,
    createdAt: iso(gift.createdAt),
    updatedAt: iso(gift.updatedAt),
  };
}

export function redemptionView(r: RedemptionRow): z.output<typeof RedemptionView> {
  return {
    id: r.id,
    giftId: r.giftId,
    giftName: r.giftName,
    quantity: r.quantity,
    pointsSpent: r.pointsSpent,
    pickupCode: r.pickupCode,
    status: r.status,
    createdAt: iso(r.createdAt),
    collectedAt: isoOrNull(r.collectedAt),
    exchangedAt: isoOrNull(r.exchangedAt),
  };
}

export function pickupView(r: RedemptionRow): z.output<typeof PickupView> {
  return {
    ...redemptionView(r),
    memberId: r.memberId,
    memberName: r.memberName,
    collectedStoreId: r.collectedStoreId,
    collectedBy: r.collectedBy,
  };
}
