import { type AttributeValue, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Anomaly, DateRowCounts } from '@storeflow/core';
import { startEmbeddedStack } from '@storeflow/local-stack';
import { perTestFile, uniquePrefix } from '@storeflow/testing';
import {
  ANOMALY_JUDGE_LEASE,
  type AwsClients,
  bootstrapResources,
  createAwsClients,
  DailyQualityStore,
  DateAnomalyStore,
  DateRecomputeCoordinator,
  fencedWriteAll,
  KpiDateLeaseLostError,
  KpiRepository,
  type ResourceNames,
  resolveAwsConnection,
  resourceNamesFor,
  SourceVersionStore,
} from '../src/index.js';

const stack = perTestFile(() => startEmbeddedStack());
let clients: AwsClients;
let names: ResourceNames;
let leases: DateRecomputeCoordinator;

beforeAll(async () => {
  clients = createAwsClients(resolveAwsConnection(stack().env()));
  names = resourceNamesFor(uniquePrefix('qs'));
  await bootstrapResources(clients, { names });
  leases = new DateRecomputeCoordinator({ clients, tableName: names.kpiDatesTable });
}, 60_000);

afterAll(() => {
  clients?.destroy();
});

function anomaly(date: string, metric: string): Anomaly {
  return {
    scope: 'date',
    date,
    metric,
    value: 1,
    expected: { low: 4, high: 12 },
    baseline: { n: 28, centre: 8, spread: 1 },
    rule: 'seasonal-mad:z>4',
  };
}

describe('DailyQualityStore on DynamoDB Local', () => {
  it('replaces and deletes a date row counts under its lease, and lists a range of dates', async () => {
    // Prepare
    const store = new DailyQualityStore({ clients, tableName: names.qualityTable });
    for (const date of ['2025-02-01', '2025-02-02', '2025-02-03']) {
      await leases.tryAcquire(date, 'worker-a', 60_000);
    }
    const fence = (date: string) => leases.leaseFence(date, 'worker-a');

    // Act
    const replace = (date: string, counts: DateRowCounts | undefined) =>
      fencedWriteAll(clients, [store.replacement(date, counts)], fence(date));
    await replace('2025-02-01', { accepted: 9, rejected: 1 });
    await replace('2025-02-02', { accepted: 5, rejected: 0 });
    await replace('2025-02-02', { accepted: 6, rejected: 2 });
    await replace('2025-02-03', { accepted: 3, rejected: 3 });
    await replace('2025-02-03', undefined);

    // Assess
    expect(await store.list('2025-01-01', '2025-12-31')).toEqual(
      new Map([
        ['2025-02-01', { accepted: 9, rejected: 1 }],
        ['2025-02-02', { accepted: 6, rejected: 2 }],
      ]),
    );
    expect([...(await store.list('2025-02-02', '2025-02-02')).keys()]).toEqual(['2025-02-02']);
  });

  it('lands with the date KPI rows, and not at all for a worker that no longer holds the date', async () => {
    // Prepare
    const store = new DailyQualityStore({ clients, tableName: names.qualityTable });
    const kpis = new KpiRepository({
      clients,
      categoryTableName: names.categoryKpisTable,
      orderTableName: names.orderKpisTable,
    });
    const replace = (date: string, workerId: string) =>
      kpis.replaceDate(
        date,
        { orderKpis: undefined, categoryKpis: [] },
        { updatedAt: '2025-02-11T00:00:00.000Z', computedBy: workerId, sources: 1 },
        leases.leaseFence(date, workerId),
        [store.replacement(date, { accepted: 1, rejected: 0 })],
      );
    await leases.tryAcquire('2025-02-10', 'worker-a', 60_000);
    await leases.tryAcquire('2025-02-11', 'worker-a', 60_000);

    // Act
    const lost = replace('2025-02-10', 'worker-b');
    await replace('2025-02-11', 'worker-a');

    // Assess
    await expect(lost).rejects.toBeInstanceOf(KpiDateLeaseLostError);
    expect(await store.list('2025-02-10', '2025-02-11')).toEqual(
      new Map([['2025-02-11', { accepted: 1, rejected: 0 }]]),
    );
  });
});

