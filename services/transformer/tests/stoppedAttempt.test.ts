import { createRecordingLogger } from '@storeflow/testing';
import {
  VALIDATED_FILE_KEY as KEY,
  stubbedTransformHandler,
  validatedMessage,
  WORKER_ID,
} from './stubbedAttempt.js';

// The stop path cannot be timed against a real stack: the abort has to land while a date is being
// recomputed. Here the recompute itself aborts the attempt, and lineage is a stub that records
// what it was asked to do.

/**
 * The handler with a lineage that grants the claim and answers `update` with `release`, and a
 * recompute that stops the attempt (aborts `controller`) and fails with `stopError`, as a
 * recompute cut short by SIGTERM does. Returns what lineage was asked to do.
 */
function stoppedHandlerWith(stopError: Error, release: () => Promise<unknown>) {
  const controller = new AbortController();
  const updates: unknown[][] = [];
  const completions: unknown[][] = [];
  const lineage = {
    claimForTransform: async () => ({ outcome: 'claimed', record: { ...KEY, status: 'TRANSFORMING' } }),
    update: async (...args: unknown[]) => {
      updates.push(args);
      return release();
    },
    complete: async (...args: unknown[]) => {
      completions.push(args);
    },
    renewLease: async () => 0,
  };
  const dates = {
    ensure: async () => {
      controller.abort(new Error('the task is stopping'));
      throw stopError;
    },
  };
  const handle = stubbedTransformHandler({ lineage, dates });
  return { handle, signal: controller.signal, updates, completions };
}

describe('a transform attempt stopped mid-recompute', () => {
  it('hands the file back without recording an error or failing it, and passes the error on', async () => {
    // Prepare
    const stopError = new Error('recompute interrupted');
    const { handle, signal, updates, completions } = stoppedHandlerWith(stopError, async () => undefined);

    // Act
    const attempt = handle(validatedMessage(createRecordingLogger()), signal);

    // Assess
    await expect(attempt).rejects.toBe(stopError);
    expect(updates).toEqual([[KEY, WORKER_ID, {}, { releaseLease: true }]]);
    expect(completions).toEqual([]);
  });

  it('logs a release that fails and still passes on the error that stopped it', async () => {
    // Prepare
    const stopError = new Error('recompute interrupted');
    const log = createRecordingLogger();
    const { handle, signal } = stoppedHandlerWith(stopError, async () => {
      throw new Error('DynamoDB unreachable');
    });

    // Act
    const attempt = handle(validatedMessage(log), signal);

    // Assess
    await expect(attempt).rejects.toBe(stopError);
    expect(log.messages('warn')).toEqual(['could not release the lineage lease; it will expire']);
  });
});
