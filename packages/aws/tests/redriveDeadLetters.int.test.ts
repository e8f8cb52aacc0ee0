import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { startEmbeddedStack } from '@storeflow/local-stack';
import { perTestFile, uniquePrefix } from '@storeflow/testing';
import {
  type AwsClients,
  bootstrapResources,
  createAwsClients,
  redriveDeadLetters,
  resolveAwsConnection,
  resourceNamesFor,
} from '../src/index.js';

const stack = perTestFile(() => startEmbeddedStack());
let clients: AwsClients;

beforeAll(async () => {
  clients = createAwsClients(resolveAwsConnection(stack().env()));
}, 60_000);

afterAll(() => {
  clients?.destroy();
});

async function receive(queueUrl: string, waitSeconds = 1) {
  const { Messages = [] } = await clients.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: waitSeconds,
      // Short, so a message this test looked at is soon visible to the next step.
      VisibilityTimeout: 1,
      MessageAttributeNames: ['All'],
    }),
  );
  return Messages;
}

describe('dead-letter queues', () => {
  it('move a message received maxReceiveCount times to the DLQ, and redrive brings it back', async () => {
    // Prepare: a 1 s visibility timeout so each unacknowledged receive expires quickly.
    const names = resourceNamesFor(uniquePrefix('rd'));
    const queues = await bootstrapResources(clients, {
      names,
      transformVisibilityTimeoutSeconds: 1,
      maxReceiveCount: 2,
    });
    const body = JSON.stringify({ file: 'raw/orders/poison.csv' });
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queues.transformQueue.url,
        MessageBody: body,
        MessageAttributes: { origin: { DataType: 'String', StringValue: 'test' } },
      }),
    );

    // Act: receive twice without deleting, as a consumer failing on it would.
    expect(await receive(queues.transformQueue.url)).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await receive(queues.transformQueue.url)).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const third = await receive(queues.transformQueue.url);
    const dead = await receive(queues.transformDeadLetterQueue.url);

    // Assess: the third delivery went to the DLQ instead.
    expect(third).toHaveLength(0);
    expect(dead.map((message) => message.Body)).toEqual([body]);

    // Act: make it visible again, then redrive.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const moved = await redriveDeadLetters(clients, {
      fromQueueUrl: queues.transformDeadLetterQueue.url,
      toQueueUrl: queues.transformQueue.url,
      visibilityTimeoutSeconds: 30,
    });

    // Assess
    expect(moved).toBe(1);
    const back = await receive(queues.transformQueue.url, 2);
    expect(back.map((message) => message.Body)).toEqual([body]);
    expect(back[0]?.MessageAttributes?.origin?.StringValue).toBe('test');
    expect(await receive(queues.transformDeadLetterQueue.url)).toHaveLength(0);
  });
});
