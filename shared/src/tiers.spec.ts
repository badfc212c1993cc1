import { defaultProgramConfig } from './program';
import { manualTierEnded, nextTierProgress, qualifiedTier, type TierFacts } from './tiers';

const program = defaultProgramConfig();
const none: TierFacts = {
  singlePurchaseFen: 0,
  windowSpendFen: 0,
  calendarYearSpendFen: 0,
  pointsEarnedThisYear: 0,
  largestTopUpFen: 0,
};

describe('tier qualification (DOMAIN §7)', () => {
  it('a single ¥1,000 purchase or ¥3,000 in the window makes 银卡', () => {
    expect(qualifiedTier(program, { ...none, singlePurchaseFen: 100000, windowSpendFen: 100000 }).code).toBe('silver');
    expect(qualifiedTier(program, { ...none, singlePurchaseFen: 99999, windowSpendFen: 99999 }).code).toBe('normal');
    expect(qualifiedTier(program, { ...none, singlePurchaseFen: 50000, windowSpendFen: 300000 }).code).toBe('silver');
    expect(qualifiedTier(program, { ...none, windowSpendFen: 299999 }).code).toBe('normal');
  });

  it('climbs to 金卡 and 钻石卡 by their thresholds', () => {
    expect(qualifiedTier(program, { ...none, singlePurchaseFen: 500000 }).code).toBe('gold');
    expect(qualifiedTier(program, { ...none, windowSpendFen: 800000 }).code).toBe('gold');
    expect(qualifiedTier(program, { ...none, singlePurchaseFen: 1000000 }).code).toBe('diamond');
    expect(qualifiedTier(program, { ...none, windowSpendFen: 1500000 }).code).toBe('diamond');
  });

  it('other measures: calendar-year spend, points earned (never the balance), top-up', () => {
    const byYear = { ...program, tiers: { ...program.tiers, measure: 'calendarYearSpend' as const } };
    expect(qualifiedTier(byYear, { ...none, singlePurchaseFen: 1000000 }).code).toBe('normal');
    expect(qualifiedTier(byYear, { ...none, calendarYearSpendFen: 800000 }).code).toBe('gold');
    const byPoints = { ...program, tiers: { ...program.tiers, measure: 'pointsEarned' as const } };
    expect(qualifiedTier(byPoints, { ...none, pointsEarnedThisYear: 3000 }).code).toBe('silver');
    const byTopUp = { ...program, tiers: { ...program.tiers, measure: 'topUp' as const } };
    expect(qualifiedTier(byTopUp, { ...none, largestTopUpFen: 1000000 }).code).toBe('diamond');
  });

  it('says how much more to spend for the next tier', () => {
    const normal = program.tiers.ladder[0]!;
    expect(nextTierProgress(program, normal, { ...none, windowSpendFen: 250000 })).toEqual({
      code: 'silver',
      name: '银卡',
      spendNeededFen: 50000,
    });
    expect(nextTierProgress(program, normal, none)?.spendNeededFen).toBe(100000);
    expect(nextTierProgress(program, program.tiers.ladder[3]!, none)).toBeNull();
  });
});

describe('manual tiers (DOMAIN §7)', () => {
  it('end at their date: in force before it, over at and after it; no date is no manual tier', () => {
    const until = Date.parse('2026-07-01T00:00:00+08:00');
    expect(manualTierEnded(until, until - 1)).toBe(false);
    expect(manualTierEnded(until, until)).toBe(true);
    expect(manualTierEnded(until, until + 86_400_000)).toBe(true);
    expect(manualTierEnded(null, until)).toBe(false);
  });
});
