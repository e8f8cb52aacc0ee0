import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { startEmbeddedStack } from '@storeflow/local-stack';
import { perTestFile, uniquePrefix } from '@storeflow/testing';
import {
  type AwsClients,
  type BootstrapResult,
  bootstrapResources,
  createAwsClients,
  type ResourceNames,
  resolveAwsConnection,
  resourceNamesFor,
} from '../src/index.js';

const stack = perTestFile(() => startEmbeddedStack());
let clients: AwsClients;
let names: ResourceNames;
let queues: BootstrapResult;

beforeAll(async () => {
  names = resourceNamesFor(uniquePrefix('rc'));
  const setup = createAwsClients(resolveAwsConnection(stack().env()));
  queues = await bootstrapResources(setup, { names });
  setup.destroy();
  clients = createAwsClients(resolveAwsConnection(stack().env()));
}, 60_000);

afterAll(() => {
  clients?.destroy();
});

function tally(service: string, operation: string) {
  return clients.requests
    .tallies()
    .find((entry) => entry.service === service && entry.operation === operation);
}

describe('the request counter of createAwsClients', () => {
  it('counts the calls each client sends, failed ones too, and the DynamoDB items they touched', async () => {
    // Act
    await clients.s3.send(new PutObjectCommand({ Bucket: names.bucket, Key: 'counted.txt', Body: 'x' }));
    await clients.s3.send(new HeadObjectCommand({ Bucket: names.bucket, Key: 'counted.txt' }));
    await expect(
      clients.s3.send(new HeadObjectCommand({ Bucket: names.bucket, Key: 'missing.txt' })),
    ).rejects.toThrow();
    await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queues.ingestQueue.url, WaitTimeSeconds: 0 }),
    );
    const item = { file_key: { S: 'raw/orders/a.csv' }, object_version: { S: 'v1' } };
    await clients.dynamodb.send(new PutItemCommand({ TableName: names.processedFilesTable, Item: item }));
    await clients.dynamodb.send(
      new GetItemCommand({ TableName: names.processedFilesTable, Key: item, ConsistentRead: true }),
    );

    // Assess
    expect(tally('S3', 'PutObject')?.requests).toBe(1);
    expect(tally('S3', 'HeadObject')?.requests).toBe(2);
    expect(tally('SQS', 'ReceiveMessage')?.requests).toBe(1);
    expect(tally('DYNAMODB', 'PutItem')).toMatchObject({ requests: 1, items: 1, writeUnits: 1 });
    expect(tally('DYNAMODB', 'GetItem')).toMatchObject({ requests: 1, items: 1, readUnits: 1 });
  });
});
