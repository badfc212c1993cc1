import { namePrefixPattern, searchTermOf } from './search-term';

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
