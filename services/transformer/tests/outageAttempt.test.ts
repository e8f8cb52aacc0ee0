import { EndpointUnreachableError, type PollerLogger, type QueueMessage } from '@storeflow/aws';
import type { Alert } from '@storeflow/core';
import { createRecordingLogger } from '@storeflow/testing';
import {
  VALIDATED_FILE_KEY as KEY,
  stubbedTransformHandler,
  validatedMessage,
  WORKER_ID,
} from './stubbedAttempt.js';

// The poller's side of an outage (running the message again) is OutageRetry's; here, what the
// handler does with the message's answer: lineage is a stub that records what it was asked.

/** The handler with a lineage that grants every claim, and a recompute that fails with `failure`. */
function handlerFailingWith(failure: Error) {
  const claims: unknown[] = [];
  const updates: unknown[][] = [];
  const completions: unknown[][] = [];
  const alerts: Alert[] = [];
  const lineage = {
    claimForTransform: async (input: unknown) => {
      claims.push(input);
      return { outcome: 'claimed', record: { ...KEY, status: 'TRANSFORMING' } };
    },
    update: async (...args: unknown[]) => {
      updates.push(args);
    },
    complete: async (...args: unknown[]) => {
      completions.push(args);
    },
    renewLease: async () => 0,
  };
  const dates = {
    ensure: async () => {
      throw failure;
    },
  };
  const handle = stubbedTransformHandler({
    lineage,
    dates,
    alerts: { publish: async (alert) => void alerts.push(alert) },
    environment: { TRANSFORMER_MAX_RECEIVE_COUNT: '5' },
  });
  return { handle, claims, updates, completions, alerts };
}

/** The message on its last receive (5 of 5), whose outage answer is `runsAgain`. */
function lastReceive(log: PollerLogger, outageReruns: number, runsAgain: boolean): QueueMessage {
  return validatedMessage(log, { receiveCount: 5, outageReruns, runsAgainAfter: () => runsAgain });
}

describe('a transform attempt failed by a dependency outage', () => {
  it('on the last receive, releases the file rather than failing it when the poller runs it again', async () => {
    // Prepare
    const outage = new EndpointUnreachableError('DYNAMODB', 'http://127.0.0.1:8000');
    const log = createRecordingLogger();
    const { handle, updates, completions, alerts } = handlerFailingWith(outage);

    // Act
    const attempt = handle(lastReceive(log, 0, true), new AbortController().signal);

    // Assess
    await expect(attempt).rejects.toBe(outage);
    expect(completions).toEqual([]);
    expect(updates).toEqual([
      [
        KEY,
        WORKER_ID,
        { lastError: { code: 'ENDPOINT_UNREACHABLE', message: outage.message, retryable: true } },
        { releaseLease: true },
      ],
    ]);
    // The poller logs the outage once; the handler does not at each run.
    expect(log.messages('warn')).toEqual([]);
    expect(alerts).toEqual([]);
  });

  it('on the last receive, ends the file FAILED once the poller will not run it again, and says so', async () => {
    // Prepare
    const outage = new EndpointUnreachableError('DYNAMODB', 'http://127.0.0.1:8000');
    const { handle, updates, completions, alerts } = handlerFailingWith(outage);

    // Act
    const attempt = handle(lastReceive(createRecordingLogger(), 3, false), new AbortController().signal);

    // Assess
    await expect(attempt).rejects.toBe(outage);
    expect(updates).toEqual([]);
    expect(completions).toEqual([[KEY, WORKER_ID, expect.objectContaining({ status: 'FAILED' })]]);
    expect(alerts).toEqual([
      {
        kind: 'file-failed',
        file: { bucket: 'data', key: KEY.sourceKey, objectVersion: KEY.objectVersion, dataset: 'orders' },
        errorCode: 'ENDPOINT_UNREACHABLE',
        message: outage.message,
      },
    ]);
  });

  it('claims with re-entry only on a run again', async () => {
    // Prepare
    const { handle, claims } = handlerFailingWith(new Error('any'));

    // Act
    await handle(lastReceive(createRecordingLogger(), 0, false), new AbortController().signal).catch(
      () => undefined,
    );
    await handle(lastReceive(createRecordingLogger(), 1, false), new AbortController().signal).catch(
      () => undefined,
    );

    // Assess
    expect(claims).toEqual([
      expect.objectContaining({ workerId: WORKER_ID, reenter: false }),
      expect.objectContaining({ workerId: WORKER_ID, reenter: true }),
    ]);
  });
});
