import type { ErrorCode } from '@huika/shared';

/** What a checkout asks to spend besides cash. */
export interface TillSpending {
  pointsToUse?: number;
  couponIds?: readonly string[];
  payWithBalanceFen?: number;
}

/**
 * A member found by card number and the phone's last 4 digits earns only (DOMAIN §2, the manual fallback).
 * The card number is printed as a barcode and the last 4 digits are 10,000 guesses, so whoever holds a card
 * number must not be able to spend the member's points, coupons or stored value: that takes the dynamic code
 * from the member's own phone. Answers the refusal's code, or null when the checkout may go ahead.
 */
export function manualCheckoutRefusal(
  scannedCardCode: boolean,
  spending: TillSpending,
): Extract<ErrorCode, 'SPEND_NEEDS_CARD_CODE' | 'BALANCE_NEEDS_CARD_CODE'> | null {
  if (scannedCardCode) return null;
  if ((spending.payWithBalanceFen ?? 0) > 0) return 'BALANCE_NEEDS_CARD_CODE';
  if ((spending.pointsToUse ?? 0) > 0 || (spending.couponIds?.length ?? 0) > 0) return 'SPEND_NEEDS_CARD_CODE';
  return null;
}
