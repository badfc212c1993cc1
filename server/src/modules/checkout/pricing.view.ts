import type { PricingResult } from '@huika/shared';

/** A priced basket as the till's quote and headquarters' preview show it. */
export function pricingView(pricing: PricingResult) {
  return {
    totals: pricing.totals,
    pointsEarned: pricing.pointsEarned,
    pointsSpent: pricing.pointsSpent,
    discount: { source: pricing.discount.source, percent: pricing.discount.percent },
    multiplier: pricing.multiplier.value,
    pointsClamped: pricing.pointsClamped,
    lines: pricing.lines.map((l) => ({
      sku: l.sku,
      quantity: l.quantity,
      grossFen: l.grossFen,
      discountFen: l.discountFen,
      paidFen: l.paidFen,
      pointsEarned: l.pointsEarned,
    })),
  };
}
