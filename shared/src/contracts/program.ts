import { z } from 'zod';
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
