import type { ExpiryPolicy } from '@huika/shared';
import { DateTime } from 'luxon';
import { zoneOf } from '../../common/time-zone';
import type { LotSource } from './ledger.types';

/**
 * When points earned at `earnedAt` expire (DOMAIN §4), as the first instant they are no longer valid;
 * null for never. Natural year: points earned in year Y expire at the end of Dec 31 of Y, except
 * that points earned on Dec 31 count toward the next year. Top-up bonus points never expire.
 */
export function expiresAtFor(
  policy: ExpiryPolicy,
  earnedAt: number,
  timeZone: string,
  source: LotSource,
): number | null {
  if (source === 'topup') return null;
  const zone = zoneOf(timeZone);
  const earned = DateTime.fromMillis(earnedAt, { zone });
  switch (policy.kind) {
    case 'never':
      return null;
    case 'rollingMonths':
      return earned.plus({ months: policy.months }).toMillis();
    case 'naturalYear': {
      const countsToward = earned.month === 12 && earned.day === 31 ? earned.year + 1 : earned.year;
      return DateTime.fromObject({ year: countsToward + 1, month: 1, day: 1 }, { zone }).toMillis();
    }
  }
}
