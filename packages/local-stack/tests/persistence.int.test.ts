import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  GetBucketNotificationConfigurationCommand,
  GetObjectCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { startEmbeddedStack } from '../src/index.js';
import { createQueue, receiveBodies, type StackClients, stackClients, uniqueName } from './helpers.js';

describe('embedded stack with a data directory', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'storeflow-stack-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps an object, a queue message, a DynamoDB item and the notification configuration across a restart', async () => {
    // Prepare
    const bucket = uniqueName('bucket');
    const queueName = uniqueName('events');
    const table = uniqueName('kpi');
    const first = await startEmbeddedStack({ dataDir });
    let aws: StackClients = stackClients(first.env());
    let queueArn: string;
    try {
      await aws.s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await aws.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'raw/kept.csv', Body: 'a,b\n1,2\n' }));
      const queue = await createQueue(aws.sqs, queueName);
      queueArn = queue.queueArn;
      await aws.s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: bucket,
          NotificationConfiguration: {
            QueueConfigurations: [{ Id: 'ingest', QueueArn: queueArn, Events: ['s3:ObjectCreated:*'] }],
          },
        }),
      );
      await receiveBodies(aws.sqs, queue.queueUrl, 1, 0);
      await aws.sqs.send(
        new SendMessageCommand({
          QueueUrl: queue.queueUrl,
          MessageBody: JSON.stringify({ kept: 'message' }),
        }),
      );
      await aws.dynamodb.send(
        new CreateTableCommand({
          TableName: table,
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      await aws.dynamodb.send(
        new PutItemCommand({ TableName: table, Item: { pk: { S: 'kept' }, n: { N: '7' } } }),
      );
    } finally {
      aws.destroy();
      await first.stop();
    }

    // Act
    const second = await startEmbeddedStack({ dataDir });
    aws = stackClients(second.env());
    try {
      const object = await aws.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'raw/kept.csv' }));
      const objectBody = await object.Body?.transformToString();
      const { QueueUrl = '' } = await aws.sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
      const messages = await receiveBodies(aws.sqs, QueueUrl, 1, 0);
      const { Item } = await aws.dynamodb.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: 'kept' } } }),
      );
      const configuration = await aws.s3.send(
        new GetBucketNotificationConfigurationCommand({ Bucket: bucket }),
      );

      // Assess
      expect(objectBody).toBe('a,b\n1,2\n');
      expect(messages).toEqual([{ kept: 'message' }]);
      expect(Item).toEqual({ pk: { S: 'kept' }, n: { N: '7' } });
      expect(configuration.QueueConfigurations).toEqual([
        { Id: 'ingest', QueueArn: queueArn, Events: ['s3:ObjectCreated:*'] },
      ]);
    } finally {
      aws.destroy();
      await second.stop();
    }
  }, 120_000);
});
