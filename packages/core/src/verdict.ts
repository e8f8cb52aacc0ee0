import { InvalidOptionError } from './errors.js';
import { ISSUE_CODES } from './issueCodes.js';
import type { FileIssue } from './types.js';

/** Final state of a validated file (SPEC §3). */
export type Verdict = 'ACCEPTED' | 'REJECTED';

/** Default largest share of rejected rows a file may have and still be accepted, per dataset. */
export const DEFAULT_MAX_REJECTED_ROW_RATIO = 0.05;

/** Input of {@link decideVerdict}. */
export interface VerdictInput {
  /** File-level issues, notices included (they are ignored). */
  readonly fileIssues: readonly Pick<FileIssue, 'code'>[];
  /** Data rows read from the file. */
  readonly totalRows: number;
  /** Rows rejected by any row-level check. */
  readonly rejectedRows: number;
  /** A fraction 0..1. @defaultvalue 0.05 */
  readonly maxRejectedRowRatio?: number;
}

/**
 * Decides a file's verdict: REJECTED on any file-level problem (the EXTRA_COLUMNS notice does not
 * count) or when the rejected share exceeds the ratio; a share exactly at the ratio is ACCEPTED.
 *
 * @throws InvalidOptionError when the counts or the ratio are impossible
 * @example
 * decideVerdict({ fileIssues: [], totalRows: 100, rejectedRows: 5 }); // 'ACCEPTED'
 * decideVerdict({ fileIssues: [], totalRows: 100, rejectedRows: 6 }); // 'REJECTED'
 */
export function decideVerdict(input: VerdictInput): Verdict {
  const { fileIssues, totalRows, rejectedRows } = input;
  const ratio = input.maxRejectedRowRatio ?? DEFAULT_MAX_REJECTED_ROW_RATIO;
  if (!(ratio >= 0 && ratio <= 1))
    throw new InvalidOptionError('maxRejectedRowRatio', 'must be between 0 and 1');
  if (!(Number.isSafeInteger(totalRows) && Number.isSafeInteger(rejectedRows) && rejectedRows >= 0)) {
    throw new InvalidOptionError('rejectedRows', 'row counts must be non-negative integers');
  }
  if (rejectedRows > totalRows) throw new InvalidOptionError('rejectedRows', 'cannot exceed totalRows');
  if (fileIssues.some((issue) => ISSUE_CODES[issue.code].rejects)) return 'REJECTED';
  // No rows at all is HEADER_ONLY or EMPTY_FILE, a file issue the caller reports.
  if (totalRows === 0) return 'ACCEPTED';
  // Division is correctly rounded, so 5 / 100 equals the literal 0.05 exactly: the boundary holds.
  return rejectedRows / totalRows <= ratio ? 'ACCEPTED' : 'REJECTED';
}
