import { z } from 'zod';
import { Id, IsoDateTime, PaginationQuery, paginated } from './common';
import { defineRoute } from './route';

/**
 * Coupons (优惠券, DOMAIN §9): templates kept by headquarters, coupons issued from them by triggers
 * (join, birthday, referral, tier upgrade, by hand, headquarters batches), the member's wallet, and the
 * coupon's use at the till (see `couponIds` in the checkout contracts).
 */

/** 满减 (cash off above a minimum spend), percentage off, or a voucher that pays for one unit of an item. */
export const CouponKind = z.enum(['cashOff', 'percentOff', 'itemVoucher']);
export type CouponKind = z.infer<typeof CouponKind>;

export const CouponStatus = z.enum(['available', 'used', 'expired']);
export type CouponStatus = z.infer<typeof CouponStatus>;

const Fen = z.number().int().min(1).max(100_000_000);
const Category = z.string().trim().min(1).max(64);
const Sku = z.string().trim().min(1).max(64);

/** The terms a template is checked against, whether it is being created or patched. */
export interface CouponTemplateTerms {
  kind: CouponKind;
  valueFen?: number | null | undefined;
  percent?: number | null | undefined;
  maxDiscountFen?: number | null | undefined;
  sku?: string | null | undefined;
  categories?: string[] | null | undefined;
  validFrom?: string | null | undefined;
  validTo?: string | null | undefined;
  validDays?: number | null | undefined;
}

/**
 * What is wrong with a template's terms, as `{ path, message }` (empty when nothing is): each kind has its
 * value, and the validity is either fixed dates or a number of days after issue, never both.
 */
export function couponTemplateProblems(t: CouponTemplateTerms): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const has = (value: unknown) => value !== undefined && value !== null;
  if (t.kind === 'percentOff') {
    if (!has(t.percent)) problems.push({ path: 'percent', message: 'a percentOff coupon needs percent' });
    if (has(t.valueFen)) problems.push({ path: 'valueFen', message: 'a percentOff coupon has no valueFen' });
  } else {
    if (!has(t.valueFen)) problems.push({ path: 'valueFen', message: `a ${t.kind} coupon needs valueFen` });
    if (has(t.percent)) problems.push({ path: 'percent', message: `a ${t.kind} coupon has no percent` });
    if (has(t.maxDiscountFen)) {
      problems.push({ path: 'maxDiscountFen', message: 'only a percentOff coupon has maxDiscountFen' });
    }
  }
  if (t.kind === 'itemVoucher' && !has(t.sku) && !has(t.categories)) {
    problems.push({ path: 'sku', message: 'an itemVoucher names the item: sku or categories' });
  }
  if (t.kind !== 'itemVoucher' && has(t.sku)) {
    problems.push({ path: 'sku', message: 'only an itemVoucher names a sku (use categories)' });
  }
  const fixed = has(t.validFrom) || has(t.validTo);
  if (fixed && has(t.validDays)) {
    problems.push({ path: 'validDays', message: 'validity is fixed dates or days after issue, not both' });
  } else if (fixed) {
    if (!has(t.validFrom) || !has(t.validTo)) {
      problems.push({ path: has(t.validFrom) ? 'validTo' : 'validFrom', message: 'fixed dates need both ends' });
    } else if (Date.parse(t.validFrom as string) >= Date.parse(t.validTo as string)) {
      problems.push({ path: 'validTo', message: 'validTo must be after validFrom' });
    }
  } else if (!has(t.validDays)) {
    problems.push({ path: 'validDays', message: 'give validFrom and validTo, or validDays' });
  }
  return problems;
}

const TemplateFields = {
  name: z.string().trim().min(1).max(64),
  /** cashOff: fen taken off; itemVoucher: the most it pays for one unit of the item. */
  valueFen: Fen.nullable().optional(),
  /** percentOff: percent taken off the eligible items (20 = 20% off, i.e. 8折). */
  percent: z.number().int().min(1).max(99).nullable().optional(),
  /** percentOff: a cap on what it takes off; null: no cap. */
  maxDiscountFen: Fen.nullable().optional(),
  /** The eligible items (after the member discount) must come to at least this much. */
  minSpendFen: z.number().int().min(0).max(100_000_000),
  /** itemVoucher: the item it pays for. */
  sku: Sku.nullable().optional(),
  /** Eligible categories; null or omitted: every category. Special-price items are never eligible. */
  categories: z.array(Category).min(1).max(50).nullable().optional(),
  /** Stores where it can be used; null or omitted: every store. */
  storeIds: z.array(Id).min(1).max(500).nullable().optional(),
  /** Fixed validity: both ends, inclusive. */
  validFrom: IsoDateTime.nullable().optional(),
  validTo: IsoDateTime.nullable().optional(),
  /** Relative validity: until the end of the N-th day after issue (program time zone). */
  validDays: z.number().int().min(1).max(3650).nullable().optional(),
  /** How many may ever be issued; null or omitted: no limit. */
  totalQuota: z.number().int().min(1).max(100_000_000).nullable().optional(),
  /** How many one member may ever be issued. */
  perMemberLimit: z.number().int().min(1).max(1000),
  /** Combinable with other coupons in one order; by default a coupon is the only one (DOMAIN §9). */
  stackable: z.boolean(),
};

