import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import {
  AwsCallError,
  type AwsClients,
  type FileProfileStore,
  type LineageRepository,
  type PollerLogger,
  type QueueMessage,
  RawObjectSource,
  type ReferenceStore,
  type SourceVersionStore,
} from '@storeflow/aws';
import { ALERTS_OFF } from '@storeflow/core';
import { loadContractFiles } from '@storeflow/runtime';
import { createRecordingLogger } from '@storeflow/testing';
import { Registry } from 'prom-client';
import { loadValidatorConfig } from '../src/config.js';
import { createValidatorMetrics } from '../src/metrics.js';
import { createIngestHandler } from '../src/validateObject.js';

const KEY = { sourceKey: 'raw/products/p.csv', objectVersion: 'etag-1' };

/**
 * The handler with S3 answering HEAD and failing GetObject with `readFailure`, and a lineage that
 * grants the claim and answers `update` and `complete` with `release`; returns what lineage was
 * asked to do.
 */
function handlerWith(readFailure: Error, release: () => Promise<unknown>) {
  const updates: unknown[][] = [];
  const completions: unknown[][] = [];
  const claims: unknown[] = [];
  const s3 = {
    send: async (command: unknown) => {
      if (command instanceof HeadObjectCommand) {
        return { ETag: `"${KEY.objectVersion}"`, ContentLength: 100, LastModified: new Date(0) };
      }
      if (command instanceof GetObjectCommand) throw readFailure;
      throw new Error(`unexpected ${String(command)}`);
    },
  };
  const lineage = {
    claim: async (input: unknown) => {
      claims.push(input);
      return {
        outcome: 'claimed',
        record: { ...KEY, eventTime: '2026-01-01T00:00:00.000Z', attempts: 1 },
      };
    },
    update: async (...args: unknown[]) => {
      updates.push(args);
      return release();
    },
    complete: async (...args: unknown[]) => {
      completions.push(args);
      return release();
    },
    renewLease: async () => 0,
  };
  const config = loadValidatorConfig({
    VALIDATOR_QUEUE_URL: 'http://localhost/ingest',
    VALIDATOR_TRANSFORM_QUEUE_URL: 'http://localhost/transform',
    VALIDATOR_WORKER_ID: 'worker-a',
    VALIDATOR_MAX_RECEIVE_COUNT: '3',
  });
  const clients = { s3, connection: { endpoints: {} } } as unknown as AwsClients;
  const handle = createIngestHandler({
    clients,
    config,
    lineage: lineage as unknown as LineageRepository,
    references: {} as ReferenceStore,
    sourceVersions: {} as SourceVersionStore,
    profiles: {} as FileProfileStore,
    rawObjects: new RawObjectSource({ clients }),
    alerts: ALERTS_OFF,
    metrics: createValidatorMetrics(new Registry()),
    contracts: loadContractFiles(),
    now: () => Date.UTC(2026, 0, 1),
  });
  return { handle, updates, completions, claims };
}

function messageFor(
  log: PollerLogger,
  receiveCount = 1,
  outage: Pick<QueueMessage, 'outageReruns' | 'runsAgainAfter'> = {
    outageReruns: 0,
    runsAgainAfter: () => false,
  },
): QueueMessage {
  const body = JSON.stringify({
    Records: [
      {
        eventName: 'ObjectCreated:Put',
        eventTime: '2026-01-01T00:00:00.000Z',
        s3: { bucket: { name: 'data' }, object: { key: KEY.sourceKey, eTag: KEY.objectVersion } },
      },
    ],
  });
  return {
    messageId: 'm-1',
    body,
    receiveCount,
    sentAtMs: 0,
    attributes: {},
    log,
    ...outage,
  };
}

function throttled(): AwsCallError {
  const cause = Object.assign(new Error('Please reduce your request rate.'), {
    name: 'SlowDown',
    $metadata: { httpStatusCode: 503 },
  });
  return new AwsCallError('GetObject', cause, true);
}

describe('a failed attempt', () => {
  it('releases the lease, fenced on the worker id, recording the error, and passes the error on', async () => {
    // Prepare
    const failure = throttled();
    const log = createRecordingLogger();
    const { handle, updates } = handlerWith(failure, async () => ({}));

    // Act
    const outcome = handle(messageFor(log), new AbortController().signal);

    // Assess
    await expect(outcome).rejects.toBe(failure);
    expect(updates).toEqual([
      [
        KEY,
        'worker-a',
        { lastError: { code: 'AWS_CALL_FAILED', message: failure.message, retryable: true } },
        { releaseLease: true },
      ],
    ]);
    expect(log.messages('warn')).toEqual([]);
  });

  it('logs a release that fails and still passes on the original error', async () => {
    // Prepare
    const failure = throttled();
    const log = createRecordingLogger();
    const { handle, updates } = handlerWith(failure, async () => {
      throw new Error('DynamoDB is down too');
    });

    // Act
    const outcome = handle(messageFor(log), new AbortController().signal);

    // Assess
    await expect(outcome).rejects.toBe(failure);
    expect(updates).toHaveLength(1);
    expect(log.messages('warn')).toEqual(['could not release the lineage lease; it will expire']);
  });

  it('releases the lease without recording an error when the work was stopped', async () => {
    // Prepare: the signal is aborted, as at shutdown, when the read fails
    const stop = new AbortController();
    stop.abort(new Error('shutdown deadline reached'));
    const failure = throttled();
    const { handle, updates } = handlerWith(failure, async () => {
      throw new Error('lineage unavailable');
    });

    // Act
    const outcome = handle(messageFor(createRecordingLogger()), stop.signal);

    // Assess
    await expect(outcome).rejects.toBe(failure);
    expect(updates).toEqual([[KEY, 'worker-a', {}, { releaseLease: true }]]);
  });
});

