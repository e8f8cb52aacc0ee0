import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import { queueUrl } from '../src/awsTarget.js';
import { assertCliBuilt, runCli } from './helpers.js';
import { createTestPipeline, type TestPipeline } from './pipeline.js';

describe('storeflow redrive', () => {
  let stack: EmbeddedStack;
  let pipeline: TestPipeline;

  beforeAll(async () => {
    await assertCliBuilt();
    stack = await startEmbeddedStack();
    pipeline = await createTestPipeline(stack);
  }, 150_000);

  afterAll(async () => {
    await pipeline?.close();
    await stack?.stop();
  }, 60_000);

  const cli = (...args: string[]) => runCli([...args, '--prefix', pipeline.prefix], tmpdir(), pipeline.env);

  /** Receives until the queue answers empty, deleting what it got: the queue's whole content. */
  async function drain(url: string): Promise<string[]> {
    const bodies: string[] = [];
    for (;;) {
      const received = await pipeline.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      const messages = received.Messages ?? [];
      if (messages.length === 0) return bodies;
      for (const message of messages) {
        bodies.push(message.Body ?? '');
        await pipeline.clients.sqs.send(
          new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }),
        );
      }
    }
  }

  it('moves at most --max messages, then the rest, from the DLQ back to its source queue', async () => {
    // Prepare: the transform queue has no S3 notification, so it holds only what the test sends.
    const deadLetters = await queueUrl(pipeline.clients, pipeline.names.transformDeadLetterQueue);
    const source = await queueUrl(pipeline.clients, pipeline.names.transformQueue);
    const bodies = Array.from({ length: 3 }, () => JSON.stringify({ marker: randomUUID() }));
    for (const body of bodies) {
      await pipeline.clients.sqs.send(new SendMessageCommand({ QueueUrl: deadLetters, MessageBody: body }));
    }

    // Act
    const first = await cli('redrive', '--queue', 'transform', '--max', '2', '--json');
    const second = await cli('redrive', '--queue', 'transform');

    // Assess
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      from: `${pipeline.prefix}-transform-dlq`,
      to: `${pipeline.prefix}-transform`,
      moved: 2,
    });
    expect(second).toMatchObject({
      code: 0,
      stdout: `moved 1 message from ${pipeline.prefix}-transform-dlq to ${pipeline.prefix}-transform\n`,
    });
    expect((await drain(source)).sort()).toEqual([...bodies].sort());
    expect(await drain(deadLetters)).toEqual([]);
  }, 60_000);

  it('moves nothing from an empty DLQ and says so', async () => {
    const result = await cli('redrive', '--queue', 'ingest');
    expect(result).toMatchObject({
      code: 0,
      stdout: `moved 0 messages from ${pipeline.prefix}-ingest-dlq to ${pipeline.prefix}-ingest\n`,
    });
  });

  it('asks for the queue, and refuses an unknown one or a bad --max, in one line', async () => {
    // Act
    const missing = await cli('redrive');
    const unknown = await cli('redrive', '--queue', 'orders');
    const badMax = await cli('redrive', '--queue', 'ingest', '--max', 'all');

    // Assess
    expect(missing).toMatchObject({
      code: 1,
      stderr: 'storeflow: name the queue to redrive with --queue ingest or --queue transform\n',
    });
    expect(unknown).toMatchObject({
      code: 1,
      stderr: "storeflow: --queue must be ingest or transform, got 'orders'\n",
    });
    expect(badMax).toMatchObject({
      code: 1,
      stderr: "storeflow: --max must be a whole number of at least 1, got 'all'\n",
    });
  });
});
