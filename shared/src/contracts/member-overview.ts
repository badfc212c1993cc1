import { z } from 'zod';
import { PurchaseView } from './checkout';
import { IsoDateTime, PaginationQuery, paginated } from './common';
import { CouponView, MyCouponsQuery } from './coupons';
import { ActivitySignupStatus } from './activities';
import { RedemptionView } from './gifts';
import { MeResponse, PointEntry } from './me';
import { AdminMemberView, CloseAccountBody, SceneKind } from './members';
import { defineRoute } from './route';

const TierChange = z.object({
  from: z.string(),
  to: z.string(),
  /** What moved the member: a purchase, the periodic review, headquarters, a refund. */
  reason: z.string(),
  at: IsoDateTime,
});

/**
 * A member's page in the console: who they are, where they joined, their tier and its history, their points and
 * what expires when. The long lists (ledger, purchases, coupons, redemptions) are paginated routes of their own;
 * the audit trail is the audit log filtered on the member.
 */
export const AdminMemberOverview = z.object({
  member: AdminMemberView,
  /** The card, points and tier as the member sees them; null once the account is closed. */
  account: MeResponse.nullable(),
  join: z
    .object({
      storeId: z.string().nullable(),
      storeName: z.string().nullable(),
      scene: z.string().nullable(),
      sceneKind: SceneKind.nullable(),
      staffId: z.string().nullable(),
      channel: z.string(),
      joinedAt: IsoDateTime,
    })
    .nullable(),
  tier: z.object({
    since: IsoDateTime.nullable(),
    /** Set while headquarters holds the member on a tier by hand. */
    manualUntil: IsoDateTime.nullable(),
    /** The latest changes, newest first (at most 20). */
    history: z.array(TierChange),
  }),
  referral: z.object({
    /** How this member came: the referral's state, if a member invited them. */
    invitedBy: z.enum(['pending', 'granted', 'reversed', 'refused']).nullable(),
    /** How many members this member invited, by state. */
    invited: z.object({
      pending: z.number().int(),
      granted: z.number().int(),
      reversed: z.number().int(),
      refused: z.number().int(),
    }),
  }),
});

/** One of the member's activity sign-ups, on the member's page. */
export const MemberActivitySignupView = z.object({
  id: z.string(),
  activityId: z.string(),
  activityName: z.string(),
  startsAt: IsoDateTime,
  status: ActivitySignupStatus,
  pointsFee: z.number().int(),
  createdAt: IsoDateTime,
  cancelledAt: IsoDateTime.nullable(),
});

export const AdminReissueCardBody = z.object({
  /** Why: the member's lost phone, a stolen card (kept in the audit log). */
  reason: z.string().trim().min(2).max(200),
});

export const AdminReissueCardResponse = z.object({
  cardNo: z.string(),
  /** Member sessions ended with the old card. */
  sessionsEnded: z.number().int().nonnegative(),
});

export const AdminCloseMemberBody = CloseAccountBody.extend({
  reason: z.string().trim().min(2).max(200),
});

const MANAGERS_TOO = ['admin', 'manager'] as const;
const READ_SCOPE = 'A store manager reads only the members who joined at their store.';

export const memberOverviewRoutes = {
  adminMemberOverview: defineRoute({
    method: 'GET',
    path: '/api/admin/members/:id/overview',
    summary: `A member's page: profile (phone masked), join, tier and its history, points and what expires when, referral. ${READ_SCOPE}`,
    tag: 'admin',
    auth: 'staff',
    roles: MANAGERS_TOO,
    status: 200,
    response: AdminMemberOverview,
    errors: ['MEMBER_NOT_FOUND', 'FORBIDDEN'],
  }),
  adminMemberPointEntries: defineRoute({
    method: 'GET',
    path: '/api/admin/members/:id/points/entries',
    summary: `A member's points ledger, newest first. ${READ_SCOPE}`,
    tag: 'admin',
    auth: 'staff',
    roles: MANAGERS_TOO,
    query: PaginationQuery,
    status: 200,
    response: paginated(PointEntry),
    errors: ['MEMBER_NOT_FOUND', 'FORBIDDEN'],
  }),
  adminMemberPurchases: defineRoute({
    method: 'GET',
    path: '/api/admin/members/:id/purchases',
    summary: `A member's purchases and their refunds, newest first. ${READ_SCOPE}`,
    tag: 'admin',
    auth: 'staff',
    roles: MANAGERS_TOO,
    query: PaginationQuery,
    status: 200,
    response: paginated(PurchaseView),
    errors: ['MEMBER_NOT_FOUND', 'FORBIDDEN'],
  }),
  adminMemberCoupons: defineRoute({
    method: 'GET',
    path: '/api/admin/members/:id/coupons',
    summary: `A member's coupons by state. ${READ_SCOPE}`,
    tag: 'admin',
    auth: 'staff',
    roles: MANAGERS_TOO,
    query: MyCouponsQuery,
    status: 200,
    response: paginated(CouponView),
    errors: ['MEMBER_NOT_FOUND', 'FORBIDDEN'],
  }),
  adminMemberRedemptions: defineRoute({
    method: 'GET',
    path: '/api/admin/members/:id/redemptions',
    summary: `A member's gift redemptions and pickups, newest first. ${READ_SCOPE}`,
    tag: 'admin',
    auth: 'staff',
    roles: MANAGERS_TOO,
    query: PaginationQuery,
    status: 200,
    response: paginated(RedemptionView),
    errors: ['MEMBER_NOT_FOUND', 'FORBIDDEN'],
  }),
  adminMemberActivitySignups: defineRoute({
    method: 'GET',
    path: '/api/admin/members/:id/activity-signups',
    summary: `A member's activity sign-ups, newest first, standing or cancelled. ${READ_SCOPE}`,
    tag: 'admin',
    auth: 'staff',
    roles: MANAGERS_TOO,
    query: PaginationQuery,
    status: 200,
    response: paginated(MemberActivitySignupView),
    errors: ['MEMBER_NOT_FOUND', 'FORBIDDEN'],
  }),
  adminMemberCardReissue: defineRoute({
    method: 'POST',
    path: '/api/admin/members/:id/card/reissue',
    summary:
      "Reissue a member's card for a lost phone, by headquarters: a new card number, the old card's codes and every member session end; audited",
    tag: 'admin',
    auth: 'staff',
    roles: ['admin'],
    body: AdminReissueCardBody,
    status: 200,
    response: AdminReissueCardResponse,
    errors: ['MEMBER_NOT_FOUND'],
  }),
  adminMemberClose: defineRoute({
    method: 'POST',
    path: '/api/admin/members/:id/close',
    summary:
      "Close a member's account at their request: personal data erased, the points ledger kept for the books; audited with the reason",
    tag: 'admin',
    auth: 'staff',
    roles: ['admin'],
    body: AdminCloseMemberBody,
    status: 200,
    response: AdminMemberView,
    errors: ['MEMBER_NOT_FOUND'],
  }),
};
