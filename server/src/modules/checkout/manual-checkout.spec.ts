import { manualCheckoutRefusal } from './manual-checkout';

describe('manualCheckoutRefusal', () => {
  it('lets a scanned dynamic code spend everything', () => {
    expect(manualCheckoutRefusal(true, { pointsToUse: 500, couponIds: ['C1'], payWithBalanceFen: 100 })).toBeNull();
  });

  it('lets a manual lookup earn: nothing spent, or zero amounts and no coupons', () => {
    expect(manualCheckoutRefusal(false, {})).toBeNull();
    expect(manualCheckoutRefusal(false, { pointsToUse: 0, couponIds: [], payWithBalanceFen: 0 })).toBeNull();
  });

  it('refuses points and coupons after a manual lookup', () => {
    expect(manualCheckoutRefusal(false, { pointsToUse: 1 })).toBe('SPEND_NEEDS_CARD_CODE');
    expect(manualCheckoutRefusal(false, { couponIds: ['C1'] })).toBe('SPEND_NEEDS_CARD_CODE');
  });

  it('names stored value first when it is asked for too', () => {
    expect(manualCheckoutRefusal(false, { payWithBalanceFen: 1 })).toBe('BALANCE_NEEDS_CARD_CODE');
    expect(manualCheckoutRefusal(false, { payWithBalanceFen: 1, pointsToUse: 10 })).toBe('BALANCE_NEEDS_CARD_CODE');
  });
});
