import { isValidCardNo, luhnCheckDigit, newCardNo } from './card-number';

describe('card numbers', () => {
  it('computes the Luhn check digit of known numbers', () => {
    expect(luhnCheckDigit('7992739871')).toBe(3);
    expect(isValidCardNo('79927398713')).toBe(false); // 11 digits: too short for a card
    expect(isValidCardNo('401288888888188' + '1')).toBe(true);
  });

  it('makes 12-digit numbers whose check digit catches any single mistyped digit', () => {
    for (let n = 0; n < 200; n += 1) {
      const cardNo = newCardNo();
      expect(cardNo).toMatch(/^8\d{11}$/);
      expect(isValidCardNo(cardNo)).toBe(true);
      const position = n % 11;
      const wrong = String((Number(cardNo[position]) + 1 + (n % 9)) % 10);
      expect(isValidCardNo(cardNo.slice(0, position) + wrong + cardNo.slice(position + 1))).toBe(false);
    }
  });
});
