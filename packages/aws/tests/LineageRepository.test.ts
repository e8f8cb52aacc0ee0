import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  type AwsClients,
  AwsRequestCounter,
  ClaimConflictError,
  LineageRepository,
  lineageErrorOf,
  NotValidatedError,
} from '../src/index.js';

// DynamoDB Local returns the item that failed a condition; some endpoints do not. That path,
// and throttling, cannot be produced by the emulator, so they are faked with a stub client.

function clientsWith(send: (command: unknown) => Promise<unknown>): AwsClients {
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

function conditionFailed(): Error {
  return Object.assign(new Error('The conditional request failed'), {
    name: 'ConditionalCheckFailedException',
    $metadata: { httpStatusCode: 400 },
  });
}

const KEY = { sourceKey: 'raw/orders/a.csv', objectVersion: 'etag-1' };
const CLAIM = {
  ...KEY,
  dataset: 'orders',
  eventTime: '2025-04-01T10:00:00.000Z',
  workerId: 'w2',
  leaseMs: 1_000,
};

const storedItem = (status: string) => ({
  file_key: { S: KEY.sourceKey },
  object_version: { S: KEY.objectVersion },
  status: { S: status },
  dataset: { S: 'orders' },
  event_time: { S: '2025-04-01T10:00:00.000Z' },
  attempts: { N: '1' },
  created_at: { S: '2025-04-01T10:00:00.000Z' },
  updated_at: { S: '2025-04-01T10:00:01.000Z' },
});

describe('LineageRepository without the failed item in the condition error (stubbed DynamoDB)', () => {
  it('reads the item to tell a duplicate of a finished version', async () => {
    // Prepare
    const repository = new LineageRepository({
      clients: clientsWith(async (command) => {
        if (command instanceof GetItemCommand) return { Item: storedItem('SUCCESS') };
        throw conditionFailed();
      }),
      tableName: 'test-ProcessedFiles',
      now: () => 0,
    });

    // Act
    const result = await repository.claim(CLAIM);

    // Assess
    expect(result).toMatchObject({ outcome: 'done', record: { status: 'SUCCESS' } });
  });

  it('gives up with a retryable ClaimConflictError when the item never settles', async () => {
    // Prepare
    let writes = 0;
    const repository = new LineageRepository({
      clients: clientsWith(async (command) => {
        if (command instanceof GetItemCommand) return {};
        writes += 1;
        throw conditionFailed();
      }),
      tableName: 'test-ProcessedFiles',
      now: () => 0,
    });

    // Act
    const claim = repository.claim(CLAIM);

    // Assess
    await expect(claim).rejects.toBeInstanceOf(ClaimConflictError);
    await expect(claim).rejects.toMatchObject({ retryable: true, code: 'LINEAGE_CLAIM_CONFLICT' });
    expect(writes).toBe(3);
  });

  it('surfaces a throttled claim as a retryable AwsCallError', async () => {
    // Prepare
    const repository = new LineageRepository({
      clients: clientsWith(async () => {
        throw Object.assign(new Error('slow down'), {
          name: 'ProvisionedThroughputExceededException',
          $metadata: { httpStatusCode: 400 },
        });
      }),
      tableName: 'test-ProcessedFiles',
    });

    // Act
    const claim = repository.claim(CLAIM);

    // Assess
    await expect(claim).rejects.toMatchObject({
      code: 'AWS_CALL_FAILED',
      retryable: true,
      operation: 'UpdateItem',
    });
  });

  it('rejects a lease that is not a positive integer of ms', async () => {
    // Prepare
    const repository = new LineageRepository({
      clients: clientsWith(async () => ({})),
      tableName: 'test-ProcessedFiles',
    });

    // Act
    const claim = repository.claim({ ...CLAIM, leaseMs: 0 });

    // Assess
    await expect(claim).rejects.toMatchObject({ code: 'INVALID_OPTION', option: 'leaseMs' });
  });
});

describe('lineageErrorOf', () => {
  it("keeps a WorkerError's code and whether a retry can help", () => {
    // Prepare
    const conflict = new ClaimConflictError(KEY);

    // Act
    const retryable = lineageErrorOf(conflict);
    const permanent = lineageErrorOf(new NotValidatedError(KEY, undefined));

    // Assess
    expect(retryable).toEqual({ code: 'LINEAGE_CLAIM_CONFLICT', message: conflict.message, retryable: true });
    expect(permanent).toMatchObject({ code: 'LINEAGE_NOT_VALIDATED', retryable: false });
  });

  it('names any other error by its name, and a thrown non-error by its text, as not retryable', () => {
    expect(lineageErrorOf(new TypeError('bad input'))).toEqual({
      code: 'TypeError',
      message: 'bad input',
      retryable: false,
    });
    expect(lineageErrorOf('plain text')).toEqual({
      code: 'UnknownError',
      message: 'plain text',
      retryable: false,
    });
  });
});
