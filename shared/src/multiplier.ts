import { z } from 'zod';

/**
 * Points multipliers (DOMAIN §3). Configuration and the API give them as decimals with at most two places
 * (1.15, 2, 5), as headquarters writes them; the pricing engine holds them as whole hundredths (115, 200, 500)
 * so that points are exact: `Math.floor(100 * 1.15)` is 114 in floating point, 115 in hundredths.
 */

/** Hundredths in one whole multiplier. */
export const MULTIPLIER_SCALE = 100;

/**
 * A decimal multiplier as whole hundredths: the one conversion from the decimal form. Rounding to the
 * nearest hundredth absorbs the binary error of a decimal (1.15 * 100 = 114.99999999999999) and takes
 * multipliers stored before they were limited to two places (1.155) to the nearest hundredth.
 */
export function multiplierHundredths(multiplier: number): number {
  return Math.round(multiplier * MULTIPLIER_SCALE);
}

/** True when the decimal has at most two places, i.e. it is exactly a number of hundredths. */
export function hasAtMostTwoDecimals(multiplier: number): boolean {
  // Dividing the whole hundredths back gives the double nearest to that decimal, which is the input itself
  // exactly when the input was written with at most two places.
  return multiplierHundredths(multiplier) / MULTIPLIER_SCALE === multiplier;
}

/** A decimal multiplier as written in configuration and requests: at most two places, within the bounds. */
export function multiplierSchema(min: number, max: number) {
  return z.number().min(min).max(max).refine(hasAtMostTwoDecimals, 'a multiplier has at most two decimals (1.15)');
}

/**
 * A decimal multiplier as read back from storage, where values saved before the two-place limit may have
 * more: they load, rounded to the nearest hundredth, instead of failing every read.
 */
export function storedMultiplierSchema(min: number, max: number) {
  return z
    .number()
    .min(min)
    .max(max)
    .transform((multiplier) => multiplierHundredths(multiplier) / MULTIPLIER_SCALE);
}

/**
 * `points` times every factor (in hundredths), rounded down once at the end, never per factor: stacked
 * 1.15 × 1.15 on 100 points is ⌊100 × 115 × 115 / 100²⌋ = 132. Exact in BigInt, whatever the factors.
 */
export function multiplyPoints(points: number, factors: readonly number[]): bigint {
  let numerator = BigInt(points);
  let denominator = 1n;
  for (const factor of factors) {
    numerator *= BigInt(factor);
    denominator *= BigInt(MULTIPLIER_SCALE);
  }
  // Both are non-negative, so BigInt division (truncation) rounds down.
  return numerator / denominator;
}
