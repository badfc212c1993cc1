import { defaultProgramConfig } from '@huika/shared';
import { programProblems, versionOfIfMatch } from './program-rules';

describe('programProblems', () => {
  it('finds none in the default program', () => {
    expect(programProblems(defaultProgramConfig())).toEqual([]);
  });

  it('names an unknown time zone and tiers that share a code or a rank', () => {
    const config = structuredClone(defaultProgramConfig());
    config.timeZone = 'Mars/Olympus_Mons';
    const [normal, silver, gold] = config.tiers.ladder;
    if (!normal || !silver || !gold) throw new Error('the default ladder has four tiers');
    silver.code = normal.code;
    gold.rank = silver.rank;
    expect(programProblems(config)).toEqual([
      { path: 'timeZone', message: expect.any(String) },
      { path: 'tiers.ladder.1.code', message: 'another tier has this code' },
      { path: 'tiers.ladder.2.rank', message: 'another tier has this rank' },
    ]);
  });
});

describe('versionOfIfMatch', () => {
  it('reads the version of a quoted ETag, weak or strong', () => {
    expect(versionOfIfMatch('"7"')).toBe(7);
    expect(versionOfIfMatch('W/"12"')).toBe(12);
  });

  it('names no version when the header is missing, a wildcard, unquoted or not a version', () => {
    for (const header of [undefined, '', '*', '7', '"0"', '"abc"', '"1", "2"']) {
      expect({ header, version: versionOfIfMatch(header) }).toEqual({ header, version: null });
    }
  });
});
