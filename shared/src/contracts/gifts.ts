import { z } from 'zod';
import { IsoDate, IsoDateTime, PaginationQuery, paginated } from './common';
import { defineRoute } from './route';

const Points = z.number().int().min(1).max(10_000_000);
const TierCode = z.string().min(1).max(32);

/**
 * When a gift can be exchanged (DOMAIN §5): the last month of each quarter (Mar, Jun, Sep, Dec) or a range
 * of dates, both in the program's time zone and inclusive. `null` means always open.
 */
export const ExchangeWindow = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('lastMonthOfQuarter') }),
    z.object({ kind: z.literal('dateRange'), from: IsoDate, to: IsoDate }),
  ])
  .refine((window) => window.kind !== 'dateRange' || window.from <= window.to, {
    message: 'from must not be after to',
    path: ['to'],
  });

/** Why a member cannot redeem a gift right now: the code a redemption would be refused with. */
export const RedeemRefusal = z.enum([
  'TIER_NOT_ELIGIBLE',
  'OUTSIDE_EXCHANGE_WINDOW',
  'OUT_OF_STOCK',
  'LIMIT_REACHED',
  'POINTS_INSUFFICIENT',
]);

export const CreateGiftBody = z.object({
  name: z.string().trim().min(1).max(64),
  pointsPrice: Points,
  stock: z.number().int().min(0).max(10_000_000),
  /** How many one member may redeem in all; null: no limit. */
  perMemberLimit: z.number().int().min(1).max(10_000).nullable(),
  /** Tier codes allowed to redeem; null or omitted: every tier. */
  tiers: z.array(TierCode).min(1).max(20).nullable().optional(),
  window: ExchangeWindow.nullable().optional(),
  imageUrl: z
    .url({ protocol: /^https?$/ })
    .max(512)
    .nullable()
    .optional(),
  description: z.string().trim().max(255).nullable().optional(),
});

/** Stock changes only through stock adjustments, never here. */
export const UpdateGiftBody = z.object({
  name: z.string().trim().min(1).max(64).optional(),
  pointsPrice: Points.optional(),
  perMemberLimit: z.number().int().min(1).max(10_000).nullable().optional(),
  tiers: z.array(TierCode).min(1).max(20).nullable().optional(),
  window: ExchangeWindow.nullable().optional(),
  imageUrl: z
    .url({ protocol: /^https?$/ })
    .max(512)
    .nullable()
    .optional(),
  description: z.string().trim().max(255).nullable().optional(),
  active: z.boolean().optional(),
});

export const GiftStockAdjustmentBody = z.object({
  /** Added to the stock (negative takes away); the stock never goes below zero. */
  delta: z
    .number()
    .int()
    .min(-10_000_000)
    .max(10_000_000)
    .refine((delta) => delta !== 0, 'must not be zero'),
  reason: z.string().trim().min(2).max(200),
});

export const GiftAdminView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  imageUrl: z.string().nullable(),
  pointsPrice: z.number().int(),
  stock: z.number().int(),
  perMemberLimit: z.number().int().nullable(),
  tiers: z.array(z.string()).nullable(),
  window: ExchangeWindow.nullable(),
  active: z.boolean(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});

export const GiftStockAdjustmentResponse = z.object({
  giftId: z.string(),
  delta: z.number().int(),
  stock: z.number().int(),
});

export const GiftCatalogItem = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  imageUrl: z.string().nullable(),
  pointsPrice: z.number().int(),
  stock: z.number().int(),
  perMemberLimit: z.number().int().nullable(),
  tiers: z.array(z.string()).nullable(),
  window: ExchangeWindow.nullable(),
  /** How many of this gift the member has redeemed so far (what the per-member limit counts). */
  redeemedByMe: z.number().int(),
  /** Whether one could be redeemed now; otherwise `reason` is the code a redemption would get. */
  redeemable: z.boolean(),
  reason: RedeemRefusal.optional(),
});

export const RedeemGiftBody = z.object({ quantity: z.number().int().min(1).max(100) });

export const RedemptionStatus = z.enum(['pending', 'collected', 'exchanged']);

export const RedeemGiftResponse = z.object({
  id: z.string(),
  giftId: z.string(),
  quantity: z.number().int(),
  /** What store staff verify; also the content of the pickup QR code. */
  pickupCode: z.string(),
  pointsSpent: z.number().int(),
  pointsBalance: z.number().int(),
  status: RedemptionStatus,
});

export const RedemptionView = z.object({
  id: z.string(),
  giftId: z.string(),
  giftName: z.string(),
  quantity: z.number().int(),
  pointsSpent: z.number().int(),
  pickupCode: z.string(),
  status: RedemptionStatus,
  createdAt: IsoDateTime,
  collectedAt: IsoDateTime.nullable(),
  exchangedAt: IsoDateTime.nullable(),
});

export const RedemptionDetail = RedemptionView.extend({
  /** The pickup code as a QR code, a PNG data URL (also at GET /api/me/redemptions/:id/qr.png). */
  pickupQr: z.string(),
});

export const PickupBody = z.object({
  pickupCode: z
    .string()
    .trim()
    .min(4)
    .max(32)
    .transform((code) => code.toUpperCase()),
});

/** A redemption as store staff see it at pickup. */
export const PickupView = RedemptionView.extend({
  memberId: z.string(),
  memberName: z.string(),
  collectedStoreId: z.string().nullable(),
  collectedBy: z.string().nullable(),
});

