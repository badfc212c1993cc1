import { approverRefusal } from './refund-approval';

describe('approverRefusal', () => {
  const manager = { role: 'manager', storeId: 'S1', active: true, demo: false };

  it("approves an active manager of the purchase's store", () => {
    expect(approverRefusal(manager, 'S1', false)).toBeNull();
  });

  it('refuses a manager of another store, headquarters and a cashier', () => {
    expect(approverRefusal(manager, 'S2', false)).toBe('not_store_manager');
    expect(approverRefusal({ ...manager, role: 'admin', storeId: null }, 'S1', false)).toBe('not_store_manager');
    expect(approverRefusal({ ...manager, role: 'admin' }, 'S1', false)).toBe('not_store_manager');
    expect(approverRefusal({ ...manager, role: 'cashier' }, 'S1', false)).toBe('not_store_manager');
  });

  it('refuses a deactivated manager', () => {
    expect(approverRefusal({ ...manager, active: false }, 'S1', true)).toBe('inactive');
  });

  it('approves a demo manager only in dev mode', () => {
    expect(approverRefusal({ ...manager, demo: true }, 'S1', false)).toBe('demo_account');
    expect(approverRefusal({ ...manager, demo: true }, 'S1', true)).toBeNull();
  });
});
