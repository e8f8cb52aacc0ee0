import type {
  AwsClients,
  DateRecomputeCoordinator,
  LineageRepository,
  MessageOutcome,
  QueueMessage,
} from '@storeflow/aws';
import { createRecordingLogger } from '@storeflow/testing';
import { Registry } from 'prom-client';
import { loadTransformerConfig } from '../src/config.js';
import type { DateRecomputes } from '../src/dateRecomputes.js';
import { createTransformerMetrics } from '../src/metrics.js';
import { createTransformHandler } from '../src/transformFile.js';

// The validator announces a file a moment before it records VALIDATED, so a transformer can
// receive the message while the file is still VALIDATING under the validator's live lease. That
// state cannot be held still on a real stack; lineage is a stub answering the claim as the
// repository does for it.

const KEY = { sourceKey: 'raw/orders/o.csv', objectVersion: 'etag-1' };
const NOW_MS = Date.UTC(2026, 0, 1);

function handlerWhoseClaimFinds(status: 'VALIDATING' | 'TRANSFORMING') {
  const lineage = {
    claimForTransform: async () => ({
      outcome: 'busy',
      record: { ...KEY, status, workerId: 'holder-1' },
      workerId: 'holder-1',
      leaseExpiresAt: NOW_MS + 30_000,
    }),
  };
  const config = loadTransformerConfig({
    TRANSFORMER_QUEUE_URL: 'http://localhost/transform',
    TRANSFORMER_WORKER_ID: 'worker-a',
    TRANSFORMER_HELD_DATE_RETRY_SECONDS: '2',
  });
  return createTransformHandler({
    clients: {} as AwsClients,
    config,
    lineage: lineage as unknown as LineageRepository,
    coordinator: {} as DateRecomputeCoordinator,
    dates: {} as DateRecomputes,
    metrics: createTransformerMetrics(new Registry()),
    now: () => NOW_MS,
    onFileTransformed: () => {},
  });
}

function validatedMessage(log: ReturnType<typeof createRecordingLogger>): QueueMessage {
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

describe('a transform message for a file the validator is still recording', () => {
  it('is requeued unchanged after the held-date delay, spending no receive and logging no warning', async () => {
    // Prepare
    const log = createRecordingLogger();
    const message = validatedMessage(log);

    // Act
    const outcome = await handlerWhoseClaimFinds('VALIDATING')(message, new AbortController().signal);

    // Assess: a requeue is a new message, so the receive count starts again
    expect(outcome).toEqual<MessageOutcome>({ kind: 'requeue', delaySeconds: 2, body: message.body });
    expect(log.messages('warn')).toEqual([]);
  });

  it('still waits out another transformer holding the file, until its lease ends, spending no receive', async () => {
    // Prepare
    const message = validatedMessage(createRecordingLogger());

    // Act
    const outcome = await handlerWhoseClaimFinds('TRANSFORMING')(message, new AbortController().signal);

    // Assess: 30 s of lease left
    expect(outcome).toEqual<MessageOutcome>({ kind: 'requeue', delaySeconds: 30, body: message.body });
  });
});
