import type { RuleViolation } from '../types.js';

const VIOLATION: RuleViolation = {
  code: 'DELIVERED_BEFORE_SHIPPED',
  column: 'delivered_at',
  rule: 'delivered_at >= shipped_at',
};

/**
 * Nothing is delivered before it shipped. Checked only when both are present: the sample data
 * has delivered orders without `delivered_at`, and the spec sets no rule for the reverse gap.
 */
export function deliveredAfterShipped(row: {
  readonly shippedAtMs: number | undefined;
  readonly deliveredAtMs: number | undefined;
}): RuleViolation | undefined {
  return row.shippedAtMs !== undefined &&
    row.deliveredAtMs !== undefined &&
    row.deliveredAtMs < row.shippedAtMs
    ? VIOLATION
    : undefined;
}
