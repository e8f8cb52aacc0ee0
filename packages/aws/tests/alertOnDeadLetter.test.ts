import type { Alert } from '@storeflow/core';
import { createRecordingLogger } from '@storeflow/testing';
import { alertOnDeadLetter } from '../src/alertOnDeadLetter.js';
import type { MessageHandler, MessageOutcome, QueueMessage } from '../src/SqsPoller.js';

const MAX_RECEIVE_COUNT = 3;
const FILE = { bucket: 'b', key: 'raw/orders/o.csv', objectVersion: 'etag-1' };

function messageAt(receiveCount: number, options: { runsAgain?: boolean } = {}): QueueMessage {
  return {
    messageId: `m-${receiveCount}`,
    body: '{"file":"o.csv"}',
    receiveCount,
    sentAtMs: 0,
    attributes: {},
    log: createRecordingLogger(),
    outageReruns: 0,
    runsAgainAfter: () => options.runsAgain ?? false,
  };
}

/** A handler wrapped for dead letters, and the alerts it published. */
function wrapped(handle: MessageHandler, publish?: (alert: Alert) => Promise<void>) {
  const published: Alert[] = [];
  const wrappedHandle = alertOnDeadLetter(handle, {
    alerts: { publish: publish ?? (async (alert) => void published.push(alert)) },
    service: 'validator',
    maxReceiveCount: MAX_RECEIVE_COUNT,
    fileOf: (body) => (body.includes('o.csv') ? FILE : undefined),
  });
  return { handle: wrappedHandle, published };
}

const failing =
  (error: Error): MessageHandler =>
  () =>
    Promise.reject(error);

describe('alertOnDeadLetter', () => {
  it('announces a failure on the last receive, with the file, and passes the error on', async () => {
    // Prepare
    const error = new Error('AccessDenied');
    const { handle, published } = wrapped(failing(error));

    // Act
    const run = handle(messageAt(MAX_RECEIVE_COUNT), new AbortController().signal);

    // Assess
    await expect(run).rejects.toBe(error);
    expect(published).toEqual([
      { kind: 'dead-letter', service: 'validator', messageId: 'm-3', receiveCount: 3, file: FILE },
    ]);
  });

  it.each([
    ['before the last receive', MAX_RECEIVE_COUNT - 1, false, false],
    ['when the poller runs it again through an outage', MAX_RECEIVE_COUNT, true, false],
    ['when the attempt was stopped', MAX_RECEIVE_COUNT, false, true],
  ])('announces nothing for a failure %s', async (_case, receiveCount, runsAgain, stopped) => {
    // Prepare
    const { handle, published } = wrapped(failing(new Error('boom')));
    const controller = new AbortController();
    if (stopped) controller.abort();

    // Act
    const run = handle(messageAt(receiveCount, { runsAgain }), controller.signal);

    // Assess
    await expect(run).rejects.toThrow('boom');
    expect(published).toEqual([]);
  });

  it.each<[string, MessageOutcome, number]>([
    ['a retry asked for on the last receive', { kind: 'retryLater', delaySeconds: 5 }, 1],
    ['a message done on the last receive', { kind: 'done' }, 0],
    ['a requeue on the last receive (a fresh copy)', { kind: 'requeue', delaySeconds: 5, body: '{}' }, 0],
  ])('announces %s only when it expires into the DLQ', async (_case, outcome, alerts) => {
    // Prepare
    const { handle, published } = wrapped(async () => outcome);

    // Act
    const result = await handle(messageAt(MAX_RECEIVE_COUNT), new AbortController().signal);

    // Assess
    expect(result).toBe(outcome);
    expect(published).toHaveLength(alerts);
  });

  it("keeps the handler's error when the alert cannot be published, logging the lost alert", async () => {
    // Prepare
    const error = new Error('AccessDenied');
    const { handle } = wrapped(failing(error), () => Promise.reject(new Error('SNS down')));
    const message = messageAt(MAX_RECEIVE_COUNT);

    // Act
    const run = handle(message, new AbortController().signal);

    // Assess
    await expect(run).rejects.toBe(error);
    const log = message.log as ReturnType<typeof createRecordingLogger>;
    expect(log.messages('error')).toEqual([expect.stringContaining('dead-letter alert')]);
  });
});
