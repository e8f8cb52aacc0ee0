/** Why a string is not an amount of money. Strings, not objects, so a failed parse allocates nothing. */
export type MoneyParseFailure = 'NOT_A_NUMBER' | 'TOO_MANY_DECIMALS';

/** Integer cents, or the reason the text is not an amount. Discriminate with `typeof result === 'number'`. */
export type MoneyParseResult = number | MoneyParseFailure;

/** 13 integer digits keep cents below 2^53, where every integer is exact in a double. */
const MAX_INTEGER_DIGITS = 13;
const CH_0 = 48;

/**
 * Parses a decimal amount to integer cents without binary floating point, so sums stay exact.
 *
 * Grammar: optional `-`, 1 to 13 digits, then optionally `.` and at least one digit. Digits after
 * the second decimal place must be zeros (`1.230` is exactly 123 cents); a non-zero one makes the
 * value `TOO_MANY_DECIMALS`, since rounding it would silently change money. Anything else is
 * `NOT_A_NUMBER`, including `1.`, `.5`, `+1`, `1e3` and surrounding spaces.
 *
 * @example
 * parseCents('43.4'); // 4340
 * parseCents('-0.05'); // -5
 * parseCents('1.005'); // 'TOO_MANY_DECIMALS'
 */
export function parseCents(text: string): MoneyParseResult {
  const length = text.length;
  const negative = text.charCodeAt(0) === 45;
  let i = negative ? 1 : 0;
  const integerStart = i;
  let integer = 0;
  for (; i < length; i++) {
    const digit = text.charCodeAt(i) - CH_0;
    if (!(digit >= 0 && digit <= 9)) break;
    integer = integer * 10 + digit;
  }
  const integerDigits = i - integerStart;
  if (integerDigits === 0 || integerDigits > MAX_INTEGER_DIGITS) return 'NOT_A_NUMBER';
  let fraction = 0;
  let tooPrecise = false;
  if (i < length) {
    if (text.charCodeAt(i) !== 46) return 'NOT_A_NUMBER';
    const fractionStart = ++i;
    for (; i < length; i++) {
      const digit = text.charCodeAt(i) - CH_0;
      if (!(digit >= 0 && digit <= 9)) return 'NOT_A_NUMBER';
      const place = i - fractionStart;
      if (place === 0) fraction = digit * 10;
      else if (place === 1) fraction += digit;
      else if (digit !== 0) tooPrecise = true;
    }
    if (i === fractionStart) return 'NOT_A_NUMBER';
  }
  if (tooPrecise) return 'TOO_MANY_DECIMALS';
  const cents = integer * 100 + fraction;
  // `0 - 0` would be -0, which prints and compares oddly downstream.
  return negative && cents !== 0 ? -cents : cents;
}

/**
 * Formats integer cents as a decimal string with exactly two decimals.
 *
 * @example
 * formatCents(4340); // '43.40'
 * formatCents(-5); // '-0.05'
 */
export function formatCents(cents: number): string {
  const magnitude = Math.abs(cents);
  const fraction = magnitude % 100;
  return `${cents < 0 ? '-' : ''}${(magnitude - fraction) / 100}.${fraction < 10 ? '0' : ''}${fraction}`;
}
