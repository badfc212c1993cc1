import type { StaffRole } from '@huika/shared';

/** Why a staff member may not make this change to a member's profile, or null when they may. */
export type MemberEditRefusal = 'not_a_manager' | 'other_store' | 'birthday_headquarters_only';

/**
 * Who corrects a member's profile (DOMAIN §12): headquarters any member; a store manager only the members who
 * joined at their own store, and never the birthday, which moves the birthday multiplier and coupon.
 */
export function memberEditRefusal(
  staff: { role: StaffRole; storeId: string | null },
  joinStoreId: string | null,
  changesBirthday: boolean,
): MemberEditRefusal | null {
  if (staff.role === 'admin') return null;
  if (staff.role !== 'manager') return 'not_a_manager';
  if (staff.storeId === null || joinStoreId !== staff.storeId) return 'other_store';
  if (changesBirthday) return 'birthday_headquarters_only';
  return null;
}
