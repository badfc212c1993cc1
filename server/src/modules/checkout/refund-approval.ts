/** Why a right password still approves nothing. */
export type ApproverRefusal = 'inactive' | 'not_store_manager' | 'demo_account';

export interface Approver {
  role: string;
  storeId: string | null;
  active: boolean;
  demo: boolean;
}

/**
 * Who may approve a refund above the threshold (DOMAIN §12 roles): an active manager of the purchase's own
 * store. Not headquarters: an admin refunds through its own login, never by a password typed at a till; not a
 * manager of another store. A demo account (whose password is published) approves only in dev mode.
 */
export function approverRefusal(approver: Approver, storeId: string, dev: boolean): ApproverRefusal | null {
  if (!approver.active) return 'inactive';
  if (approver.role !== 'manager' || approver.storeId !== storeId) return 'not_store_manager';
  if (approver.demo && !dev) return 'demo_account';
  return null;
}
