import fc from 'fast-check';
import { fenToYuanString, formatFen, formatPoints, prorate, yuanStringToFen } from './money';

describe('money display', () => {
  it('formats fen as yuan with two decimals', () => {
    expect(fenToYuanString(0)).toBe('0.00');
    expect(fenToYuanString(5)).toBe('0.05');
    expect(fenToYuanString(12345)).toBe('123.45');
    expect(fenToYuanString(-5)).toBe('-0.05');
  });

  it('formats with the yuan sign and thousands separators', () => {
    expect(formatFen(123456)).toBe('¥1,234.56');
    expect(formatFen(100000, { compact: true })).toBe('¥1,000');
    expect(formatFen(100050, { compact: true })).toBe('¥1,000.50');
    expect(formatFen(-2000)).toBe('-¥20.00');
    expect(formatPoints(1234567)).toBe('1,234,567');
  });

  it('parses yuan strings back to fen exactly', () => {
    expect(yuanStringToFen('230')).toBe(23000);
    expect(yuanStringToFen('0.1')).toBe(10);
    expect(yuanStringToFen('19.99')).toBe(1999);
    expect(() => yuanStringToFen('1.234')).toThrow(RangeError);
    expect(() => yuanStringToFen('abc')).toThrow(RangeError);
  });

  it('round-trips every amount through the display string', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (fen) => {
        expect(yuanStringToFen(fenToYuanString(fen))).toBe(fen);
      }),
    );
  });

  it('refuses non-integer money', () => {
    expect(() => fenToYuanString(1.5)).toThrow(RangeError);
  });
});

describe('prorate (largest remainder)', () => {
  it('splits by weight and gives leftovers to the largest remainders', () => {
    expect(prorate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(prorate(10, [5, 3, 2])).toEqual([5, 3, 2]);
    expect(prorate(7, [1, 2])).toEqual([2, 5]);
    expect(prorate(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
    expect(prorate(0, [3, 4])).toEqual([0, 0]);
    expect(prorate(5, [0, 0])).toEqual([3, 2]);
    expect(prorate(0, [])).toEqual([]);
  });

  it('rejects negative weights and a total with nothing to split over', () => {
    expect(() => prorate(10, [1, -1])).toThrow(RangeError);
    expect(() => prorate(10, [])).toThrow(RangeError);
  });

  it('parts always sum to the total and are never negative', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.array(fc.integer({ min: 0, max: 1e9 }), { minLength: 1, maxLength: 40 }),
        (total, weights) => {
          const parts = prorate(total, weights);
          expect(parts).toHaveLength(weights.length);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          for (const part of parts) expect(part).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });

  it('each part is within one unit of its exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.array(fc.integer({ min: 1, max: 1e4 }), { minLength: 1, maxLength: 20 }),
        (total, weights) => {
          const sum = weights.reduce((a, b) => a + b, 0);
          prorate(total, weights).forEach((part, i) => {
            const exact = (total * (weights[i] ?? 0)) / sum;
            expect(Math.abs(part - exact)).toBeLessThan(1);
          });
        },
      ),
    );
  });
});
