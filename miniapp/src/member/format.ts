import { formatFen, formatPoints, type ResponseOf, type routes } from '@huika/shared';
import { interpolate, tMember } from '../i18n';

const pad = (value: number) => value.toString().padStart(2, '0');

/** 2026-11-22T08:00:00+08:00 -> "2026-11-22", in the device's time zone. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** 2026-11-22T08:05:00+08:00 -> "2026-11-22 08:05", in the device's time zone. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return `${formatDate(iso)} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * The last day points (or anything else) can still be used, from the instant they expire: points of the natural
 * year expire at 2027-01-01T00:00 local time, which a member reads as "expires 2026-12-31" (DOMAIN §4).
 */
export function formatExpiryDate(iso: string): string {
  return formatDate(new Date(Date.parse(iso) - 1).toISOString());
}

/** A Date as the API's calendar date, YYYY-MM-DD. */
export function toIsoDate(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** "884374070487" -> "8843 7407 0487": groups of four are read out at the till without losing one's place. */
export function groupCardNo(cardNo: string): string {
  return cardNo.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** A signed points amount for a ledger line: "+120", "-50". */
export function signedPoints(points: number): string {
  return points > 0 ? `+${formatPoints(points)}` : formatPoints(points);
}

/**
 * A tier discount as it is said in Chinese: 90 -> "9折", 85 -> "8.5折", 100 -> none (null). The percent is an
 * integer; dividing it by ten is a display of the rate, not a price.
 */
export function discountLabel(discountPercent: number): string | null {
  if (discountPercent >= 100) {
    return null;
  }
  const tenths = discountPercent % 10 === 0 ? String(discountPercent / 10) : (discountPercent / 10).toFixed(1);
  return interpolate(tMember.common.discount, { rate: tenths });
}

export type ProgramSummary = ResponseOf<typeof routes.program>;
type ProgramTier = ProgramSummary['tiers'][number];

const benefits = tMember.me;

/** A points multiplier as a benefit: 2 -> "2 倍"; 1 adds nothing and reads as a dash. */
export function multiplierLabel(multiplier: number): string {
  return multiplier > 1 ? interpolate(benefits.benefitsMultiplier, { multiplier }) : benefits.benefitsNone;
}

/**
 * How a tier is reached under the program's measure (DOMAIN §7), one alternative a line:
 * ["单笔满 ¥1,000", "或 180 天累计 ¥3,000"]. The entry tier comes with joining; measures whose thresholds the
 * public summary does not carry (points, top-ups) send the member to the store.
 */
export function tierReachLines(tier: ProgramTier, program: ProgramSummary): string[] {
  if (tier.rank === 0) {
    return [benefits.reachEntry];
  }
  const conditions: string[] = [];
  if (program.tierMeasure === 'singleOrWindowSpend') {
    if (tier.singlePurchaseFen !== null) {
      conditions.push(
        interpolate(benefits.reachSingle, { amount: formatFen(tier.singlePurchaseFen, { compact: true }) }),
      );
    }
    if (tier.windowSpendFen !== null) {
      conditions.push(
        interpolate(benefits.reachWindow, {
          days: program.tierWindowDays,
          amount: formatFen(tier.windowSpendFen, { compact: true }),
        }),
      );
    }
  } else if (program.tierMeasure === 'calendarYearSpend' && tier.windowSpendFen !== null) {
    conditions.push(
      interpolate(benefits.reachCalendarYear, { amount: formatFen(tier.windowSpendFen, { compact: true }) }),
    );
  }
  if (conditions.length === 0) {
    return [benefits.reachAskStore];
  }
  return conditions.map((condition, index) => (index === 0 ? condition : interpolate(benefits.reachOr, { condition })));
}

/** "每月 9、19、29 日 全场 9折", or null when the program has no member days (or they give no discount). */
export function memberDaysLabel(memberDays: ProgramSummary['memberDays']): string | null {
  const discount = discountLabel(memberDays.discountPercent);
  if (!discount || memberDays.daysOfMonth.length === 0) {
    return null;
  }
  const days = [...memberDays.daysOfMonth].sort((a, b) => a - b).join(benefits.memberDaysSeparator);
  return interpolate(benefits.memberDays, { days, discount });
}
