import type { ProgramConfig, Tier } from './program';

/** What a member has done, as the tier measures count it (DOMAIN §7). */
export interface TierFacts {
  /** Paid in the purchase being posted (0 when evaluating outside a purchase). */
  singlePurchaseFen: number;
  /** Paid, net of refunds, within the rolling window (program.tiers.windowDays). */
  windowSpendFen: number;
  /** Paid, net of refunds, in the current calendar year. */
  calendarYearSpendFen: number;
  /** Points earned (never the balance) in the current calendar year, net of reversals. */
  pointsEarnedThisYear: number;
  /** The largest single stored-value top-up counted by the program. */
  largestTopUpFen: number;
}

export type TierMeasure = ProgramConfig['tiers']['measure'];

/** Whether the facts meet a tier's threshold under the program's measure. The entry tier always qualifies. */
export function meetsTier(tier: Tier, measure: TierMeasure, facts: TierFacts): boolean {
  if (tier.rank === 0) return true;
  switch (measure) {
    case 'singleOrWindowSpend':
      return (
        (tier.singlePurchaseFen !== null && facts.singlePurchaseFen >= tier.singlePurchaseFen) ||
        (tier.windowSpendFen !== null && facts.windowSpendFen >= tier.windowSpendFen)
      );
    case 'calendarYearSpend':
      return tier.windowSpendFen !== null && facts.calendarYearSpendFen >= tier.windowSpendFen;
    case 'pointsEarned':
      return tier.pointsThreshold !== null && facts.pointsEarnedThisYear >= tier.pointsThreshold;
    case 'topUp':
      return tier.topUpFen !== null && facts.largestTopUpFen >= tier.topUpFen;
  }
}

export function sortedLadder(program: ProgramConfig): Tier[] {
  return [...program.tiers.ladder].sort((a, b) => a.rank - b.rank);
}

/**
 * A manual tier set by headquarters lasts until its end and not a moment longer (DOMAIN §7: "audited and
 * expires; it does not silently become a floor"): from `manualUntil` on, the member's own qualification applies.
 */
export function manualTierEnded(manualUntil: number | null, at: number): boolean {
  return manualUntil !== null && manualUntil <= at;
}

/** The highest tier the facts qualify for. */
export function qualifiedTier(program: ProgramConfig, facts: TierFacts): Tier {
  const ladder = sortedLadder(program);
  let best = ladder[0] as Tier;
  for (const tier of ladder) if (meetsTier(tier, program.tiers.measure, facts)) best = tier;
  return best;
}

/**
 * "再消费 ¥X 升级": the least the member must still pay to reach the next tier up, by one purchase or
 * by adding to the window (whichever is less). Null at the top of the ladder or when the measure is not
 * spend-based (points, top-ups).
 */
export function nextTierProgress(
  program: ProgramConfig,
  current: Tier,
  facts: TierFacts,
): { code: string; name: string; spendNeededFen: number } | null {
  const next = sortedLadder(program).find((t) => t.rank > current.rank);
  if (!next) return null;
  const needs: number[] = [];
  if (program.tiers.measure === 'singleOrWindowSpend') {
    if (next.singlePurchaseFen !== null) needs.push(next.singlePurchaseFen);
    if (next.windowSpendFen !== null) needs.push(Math.max(0, next.windowSpendFen - facts.windowSpendFen));
  } else if (program.tiers.measure === 'calendarYearSpend' && next.windowSpendFen !== null) {
    needs.push(Math.max(0, next.windowSpendFen - facts.calendarYearSpendFen));
  }
  if (needs.length === 0) return null;
  return { code: next.code, name: next.name, spendNeededFen: Math.min(...needs) };
}
