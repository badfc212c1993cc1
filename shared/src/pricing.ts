import { prorate } from './money';
import { MULTIPLIER_SCALE, multiplierHundredths, multiplyPoints } from './multiplier';
import type { ProgramConfig, Tier } from './program';

/**
 * The pricing engine (DOMAIN §3, §5, §8): pure functions from a basket and the member's situation to the
 * totals of API.md and the points earned. No I/O; the server gathers the facts and posts the result.
 * Money is integer fen; every split uses largest-remainder `prorate`, so the parts add up exactly.
 */

/** The most points one order earns, whatever multipliers stack: far above any real order, and a safe integer. */
export const MAX_POINTS_PER_ORDER = 1_000_000_000_000;

export interface BasketLine {
  sku: string;
  name: string;
  category?: string | undefined;
  unitPriceFen: number;
  quantity: number;
  /** false for 特价/指定商品: no member discount and no points. Defaults to true. */
  pointsEligible?: boolean | undefined;
}

/** A discount or double-points campaign that applies to this member, store and moment. */
export interface ActiveCampaign {
  id: string;
  name: string;
  /** Price paid on eligible lines in percent (90 = 9折); null when the campaign gives no discount. */
  discountPercent: number | null;
  /** Points multiplier in whole hundredths (200 = double points); null when the campaign gives no extra points. */
  pointsMultiplierHundredths: number | null;
  /** Extra points a points campaign's budget has left to give; null or absent for no cap. */
  pointsBudgetLeft?: number | null | undefined;
}

/** The extra points one points campaign gave in a purchase: what its budget spends. */
export interface CampaignPoints {
  campaignId: string;
  points: number;
}

/** What a coupon takes off, computed by the coupon engine; the seam where coupons plug in. */
export interface CouponApplication {
  couponId: string;
  /** Fen off, allotted to lines by the coupon engine (keys are line indexes). */
  amountFen: number;
  lineIndexes?: number[];
}

export interface PricingInput {
  lines: BasketLine[];
  program: ProgramConfig;
  tier: Tier;
  /** Today is a member day (DOMAIN §8) in the program's time zone. */
  isMemberDay: boolean;
  /** Today is the member's birthday (by the program's birthday rule). */
  isBirthday: boolean;
  campaigns: ActiveCampaign[];
  coupons: CouponApplication[];
  pointsToUse: number;
  payWithBalanceFen: number;
  /** Points the member already earned today, for the daily cap. */
  earnedToday: number;
}

export type DiscountSource = 'tier' | 'memberDay' | 'campaign';

export interface PricedLine extends Required<Omit<BasketLine, 'category'>> {
  category: string | null;
  grossFen: number;
  discountFen: number;
  couponFen: number;
  pointsCashFen: number;
  balancePaidFen: number;
  /** What the member pays for this line in money (cash and stored value). */
  paidFen: number;
  pointsEarned: number;
}

export interface Totals {
  grossFen: number;
  discountFen: number;
  couponFen: number;
  pointsCashFen: number;
  balancePaidFen: number;
  payableFen: number;
}

export interface PricingResult {
  totals: Totals;
  lines: PricedLine[];
  /** What the member pays in money, cash plus stored value: what tiers count. */
  paidFen: number;
  pointsSpent: number;
  pointsEarned: number;
  /** What each points campaign added to `pointsEarned` (only those that added any): what their budgets spend. */
  campaignPoints: CampaignPoints[];
  discount: { source: DiscountSource | null; percent: number; campaignId: string | null };
  /**
   * The multiplier applied: `factors` in whole hundredths (one per source, multiplied together), and `value`,
   * their product as a decimal, for display only; points are computed from the factors.
   */
  multiplier: { value: number; factors: number[]; sources: string[] };
  /** The requested points were more than the order allows (minimum order, maximum share). */
  pointsClamped: boolean;
}

export class PricingError extends Error {
  constructor(
    readonly code: 'VALIDATION_FAILED' | 'POINTS_NOT_ALLOWED',
    message: string,
  ) {
    super(message);
  }
}

