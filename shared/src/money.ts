/**
 * Money is integer fen and points are integer points everywhere; this module is the only place that
 * turns fen into a display string.
 */

export function assertSafeInteger(value: number, name = 'value'): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be a safe integer, got ${value}`);
}

/** 12345 -> "123.45"; -5 -> "-0.05". */
export function fenToYuanString(fen: number): string {
  assertSafeInteger(fen, 'fen');
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${sign}${yuan}.${cents.toString().padStart(2, '0')}`;
}

/** 123456 -> "¥1,234.56"; whole yuan drop the decimals when `compact` is set: "¥1,000". */
export function formatFen(fen: number, options: { compact?: boolean } = {}): string {
  const [whole = '0', decimals = '00'] = fenToYuanString(Math.abs(fen)).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = fen < 0 ? '-' : '';
  if (options.compact && decimals === '00') return `${sign}¥${grouped}`;
  return `${sign}¥${grouped}.${decimals}`;
}

/** "123.45" -> 12345. Accepts at most two decimals; throws on anything else. */
export function yuanStringToFen(yuan: string): number {
  const match = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(yuan.trim());
  if (!match) throw new RangeError(`not an amount in yuan: ${yuan}`);
  const [, minus, whole = '0', decimals = ''] = match;
  const fen = Number(whole) * 100 + Number(decimals.padEnd(2, '0'));
  assertSafeInteger(fen, 'fen');
  return minus ? -fen : fen;
}

/** Points with thousands separators: 12345 -> "12,345". */
export function formatPoints(points: number): string {
  assertSafeInteger(points, 'points');
  return points.toLocaleString('en-US');
}

/**
 * Splits `total` into integer parts proportional to `weights` by the largest-remainder method:
 * each part gets the floor of its exact share, and the units left over go to the parts with the
 * largest fractional remainders (ties to the earlier part). The parts always sum to `total`, and with
 * non-negative inputs no part is negative. Used for refunds (DOMAIN §6) and discount allocation.
 */
export function prorate(total: number, weights: readonly number[]): number[] {
  assertSafeInteger(total, 'total');
  weights.forEach((w, i) => {
    assertSafeInteger(w, `weights[${i}]`);
    if (w < 0) throw new RangeError(`weights[${i}] must not be negative`);
  });
  if (weights.length === 0) {
    if (total !== 0) throw new RangeError('cannot prorate a non-zero total over no weights');
    return [];
  }
  const weightSum = weights.reduce((a, b) => a + b, 0);
  if (weightSum === 0) {
    // No basis for a proportion: spread evenly, the remainder to the first parts.
    return prorate(
      total,
      weights.map(() => 1),
    );
  }
  const sign = total < 0 ? -1 : 1;
  const magnitude = Math.abs(total);
  // BigInt keeps total × weight exact beyond 2^53.
  const big = BigInt(magnitude);
  const bigSum = BigInt(weightSum);
  const parts = weights.map((w) => {
    const numerator = big * BigInt(w);
    return { floor: numerator / bigSum, remainder: numerator % bigSum };
  });
  let left = magnitude - parts.reduce((a, p) => a + Number(p.floor), 0);
  const order = parts
    .map((p, index) => ({ index, remainder: p.remainder }))
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  const result = parts.map((p) => Number(p.floor));
  for (const { index } of order) {
    if (left === 0) break;
    result[index] = (result[index] ?? 0) + 1;
    left -= 1;
  }
  return result.map((part) => part * sign + 0);
}
