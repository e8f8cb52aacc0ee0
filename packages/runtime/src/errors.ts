import { WorkerError } from '@storeflow/core';

/** One environment variable that failed validation. */
export interface ConfigProblem {
  variable: string;
  problem: string;
}

/** Raised at start-up, before anything is consumed, listing every bad variable at once. */
export class ConfigInvalidError extends WorkerError {
  readonly code = 'CONFIG_INVALID';
  // Fixing the environment needs a person; restarting with the same values fails the same way.
  readonly retryable = false;
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(
      `invalid configuration: ${problems.map(({ variable, problem }) => `${variable} ${problem}`).join('; ')}`,
    );
    this.problems = problems;
  }
}