export const CreateCouponTemplateBody = z
  .object({
    kind: CouponKind,
    ...TemplateFields,
    minSpendFen: TemplateFields.minSpendFen.default(0),
    perMemberLimit: TemplateFields.perMemberLimit.default(1),
    stackable: TemplateFields.stackable.default(false),
  })
  .superRefine((body, context) => {
    for (const problem of couponTemplateProblems(body)) {
      context.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
    }
  });

/** Any field but the kind; the merged template is checked again. Issued coupons keep the terms they were issued with. */
export const UpdateCouponTemplateBody = z.object({
  name: TemplateFields.name.optional(),
  valueFen: TemplateFields.valueFen,
  percent: TemplateFields.percent,
  maxDiscountFen: TemplateFields.maxDiscountFen,
  minSpendFen: TemplateFields.minSpendFen.optional(),
  sku: TemplateFields.sku,
  categories: TemplateFields.categories,
  storeIds: TemplateFields.storeIds,
  validFrom: TemplateFields.validFrom,
  validTo: TemplateFields.validTo,
  validDays: TemplateFields.validDays,
  /** Never below what was issued already. */
  totalQuota: TemplateFields.totalQuota,
  perMemberLimit: TemplateFields.perMemberLimit.optional(),
  stackable: TemplateFields.stackable.optional(),
  /** An inactive template issues nothing; coupons issued from it stay usable. */
  active: z.boolean().optional(),
});

export const CouponTemplateView = z.object({
  id: z.string(),
  name: z.string(),
  kind: CouponKind,
  valueFen: z.number().int().nullable(),
  percent: z.number().int().nullable(),
  maxDiscountFen: z.number().int().nullable(),
  minSpendFen: z.number().int(),
  sku: z.string().nullable(),
  categories: z.array(z.string()).nullable(),
  storeIds: z.array(z.string()).nullable(),
  validFrom: IsoDateTime.nullable(),
  validTo: IsoDateTime.nullable(),
  validDays: z.number().int().nullable(),
  totalQuota: z.number().int().nullable(),
  issuedCount: z.number().int(),
  perMemberLimit: z.number().int(),
  stackable: z.boolean(),
  active: z.boolean(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});

/** A coupon as its member sees it in the wallet (and the till in the scan). */
export const CouponView = z.object({
  id: z.string(),
  templateId: z.string(),
  name: z.string(),
  kind: CouponKind,
  valueFen: z.number().int().nullable(),
  percent: z.number().int().nullable(),
  maxDiscountFen: z.number().int().nullable(),
  minSpendFen: z.number().int(),
  sku: z.string().nullable(),
  categories: z.array(z.string()).nullable(),
  storeIds: z.array(z.string()).nullable(),
  stackable: z.boolean(),
  validFrom: IsoDateTime,
  validTo: IsoDateTime,
  /** A coupon past its validTo is `expired` here even before the expiry job has marked it. */
  status: CouponStatus,
  issuedAt: IsoDateTime,
  usedAt: IsoDateTime.optional(),
  purchaseId: z.string().optional(),
});

export const MyCouponsQuery = PaginationQuery.extend({ status: CouponStatus.optional() });

export const IssueCouponBody = z.object({
  templateId: Id,
  reason: z.string().trim().min(2).max(200),
});

export const IssuedCouponView = CouponView.extend({ memberId: z.string() });

export const CouponBatchId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'letters, digits and _ . : - (at most 64)');

export const CouponBatchBody = z
  .object({
    /** Chosen by headquarters: the same batchId never issues twice (a re-run resumes it). */
    batchId: CouponBatchId,
    templateId: Id,
    /** Up to 2,000 members by id; larger audiences are a segment. */
    memberIds: z.array(Id).min(1).max(2000).optional(),
    /** Active members of these tiers (every active member when tiers is omitted). */
    segment: z.object({ tiers: z.array(z.string().min(1).max(32)).min(1).max(20).optional() }).optional(),
  })
  .refine((body) => (body.memberIds === undefined) !== (body.segment === undefined), {
    message: 'give memberIds or a segment, one of them',
    path: ['memberIds'],
  });

export const CouponBatchState = z.enum(['pending', 'running', 'interrupted', 'done']);

