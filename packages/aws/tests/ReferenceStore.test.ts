import { BatchGetItemCommand, type DynamoDBClient, type PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  AwsCallError,
  type AwsClients,
  AwsRequestCounter,
  ReferenceStore,
  UnprocessedKeysError,
  WriteContentionError,
} from '../src/index.js';

// DynamoDB Local never throttles, always processes every key, and cannot be made to change a
// bucket between a store's read and its write on cue, so these cases are faked with a stub client
// (STYLE §2.9: fakes only for what the emulator cannot produce).

type Key = Record<string, { S: string }>;
type Send = (command: BatchGetItemCommand) => Promise<unknown>;

function clientsWith(send: Send): AwsClients {
  return {
    connection: { region: 'us-east-1', endpoints: {} },
    dynamodb: { send } as unknown as DynamoDBClient,
    s3: undefined as never,
    sqs: undefined as never,
    sns: undefined as never,
    requests: new AwsRequestCounter(),
    destroy: () => undefined,
  };
}

const TABLE = 'test-References';

/**
 * A stored products bucket as the table holds it, every one of its 500 ids present, written
 * `rev` times, each row of `category` and `version`. The expected layout is spelled out here, not
 * taken from the code under test.
 */
function productBucket(key: Key, options: { rev?: number; category?: string; version?: string } = {}) {
  const bucket = Number((key.ref_key?.S ?? '').replace('products#', ''));
  const rows = Object.fromEntries(
    Array.from({ length: 500 }, (_, offset) => [
      String(bucket * 500 + offset),
      [options.category ?? 'Jeans', options.version ?? 'v1', 'raw/products/p.csv'],
    ]),
  );
  return { ...key, rev: { N: String(options.rev ?? 1) }, rows: { S: JSON.stringify(rows) } };
}

function requestedKeys(command: BatchGetItemCommand): Key[] {
  return (command.input.RequestItems?.[TABLE]?.Keys ?? []) as Key[];
}

const fastRetries = { maxBatchGetAttempts: 4, batchGetBaseDelayMs: 1, batchGetMaxDelayMs: 2 };

