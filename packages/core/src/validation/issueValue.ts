import { MAX_ISSUE_VALUE_LENGTH } from '../types.js';

/** Raw value for a RowIssue, cut so one oversized field cannot bloat reports and rejected-rows files. */
export function issueValue(raw: string): string {
  return raw.length > MAX_ISSUE_VALUE_LENGTH ? raw.slice(0, MAX_ISSUE_VALUE_LENGTH) : raw;
}
