import type { RuleViolation } from '../types.js';

const VIOLATION: RuleViolation = {
  code: 'SHIPPED_BEFORE_CREATED',
  column: 'shipped_at',
  rule: 'shipped_at >= created_at',
};

/** Nothing ships before it was ordered; a row not shipped yet passes. Epoch milliseconds. */
export function shippedAfterCreated(row: {
  readonly createdAtMs: number;
  readonly shippedAtMs: number | undefined;
}): RuleViolation | undefined {
  return row.shippedAtMs !== undefined && row.shippedAtMs < row.createdAtMs ? VIOLATION : undefined;
}
