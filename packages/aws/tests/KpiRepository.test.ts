import {
  BatchWriteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { type AwsClients, KpiRepository, UnprocessedItemsError } from '../src/index.js';

// DynamoDB Local never leaves UnprocessedItems (it does not throttle), so the retry of a partly
// applied BatchWriteItem is exercised with a stub client.

interface Stub {
  clients: AwsClients;
  batches: Record<string, WriteRequest[]>[];
}

/** A client whose BatchWriteItem leaves `leftOver(call)` requests of each batch unprocessed. */
function stub(leftOver: (call: number, requests: WriteRequest[]) => WriteRequest[]): Stub {
  const batches: Record<string, WriteRequest[]>[] = [];
  const send = async (command: unknown) => {
    if (command instanceof QueryCommand) return { Items: [] };
    if (command instanceof GetItemCommand) return {};
    if (command instanceof BatchWriteItemCommand) {
      const items = command.input.RequestItems ?? {};
      batches.push(items);
      const [table, requests] = Object.entries(items)[0] ?? ['', []];
      const left = leftOver(batches.length, requests);
      return { UnprocessedItems: left.length === 0 ? {} : { [table]: left } };
    }
    throw new Error(`unexpected command ${String(command)}`);
  };
  return {
    batches,
    clients: {
      connection: { region: 'us-east-1', endpoints: {} },
      dynamodb: { send } as unknown as DynamoDBClient,
      s3: undefined as never,
      sqs: undefined as never,
      destroy: () => undefined,
    },
  };
}

const DATE = '2025-04-01';
const PROVENANCE = { updatedAt: '2025-04-02T00:00:00.000Z', computedBy: 'w', sources: 1 };
const rows = (count: number) =>
  Array.from({ length: count }, (_, index) => ({
    category: `c${index}`,
    order_date: DATE,
    daily_revenue: 1,
    items_sold: 1,
    order_count: 1,
    returned_items: 0,
    avg_order_value: 1,
    avg_return_rate: 0,
  }));

function repository(clients: AwsClients, maxAttempts = 4): KpiRepository {
  return new KpiRepository({
    clients,
    categoryTableName: 't-CategoryKPIs',
    orderTableName: 't-OrderKPIs',
    batchWriteRetry: { maxAttempts, baseDelayMs: 1, maxDelayMs: 2 },
  });
}

describe('KpiRepository batch writes (stubbed DynamoDB)', () => {
  it('sends the UnprocessedItems of a batch again until they are applied', async () => {
    // Prepare: the first call leaves the last 10 requests unprocessed, the second the last 3.
    const { clients, batches } = stub((call, requests) =>
      call === 1 ? requests.slice(-10) : call === 2 ? requests.slice(-3) : [],
    );

    // Act
    const result = await repository(clients).replaceDate(
      DATE,
      { orderKpis: undefined, categoryKpis: rows(20) },
      PROVENANCE,
    );

    // Assess
    expect(result).toEqual({ written: 20, deleted: 0 });
    expect(batches.map((batch) => batch['t-CategoryKPIs']?.length)).toEqual([20, 10, 3]);
  });

  it('splits writes into batches of 25', async () => {
    // Prepare
    const { clients, batches } = stub(() => []);

    // Act
    await repository(clients).replaceDate(DATE, { orderKpis: undefined, categoryKpis: rows(60) }, PROVENANCE);

    // Assess
    expect(batches.map((batch) => batch['t-CategoryKPIs']?.length)).toEqual([25, 25, 10]);
  });

  it('gives up with a retryable UnprocessedItemsError after maxAttempts calls', async () => {
    // Prepare
    const { clients, batches } = stub((_call, requests) => requests.slice(0, 2));

    // Act
    const attempt = repository(clients, 3).replaceDate(
      DATE,
      { orderKpis: undefined, categoryKpis: rows(5) },
      PROVENANCE,
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(UnprocessedItemsError);
    await expect(attempt).rejects.toMatchObject({
      code: 'DYNAMODB_UNPROCESSED_ITEMS',
      retryable: true,
      unprocessed: 2,
      attempts: 3,
      tables: ['t-CategoryKPIs'],
    });
    expect(batches).toHaveLength(3);
  });
});
