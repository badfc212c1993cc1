import { z } from 'zod';
import { multiplierSchema, storedMultiplierSchema } from './multiplier';

/**
 * The loyalty program's rules. Every rule is configuration with a default taken from DOMAIN.md;
 * headquarters changes them, code never hard-codes them.
 */

const fen = z.number().int().min(0);
const percent = z.number().int().min(1).max(100);
const MIN_MULTIPLIER = 1;
const MAX_MULTIPLIER = 100;

/** A tier with the given multiplier schema: strict for what is written, lenient for what was stored. */
const tierSchema = (multiplier: z.ZodType<number, number>) =>
  z.object({
    code: z
      .string()
      .min(1)
      .max(32)
      .regex(/^[a-z0-9_-]+$/),
    name: z.string().min(1).max(32),
    /** Order on the ladder: 0 is the entry tier. */
    rank: z.number().int().min(0),
    /** Price paid on eligible lines, in percent: 90 means 9折; 100 means no discount. */
    discountPercent: percent,
    /** Applies on every purchase (DOMAIN §3): a decimal with at most two places; 1 means none. */
    pointsMultiplier: multiplier,
    /** Applies on the member's birthday (DOMAIN §3); 1 means none. */
    birthdayMultiplier: multiplier,
    /** Qualifies with one purchase of at least this much paid (null: not by single purchase). */
    singlePurchaseFen: fen.nullable(),
    /** Qualifies with at least this much paid within the rolling window (null: not by window spend). */
    windowSpendFen: fen.nullable(),
    /** Gets the member-day discount every day (pharmacy seed: gold). */
    everyDayMemberDay: z.boolean().default(false),
    /** For the `pointsEarned` measure: points earned in the calendar year (never the balance). */
    pointsThreshold: z.number().int().min(0).nullable().default(null),
    /** For the `topUp` measure: a single stored-value top-up of at least this much (seed 5.5). */
    topUpFen: fen.nullable().default(null),
  });

export const TierSchema = tierSchema(multiplierSchema(MIN_MULTIPLIER, MAX_MULTIPLIER));
export type Tier = z.infer<typeof TierSchema>;

export const ExpiryPolicySchema = z.discriminatedUnion('kind', [
  /** Points earned in year Y expire at the end of Dec 31 of Y; earned on Dec 31 counts toward Y+1. */
  z.object({ kind: z.literal('naturalYear') }),
  z.object({ kind: z.literal('rollingMonths'), months: z.number().int().min(1).max(120) }),
  z.object({ kind: z.literal('never') }),
]);
export type ExpiryPolicy = z.infer<typeof ExpiryPolicySchema>;

/** The program with the given tier schema: strict for what is written, lenient for what was stored. */
const programConfigSchema = (tier: z.ZodType<Tier, z.input<typeof TierSchema>>) =>
  z.object({
    name: z.string().min(1).max(64).default('Huika 会员'),
    /** IANA time zone in which dates, days and years of the program are counted. */
    timeZone: z.string().default('Asia/Shanghai'),
    earning: z
      .object({
        /** Points per whole yuan paid on eligible lines; rounded down per order. */
        pointsPerYuan: z.number().int().min(0).max(1000).default(1),
        /** Highest multiplier wins unless this is set. */
        stackMultipliers: z.boolean().default(false),
        perOrderCap: z.number().int().min(1).nullable().default(null),
        dailyCap: z.number().int().min(1).nullable().default(null),
        pendingDays: z.number().int().min(0).max(365).default(0),
        referralRewardPoints: z.number().int().min(0).default(10),
        referralHoldingDays: z.number().int().min(0).max(365).default(7),
        joinGiftPoints: z.number().int().min(0).default(0),
      })
      .prefault({}),
    expiry: ExpiryPolicySchema.default({ kind: 'naturalYear' }),
    pointsAsCash: z
      .object({
        /** Points that make one yuan. */
        pointsPerYuan: z.number().int().min(1).default(100),
        minOrderFen: fen.default(0),
        /** Largest share of the payable amount that points may cover, in percent. */
        maxSharePercent: percent.default(50),
      })
      .prefault({}),
    tiers: z.object({
      /** How tier qualification is measured (DOMAIN §7). */
      measure: z
        .enum(['singleOrWindowSpend', 'calendarYearSpend', 'pointsEarned', 'topUp'])
        .default('singleOrWindowSpend'),
      windowDays: z.number().int().min(1).max(3660).default(180),
      downgradeGraceDays: z.number().int().min(0).max(365).default(30),
      ladder: z.array(tier).min(1),
    }),
    memberDays: z
      .object({
        daysOfMonth: z.array(z.number().int().min(1).max(31)).default([9, 19, 29]),
        discountPercent: percent.default(90),
      })
      .prefault({}),
    card: z
      .object({
        /** Months a card stays valid after opening or the last purchase; null: never lapses. */
        validityMonths: z.number().int().min(1).max(1200).nullable().default(12),
        codeStepSeconds: z.number().int().min(10).max(300).default(30),
      })
      .prefault({}),
    referral: z
      .object({
        /** Referrals one referrer may make per day (program time zone); beyond it they are recorded as refused. */
        dailyCap: z.number().int().min(0).default(20),
        /** Referrals one referrer may make per calendar month. */
        monthlyCap: z.number().int().min(0).default(100),
      })
      .prefault({}),
    coupons: z
      .object({
        /** 入会有礼 (DOMAIN §1): coupon templates every new member receives in the join transaction. */
        joinGiftTemplateIds: z.array(z.string().min(1).max(26)).max(10).default([]),
        /** Birthday gifts (DOMAIN §8): issued once a year in the member's birthday month (`huika issue-birthday-coupons`). */
        birthdayTemplateIds: z.array(z.string().min(1).max(26)).max(10).default([]),
        /** Issued to the referrer when the referral reward is granted (DOMAIN §11). */
        referralTemplateIds: z.array(z.string().min(1).max(26)).max(10).default([]),
        /** By tier code: issued once when a member is first upgraded to that tier (DOMAIN §7). */
        tierUpgradeTemplateIds: z
          .record(z.string().min(1).max(32), z.array(z.string().min(1).max(26)).max(10))
          .default({}),
      })
      .prefault({}),
    refunds: z
      .object({
        /** Refunds above this amount need a store manager's approval. */
        managerApprovalAboveFen: fen.default(100000),
      })
      .prefault({}),
  });

