import { z } from 'zod';
import { ProgramConfigSchema } from '../program';
import { BasketLines, QuoteResponse } from './checkout';
import { IsoDate, IsoDateTime, PaginationQuery, paginated } from './common';
import { defineRoute } from './route';

export const ProgramSummary = z.object({
  name: z.string(),
  timeZone: z.string(),
  /** The ladder, entry tier first: what each tier gives and how it is reached (DOMAIN §7). */
  tiers: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      rank: z.number().int(),
      discountPercent: z.number().int(),
      pointsMultiplier: z.number(),
      birthdayMultiplier: z.number(),
      everyDayMemberDay: z.boolean(),
      singlePurchaseFen: z.number().int().nullable(),
      windowSpendFen: z.number().int().nullable(),
    }),
  ),
  tierMeasure: z.string(),
  tierWindowDays: z.number().int(),
  earning: z.object({ pointsPerYuan: z.number().int() }),
  pointsAsCash: z.object({
    pointsPerYuan: z.number().int(),
    minOrderFen: z.number().int(),
    maxSharePercent: z.number().int(),
  }),
  memberDays: z.object({ daysOfMonth: z.array(z.number().int()), discountPercent: z.number().int() }),
  expiry: z.object({ kind: z.string(), months: z.number().int().optional() }),
});

export const programRoutes = {
  program: defineRoute({
    method: 'GET',
    path: '/api/program',
    summary: "The program's public rules: the tier ladder and its benefits, earning, member days, expiry",
    tag: 'member',
    auth: 'public',
    status: 200,
    response: ProgramSummary,
  }),
};

/** The number of a version of the program: 1 when installed, one more with every change. */
export const ProgramVersionNumber = z.number().int().min(1);

export const AdminProgramView = z.object({
  version: ProgramVersionNumber,
  config: ProgramConfigSchema,
  updatedAt: IsoDateTime,
  /** The headquarters account that made this version; null when the system did (install, demo seed). */
  updatedBy: z.string().nullable(),
});

export const UpdateProgramBody = z.object({ config: ProgramConfigSchema });

export const UpdateProgramResponse = z.object({ version: ProgramVersionNumber });

export const ProgramChangeView = z.object({
  path: z.string(),
  /** Absent when the value did not exist before. */
  before: z.unknown().optional(),
  /** Absent when the value no longer exists. */
  after: z.unknown().optional(),
});

export const ProgramVersionView = z.object({
  version: ProgramVersionNumber,
  createdAt: IsoDateTime,
  /** The headquarters account that made it; null when the system did. */
  createdBy: z.string().nullable(),
  /** What changed from the version before it; empty for the first. */
  diff: z.array(ProgramChangeView),
});

export const ProgramVersionsQuery = PaginationQuery.extend({
  /** The version of the last item seen: the next page starts below it. */
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'a cursor from a previous page')
    .optional(),
});

export const ProgramPreviewBody = z
  .object({
    config: ProgramConfigSchema,
    basket: z.object({
      lines: BasketLines,
      pointsToUse: z.number().int().min(0).max(100_000_000).optional(),
    }),
    member: z.object({ tierCode: z.string().min(1).max(32), birthday: IsoDate.nullable().optional() }),
    /** The moment of the purchase (member days and birthdays are counted in the program's time zone); now if omitted. */
    at: IsoDateTime.optional(),
  })
  .superRefine((value, context) => {
    if (!value.config.tiers.ladder.some((tier) => tier.code === value.member.tierCode)) {
      context.addIssue({ code: 'custom', path: ['member', 'tierCode'], message: 'no tier of this code in config' });
    }
  });

export const ProgramPreviewResponse = QuoteResponse.omit({ coupons: true }).extend({
  isMemberDay: z.boolean(),
  isBirthday: z.boolean(),
});

const ADMIN = ['admin'] as const;

export const adminProgramRoutes = {
  adminProgram: defineRoute({
    method: 'GET',
    path: '/api/admin/program',
    summary: 'The program as it is now, with its version (also the ETag)',
    tag: 'admin',
    auth: 'staff',
    roles: ADMIN,
    status: 200,
    response: AdminProgramView,
  }),
  adminProgramUpdate: defineRoute({
    method: 'PUT',
    path: '/api/admin/program',
    summary:
      'Replace the whole program; If-Match: "<version>" must name the current version. Every instance applies it from its next request',
    tag: 'admin',
    auth: 'staff',
    roles: ADMIN,
    body: UpdateProgramBody,
    status: 200,
    response: UpdateProgramResponse,
    errors: ['VERSION_CONFLICT'],
  }),
  adminProgramVersions: defineRoute({
    method: 'GET',
    path: '/api/admin/program/versions',
    summary: "The program's versions, newest first: who made each, when, and what it changed",
    tag: 'admin',
    auth: 'staff',
    roles: ADMIN,
    query: ProgramVersionsQuery,
    status: 200,
    response: paginated(ProgramVersionView),
  }),
  adminProgramPreview: defineRoute({
    method: 'POST',
    path: '/api/admin/program/preview',
    summary: 'What a basket would cost and earn under a program not saved yet (campaigns and coupons aside); no effect',
    tag: 'admin',
    auth: 'staff',
    roles: ADMIN,
    body: ProgramPreviewBody,
    status: 200,
    response: ProgramPreviewResponse,
  }),
};
