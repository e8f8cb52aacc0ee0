import { type LineageError, WorkerError } from '@storeflow/core';
import { errorName } from './errors.js';

/**
 * The {@link LineageError} to record for a failed attempt: a WorkerError's code and whether a
 * retry can help; anything else by its name, as not retryable.
 */
export function lineageErrorOf(error: unknown): LineageError {
  const worker = error instanceof WorkerError ? error : undefined;
  return {
    code: worker?.code ?? errorName(error),
    message: error instanceof Error ? error.message : String(error),
    retryable: worker?.retryable ?? false,
  };
}
