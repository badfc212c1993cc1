import { defaultProgramConfig } from './program';
import { diffProgram } from './program-diff';

describe('diffProgram', () => {
  it('finds nothing between a program and its copy', () => {
    expect(diffProgram(defaultProgramConfig(), structuredClone(defaultProgramConfig()))).toEqual([]);
  });

  it('names each changed leaf by its dotted path, in a stable order', () => {
    const before = defaultProgramConfig();
    const after = structuredClone(before);
    after.memberDays.daysOfMonth = [8, 18, 28];
    after.earning.pointsPerYuan = 2;
    after.earning.perOrderCap = 500;
    const silver = after.tiers.ladder[1];
    if (!silver) throw new Error('the default ladder has a silver tier');
    silver.discountPercent = 85;
    expect(diffProgram(before, after)).toEqual([
      { path: 'earning.perOrderCap', before: null, after: 500 },
      { path: 'earning.pointsPerYuan', before: 1, after: 2 },
      { path: 'memberDays.daysOfMonth', before: [9, 19, 29], after: [8, 18, 28] },
      { path: 'tiers.ladder.1.discountPercent', before: 90, after: 85 },
    ]);
  });

  it('shows an added or removed tier whole, and a changed policy by its fields', () => {
    const before = defaultProgramConfig();
    const after = structuredClone(before);
    const diamond = after.tiers.ladder.pop();
    after.expiry = { kind: 'rollingMonths', months: 24 };
    expect(diffProgram(before, after)).toEqual([
      { path: 'expiry.kind', before: 'naturalYear', after: 'rollingMonths' },
      { path: 'expiry.months', after: 24 },
      { path: 'tiers.ladder.3', before: diamond },
    ]);
    expect(diffProgram(after, before)).toEqual([
      { path: 'expiry.kind', before: 'rollingMonths', after: 'naturalYear' },
      { path: 'expiry.months', before: 24 },
      { path: 'tiers.ladder.3', after: diamond },
    ]);
  });

  it('tells a value that became null from one that was removed', () => {
    expect(diffProgram({ card: { validityMonths: 12 } }, { card: { validityMonths: null } })).toEqual([
      { path: 'card.validityMonths', before: 12, after: null },
    ]);
    expect(diffProgram({ card: { validityMonths: 12 } }, { card: {} })).toEqual([
      { path: 'card.validityMonths', before: 12 },
    ]);
  });
});
