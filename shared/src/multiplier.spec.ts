import fc from 'fast-check';
import { CampaignBody } from './contracts';
import { hasAtMostTwoDecimals, multiplierHundredths, multiplyPoints } from './multiplier';
import { type ActiveCampaign, priceBasket, type PricingInput } from './pricing';
import { defaultProgramConfig, type ProgramConfig, ProgramConfigSchema, StoredProgramConfigSchema } from './program';

/** The default program with the entry tier's multipliers (decimals, as configured) and stacking set. */
function programWith(pointsMultiplier: number, birthdayMultiplier: number, stackMultipliers: boolean): ProgramConfig {
  const config = defaultProgramConfig();
  const [entry, ...rest] = config.tiers.ladder;
  if (!entry) throw new Error('the default ladder has tiers');
  return ProgramConfigSchema.parse({
    ...config,
    earning: { ...config.earning, stackMultipliers },
    tiers: { ...config.tiers, ladder: [{ ...entry, pointsMultiplier, birthdayMultiplier }, ...rest] },
  });
}

/** `points` whole yuan paid by the entry tier (no discount), on the birthday, under the given campaigns. */
function earned(program: ProgramConfig, points: number, campaigns: ActiveCampaign[] = []): number {
  const entry = program.tiers.ladder[0];
  if (!entry) throw new Error('the ladder has tiers');
  const input: PricingInput = {
    lines: [{ sku: 'A', name: 'x', unitPriceFen: points * 100, quantity: 1 }],
    program,
    tier: entry,
    isMemberDay: false,
    isBirthday: true,
    campaigns,
    coupons: [],
    pointsToUse: 0,
    payWithBalanceFen: 0,
    earnedToday: 0,
  };
  return priceBasket(input).pointsEarned;
}

const campaign = (id: string, hundredths: number): ActiveCampaign => ({
  id,
  name: id,
  discountPercent: null,
  pointsMultiplierHundredths: hundredths,
});

/** Two-decimal multipliers from 1.00 to 100.00, as whole hundredths (the exact value). */
const hundredths = fc.integer({ min: 100, max: 10_000 });

describe('points multipliers in whole hundredths (DOMAIN §3)', () => {
  it('earns 115 points on 100 points × 1.15, not the 114 of floating point', () => {
    expect(Math.floor(100 * 1.15)).toBe(114);
    expect(earned(programWith(1.15, 1, false), 100)).toBe(115);
    expect(earned(programWith(1, 1, false), 100, [campaign('c', 115)])).toBe(115);
  });

  it('converts a decimal to hundredths once, exactly, and tells two decimals from more', () => {
    expect([1, 1.1, 1.15, 2.01, 4.35, 99.99].map(multiplierHundredths)).toEqual([100, 110, 115, 201, 435, 9999]);
    expect([1, 1.1, 1.15, 2.01, 4.35, 99.99].every(hasAtMostTwoDecimals)).toBe(true);
    expect([1.155, 1.001, 2.999].some(hasAtMostTwoDecimals)).toBe(false);
  });

  it('rounds down once at the end when multipliers stack, never per factor', () => {
    // 5 × 1.5 × 1.5 = 11.25 earns 11; rounding per factor would give ⌊⌊7.5⌋ × 1.5⌋ = 10.
    expect(multiplyPoints(100, [115, 115])).toBe(132n);
    expect(multiplyPoints(5, [150, 150])).toBe(11n);
    expect(earned(programWith(1.5, 1.5, true), 5)).toBe(11);
  });

  it('property: a single multiplier (highest wins) earns exactly ⌊base × h / 100⌋', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), hundredths, hundredths, (base, tierH, birthdayH) => {
        const program = programWith(tierH / 100, birthdayH / 100, false);
        const top = BigInt(Math.max(tierH, birthdayH));
        expect(BigInt(earned(program, base))).toBe((BigInt(base) * top) / 100n);
      }),
    );
  });

  it('property: stacked multipliers earn exactly ⌊base × h₁ × h₂ × h₃ / 100³⌋', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        hundredths,
        hundredths,
        fc.integer({ min: 101, max: 2000 }),
        (base, tierH, birthdayH, campaignH) => {
          const program = programWith(tierH / 100, birthdayH / 100, true);
          // Only multipliers above 1 count; 1 × anything is the same, so the exact product includes them all.
          const exact = (BigInt(base) * BigInt(tierH) * BigInt(birthdayH) * BigInt(campaignH)) / 100n ** 3n;
          const capped = exact > 1_000_000_000_000n ? 1_000_000_000_000n : exact;
          expect(BigInt(earned(program, base, [campaign('c', campaignH)]))).toBe(capped);
        },
      ),
    );
  });
});

describe('multiplier validation', () => {
  const ladderWith = (pointsMultiplier: number) => {
    const config = defaultProgramConfig();
    return {
      ...config,
      tiers: {
        ...config.tiers,
        ladder: config.tiers.ladder.map((t, i) => (i === 1 ? { ...t, pointsMultiplier } : t)),
      },
    };
  };

  it('rejects a tier multiplier with three decimals, naming the field', () => {
    const parsed = ProgramConfigSchema.safeParse(ladderWith(1.155));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path)).toEqual([['tiers', 'ladder', 1, 'pointsMultiplier']]);
    expect(ProgramConfigSchema.safeParse(ladderWith(1.15)).success).toBe(true);
  });

  it('rejects a campaign multiplier with three decimals, naming the field', () => {
    const body = {
      name: '积分日',
      kind: 'doublePoints',
      startsAt: '2026-12-01T00:00:00.000Z',
      endsAt: '2026-12-02T00:00:00.000Z',
    };
    const parsed = CampaignBody.safeParse({ ...body, pointsMultiplier: 1.155 });
    expect(parsed.error?.issues.map((issue) => issue.path)).toEqual([['pointsMultiplier']]);
    expect(CampaignBody.safeParse({ ...body, pointsMultiplier: 1.15 }).success).toBe(true);
  });

  it('still loads a stored program whose multipliers have more decimals, rounded to hundredths', () => {
    const load = (pointsMultiplier: number) =>
      StoredProgramConfigSchema.parse(JSON.parse(JSON.stringify(ladderWith(pointsMultiplier)))).tiers.ladder[1]
        ?.pointsMultiplier;
    expect([load(1.15000001), load(2.346), load(1.15)]).toEqual([1.15, 2.35, 1.15]);
    expect(ProgramConfigSchema.safeParse(ladderWith(2.346)).success).toBe(false);
  });
});
