import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetBucketNotificationConfigurationCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { startEmbeddedStack } from '@storeflow/local-stack';
import { perTestFile, uniquePrefix } from '@storeflow/testing';
import {
  type AwsClients,
  bootstrapResources,
  createAwsClients,
  EndpointUnreachableError,
  ResourceConflictError,
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

async function drainBodies(queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((message) => message.Body ?? ''));
  }
}

describe('bootstrapResources on the embedded stack', () => {
  it('creates everything once; a second run changes nothing and errors nothing', async () => {
    // Prepare
    const names = resourceNamesFor(uniquePrefix('bt'));

    // Act
    const first = await bootstrapResources(clients, { names });
    const second = await bootstrapResources(clients, { names });

    // Assess
    expect(first.steps.map((step) => step.action)).toEqual(first.steps.map(() => 'created'));
    // The bucket, four queues, the notification, six tables, the alerts topic.
    expect(first.steps).toHaveLength(1 + 4 + 1 + 6 + 1);
    expect(second.alertsTopicArn).toBe(first.alertsTopicArn);
    expect(first.alertsTopicArn).toMatch(new RegExp(`:sns:.*:${names.alertsTopic}$`));
    expect(second.steps.map((step) => step.action)).toEqual(second.steps.map(() => 'unchanged'));
    expect(second.ingestQueue).toEqual(first.ingestQueue);
    expect(second.transformDeadLetterQueue).toEqual(first.transformDeadLetterQueue);

    const queues = await clients.sqs.send(
      new ListQueuesCommand({ QueueNamePrefix: names.ingestQueue.split('-ingest')[0] }),
    );
    expect(queues.QueueUrls?.map((url) => url.split('/').pop()).sort()).toEqual(
      [
        names.ingestQueue,
        names.ingestDeadLetterQueue,
        names.transformQueue,
        names.transformDeadLetterQueue,
      ].sort(),
    );

    const attributes = (
      await clients.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: first.ingestQueue.url, AttributeNames: ['All'] }),
      )
    ).Attributes;
    expect(attributes?.VisibilityTimeout).toBe('30');
    expect(JSON.parse(attributes?.RedrivePolicy ?? '{}')).toMatchObject({
      deadLetterTargetArn: first.ingestDeadLetterQueue.arn,
      maxReceiveCount: 5,
    });

    const table = await clients.dynamodb.send(
      new DescribeTableCommand({ TableName: names.categoryKpisTable }),
    );
    expect(table.Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual([
      'order_date-index',
    ]);

    const notification = await clients.s3.send(
      new GetBucketNotificationConfigurationCommand({ Bucket: names.bucket }),
    );
    expect(notification.QueueConfigurations).toHaveLength(1);
    expect(notification.QueueConfigurations?.[0]).toMatchObject({
      QueueArn: first.ingestQueue.arn,
      Events: ['s3:ObjectCreated:*'],
    });

    // The notification was written once, so S3 sent exactly one test event.
    const bodies = await drainBodies(first.ingestQueue.url);
    expect(bodies.map((body) => JSON.parse(body).Event)).toEqual(['s3:TestEvent']);
  });

  it('wires raw/ uploads to the ingest queue and nothing else', async () => {
    // Prepare
    const names = resourceNamesFor(uniquePrefix('bt'));
    const { ingestQueue } = await bootstrapResources(clients, { names });
    await drainBodies(ingestQueue.url);

    // Act
    await clients.s3.send(
      new PutObjectCommand({ Bucket: names.bucket, Key: 'raw/orders/a.csv', Body: 'order_id\n' }),
    );
    await clients.s3.send(
      new PutObjectCommand({ Bucket: names.bucket, Key: 'silver/orders/a.csv', Body: 'x' }),
    );

    // Assess
    const records = (await drainBodies(ingestQueue.url)).flatMap((body) => JSON.parse(body).Records ?? []);
    expect(records.map((record: { s3: { object: { key: string } } }) => record.s3.object.key)).toEqual([
      'raw/orders/a.csv',
    ]);
  });

  it('restores queue attributes that drifted', async () => {
    // Prepare
    const names = resourceNamesFor(uniquePrefix('bt'));
    const { transformQueue } = await bootstrapResources(clients, { names });
    await clients.sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: transformQueue.url, Attributes: { VisibilityTimeout: '7' } }),
    );

    // Act
    const again = await bootstrapResources(clients, { names });

    // Assess
    expect(again.steps.find((step) => step.resource === names.transformQueue)?.action).toBe('updated');
    const attributes = (
      await clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: transformQueue.url,
          AttributeNames: ['VisibilityTimeout'],
        }),
      )
    ).Attributes;
    expect(attributes?.VisibilityTimeout).toBe('30');
  });

  it('stops with RESOURCE_CONFLICT instead of replacing a table whose key differs', async () => {
    // Prepare
    const names = resourceNamesFor(uniquePrefix('bt'));
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName: names.orderKpisTable,
        KeySchema: [{ AttributeName: 'day', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'day', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );

    // Act
    const attempt = bootstrapResources(clients, { names });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ResourceConflictError);
    await expect(attempt).rejects.toMatchObject({ code: 'RESOURCE_CONFLICT', retryable: false });
  });

  it('names the endpoint to fix when nothing answers there', async () => {
    // Prepare
    const unreachable = createAwsClients({
      region: 'us-east-1',
      endpoints: { S3: 'http://127.0.0.1:9', SQS: 'http://127.0.0.1:9', DYNAMODB: 'http://127.0.0.1:9' },
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });

    // Act
    const attempt = bootstrapResources(unreachable, { names: resourceNamesFor(uniquePrefix('bt')) });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(EndpointUnreachableError);
    await expect(attempt).rejects.toThrow('cannot reach S3 at http://127.0.0.1:9');
    unreachable.destroy();
  });
});
