import { WorkerError } from '@storeflow/core';

/** The command line is wrong; running it again as it is fails the same way. */
export class ChaosUsageError extends WorkerError {
  readonly code = 'CHAOS_USAGE';
  readonly retryable = false;
}

/**
 * The chaos run could not set up or observe the pipeline (the stack did not start, no replacement
 * worker would start, an emulator's process could not be found). Not a verdict on the pipeline:
 * the run says nothing, and another run on a less loaded machine may get further.
 */
export class ChaosHarnessError extends WorkerError {
  readonly code = 'CHAOS_HARNESS';
  readonly retryable = true;
}
