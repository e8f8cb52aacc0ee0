import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { KeyFilterRule, StackEnv } from '../src/index.js';

/** A name no other test uses, valid for buckets, queues and tables. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Creates a queue and returns its URL and ARN. */
export async function createQueue(
  sqs: SQSClient,
  name: string,
): Promise<{ queueUrl: string; queueArn: string }> {
  const { QueueUrl: queueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return { queueUrl, queueArn: Attributes?.QueueArn ?? '' };
}

/**
 * Receives and deletes messages until `count` arrived, then keeps listening for `quietMs` so
 * that a message too many is caught as well.
 */
export async function receiveBodies(
  sqs: SQSClient,
  queueUrl: string,
  count: number,
  quietMs = 750,
): Promise<unknown[]> {
  const bodies: unknown[] = [];
  const deadline = Date.now() + 10_000;
  while (bodies.length < count && Date.now() < deadline)
    bodies.push(...(await receiveOnce(sqs, queueUrl, 1)));
  const quietUntil = Date.now() + quietMs;
  while (Date.now() < quietUntil) bodies.push(...(await receiveOnce(sqs, queueUrl, 0)));
  return bodies;
}

async function receiveOnce(sqs: SQSClient, queueUrl: string, waitSeconds: number): Promise<unknown[]> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds }),
  );
  if (Messages.length > 0) {
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
  }
  if (waitSeconds === 0 && Messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  return Messages.map((message) => JSON.parse(message.Body ?? 'null') as unknown);
}

/**
 * A bucket whose ObjectCreated events go to a fresh queue through `rules`, with the
 * configuration's test event already consumed.
 */
export async function bucketNotifyingQueue(
  s3: S3Client,
  sqs: SQSClient,
  rules: KeyFilterRule[],
): Promise<{ bucket: string; queueUrl: string; queueArn: string }> {
  const bucket = uniqueName('bucket');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const { queueUrl, queueArn } = await createQueue(sqs, uniqueName('events'));
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Id: 'ingest',
            QueueArn: queueArn,
            Events: ['s3:ObjectCreated:*'],
            ...(rules.length === 0
              ? {}
              : {
                  Filter: {
                    Key: {
                      FilterRules: rules.map((rule) => ({
                        Name: toFilterRuleName(rule.name),
                        Value: rule.value,
                      })),
                    },
                  },
                }),
          },
        ],
      },
    }),
  );
  const testEvents = await receiveBodies(sqs, queueUrl, 1, 0);
  if (testEvents.length !== 1) throw new Error(`expected one s3:TestEvent, got ${testEvents.length}`);
  return { bucket, queueUrl, queueArn };
}

/** S3 takes lower-case rule names and answers with capitalised ones. */
function toFilterRuleName(name: KeyFilterRule['name']): 'prefix' | 'suffix' {
  return name === 'Prefix' ? 'prefix' : 'suffix';
}

/**
 * Every listening TCP socket of this machine, read from the kernel's tables (Linux), with the
 * address as `127.0.0.1`, `0.0.0.0`, `::` or `::ffff:127.0.0.1`-style strings.
 */
export async function listeningSockets(): Promise<Array<{ address: string; port: number }>> {
  const sockets: Array<{ address: string; port: number }> = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(table, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const line of lines) {
      const [, local, , state] = line.trim().split(/\s+/);
      const [hexAddress = '', hexPort = ''] = local?.split(':') ?? [];
      // State 0A is LISTEN.
      if (state !== '0A') continue;
      const address = hexAddress.length === 8 ? ipv4(hexAddress) : ipv6(hexAddress);
      sockets.push({ address, port: Number.parseInt(hexPort, 16) });
    }
  }
  return sockets;
}

// /proc/net/tcp prints each 32-bit word in host (little-endian) byte order.
function ipv4(hex: string): string {
  const bytes = hex.match(/../g)?.map((pair) => Number.parseInt(pair, 16)) ?? [];
  return bytes.reverse().join('.');
}

function ipv6(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) => (word.match(/../g) ?? []).reverse());
  if (bytes.slice(0, 10).every((b) => b === '00') && bytes[10] === 'FF' && bytes[11] === 'FF') {
    return `::ffff:${bytes
      .slice(12)
      .map((b) => Number.parseInt(b, 16))
      .join('.')}`;
  }
  return bytes.every((b) => b === '00') ? '::' : bytes.join('');
}

/**
 * SDK clients for a stack, configured as any client of an emulator must be: path-style S3, and
 * SQS sent to the endpoint rather than to the queue URL's unresolvable host. (The project's
 * client factory lives in @storeflow/aws, which depends on this package's stack for its tests.)
 */
export function stackClients(env: StackEnv): StackClients {
  const region = env.AWS_REGION;
  const credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY };
  const s3 = new S3Client({ region, credentials, endpoint: env.AWS_ENDPOINT_URL_S3, forcePathStyle: true });
  const sqs = new SQSClient({
    region,
    credentials,
    endpoint: env.AWS_ENDPOINT_URL_SQS,
    useQueueUrlAsEndpoint: false,
  });
  const dynamodb = new DynamoDBClient({ region, credentials, endpoint: env.AWS_ENDPOINT_URL_DYNAMODB });
  return {
    s3,
    sqs,
    dynamodb,
    destroy() {
      s3.destroy();
      sqs.destroy();
      dynamodb.destroy();
    },
  };
}

export interface StackClients {
  s3: S3Client;
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  destroy(): void;
}
