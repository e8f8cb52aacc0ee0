import type {
  AwsClients,
  DateRecomputeCoordinator,
  LineageRepository,
  PollerLogger,
  QueueMessage,
} from '@storeflow/aws';
import { createRecordingLogger } from '@storeflow/testing';
import { Registry } from 'prom-client';
import { loadTransformerConfig } from '../src/config.js';
import type { DateRecomputes } from '../src/dateRecomputes.js';
import { createTransformerMetrics } from '../src/metrics.js';
import { createTransformHandler } from '../src/transformFile.js';

// The stop path cannot be timed against a real stack: the abort has to land while a date is being
// recomputed. Here the recompute itself aborts the attempt, and lineage is a stub that records
// what it was asked to do.

const KEY = { sourceKey: 'raw/orders/o.csv', objectVersion: 'etag-1' };

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
  const config = loadTransformerConfig({
    TRANSFORMER_QUEUE_URL: 'http://localhost/transform',
    TRANSFORMER_WORKER_ID: 'worker-a',
  });
  const handle = createTransformHandler({
    clients: {} as AwsClients,
    config,
    lineage: lineage as unknown as LineageRepository,
    coordinator: { request: async () => 1 } as unknown as DateRecomputeCoordinator,
    dates: dates as unknown as DateRecomputes,
    metrics: createTransformerMetrics(new Registry()),
    now: () => Date.UTC(2026, 0, 1),
    onFileTransformed: () => {},
  });
  return { handle, signal: controller.signal, updates, completions };
}

function messageFor(log: PollerLogger): QueueMessage {
  const body = JSON.stringify({
    type: 'storeflow.validated',
    bucket: 'data',
    key: KEY.sourceKey,
    objectVersion: KEY.objectVersion,
    dataset: 'orders',
    eventTime: '2026-01-01T00:00:00.000Z',
    touchedDates: ['2026-01-01'],
  });
  return {
    messageId: 'm-1',
    body,
    receiveCount: 1,
    sentAtMs: 0,
    attributes: {},
    log,
    outageReruns: 0,
    runsAgainAfter: () => false,
  };
}

describe('a transform attempt stopped mid-recompute', () => {
  it('hands the file back without recording an error or failing it, and passes the error on', async () => {
    // Prepare
    const stopError = new Error('recompute interrupted');
    const { handle, signal, updates, completions } = stoppedHandlerWith(stopError, async () => undefined);

    // Act
    const attempt = handle(messageFor(createRecordingLogger()), signal);

    // Assess
    await expect(attempt).rejects.toBe(stopError);
    expect(updates).toEqual([[KEY, 'worker-a', {}, { releaseLease: true }]]);
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
    const attempt = handle(messageFor(log), signal);

    // Assess
    await expect(attempt).rejects.toBe(stopError);
    expect(log.messages('warn')).toEqual(['could not release the lineage lease; it will expire']);
  });
});