export const GiftExchangeBody = z.object({ reason: z.string().trim().min(2).max(200) });

export const GiftExchangeResponse = z.object({
  id: z.string(),
  redemptionId: z.string(),
  reason: z.string(),
  storeId: z.string().nullable(),
  createdAt: IsoDateTime,
  redemption: PickupView,
});

const HEADQUARTERS = ['admin'] as const;
const TILL = ['cashier', 'manager', 'admin'] as const;

export const giftsRoutes = {
  listGifts: defineRoute({
    method: 'GET',
    path: '/api/admin/gifts',
    summary: 'The gift catalog with stock, prices, limits and windows, inactive gifts too',
    tag: 'admin',
    auth: 'staff',
    roles: HEADQUARTERS,
    query: PaginationQuery,
    status: 200,
    response: paginated(GiftAdminView),
  }),
  createGift: defineRoute({
    method: 'POST',
    path: '/api/admin/gifts',
    summary: 'Add a gift to the catalog (audited)',
    tag: 'admin',
    auth: 'staff',
    roles: HEADQUARTERS,
    body: CreateGiftBody,
    status: 201,
    response: GiftAdminView,
  }),
  updateGift: defineRoute({
    method: 'PATCH',
    path: '/api/admin/gifts/:id',
    summary: "Change a gift's name, price, limit, tiers, window or whether it is offered (audited)",
    tag: 'admin',
    auth: 'staff',
    roles: HEADQUARTERS,
    body: UpdateGiftBody,
    status: 200,
    response: GiftAdminView,
    errors: ['GIFT_NOT_FOUND'],
  }),
  adjustGiftStock: defineRoute({
    method: 'POST',
    path: '/api/admin/gifts/:id/stock-adjustments',
    summary: "Add to or take from a gift's stock, never below zero (audited)",
    tag: 'admin',
    auth: 'staff',
    roles: HEADQUARTERS,
    idempotent: true,
    body: GiftStockAdjustmentBody,
    status: 201,
    response: GiftStockAdjustmentResponse,
    errors: ['GIFT_NOT_FOUND', 'OUT_OF_STOCK'],
  }),
  giftCatalog: defineRoute({
    method: 'GET',
    path: '/api/gifts',
    summary: 'The gifts on offer, each with whether this member can redeem it now and why not',
    tag: 'member',
    auth: 'member',
    query: PaginationQuery,
    status: 200,
    response: paginated(GiftCatalogItem),
    errors: ['MEMBER_NOT_FOUND'],
  }),
  redeemGift: defineRoute({
    method: 'POST',
    path: '/api/gifts/:id/redemptions',
    summary: 'Redeem a gift: stock and points in one transaction; returns the pickup code',
    tag: 'member',
    auth: 'member',
    idempotent: true,
    body: RedeemGiftBody,
    status: 201,
    response: RedeemGiftResponse,
    errors: [
      'GIFT_NOT_FOUND',
      'OUT_OF_STOCK',
      'POINTS_INSUFFICIENT',
      'LIMIT_REACHED',
      'OUTSIDE_EXCHANGE_WINDOW',
      'TIER_NOT_ELIGIBLE',
      'MEMBER_NOT_FOUND',
    ],
  }),
  myRedemptions: defineRoute({
    method: 'GET',
    path: '/api/me/redemptions',
    summary: "The member's gift redemptions, newest first",
    tag: 'member',
    auth: 'member',
    query: PaginationQuery,
    status: 200,
    response: paginated(RedemptionView),
    errors: ['MEMBER_NOT_FOUND'],
  }),
  myRedemption: defineRoute({
    method: 'GET',
    path: '/api/me/redemptions/:id',
    summary: 'One of the member’s redemptions, with its pickup QR code',
    tag: 'member',
    auth: 'member',
    status: 200,
    response: RedemptionDetail,
    errors: ['REDEMPTION_NOT_FOUND', 'MEMBER_NOT_FOUND'],
  }),
  myRedemptionQr: defineRoute({
    method: 'GET',
    path: '/api/me/redemptions/:id/qr.png',
    summary: 'The pickup QR code of one of the member’s redemptions, as a PNG image',
    tag: 'member',
    auth: 'member',
    status: 200,
    errors: ['REDEMPTION_NOT_FOUND', 'MEMBER_NOT_FOUND'],
  }),
  collectPickup: defineRoute({
    method: 'POST',
    path: '/api/pos/pickups',
    summary: 'Verify a pickup code and hand the gift over: the redemption is marked collected at this store',
    tag: 'pos',
    auth: 'staff',
    roles: TILL,
    body: PickupBody,
    status: 200,
    response: PickupView,
    errors: ['PICKUP_CODE_NOT_FOUND', 'ALREADY_COLLECTED', 'RATE_LIMITED'],
  }),
  exchangePickup: defineRoute({
    method: 'POST',
    path: '/api/pos/pickups/:id/exchanges',
    summary:
      'Exchange a collected gift for a quality issue, at the store that handed it over, within 3 days of collection (no points change; audited)',
    tag: 'pos',
    auth: 'staff',
    roles: TILL,
    body: GiftExchangeBody,
    status: 201,
    response: GiftExchangeResponse,
    errors: [
      'REDEMPTION_NOT_FOUND',
      'NOT_COLLECTED',
      'PICKUP_WRONG_STORE',
      'ALREADY_EXCHANGED',
      'EXCHANGE_PERIOD_OVER',
    ],
  }),
};
