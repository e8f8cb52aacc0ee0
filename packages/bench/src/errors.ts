import { WorkerError } from '@storeflow/core';

/** The command line is wrong; running it again as it is fails the same way. */
export class BenchUsageError extends WorkerError {
  readonly code = 'BENCH_USAGE';
  readonly retryable = false;
}

/**
 * A child process of the bench failed. Retryable only in the sense that a loaded machine may
 * have starved it; the child's stderr says which.
 */
export class BenchChildFailedError extends WorkerError {
  readonly code = 'BENCH_CHILD_FAILED';
  readonly retryable = false;
  readonly approach: string;

  constructor(approach: string, detail: string, options?: ErrorOptions) {
    super(`the ${approach} run failed: ${detail}`, options);
    this.approach = approach;
  }
}
