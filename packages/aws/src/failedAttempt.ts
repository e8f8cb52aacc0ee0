import { type Alert, type AlertedFile, FileStatus, type LineageKey } from '@storeflow/core';
import type { LineageRepository } from './dynamodb/LineageRepository.js';
import { lineageErrorOf } from './lineageErrorOf.js';

/** How an attempt that threw ends in lineage. */
export type FailedAttemptOutcome =
  /** Stopped (shutdown, or the message is no longer ours): released with no error recorded. */
  | 'stopped'
  /**
   * Released with `lastError`: the next receive of the message, or the poller's next run of it
   * through a dependency outage, claims the file at once.
   */
  | 'retry'
  /** Ended FAILED: a permanent error, or the receive the redrive policy makes the last. */
  | 'failed';

export interface FailedAttempt {
  readonly error: unknown;
  /** The attempt's signal was aborted: it was stopped, not failed. */
  readonly stopped: boolean;
  /** The SQS receive count of the message that carried this attempt. */
  readonly receiveCount: number;
  /** The queue's redrive `maxReceiveCount`: the receive with this count is the last. */
  readonly maxReceiveCount: number;
  /**
   * The poller runs the attempt again within this receive (a dependency outage within the outage
   * budget: `QueueMessage.runsAgainAfter`), so this failure is not the last chance, whatever the
   * receive count.
   */
  readonly runsAgain: boolean;
}

/**
 * The failure policy both services follow, as a pure decision: a stopped attempt is handed back
 * without an error; a failed one is retried while the poller will run it again (a dependency
 * outage), or while its error is retryable and the queue will deliver the message again, and
 * otherwise ends FAILED.
 */
export function failedAttemptOutcome(attempt: FailedAttempt): FailedAttemptOutcome {
  if (attempt.stopped) return 'stopped';
  if (attempt.runsAgain) return 'retry';
  const retryable = lineageErrorOf(attempt.error).retryable;
  return retryable && attempt.receiveCount < attempt.maxReceiveCount ? 'retry' : 'failed';
}

/**
 * Records a failed (or stopped) attempt in lineage per {@link failedAttemptOutcome} and gives the
 * lease back, fenced on `workerId`, so a file another worker has taken over is left alone. A
 * lineage failure here propagates: {@link withLease} logs it without hiding the attempt's error.
 *
 * @param timings stored with a FAILED status, beside the ones already recorded
 */
export async function recordFailedAttempt(
  lineage: LineageRepository,
  key: LineageKey,
  workerId: string,
  attempt: FailedAttempt,
  timings?: Readonly<Record<string, number>>,
): Promise<FailedAttemptOutcome> {
  const outcome = failedAttemptOutcome(attempt);
  if (outcome === 'stopped') {
    await lineage.update(key, workerId, {}, { releaseLease: true });
  } else if (outcome === 'retry') {
    await lineage.update(key, workerId, { lastError: lineageErrorOf(attempt.error) }, { releaseLease: true });
  } else {
    await lineage.complete(key, workerId, {
      status: FileStatus.FAILED,
      lastError: lineageErrorOf(attempt.error),
      ...(timings === undefined ? {} : { timings }),
    });
  }
  return outcome;
}

/**
 * The `file-failed` alert for a version an attempt ended FAILED (outcome `failed` of
 * {@link recordFailedAttempt}): the error as lineage records it, so the alert and `status` agree.
 */
export function fileFailedAlert(file: AlertedFile, error: unknown): Alert {
  const { code, message } = lineageErrorOf(error);
  return { kind: 'file-failed', file, errorCode: code, message };
}
