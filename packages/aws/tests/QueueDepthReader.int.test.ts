import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { startEmbeddedStack } from '@storeflow/local-stack';
import { perTestFile, uniquePrefix } from '@storeflow/testing';
import {
  AwsCallError,
  type AwsClients,
  type BootstrapResult,
  bootstrapResources,
  createAwsClients,
  QueueDepthReader,
  ResourceConflictError,
  resolveAwsConnection,
  resourceNamesFor,
} from '../src/index.js';

const stack = perTestFile(() => startEmbeddedStack());
let clients: AwsClients;
let queues: BootstrapResult;

beforeAll(async () => {
  clients = createAwsClients(resolveAwsConnection(stack().env()));
  queues = await bootstrapResources(clients, { names: resourceNamesFor(uniquePrefix('qd')) });
}, 60_000);

afterAll(() => {
  clients?.destroy();
});

async function send(queueUrl: string, count: number, delaySeconds = 0): Promise<void> {
  for (let index = 0; index < count; index++) {
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: `{"n":${index}}`,
        DelaySeconds: delaySeconds,
      }),
    );
  }
}

describe('QueueDepthReader', () => {
  it('counts visible, in-flight and delayed messages of the queue and of the DLQ its redrive policy names', async () => {
    // Prepare: one message of the source received and kept, two delayed past the test's end.
    const sent = { visible: 4, received: 1, delayed: 2, deadLetters: 3 };
    await send(queues.transformQueue.url, sent.visible);
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.transformQueue.url,
        MaxNumberOfMessages: sent.received,
        VisibilityTimeout: 600,
      }),
    );
    await send(queues.transformQueue.url, sent.delayed, 600);
    await send(queues.transformDeadLetterQueue.url, sent.deadLetters);
    const reader = new QueueDepthReader({ clients, queueUrl: queues.transformQueue.url });

    // Act
    const depths = await reader.read();

    // Assess
    expect(Messages).toHaveLength(sent.received);
    expect(depths).toEqual({
      source: { visible: sent.visible - sent.received, inFlight: sent.received, delayed: sent.delayed },
      deadLetter: { visible: sent.deadLetters, inFlight: 0, delayed: 0 },
    });
  });

  it('takes each queue’s own dead-letter queue from its redrive policy', async () => {
    // Prepare: the transform DLQ holds other messages (the test above).
    await send(queues.ingestDeadLetterQueue.url, 2);

    // Act
    const depths = await new QueueDepthReader({ clients, queueUrl: queues.ingestQueue.url }).read();

    // Assess
    // The one visible ingest message is the s3:TestEvent S3 sends when the notification is set.
    expect(depths).toEqual({
      source: { visible: 1, inFlight: 0, delayed: 0 },
      deadLetter: { visible: 2, inFlight: 0, delayed: 0 },
    });
  });

  it('fails with a typed error, not a number, when the queue does not exist', async () => {
    // Prepare
    const missing = queues.ingestQueue.url.replace(/[^/]+$/, uniquePrefix('missing'));

    // Act
    const read = new QueueDepthReader({ clients, queueUrl: missing }).read();

    // Assess
    await expect(read).rejects.toBeInstanceOf(AwsCallError);
    await expect(read).rejects.toMatchObject({ operation: 'GetQueueAttributes', retryable: false });
  });

  it('refuses a queue without a dead-letter queue', async () => {
    // Prepare
    const { QueueUrl } = await clients.sqs.send(
      new CreateQueueCommand({ QueueName: `no-dlq-${randomUUID().slice(0, 8)}` }),
    );

    // Act
    const read = new QueueDepthReader({ clients, queueUrl: QueueUrl ?? '' }).read();

    // Assess
    await expect(read).rejects.toBeInstanceOf(ResourceConflictError);
    await expect(read).rejects.toThrow('has no redrive policy');
  });
});
