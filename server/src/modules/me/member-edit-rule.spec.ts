import { memberEditRefusal } from './member-edit-rule';

describe('memberEditRefusal', () => {
  const manager = { role: 'manager' as const, storeId: 'S1' };

  it('lets headquarters change any member, the birthday too', () => {
    expect(memberEditRefusal({ role: 'admin', storeId: null }, 'S2', true)).toBeNull();
    expect(memberEditRefusal({ role: 'admin', storeId: null }, null, true)).toBeNull();
  });

  it("lets a manager change the name of their own store's members only", () => {
    expect(memberEditRefusal(manager, 'S1', false)).toBeNull();
    expect(memberEditRefusal(manager, 'S2', false)).toBe('other_store');
    expect(memberEditRefusal(manager, null, false)).toBe('other_store');
    expect(memberEditRefusal({ role: 'manager', storeId: null }, null, false)).toBe('other_store');
  });

  it('never lets a manager change a birthday', () => {
    expect(memberEditRefusal(manager, 'S1', true)).toBe('birthday_headquarters_only');
    expect(memberEditRefusal(manager, 'S2', true)).toBe('other_store');
  });

  it("refuses a cashier, even at the member's own store", () => {
    expect(memberEditRefusal({ role: 'cashier', storeId: 'S1' }, 'S1', false)).toBe('not_a_manager');
  });
});
