import type { OrderStatus, RuleViolation } from '../types.js';

const RETURNED_AT_WITHOUT_RETURN: RuleViolation = {
  code: 'RETURNED_AT_WITHOUT_RETURN',
  column: 'returned_at',
  rule: 'returned_at is empty unless status is returned',
};
const RETURN_WITHOUT_RETURNED_AT: RuleViolation = {
  code: 'RETURN_WITHOUT_RETURNED_AT',
  column: 'returned_at',
  rule: 'returned_at is set when status is returned',
};

/**
 * `returned_at` is present exactly when the status is `returned` (SPEC §3). Two codes, because
 * the fixes differ: one row lost its return date, the other has a stale one.
 */
export function returnedAtMatchesStatus(row: {
  readonly status: OrderStatus;
  readonly returnedAtMs: number | undefined;
}): RuleViolation | undefined {
  if (row.status === 'returned')
    return row.returnedAtMs === undefined ? RETURN_WITHOUT_RETURNED_AT : undefined;
  return row.returnedAtMs === undefined ? undefined : RETURNED_AT_WITHOUT_RETURN;
}
