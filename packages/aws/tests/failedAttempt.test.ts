import { FileStatus } from '@storeflow/core';
import {
  AwsCallError,
  failedAttemptOutcome,
  type LineageRepository,
  recordFailedAttempt,
} from '../src/index.js';

function awsFailure(retryable: boolean): AwsCallError {
  const cause = Object.assign(new Error('service says no'), {
    name: retryable ? 'SlowDown' : 'AccessDenied',
    $metadata: { httpStatusCode: retryable ? 503 : 403 },
  });
  return new AwsCallError('GetObject', cause, retryable);
}

const KEY = { sourceKey: 'raw/orders/o.csv', objectVersion: 'etag-1' };

/** A lineage stub that records the calls the policy makes. */
function recordingLineage() {
  const calls: unknown[][] = [];
  const lineage = {
    update: async (...args: unknown[]) => calls.push(['update', ...args]),
    complete: async (...args: unknown[]) => calls.push(['complete', ...args]),
  } as unknown as LineageRepository;
  return { lineage, calls };
}

describe('failedAttemptOutcome', () => {
  it.each([
    ['a retryable error before the last receive', awsFailure(true), false, 1, false, 'retry'],
    ['a retryable error on the last receive', awsFailure(true), false, 5, false, 'failed'],
    ['a retryable error past the last receive', awsFailure(true), false, 6, false, 'failed'],
    ['a permanent error on the first receive', awsFailure(false), false, 1, false, 'failed'],
    ['an error that is no WorkerError', new TypeError('bug'), false, 1, false, 'failed'],
    ['a stop on the last receive', awsFailure(true), true, 5, false, 'stopped'],
    ['an outage the poller runs again, on the last receive', awsFailure(true), false, 5, true, 'retry'],
    ['a stop during an outage the poller would run again', awsFailure(true), true, 5, true, 'stopped'],
    [
      'a socket reset while streaming, before the last receive',
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      false,
      1,
      false,
      'retry',
    ],
  ])('%s ends %s', (_case, error, stopped, receiveCount, runsAgain, expected) => {
    // Act
    const outcome = failedAttemptOutcome({ error, stopped, receiveCount, maxReceiveCount: 5, runsAgain });

    // Assess
    expect(outcome).toBe(expected);
  });
});

describe('recordFailedAttempt', () => {
  it('releases a file to retry with its last error', async () => {
    // Prepare
    const { lineage, calls } = recordingLineage();
    const error = awsFailure(true);

    // Act
    const outcome = await recordFailedAttempt(lineage, KEY, 'worker-a', {
      error,
      stopped: false,
      receiveCount: 1,
      maxReceiveCount: 5,
      runsAgain: false,
    });

    // Assess
    expect(outcome).toBe('retry');
    expect(calls).toEqual([
      [
        'update',
        KEY,
        'worker-a',
        { lastError: { code: 'AWS_CALL_FAILED', message: error.message, retryable: true } },
        { releaseLease: true },
      ],
    ]);
  });

  it('releases a file on its last receive when the poller will run it again through an outage', async () => {
    // Prepare
    const { lineage, calls } = recordingLineage();
    const error = awsFailure(true);

    // Act
    const outcome = await recordFailedAttempt(lineage, KEY, 'worker-a', {
      error,
      stopped: false,
      receiveCount: 5,
      maxReceiveCount: 5,
      runsAgain: true,
    });

    // Assess: not FAILED, so the run again finds the file claimable.
    expect(outcome).toBe('retry');
    expect(calls.map(([method]) => method)).toEqual(['update']);
  });

  it('ends a file FAILED with its last error and timings', async () => {
    // Prepare
    const { lineage, calls } = recordingLineage();
    const error = awsFailure(false);

    // Act
    const outcome = await recordFailedAttempt(
      lineage,
      KEY,
      'worker-a',
      { error, stopped: false, receiveCount: 1, maxReceiveCount: 5, runsAgain: false },
      { transformMs: 12 },
    );

    // Assess
    expect(outcome).toBe('failed');
    expect(calls).toEqual([
      [
        'complete',
        KEY,
        'worker-a',
        {
          status: FileStatus.FAILED,
          lastError: { code: 'AWS_CALL_FAILED', message: error.message, retryable: false },
          timings: { transformMs: 12 },
        },
      ],
    ]);
  });

  it('hands a stopped file back without recording an error', async () => {
    // Prepare
    const { lineage, calls } = recordingLineage();

    // Act
    const outcome = await recordFailedAttempt(lineage, KEY, 'worker-a', {
      error: awsFailure(true),
      stopped: true,
      receiveCount: 5,
      maxReceiveCount: 5,
      runsAgain: false,
    });

    // Assess
    expect(outcome).toBe('stopped');
    expect(calls).toEqual([['update', KEY, 'worker-a', {}, { releaseLease: true }]]);
  });
});
