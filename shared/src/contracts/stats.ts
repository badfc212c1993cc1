import { z } from 'zod';
import { IsoDate, IsoDateTime } from './common';
import { defineRoute } from './route';

export const StatsSummaryQuery = z.object({
  /** Headquarters only: the figures of one store. A store manager's figures are always their own store's. */
  storeId: z.string().trim().min(1).max(64).optional(),
});

/**
 * What happened in one period, counted at the till. Every figure is an integer; money is fen, points are points.
 *
 * - `newMembers`: members who joined in the period (headquarters: every join, whatever the scene; a store: the
 *   joins attributed to that store, `member_joins.store_id`). A member who closed the account since still counts.
 * - `purchases`: purchases posted in the period, refunded ones included (their refunds are in `salesFen`).
 * - `salesFen`: net sales, cash basis: what members paid on the period's purchases (money and stored value,
 *   `paid_fen`) minus what the period's refunds paid back, whenever the refunded purchase was made. A day's figure
 *   never changes afterwards, and may be negative on a day with more refunds than sales.
 * - `pointsIssued`: points earned on the period's purchases (pending points included). Points granted outside a
 *   purchase (join gifts, referral rewards, adjustments) and points a refund took back are not in it.
 * - `pointsSpent`: points spent as cash on the period's purchases (not gifts or activities; points a refund gave
 *   back are not subtracted).
 * - `couponsUsed`: coupons used on the period's purchases. A coupon records the purchase it was used on, and the
 *   purchase its store, so a store's figure is the coupons used at that store. A coupon that a full refund gave back
 *   is no longer counted: the refund clears its use.
 */
export const StatsFigures = z.object({
  newMembers: z.number().int(),
  purchases: z.number().int(),
  salesFen: z.number().int(),
  pointsIssued: z.number().int(),
  pointsSpent: z.number().int(),
  couponsUsed: z.number().int(),
});

export const StatsDay = z.object({
  /** A calendar day in the program's time zone. */
  date: IsoDate,
  newMembers: z.number().int(),
  purchases: z.number().int(),
  salesFen: z.number().int(),
});

/**
 * The console's overview (概览). "Today" and "this month" are the calendar day and month of `generatedAt` in the
 * program's time zone (DOMAIN: dates are the brand's), not UTC's; `daily` is the last 30 calendar days ending
 * today, oldest first, days without activity included as zeros. Today's figures are the last day of `daily`.
 */
export const StatsSummaryResponse = z.object({
  timeZone: z.string(),
  generatedAt: IsoDateTime,
  /** The store the figures are of; null: every store. */
  storeId: z.string().nullable(),
  today: StatsFigures,
  thisMonth: StatsFigures,
  daily: z.array(StatsDay),
});

export const statsRoutes = {
  adminStatsSummary: defineRoute({
    method: 'GET',
    path: '/api/admin/stats/summary',
    summary:
      "Today's and this month's new members, purchases, net sales, points issued and spent, and coupons used, " +
      'with the last 30 days; headquarters for every store or one, a store manager for their own store only',
    tag: 'admin',
    auth: 'staff',
    roles: ['admin', 'manager'],
    query: StatsSummaryQuery,
    status: 200,
    response: StatsSummaryResponse,
    errors: ['VALIDATION_FAILED', 'FORBIDDEN'],
  }),
};
