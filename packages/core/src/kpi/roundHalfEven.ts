import { InvalidOptionError, KpiOverflowError } from '../errors.js';

/** 10^0 … 10^15: every one is exact in a double, and so is any safe integer times it that stays safe. */
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, exponent) => 10 ** exponent);

/**
 * Rounds the exact rational `numerator / denominator` to `places` decimals, ties to even
 * (banker's rounding), using integer quotient and remainder only, so no binary-float error can
 * decide a tie. The result is the double nearest to the rounded decimal, so it prints with at most
 * `places` decimals.
 *
 * Why half-even: SPEC §4 requires it for averages (2 places) and rates (4 places); it does not
 * bias sums of rounded values upwards the way half-up does.
 *
 * @param numerator - a safe integer (may be negative; rounding is symmetric around zero)
 * @param denominator - a positive safe integer
 * @param places - decimals to keep, an integer 0..15
 * @throws {InvalidOptionError} when an argument is outside the ranges above
 * @throws {KpiOverflowError} when `numerator × 10^places` is not a safe integer
 *
 * @example
 * roundHalfEven(1, 8, 2); // 0.12 (0.125 is a tie, 2 is even)
 * roundHalfEven(3, 8, 2); // 0.38 (0.375 is a tie, 8 is even)
 * roundHalfEven(2, 3, 4); // 0.6667
 * roundHalfEven(12345, 2, 0); // 6172 (an average in cents: 6172.5 rounds to even)
 */
export function roundHalfEven(numerator: number, denominator: number, places: number): number {
  if (!Number.isSafeInteger(numerator)) throw new InvalidOptionError('numerator', 'must be a safe integer');
  if (!Number.isSafeInteger(denominator) || denominator <= 0) {
    throw new InvalidOptionError('denominator', 'must be a positive safe integer');
  }
  const scale = Number.isInteger(places) ? POWERS_OF_TEN[places] : undefined;
  if (scale === undefined) throw new InvalidOptionError('places', 'must be an integer from 0 to 15');
  const scaled = numerator * scale;
  if (!Number.isSafeInteger(scaled)) throw new KpiOverflowError(`${numerator} × 10^${places}`);
  const magnitude = Math.abs(scaled);
  // `%` and the division of an exact multiple are exact on safe integers: no rounding happens here.
  const remainder = magnitude % denominator;
  let quotient = (magnitude - remainder) / denominator;
  // 2 × remainder < 2^54 is still exact (a doubling only changes the exponent).
  const twiceRemainder = remainder * 2;
  if (twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2 === 1)) quotient += 1;
  // A negative value that rounds to zero must not come out as -0.
  const rounded = scaled < 0 && quotient !== 0 ? -quotient : quotient;
  return rounded / scale;
}
