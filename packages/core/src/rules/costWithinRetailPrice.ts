import type { RuleViolation } from '../types.js';

const VIOLATION: RuleViolation = {
  code: 'COST_ABOVE_RETAIL_PRICE',
  column: 'cost',
  rule: 'cost <= retail_price',
};

/** A product cannot cost more than its list price (SPEC §3 business rule); both in integer cents. */
export function costWithinRetailPrice(row: {
  readonly costCents: number;
  readonly retailPriceCents: number;
}): RuleViolation | undefined {
  return row.costCents > row.retailPriceCents ? VIOLATION : undefined;
}
