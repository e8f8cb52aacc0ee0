import {
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { InvalidOptionError } from '@storeflow/core';
import {
  type AwsClients,
  AwsRequestCounter,
  fencedWriteAll,
  KpiRepository,
  WriteContentionError,
  type WriteFence,
} from '../src/index.js';

// DynamoDB Local does not cancel a transaction for contention on demand, so the retry of a
// transaction cancelled by a conflicting write or throttling is exercised with a stub client.

interface Stub {
  clients: AwsClients;
  transactions: TransactWriteItem[][];
}

/** A client whose TransactWriteItems is cancelled with `reasons(call)` while that returns any. */
function stub(reasons: (call: number) => string[] | undefined): Stub {
  const transactions: TransactWriteItem[][] = [];
  const send = async (command: unknown) => {
    if (command instanceof QueryCommand) return { Items: [] };
    if (command instanceof GetItemCommand) return {};
    if (command instanceof TransactWriteItemsCommand) {
      transactions.push(command.input.TransactItems ?? []);
      const codes = reasons(transactions.length);
      if (codes === undefined) return {};
      throw Object.assign(new Error('Transaction cancelled'), {
        name: 'TransactionCanceledException',
        CancellationReasons: codes.map((Code) => ({ Code })),
      });
    }
    throw new Error(`unexpected command ${String(command)}`);
  };
  return {
    transactions,
    clients: {
      connection: { region: 'us-east-1', endpoints: {} },
      dynamodb: { send } as unknown as DynamoDBClient,
      s3: undefined as never,
      sqs: undefined as never,
      sns: undefined as never,
      requests: new AwsRequestCounter(),
      destroy: () => undefined,
    },
  };
}

const DATE = '2025-04-01';
const PROVENANCE = { updatedAt: '2025-04-02T00:00:00.000Z', computedBy: 'w', sources: 1 };
const FENCE: WriteFence = {
  table: 't-KpiDates',
  key: { order_date: { S: DATE } },
  condition: '#lease_holder = :me',
  names: { '#lease_holder': 'lease_holder' },
  values: { ':me': { S: 'w' } },
  broken: () => new InvalidOptionError('fence', 'broken in a test that never breaks it'),
};
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

const ORDER = {
  order_date: DATE,
  total_orders: 1,
  total_revenue: 1,
  total_items_sold: 1,
  returned_orders: 0,
  return_rate: 0,
  unique_customers: 1,
  avg_order_value: 1,
};

function repository(clients: AwsClients, maxAttempts = 4): KpiRepository {
  return new KpiRepository({
    clients,
    categoryTableName: 't-CategoryKPIs',
    orderTableName: 't-OrderKPIs',
    writeRetry: { maxAttempts, baseDelayMs: 1, maxDelayMs: 2 },
  });
}

describe('KpiRepository fenced write transactions (stubbed DynamoDB)', () => {
  it('sends a transaction cancelled by a conflicting write or throttling again until it applies', async () => {
    // Prepare: the fence (first action) passes; a write conflicts, then the table throttles
    const { clients, transactions } = stub((call) =>
      call === 1
        ? ['None', 'TransactionConflict', 'None']
        : call === 2
          ? ['None', 'None', 'ThrottlingError']
          : undefined,
    );

    // Act
    const result = await repository(clients).replaceDate(
      DATE,
      { orderKpis: ORDER, categoryKpis: rows(1) },
      PROVENANCE,
      FENCE,
    );

    // Assess: three identical calls, the fence's ConditionCheck first in each
    expect(result).toEqual({ written: 2, deleted: 0 });
    expect(transactions).toHaveLength(3);
    for (const transaction of transactions) {
      expect(transaction).toHaveLength(3);
      expect(transaction[0]?.ConditionCheck).toMatchObject({
        TableName: 't-KpiDates',
        ConditionExpression: '#lease_holder = :me',
      });
    }
  });

  it('gives up with a retryable WriteContentionError after maxAttempts calls', async () => {
    // Prepare
    const { clients, transactions } = stub(() => ['None', 'TransactionConflict']);

    // Act
    const attempt = repository(clients, 3).replaceDate(
      DATE,
      { orderKpis: ORDER, categoryKpis: [] },
      PROVENANCE,
      FENCE,
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(WriteContentionError);
    await expect(attempt).rejects.toMatchObject({
      code: 'DYNAMODB_WRITE_CONTENTION',
      retryable: true,
      reasons: ['TransactionConflict'],
      attempts: 3,
    });
    expect(transactions).toHaveLength(3);
  });

  it('does not retry a cancellation that is no contention', async () => {
    // Prepare
    const { clients, transactions } = stub(() => ['None', 'ValidationError']);

    // Act
    const attempt = repository(clients).replaceDate(
      DATE,
      { orderKpis: ORDER, categoryKpis: [] },
      PROVENANCE,
      FENCE,
    );

    // Assess
    await expect(attempt).rejects.toMatchObject({ code: 'AWS_CALL_FAILED', retryable: false });
    expect(transactions).toHaveLength(1);
  });

  it('closes a closing fence in the last transaction only, with the fence condition and its own', async () => {
    // Prepare: 150 category rows and the order row, 151 writes: two transactions
    const { clients, transactions } = stub(() => undefined);
    const closing: WriteFence = {
      ...FENCE,
      closing: {
        update: 'SET #computed_seq = :seq REMOVE #lease_holder',
        condition: '#computed_seq <= :seq',
        names: { '#computed_seq': 'computed_seq' },
        values: { ':seq': { N: '3' } },
      },
    };

    // Act
    await repository(clients).replaceDate(
      DATE,
      { orderKpis: ORDER, categoryKpis: rows(150) },
      PROVENANCE,
      closing,
    );
    await fencedWriteAll(clients, [], closing);

    // Assess: 99 writes then 52 and the order row again (its list narrowed, see the class doc);
    // a ConditionCheck guards the first; the last, and the empty batch's only one, update
    expect(transactions.map((items) => items.length)).toEqual([100, 54, 1]);
    expect(transactions[1]?.[53]?.Put?.TableName).toBe('t-OrderKPIs');
    expect(transactions[0]?.[0]?.ConditionCheck?.ConditionExpression).toBe('#lease_holder = :me');
    for (const last of [transactions[1]?.[0], transactions[2]?.[0]]) {
      expect(last?.ConditionCheck).toBeUndefined();
      expect(last?.Update).toEqual({
        TableName: 't-KpiDates',
        Key: { order_date: { S: DATE } },
        UpdateExpression: 'SET #computed_seq = :seq REMOVE #lease_holder',
        ConditionExpression: '(#lease_holder = :me) AND (#computed_seq <= :seq)',
        ExpressionAttributeNames: { '#lease_holder': 'lease_holder', '#computed_seq': 'computed_seq' },
        ExpressionAttributeValues: { ':me': { S: 'w' }, ':seq': { N: '3' } },
      });
    }
  });
});
