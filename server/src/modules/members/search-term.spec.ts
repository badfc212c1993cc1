import { joinedBeforeBound, listOrderOf, namePrefixPattern, searchTermOf } from './search-term';

describe('searchTermOf', () => {
  it('reads an 11-digit mobile number as a phone, spaces and dashes ignored', () => {
    expect(searchTermOf('138 0013-8000')).toEqual({ kind: 'phone', phone: '13800138000' });
  });

  it('reads 12 to 20 digits as a card number', () => {
    expect(searchTermOf('800000000018')).toEqual({ kind: 'cardNo', cardNo: '800000000018' });
  });

  it('reads anything else as the start of a name', () => {
    expect(searchTermOf('张')).toEqual({ kind: 'name', prefix: '张' });
    expect(searchTermOf('23800138000')).toEqual({ kind: 'name', prefix: '23800138000' });
  });
});

describe('namePrefixPattern', () => {
  it('takes LIKE wildcards in the prefix literally', () => {
    expect(namePrefixPattern('a%b_c!')).toBe('a!%b!_c!!%');
  });
});

describe('joinedBeforeBound', () => {
  it('is the earlier of the join bound and the last-purchase bound', () => {
    expect(joinedBeforeBound({ joinedBefore: 500, lastPurchaseBefore: 300 })).toBe(300);
    expect(joinedBeforeBound({ joinedBefore: 200, lastPurchaseBefore: 300 })).toBe(200);
    expect(joinedBeforeBound({ joinedBefore: undefined, lastPurchaseBefore: 300 })).toBe(300);
    expect(joinedBeforeBound({ joinedBefore: 200, lastPurchaseBefore: undefined })).toBe(200);
  });

  it('sets no bound when neither filter is given', () => {
    expect(joinedBeforeBound({ joinedBefore: undefined, lastPurchaseBefore: undefined })).toBeUndefined();
  });
});

describe('listOrderOf', () => {
  const none = { storeId: undefined, lastPurchaseFrom: undefined, lastPurchaseBefore: undefined };

  it('lists newest joins first by default and within a store', () => {
    expect(listOrderOf(none)).toBe('joined');
    expect(listOrderOf({ ...none, storeId: 's1', lastPurchaseBefore: 5 })).toBe('joined');
  });

  it('lists by last purchase when a last-purchase filter is given without a store', () => {
    expect(listOrderOf({ ...none, lastPurchaseBefore: 5 })).toBe('lastPurchase');
    expect(listOrderOf({ ...none, lastPurchaseFrom: 5 })).toBe('lastPurchase');
  });
});