describe('ReferenceStore lookups (stubbed DynamoDB)', () => {
  it('reads each bucket of 500 ids once, at most 100 buckets per BatchGetItem call', async () => {
    // Prepare
    const pages: string[][] = [];
    const store = new ReferenceStore({
      clients: clientsWith(async (command) => {
        const keys = requestedKeys(command);
        pages.push(keys.map((key) => key.ref_key?.S ?? ''));
        return { Responses: { [TABLE]: keys.map((key) => productBucket(key)) } };
      }),
      tableName: TABLE,
    });
    // 250 ids 500 apart, in 250 buckets, and 150 neighbours in the first bucket.
    const spread = Array.from({ length: 250 }, (_, index) => index * 500 + 7);
    const neighbours = Array.from({ length: 150 }, (_, index) => index + 20);

    // Act
    const found = await store.findProducts([...spread, ...neighbours, ...spread.slice(0, 50)]);

    // Assess
    expect(found.size).toBe(400);
    expect(pages.map((page) => page.length).sort((a, b) => b - a)).toEqual([100, 100, 50]);
    expect(new Set(pages.flat()).size).toBe(250);
    expect(pages.flat()).toContain('products#249');
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
          Responses: { [TABLE]: keys.slice(0, 2).map((key) => productBucket(key)) },
          UnprocessedKeys: keys.length > 2 ? { [TABLE]: { Keys: keys.slice(2) } } : {},
        };
      }),
      tableName: TABLE,
      ...fastRetries,
    });

    // Act
    const found = await store.findProducts([1, 501, 1001, 1501, 2001]);

    // Assess
    expect([...found.keys()].sort((a, b) => a - b)).toEqual([1, 501, 1001, 1501, 2001]);
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

    // Act: two ids in two buckets.
    const lookup = store.findProducts([1, 501]);

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
      clients: clientsWith(async (command) => {
        if (command instanceof BatchGetItemCommand) return { Responses: { [TABLE]: [] } };
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

  it('refuses a bucket whose rows are not what the table layout says, naming the row', async () => {
    // Prepare
    const store = new ReferenceStore({
      clients: clientsWith(async (command) => ({
        Responses: {
          [TABLE]: requestedKeys(command).map((key) => ({
            ...key,
            rev: { N: '1' },
            rows: { S: JSON.stringify({ 5: ['Jeans', 'v1'] }) },
          })),
        },
      })),
      tableName: TABLE,
    });

    // Act
    const lookup = store.findProducts([5]);

    // Assess
    await expect(lookup).rejects.toMatchObject({
      code: 'DYNAMODB_ITEM_INVALID',
      retryable: false,
      attribute: 'rows.5',
    });
  });

  it('re-reads a cached reference once its TTL has passed', async () => {
    // Prepare
    let calls = 0;
    let clock = 1_000;
    const store = new ReferenceStore({
      clients: clientsWith(async (command) => {
        calls += 1;
        return { Responses: { [TABLE]: requestedKeys(command).map((key) => productBucket(key)) } };
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

/** The stub's view of one conditional PutItem: the bucket, its condition and the rows it writes. */
interface SentPut {
  key: string;
  condition: string;
  seenRev: string | undefined;
  rev: string | undefined;
  rows: Record<string, unknown[]>;
}

function sentPut(command: PutItemCommand): SentPut {
  const input = command.input;
  return {
    key: input.Item?.ref_key?.S ?? '',
    condition: input.ConditionExpression ?? '',
    seenRev: input.ExpressionAttributeValues?.[':seen']?.N,
    rev: input.Item?.rev?.N,
    rows: JSON.parse(input.Item?.rows?.S ?? '{}') as Record<string, unknown[]>,
  };
}

function conditionFailed(): Error {
  return Object.assign(new Error('The conditional request failed'), {
    name: 'ConditionalCheckFailedException',
    $metadata: { httpStatusCode: 400 },
  });
}

const fastWrites = { writeRetry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } };

describe('ReferenceStore recording (stubbed DynamoDB)', () => {
  it('writes each bucket with one conditional put, after one read per 100 buckets', async () => {
    // Prepare: 263 ids 500 apart, one to a bucket, and 99 more in the first bucket.
    const reads: number[] = [];
    const puts: SentPut[] = [];
    const store = new ReferenceStore({
      clients: clientsWith(async (command: unknown) => {
        if (command instanceof BatchGetItemCommand) {
          reads.push(requestedKeys(command).length);
          return { Responses: { [TABLE]: [] } };
        }
        puts.push(sentPut(command as PutItemCommand));
        return {};
      }),
      tableName: TABLE,
    });
    const ids = [
      ...Array.from({ length: 263 }, (_, index) => index * 500),
      ...Array.from({ length: 99 }, (_, index) => index + 1),
    ];

    // Act
    const results = await store.recordProducts(
      ids.map((id) => ({ id, category: 'Jeans' })),
      'v1',
      'raw/products/p.csv',
    );

    // Assess
    expect(reads.sort((a, b) => b - a)).toEqual([100, 100, 63]);
    expect(puts).toHaveLength(263);
    expect(new Set(puts.map((put) => put.key)).size).toBe(263);
    const first = puts.find((put) => put.key === 'products#0');
    expect(Object.keys(first?.rows ?? {})).toHaveLength(100);
    expect(first?.rows['42']).toEqual(['Jeans', 'v1', 'raw/products/p.csv']);
    // Every bucket was absent when read, so each put requires it to be absent still.
    expect(new Set(puts.map((put) => put.condition))).toEqual(new Set(['attribute_not_exists(#key)']));
    expect(new Set(puts.map((put) => put.rev))).toEqual(new Set(['1']));
    expect(results.map((result) => result.id)).toEqual(ids);
    expect(results.every((result) => result.outcome === 'written' && result.previous === undefined)).toBe(
      true,
    );
  });

  it('reads a bucket whose condition failed again, and keeps the newer row another writer stored', async () => {
    // Prepare: the bucket is absent at the first read; when the put arrives another writer has
    // stored v2 of every product of the bucket, so the condition fails and nothing lands.
    const puts: SentPut[] = [];
    let reads = 0;
    const store = new ReferenceStore({
      clients: clientsWith(async (command: unknown) => {
        if (command instanceof BatchGetItemCommand) {
          reads += 1;
          const keys = requestedKeys(command);
          return {
            Responses: {
              [TABLE]:
                reads === 1 ? [] : keys.map((key) => productBucket(key, { category: 'Tops', version: 'v2' })),
            },
          };
        }
        const put = sentPut(command as PutItemCommand);
        puts.push(put);
        if (puts.length === 1) throw conditionFailed();
        return {};
      }),
      tableName: TABLE,
      ...fastWrites,
    });

    // Act: v3 of product 1 and v1 of product 2.
    const newer = await store.recordProducts([{ id: 1, category: 'Shorts' }], 'v3', 'raw/products/q.csv');
    const older = await store.recordProducts([{ id: 2, category: 'Jeans' }], 'v1', 'raw/products/p.csv');
    const cached = await store.findProducts([2]);

    // Assess
    expect(puts.map((put) => [put.condition, put.seenRev, put.rev])).toEqual([
      ['attribute_not_exists(#key)', undefined, '1'],
      ['#rev = :seen', '1', '2'],
    ]);
    // The second write keeps the other writer's rows and replaces only product 1.
    expect(puts[1]?.rows['1']).toEqual(['Shorts', 'v3', 'raw/products/q.csv']);
    expect(puts[1]?.rows['2']).toEqual(['Tops', 'v2', 'raw/products/p.csv']);
    expect(newer).toEqual([
      {
        id: 1,
        outcome: 'written',
        previous: { category: 'Tops', version: 'v2', sourceKey: 'raw/products/p.csv' },
      },
    ]);
    // Product 2's bucket holds only a newer row: nothing to write.
    expect(older).toEqual([
      {
        id: 2,
        outcome: 'kept',
        current: { category: 'Tops', version: 'v2', sourceKey: 'raw/products/p.csv' },
      },
    ]);
    expect(puts).toHaveLength(2);
    // The kept row is cached; the lookup needs no fourth read.
    expect(cached.get(2)).toEqual({ category: 'Tops' });
    expect(reads).toBe(3);
  });

  it('gives up with a retryable WriteContentionError after the allowed attempts', async () => {
    // Prepare
    let puts = 0;
    const store = new ReferenceStore({
      clients: clientsWith(async (command: unknown) => {
        if (command instanceof BatchGetItemCommand) return { Responses: { [TABLE]: [] } };
        puts += 1;
        throw conditionFailed();
      }),
      tableName: TABLE,
      ...fastWrites,
    });

    // Act
    const recording = store.recordProducts([{ id: 1, category: 'Jeans' }], 'v1', 'raw/products/p.csv');

    // Assess
    await expect(recording).rejects.toBeInstanceOf(WriteContentionError);
    await expect(recording).rejects.toMatchObject({ retryable: true, reasons: ['ConditionalCheckFailed'] });
    expect(puts).toBe(3);
  });

  it('does not let a lookup answered late replace a newer row this store recorded meanwhile', async () => {
    // Prepare: the lookup's read is held back until the store has recorded v2 of the product.
    let releaseLookup = (): void => undefined;
    const lookupHeld = new Promise<void>((resolve) => {
      releaseLookup = resolve;
    });
    let reads = 0;
    const store = new ReferenceStore({
      clients: clientsWith(async (command: unknown) => {
        if (!(command instanceof BatchGetItemCommand)) return {};
        reads += 1;
        if (reads > 1) return { Responses: { [TABLE]: [] } };
        await lookupHeld;
        return { Responses: { [TABLE]: requestedKeys(command).map((key) => productBucket(key)) } };
      }),
      tableName: TABLE,
    });
    const lateLookup = store.findProducts([1]);
    await store.recordProducts([{ id: 1, category: 'Tops' }], 'v2', 'raw/products/new.csv');

    // Act
    releaseLookup();
    const late = await lateLookup;
    const afterwards = await store.findProducts([1]);

    // Assess: the late answer is what the table held when read; the cache keeps v2.
    expect(late.get(1)).toEqual({ category: 'Jeans' });
    expect(afterwards.get(1)).toEqual({ category: 'Tops' });
  });
});
