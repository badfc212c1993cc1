import { defaultProgramConfig, ProgramConfigSchema, StoredProgramConfigSchema } from './program';

describe('program configuration', () => {
  it('fills every rule with the defaults of DOMAIN.md', () => {
    const config = defaultProgramConfig();
    expect(config.timeZone).toBe('Asia/Shanghai');
    expect(config.earning.pointsPerYuan).toBe(1);
    expect(config.earning.pendingDays).toBe(0);
    expect(config.earning.perOrderCap).toBeNull();
    expect(config.expiry).toEqual({ kind: 'naturalYear' });
    expect(config.pointsAsCash.pointsPerYuan).toBe(100);
    expect(config.memberDays).toEqual({ daysOfMonth: [9, 19, 29], discountPercent: 90 });
    expect(config.tiers.windowDays).toBe(180);
    expect(config.tiers.ladder.map((t) => [t.name, t.discountPercent, t.birthdayMultiplier])).toEqual([
      ['普通会员', 100, 1],
      ['银卡', 90, 2],
      ['金卡', 80, 3],
      ['钻石卡', 70, 5],
    ]);
    expect(config.card.codeStepSeconds).toBe(30);
  });

  it('refuses the topUp tier measure while there is no stored value to top up, and still reads one stored', () => {
    const ladder = defaultProgramConfig().tiers.ladder;
    const written = ProgramConfigSchema.safeParse({ tiers: { ladder, measure: 'topUp' } });
    expect(written.success).toBe(false);
    expect(written.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['tiers.measure']);
    expect(ProgramConfigSchema.safeParse({ tiers: { ladder, measure: 'pointsEarned' } }).success).toBe(true);
    expect(StoredProgramConfigSchema.safeParse({ tiers: { ladder, measure: 'topUp' } }).success).toBe(true);
  });

  it('rejects a ladder without tiers and an unknown expiry policy', () => {
    expect(ProgramConfigSchema.safeParse({ tiers: { ladder: [] } }).success).toBe(false);
    expect(
      ProgramConfigSchema.safeParse({
        tiers: { ladder: defaultProgramConfig().tiers.ladder },
        expiry: { kind: 'weekly' },
      }).success,
    ).toBe(false);
  });
});
