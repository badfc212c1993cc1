import { isCardLapsed } from './card-lapse';

describe('isCardLapsed', () => {
  const until = Date.parse('2027-01-01T00:00:00+08:00');

  it('keeps a card valid up to its last moment and lapses it at validUntil', () => {
    expect(isCardLapsed({ validityMonths: 12, validUntil: until }, until - 1)).toBe(false);
    expect(isCardLapsed({ validityMonths: 12, validUntil: until }, until)).toBe(true);
    expect(isCardLapsed({ validityMonths: 12, validUntil: until }, until + 1)).toBe(true);
  });

  it('never lapses a card without an end date', () => {
    expect(isCardLapsed({ validityMonths: 12, validUntil: null }, until)).toBe(false);
  });

  it('lapses no card when the program says cards never lapse, even one with an old end date', () => {
    expect(isCardLapsed({ validityMonths: null, validUntil: until }, until + 1)).toBe(false);
  });
});