/**
 * The program as headquarters writes it: every rule validated, multipliers with at most two decimals. The
 * `topUp` tier measure is refused until Huika has stored value: no top-up could ever meet it, and each period's
 * review would step every member down.
 */
export const ProgramConfigSchema = programConfigSchema(TierSchema).superRefine((config, context) => {
  if (config.tiers.measure === 'topUp') {
    context.addIssue({
      code: 'custom',
      path: ['tiers', 'measure'],
      message: 'the topUp measure needs stored value, which this program does not offer yet',
    });
  }
});
export type ProgramConfig = z.infer<typeof ProgramConfigSchema>;

/**
 * The program as read from `program_config`: as ProgramConfigSchema, except that multipliers saved before
 * the two-decimal limit load rounded to the nearest hundredth, so an older database still starts.
 */
export const StoredProgramConfigSchema = programConfigSchema(
  tierSchema(storedMultiplierSchema(MIN_MULTIPLIER, MAX_MULTIPLIER)),
);

/** The default ladder (DOMAIN §7, clothing seed): 普通 → 银卡 → 金卡 → 钻石卡. */
export const DEFAULT_TIER_LADDER: Tier[] = [
  {
    code: 'normal',
    name: '普通会员',
    rank: 0,
    discountPercent: 100,
    pointsMultiplier: 1,
    birthdayMultiplier: 1,
    singlePurchaseFen: null,
    windowSpendFen: null,
    everyDayMemberDay: false,
    pointsThreshold: null,
    topUpFen: null,
  },
  {
    code: 'silver',
    name: '银卡',
    rank: 1,
    discountPercent: 90,
    pointsMultiplier: 1,
    birthdayMultiplier: 2,
    singlePurchaseFen: 100000,
    windowSpendFen: 300000,
    everyDayMemberDay: false,
    pointsThreshold: 3000,
    topUpFen: 100000,
  },
  {
    code: 'gold',
    name: '金卡',
    rank: 2,
    discountPercent: 80,
    pointsMultiplier: 1,
    birthdayMultiplier: 3,
    singlePurchaseFen: 500000,
    windowSpendFen: 800000,
    everyDayMemberDay: true,
    pointsThreshold: 8000,
    topUpFen: 500000,
  },
  {
    code: 'diamond',
    name: '钻石卡',
    rank: 3,
    discountPercent: 70,
    pointsMultiplier: 1,
    birthdayMultiplier: 5,
    singlePurchaseFen: 1000000,
    windowSpendFen: 1500000,
    everyDayMemberDay: true,
    pointsThreshold: 15000,
    topUpFen: 1000000,
  },
];

/** The default program of DOMAIN.md, as the demo seed installs it. */
export function defaultProgramConfig(): ProgramConfig {
  return ProgramConfigSchema.parse({ tiers: { ladder: DEFAULT_TIER_LADDER } });
}
