/** Exit codes of every command, documented in the package README. */
export const ExitCode = {
  OK: 0,
  /** A failure: bad option, unreachable endpoint, AWS error, stack start failure. */
  ERROR: 1,
  /** `contracts diff` only: at least one change could change the verdict of data already judged. */
  RECLASSIFIES: 2,
  /** `stack status` only: the stack is not running. */
  NOT_RUNNING: 3,
} as const;

/** The command line itself is wrong; the message says what to type instead. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
