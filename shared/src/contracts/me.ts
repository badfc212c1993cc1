import { z } from 'zod';
import { IsoDateTime, PaginationQuery, paginated } from './common';
import { defineRoute } from './route';

export const TierSummary = z.object({
  code: z.string(),
  name: z.string(),
  /** 90 means 9折; 100 means no discount. */
  discountPercent: z.number().int(),
});

export const PointsSummary = z.object({
  /** Spendable points; negative when a refund left a debt (DOMAIN §6). */
  balance: z.number().int(),
  /** Earned but not yet spendable (the program's pending period). */
  pending: z.number().int(),
  /** What expires when, soonest first. */
  expiring: z.array(z.object({ points: z.number().int(), expiresAt: IsoDateTime })),
});

export const MeResponse = z.object({
  id: z.string(),
  cardNo: z.string(),
  name: z.string(),
  phoneMasked: z.string().nullable(),
  tier: TierSummary,
  points: PointsSummary,
  nextTier: z.object({ code: z.string(), name: z.string(), spendNeededFen: z.number().int() }).nullable(),
  balanceFen: z.number().int(),
  cardValidUntil: IsoDateTime.nullable(),
  /** YYYY-MM-DD; the member may set it once (DOMAIN §1). */
  birthday: z.string().nullable(),
});

export const PointEntryKind = z.enum(['earn', 'spend', 'expire', 'reverse', 'restore', 'adjust', 'release']);

export const PointEntry = z.object({
  id: z.string(),
  kind: PointEntryKind,
  points: z.number().int(),
  /** Earned into the pending period; becomes spendable with a later `release` entry. */
  pending: z.boolean(),
  /** The spendable balance right after this entry. */
  balanceAfter: z.number().int(),
  expiresAt: IsoDateTime.optional(),
  refType: z.string(),
  refId: z.string(),
  createdAt: IsoDateTime,
});

export const SessionsEndedResponse = z.object({
  /** How many sessions were still live and are now ended. */
  ended: z.number().int().nonnegative(),
});

export const meRoutes = {
  me: defineRoute({
    method: 'GET',
    path: '/api/me',
    summary: "The member's card, tier and points",
    tag: 'member',
    auth: 'member',
    status: 200,
    response: MeResponse,
    errors: ['MEMBER_NOT_FOUND'],
  }),
  myPointEntries: defineRoute({
    method: 'GET',
    path: '/api/me/points/entries',
    summary: "The member's points history, newest first",
    tag: 'member',
    auth: 'member',
    query: PaginationQuery,
    status: 200,
    response: paginated(PointEntry),
    errors: ['MEMBER_NOT_FOUND'],
  }),
  endMySessions: defineRoute({
    method: 'POST',
    path: '/api/me/sessions/end-all',
    summary: "Log out everywhere: every session of the member ends, the caller's own included",
    tag: 'member',
    auth: 'member',
    status: 200,
    response: SessionsEndedResponse,
  }),
};
