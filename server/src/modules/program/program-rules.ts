import type { ProgramConfig } from '@huika/shared';
import { IANAZone } from 'luxon';

/** A problem with a program that its schema cannot see alone, named by its dotted path in the configuration. */
export interface ProgramProblem {
  path: string;
  message: string;
}

/**
 * What the schema lets through but would break the program: a time zone no one knows (every date would be
 * invalid), and two tiers of one code or one rank (a member's tier and the ladder's order would be ambiguous).
 */
export function programProblems(config: ProgramConfig): ProgramProblem[] {
  const problems: ProgramProblem[] = [];
  if (!IANAZone.isValidZone(config.timeZone)) {
    problems.push({ path: 'timeZone', message: 'not an IANA time zone, such as Asia/Shanghai' });
  }
  const codes = new Set<string>();
  const ranks = new Set<number>();
  config.tiers.ladder.forEach((tier, i) => {
    if (codes.has(tier.code)) problems.push({ path: `tiers.ladder.${i}.code`, message: 'another tier has this code' });
    if (ranks.has(tier.rank)) problems.push({ path: `tiers.ladder.${i}.rank`, message: 'another tier has this rank' });
    codes.add(tier.code);
    ranks.add(tier.rank);
  });
  return problems;
}

/**
 * The version an If-Match header names: `"7"` (an ETag as GET answers it; `W/"7"` too). Null when there is none
 * or it names no version (`*` included: a change must say which version it was made on).
 */
export function versionOfIfMatch(header: string | undefined): number | null {
  const match = /^\s*(?:W\/)?"([1-9]\d{0,8})"\s*$/.exec(header ?? '');
  return match ? Number(match[1]) : null;
}
