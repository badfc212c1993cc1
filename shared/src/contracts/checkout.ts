import { z } from 'zod';
import { Id, IsoDateTime, PaginationQuery, paginated } from './common';
import { multiplierSchema } from '../multiplier';
import { defineRoute } from './route';

const Fen = z.number().int().min(0).max(1_000_000_000);

export const PurchaseLineInput = z.object({
  sku: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(128),
  category: z.string().trim().min(1).max(64).optional(),
  unitPriceFen: Fen,
  quantity: z.number().int().min(1).max(10_000),
  /** false for 特价/指定商品 (no member discount, no points). */
  pointsEligible: z.boolean().optional(),
});

/**
 * The most a line (unit price × quantity) and a whole basket may come to: ¥100,000,000. Every amount and
 * points figure derived from a basket (discounts, points at up to 1,000 a yuan, refund shares worked out as
 * amount × units) then stays a safe integer in JavaScript and fits the database's BIGINT columns.
 */
export const MAX_BASKET_FEN = 10_000_000_000;

export const BasketLines = z
  .array(PurchaseLineInput)
  .min(1)
  .max(200)
  .superRefine((lines, context) => {
    let total = 0;
    for (const [i, line] of lines.entries()) {
      const lineFen = line.unitPriceFen * line.quantity;
      total += lineFen;
      if (lineFen > MAX_BASKET_FEN) {
        context.addIssue({
          code: 'custom',
          path: [i, 'quantity'],
          message: `unitPriceFen × quantity comes to more than ${MAX_BASKET_FEN} fen`,
        });
      }
    }
    if (total > MAX_BASKET_FEN) {
      context.addIssue({ code: 'custom', message: `the lines come to more than ${MAX_BASKET_FEN} fen` });
    }
  });

const BasketFields = {
  checkoutToken: z.string().min(1).max(2048),
  lines: BasketLines,
  couponIds: z.array(Id).max(10).optional(),
  pointsToUse: z.number().int().min(0).max(100_000_000).optional(),
  payWithBalanceFen: Fen.optional(),
};

export const QuoteBody = z.object(BasketFields);

export const PurchaseBody = z.object({
  ...BasketFields,
  storeId: Id,
  receiptNo: z.string().trim().min(1).max(64),
});

export const PurchaseTotals = z.object({
  grossFen: z.number().int(),
  discountFen: z.number().int(),
  couponFen: z.number().int(),
  pointsCashFen: z.number().int(),
  balancePaidFen: z.number().int(),
  payableFen: z.number().int(),
});

export const QuoteResponse = z.object({
  totals: PurchaseTotals,
  pointsEarned: z.number().int(),
  pointsSpent: z.number().int(),
  /** Which member discount applied: the best single one of tier, member day and campaign. */
  discount: z.object({ source: z.enum(['tier', 'memberDay', 'campaign']).nullable(), percent: z.number().int() }),
  multiplier: z.number(),
  pointsClamped: z.boolean(),
  /** The coupons of `couponIds` and what each takes off (their sum is totals.couponFen). */
  coupons: z.array(z.object({ id: z.string(), name: z.string(), amountFen: z.number().int() })).default([]),
  lines: z.array(
    z.object({
      sku: z.string(),
      quantity: z.number().int(),
      grossFen: z.number().int(),
      discountFen: z.number().int(),
      paidFen: z.number().int(),
      pointsEarned: z.number().int(),
    }),
  ),
});

export const PurchaseResponse = z.object({
  id: z.string(),
  totals: PurchaseTotals,
  pointsEarned: z.number().int(),
  pointsSpent: z.number().int(),
  pointsBalance: z.number().int(),
  tier: z.object({ code: z.string(), name: z.string() }),
  tierChanged: z.boolean(),
  /** Coupons this purchase earned (a tier-upgrade coupon). */
  couponsIssued: z.array(z.object({ id: z.string(), name: z.string() })),
  /** The coupons of `couponIds`, now used, and what each took off. */
  couponsUsed: z.array(z.object({ id: z.string(), name: z.string(), amountFen: z.number().int() })).default([]),
});

export const RefundBody = z.union([
  z.object({
    all: z.literal(true),
    /** A store manager's credentials, for refunds above the approval threshold. */
    approval: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }).optional(),
  }),
  z.object({
    lines: z
      .array(z.object({ sku: z.string().trim().min(1).max(64), quantity: z.number().int().min(1).max(10_000) }))
      .min(1)
      .max(200),
    approval: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }).optional(),
  }),
]);

