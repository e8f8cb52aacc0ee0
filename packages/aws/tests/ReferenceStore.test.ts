import {
  BatchGetItemCommand,
  type DynamoDBClient,
  type TransactWriteItem,
  type TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import {
  AwsCallError,
  type AwsClients,
  AwsRequestCounter,
  ReferenceStore,
  UnprocessedKeysError,
  WriteContentionError,
} from '../src/index.js';

// DynamoDB Local never throttles, always processes every key and never cancels a transaction
// for contention, so these faults are faked with a stub client (STYLE §2.9: fakes only for what
// the emulator cannot produce).

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
      operation: 'TransactWriteItems',
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

/** The stub's view of one TransactWriteItems call: the key of each put and its condition. */
interface SentTransaction {
  keys: string[];
  conditions: string[];
}

function sentPuts(command: TransactWriteItemsCommand): SentTransaction {
  const items = (command.input.TransactItems ?? []) as TransactWriteItem[];
  return {
    keys: items.map((item) => item.Put?.Item?.ref_key?.S ?? ''),
    conditions: items.map((item) => item.Put?.ConditionExpression ?? ''),
  };
}

function cancelled(codes: string[]): Error {
  return Object.assign(new Error('Transaction cancelled'), {
    name: 'TransactionCanceledException',
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

const fastWrites = { writeRetry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } };

describe('ReferenceStore recording (stubbed DynamoDB)', () => {
  it('sends at most 100 conditional puts per TransactWriteItems call, after one read per 100 rows', async () => {
    // Prepare
    const reads: number[] = [];
    const transactions: SentTransaction[] = [];
    const store = new ReferenceStore({
      clients: clientsWith(async (command: unknown) => {
        if (command instanceof BatchGetItemCommand) {
          reads.push(requestedKeys(command).length);
          return { Responses: { [TABLE]: [] } };
        }
        transactions.push(sentPuts(command as TransactWriteItemsCommand));
        return {};
      }),
      tableName: TABLE,
    });
    const ids = Array.from({ length: 263 }, (_, index) => index + 1);

    // Act
    const results = await store.recordProducts(
      ids.map((id) => ({ id, category: 'Jeans' })),
      'v1',
      'raw/products/p.csv',
    );

    // Assess
    expect(reads.sort((a, b) => b - a)).toEqual([100, 100, 63]);
    expect(transactions.map((sent) => sent.keys.length).sort((a, b) => b - a)).toEqual([100, 100, 63]);
    expect(new Set(transactions.flatMap((sent) => sent.keys)).size).toBe(263);
    // Every key was absent when read, so each put requires it to be absent still.
    expect(new Set(transactions.flatMap((sent) => sent.conditions))).toEqual(
      new Set(['attribute_not_exists(#key)']),
    );
    expect(results.every((result) => result.outcome === 'written' && result.previous === undefined)).toBe(
      true,
    );
  });

  it('sends a transaction cancelled by a conflict or throttling again until it lands', async () => {
    // Prepare
    const transactions: SentTransaction[] = [];
    const store = new ReferenceStore({
      clients: clientsWith(async (command: unknown) => {
        if (command instanceof BatchGetItemCommand) return { Responses: { [TABLE]: [] } };
        transactions.push(sentPuts(command as TransactWriteItemsCommand));
        if (transactions.length === 1) throw cancelled(['None', 'TransactionConflict', 'None']);
        if (transactions.length === 2) throw cancelled(['ThrottlingError', 'None', 'None']);
        return {};
      }),
      tableName: TABLE,
      ...fastWrites,
    });

    // Act
    const results = await store.recordProducts(
      [1, 2, 3].map((id) => ({ id, category: 'Jeans' })),
      'v1',
      'raw/products/p.csv',
    );

    // Assess
    expect(transactions.map((sent) => sent.keys)).toEqual([
      ['product#1', 'product#2', 'product#3'],
      ['product#1', 'product#2', 'product#3'],
      ['product#1', 'product#2', 'product#3'],
    ]);
    expect(results.map((result) => result.outcome)).toEqual(['written', 'written', 'written']);
  });

  it('gives up with a retryable WriteContentionError after the allowed attempts', async () => {
    // Prepare
    let transactions = 0;
    const store = new ReferenceStore({
      clients: clientsWith(async (command: unknown) => {
        if (command instanceof BatchGetItemCommand) return { Responses: { [TABLE]: [] } };
        transactions += 1;
        throw cancelled(['TransactionConflict']);
      }),
      tableName: TABLE,
      ...fastWrites,
    });

    // Act
    const recording = store.recordProducts([{ id: 1, category: 'Jeans' }], 'v1', 'raw/products/p.csv');

    // Assess
    await expect(recording).rejects.toBeInstanceOf(WriteContentionError);
    await expect(recording).rejects.toMatchObject({ retryable: true, reasons: ['TransactionConflict'] });
    expect(transactions).toBe(3);
  });

  it('reads a row whose condition failed again, and keeps the newer row another writer stored', async () => {
    // Prepare: product#2 is absent at the first read; when the puts arrive another writer has
    // stored v2 under it, so its condition fails and the transaction lands nothing.
    const transactions: SentTransaction[] = [];
    let reads = 0;
    const store = new ReferenceStore({
      clients: clientsWith(async (command: unknown) => {
        if (command instanceof BatchGetItemCommand) {
          reads += 1;
          const keys = requestedKeys(command);
          return {
            Responses: {
              [TABLE]:
                reads === 1
                  ? []
                  : keys.map((key) => ({
                      ...productItem(key),
                      category: { S: 'Tops' },
                      version: { S: 'v2' },
                    })),
            },
          };
        }
        const sent = sentPuts(command as TransactWriteItemsCommand);
        transactions.push(sent);
        if (sent.keys.includes('product#2')) {
          throw cancelled(sent.keys.map((key) => (key === 'product#2' ? 'ConditionalCheckFailed' : 'None')));
        }
        return {};
      }),
      tableName: TABLE,
      ...fastWrites,
    });

    // Act
    const results = await store.recordProducts(
      [1, 2, 3].map((id) => ({ id, category: 'Jeans' })),
      'v1',
      'raw/products/p.csv',
    );
    const cached = await store.findProducts([2]);

    // Assess
    expect(transactions.map((sent) => sent.keys)).toEqual([
      ['product#1', 'product#2', 'product#3'],
      ['product#1', 'product#3'],
    ]);
    expect(results).toEqual([
      { id: 1, outcome: 'written' },
      {
        id: 2,
        outcome: 'kept',
        current: { category: 'Tops', version: 'v2', sourceKey: 'raw/products/p.csv' },
      },
      { id: 3, outcome: 'written' },
    ]);
    // The kept row is cached; the lookup needs no third read.
    expect(cached.get(2)).toEqual({ category: 'Tops' });
    expect(reads).toBe(2);
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
        return { Responses: { [TABLE]: requestedKeys(command).map(productItem) } };
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
