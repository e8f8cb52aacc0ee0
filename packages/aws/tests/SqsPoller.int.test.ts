import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { WorkerError } from '@storeflow/core';
import { startEmbeddedStack } from '@storeflow/local-stack';
import { perTestFile, uniquePrefix } from '@storeflow/testing';
import {
  type AwsClients,
  createAwsClients,
  type MessageHandler,
  type PollerLogger,
  type QueueMessage,
  resolveAwsConnection,
  SqsPoller,
  type SqsPollerOptions,
} from '../src/index.js';

const stack = perTestFile(() => startEmbeddedStack());
let clients: AwsClients;

beforeAll(async () => {
  clients = createAwsClients(resolveAwsConnection(stack().env()));
}, 60_000);

afterAll(() => {
  clients?.destroy();
});

const silentLog: PollerLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLog,
};

class FlakyDependencyError extends WorkerError {
  readonly code = 'FLAKY_DEPENDENCY';
  readonly retryable = true;
}

async function newQueue(attributes: Record<string, string> = {}): Promise<string> {
  const { QueueUrl } = await clients.sqs.send(
    new CreateQueueCommand({ QueueName: uniquePrefix('poller'), Attributes: attributes }),
  );
  if (QueueUrl === undefined) throw new Error('no queue url');
  return QueueUrl;
}

async function sendBodies(queueUrl: string, bodies: string[]): Promise<void> {
  for (const body of bodies) {
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
  }
}

function poller(
  queueUrl: string,
  handle: MessageHandler,
  overrides: Partial<SqsPollerOptions> = {},
): SqsPoller {
  return new SqsPoller({
    clients,
    queueUrl,
    handle,
    log: silentLog,
    concurrency: 2,
    visibilityTimeoutSeconds: 30,
    heartbeatIntervalSeconds: 10,
    waitTimeSeconds: 1,
    ...overrides,
  });
}

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function countVisible(queueUrl: string): Promise<number> {
  const { Messages = [] } = await clients.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
      VisibilityTimeout: 0,
    }),
  );
  return Messages.length;
}

