import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  UpdateTableCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  GetBucketNotificationConfigurationCommand,
  HeadBucketCommand,
  type NotificationConfiguration,
  PutBucketNotificationConfigurationCommand,
  type QueueConfiguration,
} from '@aws-sdk/client-s3';
import { CreateTopicCommand, ListTopicsCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type QueueAttributeName,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import pLimit from 'p-limit';
import type { AwsService } from './awsEndpoints.js';
import { QUEUE_DEFAULTS, RAW_NOTIFICATION_ID, RAW_PREFIX } from './constants.js';
import { type AwsClients, callAws } from './createAwsClients.js';
import { errorName, ResourceConflictError, toWorkerError } from './errors.js';
import type { ResourceNames } from './resourceNames.js';

export interface BootstrapOptions {
  names: ResourceNames;
  /** Overrides for the queue settings in {@link QUEUE_DEFAULTS}. */
  ingestVisibilityTimeoutSeconds?: number;
  transformVisibilityTimeoutSeconds?: number;
  maxReceiveCount?: number;
  /** Called once per resource with what bootstrap did to it. */
  onProgress?: (step: BootstrapStep) => void;
}

export interface BootstrapStep {
  resource: string;
  kind: 'bucket' | 'queue' | 'table' | 'notification' | 'topic';
  action: 'created' | 'updated' | 'unchanged';
}

export interface QueueRef {
  url: string;
  arn: string;
}

export interface BootstrapResult {
  bucket: string;
  ingestQueue: QueueRef;
  ingestDeadLetterQueue: QueueRef;
  transformQueue: QueueRef;
  transformDeadLetterQueue: QueueRef;
  /** The alerts topic's ARN, what the services' `<SERVICE>_ALERTS_TOPIC_ARN` takes. */
  alertsTopicArn: string;
  steps: BootstrapStep[];
}

/**
 * Creates or reconciles every resource the pipeline needs, idempotently: running it again changes
 * nothing and fails on nothing. It is the single source of truth for the embedded stack, the
 * LocalStack init hook and development accounts; production infrastructure is the CDK stack,
 * which declares the same shapes.
 *
 * @example
 * const clients = createAwsClients(resolveAwsConnection(process.env));
 * const result = await bootstrapResources(clients, { names: resourceNamesFor('storeflow') });
 */
export async function bootstrapResources(
  clients: AwsClients,
  options: BootstrapOptions,
): Promise<BootstrapResult> {
  const { names } = options;
  const steps: BootstrapStep[] = [];
  const record = (step: BootstrapStep): void => {
    steps.push(step);
    options.onProgress?.(step);
  };
  const maxReceiveCount = options.maxReceiveCount ?? QUEUE_DEFAULTS.maxReceiveCount;

  await ensureBucket(clients, names.bucket, record);

  const [ingestDeadLetterQueue, transformDeadLetterQueue] = await Promise.all([
    ensureQueue(clients, names.ingestDeadLetterQueue, deadLetterAttributes(), record),
    ensureQueue(clients, names.transformDeadLetterQueue, deadLetterAttributes(), record),
  ]);
  const ingestQueue = await ensureQueue(
    clients,
    names.ingestQueue,
    {
      ...sourceQueueAttributes(
        options.ingestVisibilityTimeoutSeconds ?? QUEUE_DEFAULTS.visibilityTimeoutSeconds,
        ingestDeadLetterQueue.arn,
        maxReceiveCount,
      ),
      // On AWS, S3 may only deliver to a queue whose policy lets this bucket send to it;
      // PutBucketNotificationConfiguration fails its destination check otherwise.
      Policy: JSON.stringify(s3SendPolicy(names.bucket, names.ingestQueue)),
    },
    record,
  );
  const transformQueue = await ensureQueue(
    clients,
    names.transformQueue,
    sourceQueueAttributes(
      options.transformVisibilityTimeoutSeconds ?? QUEUE_DEFAULTS.visibilityTimeoutSeconds,
      transformDeadLetterQueue.arn,
      maxReceiveCount,
    ),
    record,
  );

  await ensureRawNotification(clients, names.bucket, ingestQueue.arn, record);
  const alertsTopicArn = await ensureTopic(clients, names.alertsTopic, record);

  // Bounded: DynamoDB allows a limited number of concurrent table operations per account.
  const limit = pLimit(3);
  await Promise.all(tableDefinitions(names).map((table) => limit(() => ensureTable(clients, table, record))));

  return {
    bucket: names.bucket,
    ingestQueue,
    ingestDeadLetterQueue,
    transformQueue,
    transformDeadLetterQueue,
    alertsTopicArn,
    steps,
  };
}

type RecordStep = (step: BootstrapStep) => void;

async function ensureBucket(clients: AwsClients, bucket: string, record: RecordStep): Promise<void> {
  try {
    await clients.s3.send(new HeadBucketCommand({ Bucket: bucket }));
    record({ resource: bucket, kind: 'bucket', action: 'unchanged' });
    return;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 403) {
      throw new ResourceConflictError(
        `bucket ${bucket}`,
        'exists but belongs to another account; choose another prefix or bucket name',
      );
    }
    if (status !== 404 && errorName(error) !== 'NotFound') throw wrap(clients, 'S3', 'HeadBucket', error);
  }
  const region = await clients.s3.config.region();
  await callAws(clients, 'S3', 'CreateBucket', () =>
    clients.s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        // us-east-1 is the one region that rejects an explicit location constraint.
        ...(region === 'us-east-1'
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: region as never } }),
      }),
    ),
  );
  record({ resource: bucket, kind: 'bucket', action: 'created' });
}