export const RefundResponse = z.object({
  id: z.string(),
  refundFen: z.number().int(),
  pointsReversed: z.number().int(),
  pointsRestored: z.number().int(),
  balanceRestoredFen: z.number().int(),
  /** Coupons of a purchase refunded in full that are still valid: usable again (DOMAIN §6). */
  couponsRestored: z.array(z.object({ id: z.string(), name: z.string() })),
});

export const PurchaseView = z.object({
  id: z.string(),
  storeId: z.string(),
  storeName: z.string(),
  receiptNo: z.string(),
  totals: PurchaseTotals,
  pointsEarned: z.number().int(),
  pointsSpent: z.number().int(),
  refundedFen: z.number().int(),
  status: z.enum(['completed', 'partially_refunded', 'refunded']),
  lines: z.array(
    z.object({
      sku: z.string(),
      name: z.string(),
      quantity: z.number().int(),
      refundedQuantity: z.number().int(),
      paidFen: z.number().int(),
    }),
  ),
  createdAt: IsoDateTime,
});

export const CampaignBody = z.object({
  name: z.string().trim().min(1).max(64),
  kind: z.enum(['discount', 'doublePoints']),
  /** For discount campaigns: price paid in percent (85 = 8.5折). */
  discountPercent: z.number().int().min(1).max(99).optional(),
  /** For points campaigns: the multiplier (2 = double points), at most two decimals (1.15). */
  pointsMultiplier: multiplierSchema(1.1, 20).optional(),
  startsAt: IsoDateTime,
  endsAt: IsoDateTime,
  /** Days of the month it runs on; every day when omitted. */
  daysOfMonth: z.array(z.number().int().min(1).max(31)).max(31).optional(),
  tiers: z.array(z.string().min(1).max(32)).max(20).optional(),
  storeIds: z.array(Id).max(500).optional(),
  /** Discount fen (discount campaigns) or extra points (points campaigns) it may give away in all. */
  budgetCap: z.number().int().min(1).max(1_000_000_000).optional(),
});

export const CampaignView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['discount', 'doublePoints']),
  discountPercent: z.number().int().nullable(),
  pointsMultiplier: z.number().nullable(),
  startsAt: IsoDateTime,
  endsAt: IsoDateTime,
  daysOfMonth: z.array(z.number().int()).nullable(),
  tiers: z.array(z.string()).nullable(),
  storeIds: z.array(z.string()).nullable(),
  budgetCap: z.number().int().nullable(),
  budgetUsed: z.number().int(),
  active: z.boolean(),
});

export const CampaignPatch = z.object({
  active: z.boolean().optional(),
  endsAt: IsoDateTime.optional(),
  budgetCap: z.number().int().min(1).max(1_000_000_000).optional(),
});

export const SetTierBody = z.object({
  tierCode: z.string().min(1).max(32),
  /** The manual tier ends here; then the member's own qualification applies again (not a floor). */
  until: IsoDateTime,
  reason: z.string().trim().min(2).max(200),
});

export const EndManualTierBody = z.object({ reason: z.string().trim().min(2).max(200) });

export const EvaluateTiersBody = z.object({ asOf: IsoDateTime.optional() });
export const EvaluateTiersResponse = z.object({
  asOf: IsoDateTime,
  reviewed: z.number().int(),
  downgraded: z.number().int(),
  manualEnded: z.number().int(),
});

/** Why `couponIds` can be refused at the till. */
const COUPON_ERRORS = [
  'COUPON_NOT_FOUND',
  'COUPON_USED',
  'COUPON_EXPIRED',
  'COUPON_NOT_APPLICABLE',
  'COUPON_NOT_STACKABLE',
] as const;

