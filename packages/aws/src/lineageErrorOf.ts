import { type LineageError, WorkerError } from '@storeflow/core';
import { errorName, isDependencyOutage } from './errors.js';

/**
 * The {@link LineageError} to record for a failed attempt: a WorkerError's code and whether a
 * retry can help; anything else by its name, retryable only when it is a dependency outage (a
 * socket reset or timeout while an object streamed, say).
 */
export function lineageErrorOf(error: unknown): LineageError {
  const worker = error instanceof WorkerError ? error : undefined;
  return {
    code: worker?.code ?? errorName(error),
    message: error instanceof Error ? error.message : String(error),
    retryable: worker?.retryable ?? isDependencyOutage(error),
  };
}
