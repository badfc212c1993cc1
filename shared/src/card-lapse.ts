/**
 * DOMAIN §1 "Validity": a card lapses when its validity period ends without a purchase. It is valid up to, not
 * including, `validUntil`; with validity switched off in the program (`validityMonths: null`, "never lapses") no
 * card lapses, whatever date it still carries from before. The scan and checkout both ask this one rule.
 */
export function isCardLapsed(card: { validityMonths: number | null; validUntil: number | null }, now: number): boolean {
  return card.validityMonths !== null && card.validUntil !== null && now >= card.validUntil;
}