function deadLetterAttributes(): Partial<Record<QueueAttributeName, string>> {
  return { MessageRetentionPeriod: String(QUEUE_DEFAULTS.deadLetterRetentionSeconds) };
}

function sourceQueueAttributes(
  visibilityTimeoutSeconds: number,
  deadLetterArn: string,
  maxReceiveCount: number,
): Partial<Record<QueueAttributeName, string>> {
  return {
    VisibilityTimeout: String(visibilityTimeoutSeconds),
    ReceiveMessageWaitTimeSeconds: String(QUEUE_DEFAULTS.receiveWaitTimeSeconds),
    MessageRetentionPeriod: String(QUEUE_DEFAULTS.messageRetentionSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterArn, maxReceiveCount }),
  };
}

function s3SendPolicy(bucket: string, queueName: string): unknown {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowBucketNotifications',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: `arn:aws:sqs:*:*:${queueName}`,
        Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${bucket}` } },
      },
    ],
  };
}

async function ensureQueue(
  clients: AwsClients,
  name: string,
  desired: Partial<Record<QueueAttributeName, string>>,
  record: RecordStep,
): Promise<QueueRef> {
  let url: string | undefined;
  try {
    url = (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  } catch (error) {
    const missing = ['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue'].includes(
      errorName(error),
    );
    if (!missing) throw wrap(clients, 'SQS', 'GetQueueUrl', error);
  }
  let action: BootstrapStep['action'] = 'unchanged';
  if (url === undefined) {
    url = (
      await callAws(clients, 'SQS', 'CreateQueue', () =>
        clients.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: desired })),
      )
    ).QueueUrl;
    action = 'created';
  }
  if (url === undefined) throw new ResourceConflictError(`queue ${name}`, 'SQS returned no queue URL');
  const queueUrl = url;
  const current: Record<string, string> =
    (
      await callAws(clients, 'SQS', 'GetQueueAttributes', () =>
        clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] })),
      )
    ).Attributes ?? {};
  const drift = Object.fromEntries(
    Object.entries(desired).filter(([attribute, value]) => !sameAttribute(current[attribute], value)),
  );
  if (Object.keys(drift).length > 0) {
    await callAws(clients, 'SQS', 'SetQueueAttributes', () =>
      clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: drift })),
    );
    if (action === 'unchanged') action = 'updated';
  }
  const arn = current.QueueArn;
  if (arn === undefined) throw new ResourceConflictError(`queue ${name}`, 'SQS returned no queue ARN');
  record({ resource: name, kind: 'queue', action });
  return { url: queueUrl, arn };
}

// Policies and redrive policies come back re-serialised, so compare them as JSON values.
function sameAttribute(current: string | undefined, desired: string): boolean {
  if (current === desired) return true;
  if (current === undefined || !desired.startsWith('{')) return false;
  try {
    return canonicalJson(JSON.parse(current)) === canonicalJson(JSON.parse(desired));
  } catch {
    return false;
  }
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
  }
  // Numbers and strings compare by meaning: a redrive count may come back as "5" or 5.
  return JSON.stringify(String(value));
}

async function ensureRawNotification(
  clients: AwsClients,
  bucket: string,
  ingestQueueArn: string,
  record: RecordStep,
): Promise<void> {
  const current: NotificationConfiguration = await callAws(
    clients,
    'S3',
    'GetBucketNotificationConfiguration',
    () => clients.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket })),
  );
  const desired: QueueConfiguration = {
    Id: RAW_NOTIFICATION_ID,
    QueueArn: ingestQueueArn,
    Events: ['s3:ObjectCreated:*'],
    Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: RAW_PREFIX }] } },
  };
  const others = (current.QueueConfigurations ?? []).filter((config) => config.Id !== RAW_NOTIFICATION_ID);
  const existing = current.QueueConfigurations?.find((config) => config.Id === RAW_NOTIFICATION_ID);
  if (existing !== undefined && sameQueueConfiguration(existing, desired)) {
    record({ resource: `${bucket} ${RAW_PREFIX}`, kind: 'notification', action: 'unchanged' });
    return;
  }
  // Setting a configuration makes S3 send an s3:TestEvent and replaces the whole document, so
  // it is written only when it changed, and the bucket's other configurations are carried over.
  await callAws(clients, 'S3', 'PutBucketNotificationConfiguration', () =>
    clients.s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: {
          QueueConfigurations: [...others, desired],
          TopicConfigurations: current.TopicConfigurations,
          LambdaFunctionConfigurations: current.LambdaFunctionConfigurations,
          EventBridgeConfiguration: current.EventBridgeConfiguration,
        },
      }),
    ),
  );
  record({
    resource: `${bucket} ${RAW_PREFIX}`,
    kind: 'notification',
    action: existing === undefined ? 'created' : 'updated',
  });
}

function sameQueueConfiguration(a: QueueConfiguration, b: QueueConfiguration): boolean {
  const rules = (config: QueueConfiguration) =>
    (config.Filter?.Key?.FilterRules ?? [])
      .map((rule) => `${rule.Name?.toLowerCase()}=${rule.Value}`)
      .sort()
      .join('&');
  return (
    a.QueueArn === b.QueueArn &&
    [...(a.Events ?? [])].sort().join(',') === [...(b.Events ?? [])].sort().join(',') &&
    rules(a) === rules(b)
  );
}

/**
 * The topic's ARN, creating it when no topic has its name. CreateTopic alone would do (it returns
 * the existing topic), but could not tell a created topic from an unchanged one.
 */
async function ensureTopic(clients: AwsClients, name: string, record: RecordStep): Promise<string> {
  let nextToken: string | undefined;
  do {
    const token = nextToken;
    const page = await callAws(clients, 'SNS', 'ListTopics', () =>
      clients.sns.send(new ListTopicsCommand(token === undefined ? {} : { NextToken: token })),
    );
    // A topic ARN ends in `:<name>`, and a name holds no colon.
    const existing = page.Topics?.find((topic) => topic.TopicArn?.endsWith(`:${name}`))?.TopicArn;
    if (existing !== undefined) {
      record({ resource: name, kind: 'topic', action: 'unchanged' });
      return existing;
    }
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  const created = await callAws(clients, 'SNS', 'CreateTopic', () =>
    clients.sns.send(new CreateTopicCommand({ Name: name })),
  );
  if (created.TopicArn === undefined) throw new ResourceConflictError(`topic ${name}`, 'SNS returned no ARN');
  record({ resource: name, kind: 'topic', action: 'created' });
  return created.TopicArn;
}

interface TableDefinition {
  name: string;
  keySchema: KeySchemaElement[];
  attributes: AttributeDefinition[];
  indexes: GlobalSecondaryIndex[];
}

function tableDefinitions(names: ResourceNames): TableDefinition[] {
  const string = (name: string): AttributeDefinition => ({ AttributeName: name, AttributeType: 'S' });
  const key = (hash: string, range?: string): KeySchemaElement[] => [
    { AttributeName: hash, KeyType: 'HASH' },
    ...(range === undefined ? [] : [{ AttributeName: range, KeyType: 'RANGE' as const }]),
  ];
  return [
    {
      name: names.processedFilesTable,
      keySchema: key('file_key', 'object_version'),
      attributes: [string('file_key'), string('object_version'), string('status'), string('updated_at')],
      // Operators list files by status (`status --status FAILED`, `reprocess --status FAILED`).
      indexes: [
        {
          IndexName: 'status-index',
          KeySchema: key('status', 'updated_at'),
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    },
    {
      name: names.categoryKpisTable,
      keySchema: key('category', 'order_date'),
      attributes: [string('category'), string('order_date')],
      // A date's recompute must find every category row of that date, including ones to delete.
      indexes: [
        {
          IndexName: 'order_date-index',
          KeySchema: key('order_date', 'category'),
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    },
    {
      name: names.orderKpisTable,
      keySchema: key('order_date'),
      attributes: [string('order_date')],
      indexes: [],
    },
    { name: names.referenceTable, keySchema: key('ref_key'), attributes: [string('ref_key')], indexes: [] },
    {
      name: names.kpiDatesTable,
      keySchema: key('order_date'),
      attributes: [string('order_date')],
      indexes: [],
    },
    // One partition per kind of history (`pk`), ordered inside it (`sk`: a date, or an event time).
    {
      name: names.qualityTable,
      keySchema: key('pk', 'sk'),
      attributes: [string('pk'), string('sk')],
      indexes: [],
    },
  ];
}

async function ensureTable(clients: AwsClients, table: TableDefinition, record: RecordStep): Promise<void> {
  let description: Awaited<ReturnType<typeof describeTable>>;
  try {
    description = await describeTable(clients, table.name);
  } catch (error) {
    if (errorName(error) !== 'ResourceNotFoundException')
      throw wrap(clients, 'DYNAMODB', 'DescribeTable', error);
    await callAws(clients, 'DYNAMODB', 'CreateTable', () =>
      clients.dynamodb.send(
        new CreateTableCommand({
          TableName: table.name,
          KeySchema: table.keySchema,
          AttributeDefinitions: table.attributes,
          BillingMode: 'PAY_PER_REQUEST',
          ...(table.indexes.length === 0 ? {} : { GlobalSecondaryIndexes: table.indexes }),
        }),
      ),
    );
    await waitForTable(clients, table.name);
    record({ resource: table.name, kind: 'table', action: 'created' });
    return;
  }
  if (keySignature(description?.KeySchema) !== keySignature(table.keySchema)) {
    throw new ResourceConflictError(
      `table ${table.name}`,
      `has key ${keySignature(description?.KeySchema)}, expected ${keySignature(table.keySchema)}; use another prefix`,
    );
  }
  const present = new Set((description?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const missing = table.indexes.filter((index) => !present.has(index.IndexName));
  // DynamoDB adds one index per UpdateTable call, each after the previous one is active.
  for (const index of missing) {
    await callAws(clients, 'DYNAMODB', 'UpdateTable', () =>
      clients.dynamodb.send(
        new UpdateTableCommand({
          TableName: table.name,
          AttributeDefinitions: table.attributes,
          GlobalSecondaryIndexUpdates: [
            {
              Create: {
                IndexName: index.IndexName,
                KeySchema: index.KeySchema,
                Projection: index.Projection,
              },
            },
          ],
        }),
      ),
    );
    await waitForTable(clients, table.name);
  }
  record({ resource: table.name, kind: 'table', action: missing.length > 0 ? 'updated' : 'unchanged' });
}

async function describeTable(clients: AwsClients, name: string) {
  return (await clients.dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table;
}

async function waitForTable(clients: AwsClients, name: string): Promise<void> {
  await callAws(clients, 'DYNAMODB', 'waitUntilTableExists', () =>
    waitUntilTableExists({ client: clients.dynamodb, maxWaitTime: 120, minDelay: 1 }, { TableName: name }),
  );
}

function keySignature(schema: KeySchemaElement[] | undefined): string {
  return (schema ?? []).map((element) => `${element.AttributeName}:${element.KeyType}`).join(',');
}

function wrap(clients: AwsClients, service: AwsService, operation: string, error: unknown) {
  return toWorkerError(error, { operation, service, endpoint: clients.connection.endpoints[service] });
}