const isEligible = (line: BasketLine) => line.pointsEligible !== false;

/** The best single member discount on eligible lines: tier, member day or campaign (no stacking). */
export function bestDiscount(
  tier: Tier,
  program: ProgramConfig,
  isMemberDay: boolean,
  campaigns: ActiveCampaign[],
): PricingResult['discount'] {
  let best: PricingResult['discount'] = { source: null, percent: 100, campaignId: null };
  const consider = (source: DiscountSource, percent: number, campaignId: string | null = null) => {
    if (percent < best.percent) best = { source, percent, campaignId };
  };
  consider('tier', tier.discountPercent);
  if (isMemberDay || tier.everyDayMemberDay) consider('memberDay', program.memberDays.discountPercent);
  for (const campaign of campaigns) {
    if (campaign.discountPercent !== null) consider('campaign', campaign.discountPercent, campaign.id);
  }
  return best;
}

/**
 * Highest multiplier wins unless the program stacks them (DOMAIN §3). Tier and birthday multipliers are
 * converted from their decimal form here, once; campaign multipliers arrive in hundredths.
 */
export function earningMultiplier(
  tier: Tier,
  program: ProgramConfig,
  isBirthday: boolean,
  campaigns: ActiveCampaign[],
): PricingResult['multiplier'] {
  const candidates: { hundredths: number; source: string }[] = [
    { hundredths: multiplierHundredths(tier.pointsMultiplier), source: 'tier' },
  ];
  if (isBirthday) candidates.push({ hundredths: multiplierHundredths(tier.birthdayMultiplier), source: 'birthday' });
  for (const campaign of campaigns) {
    if (campaign.pointsMultiplierHundredths !== null) {
      candidates.push({ hundredths: campaign.pointsMultiplierHundredths, source: `campaign:${campaign.id}` });
    }
  }
  const extra = candidates.filter((c) => c.hundredths > MULTIPLIER_SCALE);
  if (extra.length === 0) return { value: 1, factors: [], sources: [] };
  const chosen = program.earning.stackMultipliers
    ? extra
    : [extra.reduce((a, b) => (b.hundredths > a.hundredths ? b : a))];
  const factors = chosen.map((c) => c.hundredths);
  return {
    value: factors.reduce((product, factor) => product * factor, 1) / MULTIPLIER_SCALE ** factors.length,
    factors,
    sources: chosen.map((c) => c.source),
  };
}

/**
 * The points `base` earns with the multipliers, within the per-order and daily caps, and what each points campaign
 * gave of them. A campaign gives the points earned with it minus those earned without it, and a campaign with a
 * budget (DOMAIN §8: "extra points it may give away in all") gives at most what is left of it: the member then
 * earns the rest of the extra only as far as the budget goes, never more than the cap, and at least what the
 * other multipliers give. Campaigns without a cap count first, then those with the most left, so a budget pays
 * only for what its campaign adds on top of the ones before it; the parts add up to the points earned.
 */