describe('the failure policy', () => {
  // 2026-01-01T00:00:00Z, the claim's now: validateMs is 0.
  const FAILED_TIMINGS = { validateMs: 0 };

  it('ends the file FAILED when a retryable error strikes on the last receive', async () => {
    // Prepare: the queue's maxReceiveCount is 3, and this is the third receive
    const failure = throttled();
    const log = createRecordingLogger();
    const { handle, updates, completions } = handlerWith(failure, async () => ({}));

    // Act
    const outcome = handle(messageFor(log, 3), new AbortController().signal);

    // Assess
    await expect(outcome).rejects.toBe(failure);
    expect(updates).toEqual([]);
    expect(completions).toEqual([
      [
        KEY,
        'worker-a',
        {
          status: 'FAILED',
          lastError: { code: 'AWS_CALL_FAILED', message: failure.message, retryable: true },
          timings: FAILED_TIMINGS,
        },
      ],
    ]);
    expect(log.messages('warn')).toEqual(['validation failed; lineage FAILED, raw object left under raw/']);
  });

  it('ends the file FAILED at once when the error is permanent', async () => {
    // Prepare: AccessDenied cannot be helped by a retry
    const cause = Object.assign(new Error('Access Denied'), {
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    const failure = new AwsCallError('GetObject', cause, false);
    const { handle, updates, completions } = handlerWith(failure, async () => ({}));

    // Act
    const outcome = handle(messageFor(createRecordingLogger(), 1), new AbortController().signal);

    // Assess
    await expect(outcome).rejects.toBe(failure);
    expect(updates).toEqual([]);
    expect(completions).toEqual([
      [
        KEY,
        'worker-a',
        {
          status: 'FAILED',
          lastError: { code: 'AWS_CALL_FAILED', message: failure.message, retryable: false },
          timings: FAILED_TIMINGS,
        },
      ],
    ]);
  });

  it('hands a stopped file back without ending it, even on the last receive', async () => {
    // Prepare
    const stop = new AbortController();
    stop.abort(new Error('shutdown deadline reached'));
    const failure = throttled();
    const { handle, updates, completions } = handlerWith(failure, async () => ({}));

    // Act
    const outcome = handle(messageFor(createRecordingLogger(), 3), stop.signal);

    // Assess
    await expect(outcome).rejects.toBe(failure);
    expect(completions).toEqual([]);
    expect(updates).toEqual([[KEY, 'worker-a', {}, { releaseLease: true }]]);
  });

  it('releases the file on the last receive when the poller will run it again through an outage', async () => {
    // Prepare: the third of three receives, but the message says this failure runs again
    const failure = throttled();
    const asked: unknown[] = [];
    const { handle, updates, completions } = handlerWith(failure, async () => ({}));
    const message = messageFor(createRecordingLogger(), 3, {
      outageReruns: 0,
      runsAgainAfter: (error) => {
        asked.push(error);
        return true;
      },
    });

    // Act
    const outcome = handle(message, new AbortController().signal);

    // Assess
    await expect(outcome).rejects.toBe(failure);
    expect(asked).toEqual([failure]);
    expect(completions).toEqual([]);
    expect(updates).toEqual([
      [
        KEY,
        'worker-a',
        { lastError: { code: 'AWS_CALL_FAILED', message: failure.message, retryable: true } },
        { releaseLease: true },
      ],
    ]);
  });

  it('claims with re-entry only on a run again through an outage', async () => {
    // Prepare
    const { handle, claims } = handlerWith(throttled(), async () => ({}));
    const again = { outageReruns: 2, runsAgainAfter: () => true };

    // Act
    await handle(messageFor(createRecordingLogger()), new AbortController().signal).catch(() => undefined);
    await handle(messageFor(createRecordingLogger(), 1, again), new AbortController().signal).catch(
      () => undefined,
    );

    // Assess
    expect(claims).toEqual([
      expect.objectContaining({ workerId: 'worker-a', reenter: false }),
      expect.objectContaining({ workerId: 'worker-a', reenter: true }),
    ]);
  });
});
