import type { RuleViolation } from '../types.js';

/** Clock skew tolerated between the source system and ours (SPEC §3): 5 minutes. */
export const DEFAULT_FUTURE_SKEW_MS = 5 * 60_000;

const VIOLATION: RuleViolation = {
  code: 'CREATED_AT_IN_FUTURE',
  column: 'created_at',
  rule: 'created_at <= now + allowed clock skew',
};

/**
 * A row cannot be created after it was exported. `latestAllowedMs` is the injected clock plus
 * the skew, computed once per file rather than read per row, which keeps this pure.
 */
export function createdAtNotInFuture(
  row: { readonly createdAtMs: number },
  latestAllowedMs: number,
): RuleViolation | undefined {
  return row.createdAtMs > latestAllowedMs ? VIOLATION : undefined;
}