describe('SqsPoller on the embedded stack', () => {
  it('handles every message once, never more at a time than its concurrency, and deletes them', async () => {
    // Prepare
    const queueUrl = await newQueue();
    const bodies = Array.from({ length: 7 }, (_, index) => `m${index}`);
    await sendBodies(queueUrl, bodies);
    const seen: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const consumer = poller(queueUrl, async (message) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 100));
      seen.push(message.body);
      inFlight -= 1;
      return { kind: 'done' };
    });

    // Act
    consumer.start();
    await until(() => seen.length === bodies.length);
    await consumer.stop({ graceMs: 5_000 });

    // Assess
    expect([...seen].sort()).toEqual(bodies);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    expect(await countVisible(queueUrl)).toBe(0);
  });

  it('keeps a long message invisible with heartbeats past its visibility timeout', async () => {
    // Prepare: visibility 4 s, the handler takes 9 s. A heartbeat every second leaves 3 s of
    // margin, so a busy machine delaying one heartbeat cannot make the message visible.
    const queueUrl = await newQueue();
    await sendBodies(queueUrl, ['slow']);
    const deliveries: number[] = [];
    const consumer = poller(
      queueUrl,
      async (message) => {
        deliveries.push(message.receiveCount);
        await new Promise((resolve) => setTimeout(resolve, 9_000));
        return { kind: 'done' };
      },
      { visibilityTimeoutSeconds: 4, heartbeatIntervalSeconds: 1, concurrency: 2 },
    );

    // Act
    consumer.start();
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    await consumer.stop({ graceMs: 5_000 });

    // Assess: without the heartbeat a second delivery would have started after 4 s.
    expect(deliveries).toEqual([1]);
  });

  it('makes a message that failed retryably come back with a higher receive count', async () => {
    // Prepare
    const queueUrl = await newQueue();
    await sendBodies(queueUrl, ['flaky']);
    const counts: number[] = [];
    const consumer = poller(queueUrl, async (message: QueueMessage) => {
      counts.push(message.receiveCount);
      if (message.receiveCount === 1) throw new FlakyDependencyError('dependency not ready');
      return { kind: 'done' };
    });

    // Act: the first backoff is 5 s.
    consumer.start();
    await until(() => counts.length === 2, 20_000);
    await consumer.stop({ graceMs: 5_000 });

    // Assess
    expect(counts).toEqual([1, 2]);
  }, 30_000);

  it('requeues with a delay as a fresh message, so the receive count does not climb', async () => {
    // Prepare
    const queueUrl = await newQueue();
    await sendBodies(queueUrl, [JSON.stringify({ attempt: 1 })]);
    const received: { attempt: number; receiveCount: number }[] = [];
    const consumer = poller(queueUrl, async (message) => {
      const { attempt } = JSON.parse(message.body) as { attempt: number };
      received.push({ attempt, receiveCount: message.receiveCount });
      return attempt < 3
        ? { kind: 'requeue', delaySeconds: 1, body: JSON.stringify({ attempt: attempt + 1 }) }
        : { kind: 'done' };
    });

    // Act
    consumer.start();
    await until(() => received.length === 3);
    await consumer.stop({ graceMs: 5_000 });

    // Assess
    expect(received).toEqual([
      { attempt: 1, receiveCount: 1 },
      { attempt: 2, receiveCount: 1 },
      { attempt: 3, receiveCount: 1 },
    ]);
    expect(await countVisible(queueUrl)).toBe(0);
  });

  it('on stop, drains what finishes within the grace period and releases the rest at once', async () => {
    // Prepare
    const queueUrl = await newQueue();
    await sendBodies(queueUrl, ['quick', 'stuck']);
    const started: string[] = [];
    const aborted: string[] = [];
    const consumer = poller(queueUrl, async (message, signal) => {
      started.push(message.body);
      const ms = message.body === 'quick' ? 500 : 60_000;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          aborted.push(message.body);
          resolve();
        });
      });
      return { kind: 'done' };
    });
    consumer.start();
    await until(() => started.length === 2);

    // Act
    const report = await consumer.stop({ graceMs: 1_000 });

    // Assess: the stuck message is visible again right away, not after 30 s.
    expect(report).toEqual({ drained: 1, released: 1, handedBack: 0 });
    expect(aborted).toEqual(['stuck']);
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    expect(Messages.map((message) => message.Body)).toEqual(['stuck']);
  });

  it('hands a message received while stopping to another poller at once, as a first delivery', async () => {
    // Prepare: a visibility timeout far beyond the waits below, so a message hidden by the
    // stopping poller could not reach the second one in time.
    const queueUrl = await newQueue();
    const handledBy: { poller: string; body: string; receiveCount: number }[] = [];
    const handlerOf =
      (name: string): MessageHandler =>
      async (message) => {
        handledBy.push({ poller: name, body: message.body, receiveCount: message.receiveCount });
        return { kind: 'done' };
      };
    const stopping = poller(queueUrl, handlerOf('stopping'), {
      visibilityTimeoutSeconds: 120,
      waitTimeSeconds: 5,
    });
    stopping.start();
    // Its first long poll is on the wire by then; the queue is empty, so it waits.
    await new Promise((resolve) => setTimeout(resolve, 500));

    // Act: an upload event lands while the poller stops; its pending receive takes it.
    const stopped = stopping.stop({ graceMs: 10_000 });
    await sendBodies(queueUrl, ['arrived-while-stopping']);
    const report = await stopped;
    const successor = poller(queueUrl, handlerOf('successor'), { visibilityTimeoutSeconds: 120 });
    successor.start();
    await until(() => handledBy.length === 1, 10_000);
    await successor.stop({ graceMs: 5_000 });

    // Assess
    expect(report).toEqual({ drained: 0, released: 0, handedBack: 1 });
    expect(handledBy).toEqual([{ poller: 'successor', body: 'arrived-while-stopping', receiveCount: 1 }]);
    expect(await countVisible(queueUrl)).toBe(0);
  }, 30_000);

  it('makes a message abandoned at a 1 s grace available to another poller at once', async () => {
    // Prepare
    const queueUrl = await newQueue();
    await sendBodies(queueUrl, ['long-file']);
    const handledBy: { poller: string; receiveCount: number }[] = [];
    const stopping = poller(
      queueUrl,
      async (message, signal) => {
        handledBy.push({ poller: 'stopping', receiveCount: message.receiveCount });
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
        return { kind: 'done' };
      },
      { visibilityTimeoutSeconds: 120 },
    );
    stopping.start();
    await until(() => handledBy.length === 1);

    // Act
    const report = await stopping.stop({ graceMs: 1_000 });
    const successor = poller(
      queueUrl,
      async (message) => {
        handledBy.push({ poller: 'successor', receiveCount: message.receiveCount });
        return { kind: 'done' };
      },
      { visibilityTimeoutSeconds: 120 },
    );
    successor.start();
    await until(() => handledBy.length === 2, 10_000);
    await successor.stop({ graceMs: 5_000 });

    // Assess
    expect(report).toEqual({ drained: 0, released: 1, handedBack: 0 });
    expect(handledBy).toEqual([
      { poller: 'stopping', receiveCount: 1 },
      { poller: 'successor', receiveCount: 2 },
    ]);
  }, 30_000);

  it('reports completed receives, a full set of busy slots, and receives failing in a row', async () => {
    // Prepare: an idle poller, a poller whose one slot is busy, and one on a missing queue.
    const idleQueueUrl = await newQueue();
    const busyQueueUrl = await newQueue();
    await sendBodies(busyQueueUrl, ['busy']);
    const idle = poller(idleQueueUrl, async () => ({ kind: 'done' }));
    let busyStarted = false;
    const busy = poller(
      busyQueueUrl,
      async (_message, signal) => {
        busyStarted = true;
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
        return { kind: 'done' };
      },
      { concurrency: 1 },
    );
    const missingQueueUrl = idleQueueUrl.replace(/[^/]+$/, uniquePrefix('missing'));
    const failing = poller(missingQueueUrl, async () => ({ kind: 'done' }));

    // Act
    idle.start();
    busy.start();
    failing.start();
    const idleStartedAtMs = idle.liveness().lastPollAtMs;
    const failingStartedAtMs = failing.liveness().lastPollAtMs;
    await until(() => idle.liveness().lastPollAtMs > idleStartedAtMs);
    await until(() => busyStarted);
    await until(() => failing.liveness().consecutiveReceiveFailures >= 2);
    const idleLiveness = idle.liveness();
    const busyLiveness = busy.liveness();
    const failingLiveness = failing.liveness();
    await Promise.all([idle, busy, failing].map((each) => each.stop({ graceMs: 1_000 })));

    // Assess: the failing poller never completed a receive after its start.
    expect(idleLiveness).toMatchObject({ saturated: false, consecutiveReceiveFailures: 0 });
    expect(busyLiveness).toMatchObject({ saturated: true, consecutiveReceiveFailures: 0 });
    expect(failingLiveness.lastPollAtMs).toBe(failingStartedAtMs);
  }, 30_000);

  it('refuses a heartbeat interval that is not below the visibility timeout', () => {
    expect(() =>
      poller('http://127.0.0.1:1/000000000000/q', async () => ({ kind: 'done' }), {
        visibilityTimeoutSeconds: 10,
        heartbeatIntervalSeconds: 10,
      }),
    ).toThrow('heartbeatIntervalSeconds must be below visibilityTimeoutSeconds');
  });
});
