import { randomUUID } from 'node:crypto';
import { DescribeTableCommand, type TableDescription } from '@aws-sdk/client-dynamodb';
import { GetBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import {
  type AwsClients,
  type BootstrapResult,
  bootstrapResources,
  createAwsClients,
  resolveAwsConnection,
  resourceNamesFor,
} from '@storeflow/aws';
import { type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import type { Template } from 'aws-cdk-lib/assertions';
import { resourceOf, synthStack } from './helpers.js';

// bootstrapResources is what development, the embedded stack and the tests run on; the CDK stack
// is what production runs on. Both are built here from one prefix and compared shape by shape.
const prefix = `cdk-${randomUUID().slice(0, 8)}`;
const names = resourceNamesFor(prefix);
let stack: EmbeddedStack;
let clients: AwsClients;
let bootstrapped: BootstrapResult;
let template: Template;

beforeAll(async () => {
  stack = await startEmbeddedStack();
  clients = createAwsClients(resolveAwsConnection(stack.env()));
  bootstrapped = await bootstrapResources(clients, { names });
  ({ template } = synthStack({ resourcePrefix: prefix }));
}, 120_000);

afterAll(async () => {
  clients?.destroy();
  await stack?.stop();
});

type KeyElement = { AttributeName?: string; KeyType?: string };

function keys(schema: KeyElement[] | undefined): string {
  return (schema ?? []).map((element) => `${element.AttributeName}:${element.KeyType}`).join(',');
}

function shapeOfLive(table: TableDescription) {
  return {
    key: keys(table.KeySchema),
    attributes: (table.AttributeDefinitions ?? []).map((a) => `${a.AttributeName}:${a.AttributeType}`).sort(),
    indexes: (table.GlobalSecondaryIndexes ?? [])
      .map((index) => `${index.IndexName}=${keys(index.KeySchema)}/${index.Projection?.ProjectionType}`)
      .sort(),
  };
}

function shapeOfTemplate(tableName: string) {
  const [, table] = resourceOf(template, 'AWS::DynamoDB::Table', `"TableName":"${tableName}"`);
  const properties = table.Properties as {
    KeySchema: KeyElement[];
    AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
    GlobalSecondaryIndexes?: {
      IndexName: string;
      KeySchema: KeyElement[];
      Projection: { ProjectionType: string };
    }[];
  };
  return {
    key: keys(properties.KeySchema),
    attributes: properties.AttributeDefinitions.map((a) => `${a.AttributeName}:${a.AttributeType}`).sort(),
    indexes: (properties.GlobalSecondaryIndexes ?? [])
      .map((index) => `${index.IndexName}=${keys(index.KeySchema)}/${index.Projection.ProjectionType}`)
      .sort(),
  };
}

async function liveQueueAttributes(url: string): Promise<Record<string, string>> {
  const response = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
  );
  return response.Attributes ?? {};
}

function templateQueue(queueName: string): Record<string, unknown> {
  return resourceOf(template, 'AWS::SQS::Queue', `"QueueName":"${queueName}"`)[1].Properties;
}

describe('the CDK stack and bootstrapResources', () => {
  it.each([
    ['ProcessedFiles', names.processedFilesTable],
    ['CategoryKPIs', names.categoryKpisTable],
    ['OrderKPIs', names.orderKpisTable],
    ['References', names.referenceTable],
    ['KpiDates', names.kpiDatesTable],
    ['Quality', names.qualityTable],
  ])('declare %s with the same keys, attributes and indexes', async (_table, tableName) => {
    // Act
    const live = await clients.dynamodb.send(new DescribeTableCommand({ TableName: tableName }));

    // Assess
    expect(shapeOfTemplate(tableName)).toEqual(shapeOfLive(live.Table as TableDescription));
  });

  it('give the work queues the same visibility, polling, retention and redrive count', async () => {
    // Act + Assess
    for (const [queueName, url] of [
      [names.ingestQueue, bootstrapped.ingestQueue.url],
      [names.transformQueue, bootstrapped.transformQueue.url],
    ] as const) {
      const live = await liveQueueAttributes(url);
      const declared = templateQueue(queueName);
      expect(declared.VisibilityTimeout).toBe(Number(live.VisibilityTimeout));
      expect(declared.ReceiveMessageWaitTimeSeconds).toBe(Number(live.ReceiveMessageWaitTimeSeconds));
      expect(declared.MessageRetentionPeriod).toBe(Number(live.MessageRetentionPeriod));
      const liveRedrive = JSON.parse(live.RedrivePolicy ?? '{}') as { maxReceiveCount: number | string };
      expect((declared.RedrivePolicy as { maxReceiveCount: number }).maxReceiveCount).toBe(
        Number(liveRedrive.maxReceiveCount),
      );
    }
    for (const [queueName, url] of [
      [names.ingestDeadLetterQueue, bootstrapped.ingestDeadLetterQueue.url],
      [names.transformDeadLetterQueue, bootstrapped.transformDeadLetterQueue.url],
    ] as const) {
      const live = await liveQueueAttributes(url);
      expect(templateQueue(queueName).MessageRetentionPeriod).toBe(Number(live.MessageRetentionPeriod));
    }
  });

  it('notify the ingest queue of the same events under the same prefix', async () => {
    // Act
    const live = await clients.s3.send(
      new GetBucketNotificationConfigurationCommand({ Bucket: names.bucket }),
    );

    // Assess
    const [, bucket] = resourceOf(template, 'AWS::S3::Bucket', `"BucketName":"${names.bucket}"`);
    const declared = (
      bucket.Properties.NotificationConfiguration as {
        QueueConfigurations: {
          Event: string;
          Filter: { S3Key: { Rules: { Name: string; Value: string }[] } };
        }[];
      }
    ).QueueConfigurations;
    const liveConfigurations = live.QueueConfigurations ?? [];
    expect(liveConfigurations).toHaveLength(1);
    expect(declared).toHaveLength(1);
    expect(liveConfigurations[0]?.QueueArn).toBe(bootstrapped.ingestQueue.arn);
    expect(declared.map((configuration) => [configuration.Event])).toEqual(
      liveConfigurations.map((configuration) => configuration.Events),
    );
    expect(declared[0]?.Filter.S3Key.Rules.map((rule) => `${rule.Name.toLowerCase()}=${rule.Value}`)).toEqual(
      liveConfigurations[0]?.Filter?.Key?.FilterRules?.map(
        (rule) => `${rule.Name?.toLowerCase()}=${rule.Value}`,
      ),
    );
  });
});
