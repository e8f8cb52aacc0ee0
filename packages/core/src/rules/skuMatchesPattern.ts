import type { RuleViolation } from '../types.js';

/** SPEC §3 default SKU shape: three letters, a dash, eight digits. */
export const DEFAULT_SKU_PATTERN = /^[A-Za-z]{3}-\d{8}$/;

const VIOLATION: RuleViolation = {
  code: 'SKU_PATTERN_MISMATCH',
  column: 'sku',
  rule: 'sku matches the SKU pattern',
};

/**
 * The SKU has the shape the catalogue uses. The pattern is compiled once by the caller and must
 * not have the `g` or `y` flag, whose `lastIndex` would make `test` depend on the previous row.
 */
export function skuMatchesPattern(row: { readonly sku: string }, pattern: RegExp): RuleViolation | undefined {
  return pattern.test(row.sku) ? undefined : VIOLATION;
}
