import type { BatchGetItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AwsCallError, type AwsClients, ReferenceStore, UnprocessedKeysError } from '../src/index.js';

// DynamoDB Local never throttles and always processes every key, so these faults are faked
// with a stub client (STYLE §2.9: fakes only for what the emulator cannot produce).

type Key = Record<string, { S: string }>;
type Send = (command: BatchGetItemCommand) => Promise<unknown>;

function clientsWith(send: Send): AwsClients {
  return {
    connection: { region: 'us-east-1', endpoints: {} },
    dynamodb: { send } as unknown as DynamoDBClient,
    s3: undefined as never,
    sqs: undefined as never,
    destroy: () => undefined,
  };
}

const TABLE = 'test-References';

function productItem(key: Key): Record<string, { S: string }> {
  return { ...key, category: { S: 'Jeans' }, version: { S: 'v1' }, source_key: { S: 'raw/products/p.csv' } };
}

function requestedKeys(command: BatchGetItemCommand): Key[] {
  return (command.input.RequestItems?.[TABLE]?.Keys ?? []) as Key[];
}

const fastRetries = { maxBatchGetAttempts: 4, batchGetBaseDelayMs: 1, batchGetMaxDelayMs: 2 };

describe('ReferenceStore lookups (stubbed DynamoDB)', () => {
  it('asks for at most 100 keys per BatchGetItem call, once per distinct id', async () => {
    // Prepare
    const pages: number[] = [];
    const store = new ReferenceStore({
      clients: clientsWith(async (command) => {
        const keys = requestedKeys(command);
        pages.push(keys.length);
        return { Responses: { [TABLE]: keys.map(productItem) } };
      }),
      tableName: TABLE,
    });
    const ids = Array.from({ length: 250 }, (_, index) => index + 1);

    // Act
    const found = await store.findProducts([...ids, ...ids.slice(0, 50)]);

    // Assess
    expect(found.size).toBe(250);
    expect(pages.sort((a, b) => b - a)).toEqual([100, 100, 50]);
  });

  it('retries unprocessed keys until every key is read', async () => {
    // Prepare
    const calls: number[] = [];
    const store = new ReferenceStore({
      clients: clientsWith(async (command) => {
        const keys = requestedKeys(command);
        calls.push(keys.length);
        // Each call processes only the first 2 keys it is given.
        return {
          Responses: { [TABLE]: keys.slice(0, 2).map(productItem) },
          UnprocessedKeys: keys.length > 2 ? { [TABLE]: { Keys: keys.slice(2) } } : {},
        };
      }),
      tableName: TABLE,
      ...fastRetries,
    });

    // Act
    const found = await store.findProducts([1, 2, 3, 4, 5]);

    // Assess
    expect([...found.keys()].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(calls).toEqual([5, 3, 1]);
  });

  it('gives up with a retryable UnprocessedKeysError after the allowed attempts', async () => {
    // Prepare
    let calls = 0;
    const store = new ReferenceStore({
      clients: clientsWith(async (command) => {
        calls += 1;
        return { Responses: { [TABLE]: [] }, UnprocessedKeys: { [TABLE]: { Keys: requestedKeys(command) } } };
      }),
      tableName: TABLE,
      ...fastRetries,
    });

    // Act
    const lookup = store.findProducts([1, 2]);

    // Assess
    await expect(lookup).rejects.toMatchObject({
      name: 'UnprocessedKeysError',
      code: 'DYNAMODB_UNPROCESSED_KEYS',
      retryable: true,
      unprocessed: 2,
      attempts: 4,
    });
    await expect(lookup).rejects.toBeInstanceOf(UnprocessedKeysError);
    expect(calls).toBe(4);
  });

  it.each(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded'])(
    'surfaces %s as a retryable AwsCallError',
    async (name) => {
      // Prepare
      const store = new ReferenceStore({
        clients: clientsWith(async () => {
          throw Object.assign(new Error('slow down'), { name, $metadata: { httpStatusCode: 400 } });
        }),
        tableName: TABLE,
      });

      // Act
      const lookup = store.findOrders([1]);

      // Assess
      await expect(lookup).rejects.toBeInstanceOf(AwsCallError);
      await expect(lookup).rejects.toMatchObject({
        retryable: true,
        operation: 'BatchGetItem',
        awsErrorName: name,
      });
    },
  );

  it('surfaces a throttled write as retryable too', async () => {
    // Prepare
    const store = new ReferenceStore({
      clients: clientsWith(async () => {
        throw Object.assign(new Error('slow down'), {
          name: 'ProvisionedThroughputExceededException',
          $metadata: { httpStatusCode: 400 },
        });
      }),
      tableName: TABLE,
    });

    // Act
    const recording = store.recordProducts([{ id: 1, category: 'a' }], 'v1', 'raw/products/p.csv');

    // Assess
    await expect(recording).rejects.toMatchObject({
      code: 'AWS_CALL_FAILED',
      retryable: true,
      operation: 'PutItem',
    });
  });

  it('re-reads a cached reference once its TTL has passed', async () => {
    // Prepare
    let calls = 0;
    let clock = 1_000;
    const store = new ReferenceStore({
      clients: clientsWith(async (command) => {
        calls += 1;
        return { Responses: { [TABLE]: requestedKeys(command).map(productItem) } };
      }),
      tableName: TABLE,
      cacheTtlMs: 500,
      now: () => clock,
    });
    await store.findProducts([1]);

    // Act
    await store.findProducts([1]);
    clock += 500;
    await store.findProducts([1]);

    // Assess
    expect(calls).toBe(2);
  });

  it('rejects impossible options when built', () => {
    // Act
    const build = () =>
      new ReferenceStore({ clients: clientsWith(async () => ({})), tableName: TABLE, writeConcurrency: 0 });

    // Assess
    expect(build).toThrow(/writeConcurrency/);
  });
});
