/** What is known of the lots an earning created, when a refund takes its points back. */
export interface EarningLots {
  /** Points the earning credited. */
  earned: number;
  /** Of those, points that lapsed: they are gone already and are never taken a second time. */
  expired: number;
  /**
   * Points earlier reversals of the same earning took back (from the lots, other lots or as debt); null when
   * the caller does not track them: the share is then taken whole, as asked.
   */
  reversed: number | null;
  /** Points still waiting in the earning's pending lots. */
  pending: number;
  /** Spendable points still in the earning's own lots. */
  remaining: number;
}

export interface ReversalPlan {
  /** Out of the earning's pending lots (never spendable, so never a debt). */
  fromPending: number;
  /** Out of the earning's own spendable lots. */
  fromOwnLots: number;
  /**
   * Points of the earning the member already spent: they come off the balance, out of other lots first,
   * and as a debt where those do not cover them (DOMAIN §6).
   */
  fromBalance: number;
}

/**
 * How many points a refund takes back, and from where (DOMAIN §6). A refund asks for its share of what
 * the purchase earned; it takes at most what the earning still stands for — not what expired, not what
 * earlier refunds took back — so a refund after expiry never takes the points a second time. Without the
 * earning's lots (an earning recorded before lots), the whole share comes off the balance.
 */
export function planReversal(requested: number, lots: EarningLots | null): ReversalPlan {
  if (lots === null) return { fromPending: 0, fromOwnLots: 0, fromBalance: requested };
  const total =
    lots.reversed === null ? requested : Math.min(requested, Math.max(0, lots.earned - lots.expired - lots.reversed));
  const fromPending = Math.min(total, lots.pending);
  const fromOwnLots = Math.min(total - fromPending, lots.remaining);
  return { fromPending, fromOwnLots, fromBalance: total - fromPending - fromOwnLots };
}