describe('DateAnomalyStore on DynamoDB Local', () => {
  it('keeps a verdict per date with anomalies, with its unalerted marks, and deletes an empty one', async () => {
    // Prepare
    const store = new DateAnomalyStore({ clients, tableName: names.qualityTable });
    await leases.tryAcquire(ANOMALY_JUDGE_LEASE, 'judge-a', 60_000);
    const fence = leases.leaseFence(ANOMALY_JUDGE_LEASE, 'judge-a');

    // Act
    await store.replace(
      [
        {
          date: '2025-03-02',
          anomalies: [anomaly('2025-03-02', 'total_orders')],
          unalerted: ['total_orders'],
        },
        { date: '2025-03-01', anomalies: [anomaly('2025-03-01', 'return_rate')] },
        { date: '2025-03-03', anomalies: [anomaly('2025-03-03', 'total_revenue')] },
      ],
      fence,
    );
    await store.replace([{ date: '2025-03-03', anomalies: [] }], fence);

    // Assess
    expect(await store.list()).toEqual([
      { date: '2025-03-01', anomalies: [anomaly('2025-03-01', 'return_rate')] },
      { date: '2025-03-02', anomalies: [anomaly('2025-03-02', 'total_orders')], unalerted: ['total_orders'] },
    ]);
    expect(await store.listAnomalies('2025-03-02')).toEqual([anomaly('2025-03-02', 'total_orders')]);
  });

  it('refuses every write of a judge whose lease was taken over', async () => {
    // Prepare: judge-b holds the lease
    const store = new DateAnomalyStore({ clients, tableName: names.qualityTable });
    const clock = { ms: Date.now() + 120_000 };
    const later = new DateRecomputeCoordinator({
      clients,
      tableName: names.kpiDatesTable,
      now: () => clock.ms,
    });
    await later.tryAcquire(ANOMALY_JUDGE_LEASE, 'judge-b', 60_000);

    // Act
    const write = store.replace(
      [{ date: '2025-03-20', anomalies: [anomaly('2025-03-20', 'total_orders')] }],
      leases.leaseFence(ANOMALY_JUDGE_LEASE, 'judge-a'),
    );

    // Assess
    await expect(write).rejects.toBeInstanceOf(KpiDateLeaseLostError);
    expect(await store.list('2025-03-20', '2025-03-20')).toEqual([]);
  });
});

describe('KpiRepository.orderKpisOf on DynamoDB Local', () => {
  it('reads the OrderKPIs rows of the dates asked for, in date order, across BatchGet pages', async () => {
    // Prepare: 120 dates asked for, rows stored for three of them
    const kpis = new KpiRepository({
      clients,
      categoryTableName: names.categoryKpisTable,
      orderTableName: names.orderKpisTable,
    });
    const stored = ['2026-01-05', '2026-02-01', '2026-04-20'];
    for (const date of stored) {
      await leases.tryAcquire(date, 'worker-a', 60_000);
      await kpis.replaceDate(
        date,
        {
          orderKpis: {
            order_date: date,
            total_orders: 2,
            total_revenue: 40,
            total_items_sold: 2,
            returned_orders: 0,
            return_rate: 0,
            unique_customers: 2,
            avg_order_value: 20,
          },
          categoryKpis: [],
        },
        { updatedAt: '2026-05-01T00:00:00.000Z', computedBy: 'worker-a', sources: 1 },
        leases.leaseFence(date, 'worker-a'),
      );
    }
    const asked = Array.from({ length: 120 }, (_, day) =>
      new Date(Date.UTC(2026, 0, 1) + day * 86_400_000).toISOString().slice(0, 10),
    );

    // Act
    const rows = await kpis.orderKpisOf([...asked].reverse());

    // Assess
    expect(rows.map((row) => [row.order_date, row.total_orders])).toEqual(stored.map((date) => [date, 2]));
  });
});

describe('SourceVersionStore row counts by date', () => {
  it('reads the counts versions recorded in the older shapes, and none for a version that did not', async () => {
    // Prepare: records with counts in each older shape, and one without
    const table = names.referenceTable;
    const putRecord = (sourceId: string, counts: Record<string, AttributeValue>) =>
      clients.dynamodb.send(
        new PutItemCommand({
          TableName: table,
          Item: {
            ref_key: { S: `source#${sourceId}` },
            source_key: { S: 'raw/orders/a.csv' },
            object_version: { S: 'v1' },
            event_time: { S: '2025-04-01T00:00:00.000Z' },
            dataset: { S: 'orders' },
            touched_dates: { L: [{ S: '2025-04-01' }] },
            ...counts,
          },
        }),
      );
    // The form of versions committed before 2026-12-07: one JSON string of [accepted, rejected] by date
    await putRecord('counted', { row_counts_by_date: { S: '{"2025-04-01":[7,2]}' } });
    // The form of versions committed before 2026-12-08: [accepted, rejected] by date, in a map
    await putRecord('mapped', {
      row_counts: {
        M: {
          '2025-04-01': { L: [{ N: '5' }, { N: '1' }] },
          '2025-04-02': { L: [{ N: '6' }, { N: '0' }] },
        },
      },
    });
    await putRecord('older', {});

    // Act
    const sources = ['counted', 'mapped', 'older'];
    const current = await new SourceVersionStore({ clients, table }).current(sources);
    const ofDate = await new SourceVersionStore({ clients, table }).currentOfDate(sources, '2025-04-01');

    // Assess
    expect(current.get('counted')?.rowCountsByDate).toEqual({ '2025-04-01': { accepted: 7, rejected: 2 } });
    expect(current.get('mapped')?.rowCountsByDate).toEqual({
      '2025-04-01': { accepted: 5, rejected: 1 },
      '2025-04-02': { accepted: 6, rejected: 0 },
    });
    expect(current.get('older')).not.toHaveProperty('rowCountsByDate');
    expect(ofDate.get('counted')?.rowCounts).toEqual({ accepted: 7, rejected: 2 });
    expect(ofDate.get('mapped')?.rowCounts).toEqual({ accepted: 5, rejected: 1 });
    expect(ofDate.get('older')).not.toHaveProperty('rowCounts');
  });
});