export const checkoutRoutes = {
  quote: defineRoute({
    method: 'POST',
    path: '/api/pos/quotes',
    summary: 'The totals a purchase would give, with no effect',
    tag: 'pos',
    auth: 'staff',
    body: QuoteBody,
    status: 200,
    response: QuoteResponse,
    errors: [
      'TOKEN_EXPIRED',
      'CARD_LAPSED',
      'POINTS_NOT_ALLOWED',
      'SPEND_NEEDS_CARD_CODE',
      'BALANCE_NEEDS_CARD_CODE',
      ...COUPON_ERRORS,
    ],
  }),
  purchase: defineRoute({
    method: 'POST',
    path: '/api/pos/purchases',
    summary: 'Post a purchase: prices, points, tier, card validity, in one transaction',
    tag: 'pos',
    auth: 'staff',
    idempotent: true,
    body: PurchaseBody,
    status: 201,
    response: PurchaseResponse,
    errors: [
      'DUPLICATE_RECEIPT',
      'POINTS_INSUFFICIENT',
      'CARD_CODE_USED',
      'CARD_LAPSED',
      'TOKEN_EXPIRED',
      'BALANCE_INSUFFICIENT',
      'SPEND_NEEDS_CARD_CODE',
      'BALANCE_NEEDS_CARD_CODE',
      ...COUPON_ERRORS,
    ],
  }),
  refund: defineRoute({
    method: 'POST',
    path: '/api/pos/purchases/:id/refunds',
    summary: 'Refund lines or all of a purchase, reversing points, points cash, stored value and tier',
    tag: 'pos',
    auth: 'staff',
    idempotent: true,
    body: RefundBody,
    status: 201,
    response: RefundResponse,
    errors: ['REFUND_EXCEEDS_PURCHASE', 'PURCHASE_NOT_FOUND', 'MANAGER_APPROVAL_REQUIRED', 'RATE_LIMITED'],
  }),
  myPurchases: defineRoute({
    method: 'GET',
    path: '/api/me/purchases',
    summary: "The member's purchases, newest first",
    tag: 'member',
    auth: 'member',
    query: PaginationQuery,
    status: 200,
    response: paginated(PurchaseView),
  }),
  storePurchase: defineRoute({
    method: 'GET',
    path: '/api/pos/purchases/by-receipt/:receiptNo',
    summary: "Find a purchase of the caller's store by receipt number (for refunds)",
    tag: 'pos',
    auth: 'staff',
    status: 200,
    response: PurchaseView,
    errors: ['PURCHASE_NOT_FOUND'],
  }),
  listCampaigns: defineRoute({
    method: 'GET',
    path: '/api/admin/campaigns',
    summary: 'Member-day and double-points campaigns',
    tag: 'admin',
    auth: 'staff',
    roles: ['admin'],
    status: 200,
    response: z.object({ items: z.array(CampaignView) }),
  }),
  createCampaign: defineRoute({
    method: 'POST',
    path: '/api/admin/campaigns',
    summary: 'Create a discount or double-points campaign with window, audience and budget',
    tag: 'admin',
    auth: 'staff',
    roles: ['admin'],
    body: CampaignBody,
    status: 201,
    response: CampaignView,
  }),
  updateCampaign: defineRoute({
    method: 'PATCH',
    path: '/api/admin/campaigns/:id',
    summary: 'Pause, end or re-budget a campaign',
    tag: 'admin',
    auth: 'staff',
    roles: ['admin'],
    body: CampaignPatch,
    status: 200,
    response: CampaignView,
    errors: ['NOT_FOUND'],
  }),
  setMemberTier: defineRoute({
    method: 'PUT',
    path: '/api/admin/members/:id/tier',
    summary: 'Set a tier by hand until a date (audited; not a floor)',
    tag: 'admin',
    auth: 'staff',
    roles: ['admin'],
    body: SetTierBody,
    status: 200,
    response: z.object({
      memberId: z.string(),
      tier: z.object({ code: z.string(), name: z.string() }),
      until: IsoDateTime,
    }),
    errors: ['MEMBER_NOT_FOUND'],
  }),
  endMemberTier: defineRoute({
    method: 'POST',
    path: '/api/admin/members/:id/tier/end',
    summary: "End a manual tier now: the member's own qualification applies again (audited with the reason)",
    tag: 'admin',
    auth: 'staff',
    roles: ['admin'],
    body: EndManualTierBody,
    status: 200,
    response: z.object({ memberId: z.string(), tier: z.object({ code: z.string(), name: z.string() }) }),
    errors: ['MEMBER_NOT_FOUND', 'CONFLICT'],
  }),
  devEvaluateTiers: defineRoute({
    method: 'POST',
    path: '/api/dev/evaluate-tiers',
    summary: 'Run the period-end tier evaluation now (development only; production runs `huika evaluate-tiers`)',
    tag: 'dev',
    auth: 'dev',
    body: EvaluateTiersBody,
    status: 200,
    response: EvaluateTiersResponse,
  }),
};
