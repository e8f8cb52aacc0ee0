import {
  type AwsClients,
  type DateRecomputeCoordinator,
  EndpointUnreachableError,
  type LineageRepository,
  type PollerLogger,
  type QueueMessage,
} from '@storeflow/aws';
import { createRecordingLogger } from '@storeflow/testing';
import { Registry } from 'prom-client';
import { loadTransformerConfig } from '../src/config.js';
import type { DateRecomputes } from '../src/dateRecomputes.js';
import { createTransformerMetrics } from '../src/metrics.js';
import { createTransformHandler } from '../src/transformFile.js';

// The poller's side of an outage (running the message again) is OutageRetry's; here, what the
// handler does with the message's answer: lineage is a stub that records what it was asked.

const KEY = { sourceKey: 'raw/orders/o.csv', objectVersion: 'etag-1' };

/** The handler with a lineage that grants every claim, and a recompute that fails with `failure`. */
function handlerFailingWith(failure: Error) {
  const claims: unknown[] = [];
  const updates: unknown[][] = [];
  const completions: unknown[][] = [];
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
  const config = loadTransformerConfig({
    TRANSFORMER_QUEUE_URL: 'http://localhost/transform',
    TRANSFORMER_WORKER_ID: 'worker-a',
    TRANSFORMER_MAX_RECEIVE_COUNT: '5',
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
  return { handle, claims, updates, completions };
}

/** The message on its last receive (5 of 5), whose outage answer is `runsAgain`. */
function lastReceive(log: PollerLogger, outageReruns: number, runsAgain: boolean): QueueMessage {
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
    receiveCount: 5,
    sentAtMs: 0,
    attributes: {},
    log,
    outageReruns,
    runsAgainAfter: () => runsAgain,
  };
}

describe('a transform attempt failed by a dependency outage', () => {
  it('on the last receive, releases the file rather than failing it when the poller runs it again', async () => {
    // Prepare
    const outage = new EndpointUnreachableError('DYNAMODB', 'http://127.0.0.1:8000');
    const log = createRecordingLogger();
    const { handle, updates, completions } = handlerFailingWith(outage);

    // Act
    const attempt = handle(lastReceive(log, 0, true), new AbortController().signal);

    // Assess
    await expect(attempt).rejects.toBe(outage);
    expect(completions).toEqual([]);
    expect(updates).toEqual([
      [
        KEY,
        'worker-a',
        { lastError: { code: 'ENDPOINT_UNREACHABLE', message: outage.message, retryable: true } },
        { releaseLease: true },
      ],
    ]);
    // The poller logs the outage once; the handler does not at each run.
    expect(log.messages('warn')).toEqual([]);
  });

  it('on the last receive, ends the file FAILED once the poller will not run it again', async () => {
    // Prepare
    const outage = new EndpointUnreachableError('DYNAMODB', 'http://127.0.0.1:8000');
    const { handle, updates, completions } = handlerFailingWith(outage);

    // Act
    const attempt = handle(lastReceive(createRecordingLogger(), 3, false), new AbortController().signal);

    // Assess
    await expect(attempt).rejects.toBe(outage);
    expect(updates).toEqual([]);
    expect(completions).toEqual([[KEY, 'worker-a', expect.objectContaining({ status: 'FAILED' })]]);
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
      expect.objectContaining({ workerId: 'worker-a', reenter: false }),
      expect.objectContaining({ workerId: 'worker-a', reenter: true }),
    ]);
  });
});
