/** The MAD of normally distributed data times this estimates its standard deviation. */
export const MAD_TO_SIGMA = 1.4826;

/** The median of `values` (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The median absolute deviation from `centre`. */
export function medianAbsoluteDeviation(values: readonly number[], centre: number): number {
  return median(values.map((value) => Math.abs(value - centre)));
}

/** A robust centre and standard deviation: the median and the scaled MAD. */
export function robustCentreAndSpread(values: readonly number[]): { centre: number; spread: number } {
  const centre = median(values);
  return { centre, spread: MAD_TO_SIGMA * medianAbsoluteDeviation(values, centre) };
}

/** `value` rounded to 4 decimals, how baselines and ranges are stored and shown. */
export function roundForReport(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
