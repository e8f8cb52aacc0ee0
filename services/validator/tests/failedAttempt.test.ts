import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import {
  AwsCallError,
  type AwsClients,
  type LineageRepository,
  type PollerLogger,
  type QueueMessage,
  type ReferenceStore,
  type SourceVersionStore,
} from '@storeflow/aws';
import { createRecordingLogger } from '@storeflow/testing';
import { Registry } from 'prom-client';
import { loadValidatorConfig } from '../src/config.js';
import { createValidatorMetrics } from '../src/metrics.js';
import { createIngestHandler } from '../src/validateObject.js';

const KEY = { fileKey: 'raw/products/p.csv', objectVersion: 'etag-1' };

/**
 * The handler with S3 answering HEAD and failing GetObject with `readFailure`, and a lineage that
 * grants the claim and answers `update` with `release`; returns what lineage was asked to do.
 */
function handlerWith(readFailure: Error, release: () => Promise<unknown>) {
  const updates: unknown[][] = [];
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
    claim: async () => ({
      outcome: 'claimed',
      record: { ...KEY, eventTime: '2026-01-01T00:00:00.000Z', attempts: 1 },
    }),
    update: async (...args: unknown[]) => {
      updates.push(args);
      return release();
    },
    renewLease: async () => 0,
  };
  const config = loadValidatorConfig({
    VALIDATOR_QUEUE_URL: 'http://localhost/ingest',
    VALIDATOR_TRANSFORM_QUEUE_URL: 'http://localhost/transform',
    VALIDATOR_WORKER_ID: 'worker-a',
  });
  const handle = createIngestHandler({
    clients: { s3, connection: { endpoints: {} } } as unknown as AwsClients,
    config,
    lineage: lineage as unknown as LineageRepository,
    references: {} as ReferenceStore,
    sourceVersions: {} as SourceVersionStore,
    metrics: createValidatorMetrics(new Registry()),
    now: () => Date.UTC(2026, 0, 1),
  });
  return { handle, updates };
}

function messageFor(log: PollerLogger): QueueMessage {
  const body = JSON.stringify({
    Records: [
      {
        eventName: 'ObjectCreated:Put',
        eventTime: '2026-01-01T00:00:00.000Z',
        s3: { bucket: { name: 'data' }, object: { key: KEY.fileKey, eTag: KEY.objectVersion } },
      },
    ],
  });
  return { messageId: 'm-1', body, receiveCount: 1, sentAtMs: 0, attributes: {}, log };
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
    expect(log.messages('warn')).toEqual(['could not release the file in lineage; its lease will expire']);
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