export const CouponBatchView = z.object({
  batchId: z.string(),
  templateId: z.string(),
  /** pending: waiting for a runner; running: being issued; interrupted: its runner stopped without finishing. */
  state: CouponBatchState,
  /** Members in the audience when the batch was created. */
  total: z.number().int(),
  issued: z.number().int(),
  /** Members who got none: over the per-member limit, beyond the quota, not an active member. */
  skipped: z.number().int(),
  createdAt: IsoDateTime,
  finishedAt: IsoDateTime.nullable(),
});

export const CouponJobBody = z.object({ asOf: IsoDateTime.optional() });
export const ExpireCouponsResponse = z.object({ asOf: IsoDateTime, expired: z.number().int() });
export const BirthdayCouponsResponse = z.object({
  asOf: IsoDateTime,
  issued: z.number().int(),
  skipped: z.number().int(),
});

const HEADQUARTERS = ['admin'] as const;

export const couponsRoutes = {
  listCouponTemplates: defineRoute({
    method: 'GET',
    path: '/api/admin/coupon-templates',
    summary: 'Coupon templates with their terms, quota and how many were issued',
    tag: 'admin',
    auth: 'staff',
    roles: HEADQUARTERS,
    query: PaginationQuery,
    status: 200,
    response: paginated(CouponTemplateView),
  }),
  createCouponTemplate: defineRoute({
    method: 'POST',
    path: '/api/admin/coupon-templates',
    summary: 'Create a coupon template: cash off, percent off or an item voucher (audited)',
    tag: 'admin',
    auth: 'staff',
    roles: HEADQUARTERS,
    body: CreateCouponTemplateBody,
    status: 201,
    response: CouponTemplateView,
  }),
  updateCouponTemplate: defineRoute({
    method: 'PATCH',
    path: '/api/admin/coupon-templates/:id',
    summary: "Change a template's terms for coupons issued from now on, its quota, or whether it issues (audited)",
    tag: 'admin',
    auth: 'staff',
    roles: HEADQUARTERS,
    body: UpdateCouponTemplateBody,
    status: 200,
    response: CouponTemplateView,
    errors: ['COUPON_TEMPLATE_NOT_FOUND'],
  }),
  issueCoupon: defineRoute({
    method: 'POST',
    path: '/api/admin/members/:id/coupons',
    summary: 'Issue a coupon to a member by hand, with a reason (audited; within quota and per-member limit)',
    tag: 'admin',
    auth: 'staff',
    roles: HEADQUARTERS,
    idempotent: true,
    body: IssueCouponBody,
    status: 201,
    response: IssuedCouponView,
    errors: [
      'MEMBER_NOT_FOUND',
      'COUPON_TEMPLATE_NOT_FOUND',
      'COUPON_TEMPLATE_INACTIVE',
      'COUPON_QUOTA_EXHAUSTED',
      'COUPON_LIMIT_REACHED',
    ],
  }),
  createCouponBatch: defineRoute({
    method: 'POST',
    path: '/api/admin/coupon-batches',
    summary: 'Issue a coupon to a list of members or a segment, in the background; resumable, never twice',
    tag: 'admin',
    auth: 'staff',
    roles: HEADQUARTERS,
    body: CouponBatchBody,
    status: 202,
    response: CouponBatchView,
    errors: ['COUPON_TEMPLATE_NOT_FOUND', 'COUPON_TEMPLATE_INACTIVE', 'COUPON_BATCH_ID_TAKEN'],
  }),
  couponBatch: defineRoute({
    method: 'GET',
    path: '/api/admin/coupon-batches/:batchId',
    summary: "A batch's progress",
    tag: 'admin',
    auth: 'staff',
    roles: HEADQUARTERS,
    status: 200,
    response: CouponBatchView,
    errors: ['COUPON_BATCH_NOT_FOUND'],
  }),
  myCoupons: defineRoute({
    method: 'GET',
    path: '/api/me/coupons',
    summary: "The member's coupons, newest first: available, used or expired",
    tag: 'member',
    auth: 'member',
    query: MyCouponsQuery,
    status: 200,
    response: paginated(CouponView),
    errors: ['MEMBER_NOT_FOUND'],
  }),
  devExpireCoupons: defineRoute({
    method: 'POST',
    path: '/api/dev/expire-coupons',
    summary: 'Mark coupons past their validity expired now (development only; production runs `huika expire-coupons`)',
    tag: 'dev',
    auth: 'dev',
    body: CouponJobBody,
    status: 200,
    response: ExpireCouponsResponse,
  }),
  devIssueBirthdayCoupons: defineRoute({
    method: 'POST',
    path: '/api/dev/issue-birthday-coupons',
    summary: 'Issue the birthday coupons due now (development only; production runs `huika issue-birthday-coupons`)',
    tag: 'dev',
    auth: 'dev',
    body: CouponJobBody,
    status: 200,
    response: BirthdayCouponsResponse,
  }),
};
