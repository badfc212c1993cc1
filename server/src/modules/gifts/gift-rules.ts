import { DateTime } from 'luxon';
import type { ExchangeWindow } from '../../database/entities/gift.entity';

/** The codes a redemption is refused with, in the order it checks them (the catalog names the first). */
export type RedeemRefusal =
  'TIER_NOT_ELIGIBLE' | 'OUTSIDE_EXCHANGE_WINDOW' | 'OUT_OF_STOCK' | 'LIMIT_REACHED' | 'POINTS_INSUFFICIENT';

/** A quality issue is exchanged by staff within this many days of collection (DOMAIN §5). */
export const QUALITY_EXCHANGE_DAYS = 3;

export interface GiftTerms {
  pointsPrice: number;
  stock: number;
  perMemberLimit: number | null;
  tiers: string[] | null;
  exchangeWindow: ExchangeWindow | null;
}

export interface RedeemerFacts {
  tierCode: string;
  /** Spendable points; negative is a debt, which blocks every redemption (DOMAIN §6). */
  balance: number;
  /** How many of this gift the member has redeemed already. */
  redeemed: number;
}

/**
 * Whether a gift can be exchanged at `at` (DOMAIN §5): always without a window; in the last month of a
 * quarter (Mar, Jun, Sep, Dec) or between two dates inclusive, both read in the program's time zone.
 */
export function isExchangeWindowOpen(window: ExchangeWindow | null, at: number, timeZone: string): boolean {
  if (!window) return true;
  const local = DateTime.fromMillis(at, { zone: timeZone });
  if (window.kind === 'lastMonthOfQuarter') return local.month % 3 === 0;
  const today = local.toISODate() ?? '';
  return today >= window.from && today <= window.to;
}

/**
 * The rules that depend on nothing the redemption itself changes: tier, window, and stock as last read.
 * The redemption checks them first and then holds limit, points and stock with conditional updates.
 */
export function standingRefusal(
  gift: GiftTerms,
  tierCode: string,
  quantity: number,
  at: number,
  timeZone: string,
): RedeemRefusal | null {
  if (gift.tiers !== null && !gift.tiers.includes(tierCode)) return 'TIER_NOT_ELIGIBLE';
  if (!isExchangeWindowOpen(gift.exchangeWindow, at, timeZone)) return 'OUTSIDE_EXCHANGE_WINDOW';
  if (gift.stock < quantity) return 'OUT_OF_STOCK';
  return null;
}

/** The code a redemption of `quantity` would be refused with now, or null: what the catalog shows. */
export function refusalFor(
  gift: GiftTerms,
  member: RedeemerFacts,
  quantity: number,
  at: number,
  timeZone: string,
): RedeemRefusal | null {
  const standing = standingRefusal(gift, member.tierCode, quantity, at, timeZone);
  if (standing) return standing;
  if (gift.perMemberLimit !== null && member.redeemed + quantity > gift.perMemberLimit) return 'LIMIT_REACHED';
  if (member.balance < gift.pointsPrice * quantity) return 'POINTS_INSUFFICIENT';
  return null;
}
