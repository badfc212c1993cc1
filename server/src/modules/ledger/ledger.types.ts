/** What a posting does. */
export type PostingKind =
  | 'earn'
  | 'spend'
  | 'expire'
  /** Takes back points that were earned (a refund). May leave a debt. */
  | 'reverse'
  /** Gives back points that were spent (a refund, a cancelled sign-up). */
  | 'restore'
  | 'adjust'
  /** Pending points become spendable. */
  | 'release';

/** What caused a posting. */
export type RefType =
  'purchase' | 'refund' | 'redemption' | 'activity' | 'adjustment' | 'referral' | 'join' | 'topup' | 'lot';

/**
 * Ledger accounts. `member` is each member's spendable points, `member_pending` their points still in
 * the pending period; the others are the program's side of every
 * movement, so that each posting sums to zero: points issued to members come out of `issued`, points
 * spent go into `redeemed`, lapsed points into `expired`, manual corrections through `adjustments`.
 */
export type Account = 'member' | 'member_pending' | 'issued' | 'redeemed' | 'expired' | 'adjustments';

/** Where a lot's points came from; top-up bonus points never expire (DOMAIN §4). */
export type LotSource = 'purchase' | 'adjustment' | 'referral' | 'join' | 'topup' | 'profile' | 'activity';

export interface Actor {
  kind: 'staff' | 'member' | 'system';
  id: string | null;
}

export const SYSTEM_ACTOR: Actor = { kind: 'system', id: null };

export interface PostingRef {
  memberId: string;
  refType: RefType;
  refId: string;
  actor: Actor;
  memo?: string | null;
}

export interface PostingResult {
  postingId: string;
  /** The member's balance after the posting. */
  balance: number;
}