export function earnedPoints(
  base: number,
  input: Pick<PricingInput, 'tier' | 'program' | 'isBirthday' | 'campaigns' | 'earnedToday'>,
): { pointsEarned: number; campaignPoints: CampaignPoints[] } {
  const { tier, program } = input;
  const earnedWith = (campaigns: ActiveCampaign[]) => {
    // Integer arithmetic, rounded down once (multiplyPoints). Stacked multipliers could take a basket at its
    // bound past a safe integer: no order earns more than this.
    const multiplied = multiplyPoints(base, earningMultiplier(tier, program, input.isBirthday, campaigns).factors);
    let points = multiplied > BigInt(MAX_POINTS_PER_ORDER) ? MAX_POINTS_PER_ORDER : Number(multiplied);
    if (program.earning.perOrderCap !== null) points = Math.min(points, program.earning.perOrderCap);
    if (program.earning.dailyCap !== null) {
      points = Math.max(0, Math.min(points, program.earning.dailyCap - input.earnedToday));
    }
    return points;
  };
  const left = (c: ActiveCampaign) => c.pointsBudgetLeft ?? Number.POSITIVE_INFINITY;
  const ordered = input.campaigns
    .filter((c) => c.pointsMultiplierHundredths !== null)
    .sort((a, b) => left(b) - left(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let pointsEarned = earnedWith([]);
  let before = pointsEarned;
  const counted: ActiveCampaign[] = [];
  const campaignPoints: CampaignPoints[] = [];
  for (const campaign of ordered) {
    counted.push(campaign);
    const withIt = earnedWith(counted);
    const given = Math.max(0, Math.min(withIt - before, left(campaign)));
    before = withIt;
    if (given > 0) {
      pointsEarned += given;
      campaignPoints.push({ campaignId: campaign.id, points: given });
    }
  }
  return { pointsEarned, campaignPoints };
}

function validate(lines: BasketLine[], pointsToUse: number, payWithBalanceFen: number): void {
  if (lines.length === 0) throw new PricingError('VALIDATION_FAILED', 'a purchase needs at least one line');
  for (const line of lines) {
    if (!Number.isSafeInteger(line.unitPriceFen) || line.unitPriceFen < 0) {
      throw new PricingError('VALIDATION_FAILED', `line ${line.sku}: unitPriceFen must be a whole number of fen ≥ 0`);
    }
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) {
      throw new PricingError('VALIDATION_FAILED', `line ${line.sku}: quantity must be a whole number ≥ 1`);
    }
  }
  if (!Number.isSafeInteger(pointsToUse) || pointsToUse < 0)
    throw new PricingError('VALIDATION_FAILED', 'pointsToUse must be ≥ 0');
  if (!Number.isSafeInteger(payWithBalanceFen) || payWithBalanceFen < 0) {
    throw new PricingError('VALIDATION_FAILED', 'payWithBalanceFen must be ≥ 0');
  }
}

/**
 * Prices a basket. Order of deductions: member discount on eligible lines → coupons → points as cash
 * (within the minimum order and the maximum share) → stored value; what is left is payable in money.
 * Points are earned on what was paid for eligible lines, rounded down per order, times the multiplier
 * (in hundredths, rounded down once more), within the per-order and daily caps.
 */
export function priceBasket(input: PricingInput): PricingResult {
  const { lines, program, tier } = input;
  validate(lines, input.pointsToUse, input.payWithBalanceFen);
  const gross = lines.map((line) => line.unitPriceFen * line.quantity);
  const grossFen = gross.reduce((a, b) => a + b, 0);
  if (!Number.isSafeInteger(grossFen)) throw new PricingError('VALIDATION_FAILED', 'the basket total is too large');

  // 1. Member discount on eligible lines only; rounded in the merchant's favour, then allotted to lines.
  const discount = bestDiscount(tier, program, input.isMemberDay, input.campaigns);
  const eligibleGross = lines.reduce((sum, line, i) => sum + (isEligible(line) ? (gross[i] ?? 0) : 0), 0);
  const discountFen = Math.floor((eligibleGross * (100 - discount.percent)) / 100);
  const lineDiscount = prorate(
    discountFen,
    lines.map((line, i) => (isEligible(line) ? (gross[i] ?? 0) : 0)),
  );
  const afterDiscount = gross.map((g, i) => g - (lineDiscount[i] ?? 0));

  // 2. Coupons (the coupon engine decides amounts; here they are capped by what is left and allotted).
  const lineCoupon = lines.map(() => 0);
  let couponFen = 0;
  for (const coupon of input.coupons) {
    const targets = coupon.lineIndexes ?? lines.map((_, i) => i);
    const base = lines.map((_, i) => (targets.includes(i) ? (afterDiscount[i] ?? 0) - (lineCoupon[i] ?? 0) : 0));
    const amount = Math.min(
      coupon.amountFen,
      base.reduce((a, b) => a + b, 0),
    );
    prorate(amount, base).forEach((part, i) => (lineCoupon[i] = (lineCoupon[i] ?? 0) + part));
    couponFen += amount;
  }
  const afterCoupons = afterDiscount.map((amount, i) => amount - (lineCoupon[i] ?? 0));
  const dueBeforePoints = afterCoupons.reduce((a, b) => a + b, 0);

  // 3. Points as cash: pointsPerYuan points make 100 fen; whole fen only.
  const { pointsPerYuan, minOrderFen, maxSharePercent } = program.pointsAsCash;
  let pointsCashFen = 0;
  let pointsSpent = 0;
  let pointsClamped = false;
  if (input.pointsToUse > 0) {
    if (dueBeforePoints < minOrderFen) {
      throw new PricingError('POINTS_NOT_ALLOWED', `points can be used on orders of at least ${minOrderFen} fen`);
    }
    const requestedFen = Math.floor((input.pointsToUse * 100) / pointsPerYuan);
    const maxFen = Math.floor((dueBeforePoints * maxSharePercent) / 100);
    pointsCashFen = Math.min(requestedFen, maxFen);
    pointsClamped = pointsCashFen < requestedFen;
    // Exactly the points those fen are worth (no fraction of a fen is charged in points).
    pointsSpent = Math.ceil((pointsCashFen * pointsPerYuan) / 100);
  }
  const linePointsCash = prorate(pointsCashFen, afterCoupons);
  const afterPoints = afterCoupons.map((amount, i) => amount - (linePointsCash[i] ?? 0));
  const dueAfterPoints = afterPoints.reduce((a, b) => a + b, 0);

  // 4. Stored value, up to what is due.
  const balancePaidFen = Math.min(input.payWithBalanceFen, dueAfterPoints);
  const lineBalance = prorate(balancePaidFen, afterPoints);
  const payableFen = dueAfterPoints - balancePaidFen;
  const linePaid = afterPoints;

  // 5. Earning on what was paid for eligible lines.
  const multiplier = earningMultiplier(tier, program, input.isBirthday, input.campaigns);
  const eligiblePaid = lines.reduce((sum, line, i) => sum + (isEligible(line) ? (linePaid[i] ?? 0) : 0), 0);
  const base = Math.floor((eligiblePaid * program.earning.pointsPerYuan) / 100);
  const { pointsEarned, campaignPoints } = earnedPoints(base, input);
  const linePoints = prorate(
    pointsEarned,
    lines.map((line, i) => (isEligible(line) ? (linePaid[i] ?? 0) : 0)),
  );

  return {
    totals: { grossFen, discountFen, couponFen, pointsCashFen, balancePaidFen, payableFen },
    lines: lines.map((line, i) => ({
      sku: line.sku,
      name: line.name,
      category: line.category ?? null,
      unitPriceFen: line.unitPriceFen,
      quantity: line.quantity,
      pointsEligible: isEligible(line),
      grossFen: gross[i] ?? 0,
      discountFen: lineDiscount[i] ?? 0,
      couponFen: lineCoupon[i] ?? 0,
      pointsCashFen: linePointsCash[i] ?? 0,
      balancePaidFen: lineBalance[i] ?? 0,
      paidFen: linePaid[i] ?? 0,
      pointsEarned: linePoints[i] ?? 0,
    })),
    paidFen: dueAfterPoints,
    pointsSpent,
    pointsEarned,
    campaignPoints,
    discount,
    multiplier,
    pointsClamped,
  };
}

/**
 * The share of a line's amount that `quantity` more units take when `alreadyRefunded` units were
 * refunded before: cumulative floors, so partial refunds always add up to the whole (DOMAIN §6).
 */
export function refundShare(amount: number, lineQuantity: number, alreadyRefunded: number, quantity: number): number {
  if (alreadyRefunded + quantity > lineQuantity) throw new RangeError('refund exceeds the line');
  const upTo = (units: number) => (units === lineQuantity ? amount : Math.floor((amount * units) / lineQuantity));
  return upTo(alreadyRefunded + quantity) - upTo(alreadyRefunded);
}
