import { GetItemCommand, TransactWriteItemsCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { startEmbeddedStack } from '@storeflow/local-stack';
import { perTestFile, uniquePrefix } from '@storeflow/testing';
import {
  type AwsClients,
  bootstrapResources,
  type CategoryKpiAttributes,
  createAwsClients,
  DateRecomputeCoordinator,
  type KpiProvenance,
  KpiRepository,
  type OrderKpiAttributes,
  type ResourceNames,
  resolveAwsConnection,
  resourceNamesFor,
} from '../src/index.js';
import { storedCategoriesOf } from './helpers/storedCategories.js';

const stack = perTestFile(() => startEmbeddedStack());
let clients: AwsClients;
let names: ResourceNames;
let kpis: KpiRepository;
let dates: DateRecomputeCoordinator;

beforeAll(async () => {
  clients = createAwsClients(resolveAwsConnection(stack().env()));
  names = resourceNamesFor(uniquePrefix('kpi'));
  await bootstrapResources(clients, { names });
  kpis = new KpiRepository({
    clients,
    categoryTableName: names.categoryKpisTable,
    orderTableName: names.orderKpisTable,
  });
  dates = new DateRecomputeCoordinator({ clients, tableName: names.kpiDatesTable });
}, 60_000);

afterAll(() => {
  clients?.destroy();
});

/** `kpis.replaceDate` under the recompute lease of `worker-a`, taken here as a recompute does. */
async function replace(
  orderDate: string,
  replacement: Parameters<KpiRepository['replaceDate']>[1],
  provenance: KpiProvenance,
) {
  await dates.tryAcquire(orderDate, 'worker-a', 60_000);
  return kpis.replaceDate(orderDate, replacement, provenance, dates.leaseFence(orderDate, 'worker-a'));
}

const PROVENANCE: KpiProvenance = {
  updatedAt: '2025-04-02T08:00:00.000Z',
  computedBy: 'worker-a',
  sources: 3,
};

/** Each test works on dates of its own, so tests stay independent on one table. */
let dateCounter = 0;
function uniqueDate(): string {
  dateCounter += 1;
  return `2031-${String(1 + Math.floor(dateCounter / 28)).padStart(2, '0')}-${String(1 + (dateCounter % 28)).padStart(2, '0')}`;
}

function categoryRow(
  orderDate: string,
  category: string,
  overrides: Partial<CategoryKpiAttributes> = {},
): CategoryKpiAttributes {
  return {
    category,
    order_date: orderDate,
    daily_revenue: 100.5,
    items_sold: 4,
    order_count: 2,
    returned_items: 1,
    avg_order_value: 50.25,
    avg_return_rate: 0.25,
    ...overrides,
  };
}

function orderRow(orderDate: string, overrides: Partial<OrderKpiAttributes> = {}): OrderKpiAttributes {
  return {
    order_date: orderDate,
    total_orders: 3,
    total_revenue: 150.75,
    total_items_sold: 6,
    returned_orders: 1,
    return_rate: 0.3333,
    unique_customers: 2,
    avg_order_value: 50.25,
    ...overrides,
  };
}

function rawCategoriesOf(orderDate: string): Promise<string[]> {
  return storedCategoriesOf(clients, names.categoryKpisTable, orderDate);
}

describe('KpiRepository on DynamoDB Local', () => {
  it('writes exactly the rows given, with provenance, and a second replace deletes vanished categories', async () => {
    // Prepare
    const date = uniqueDate();
    const other = uniqueDate();
    await replace(
      other,
      { orderKpis: orderRow(other), categoryKpis: [categoryRow(other, 'Jeans')] },
      PROVENANCE,
    );

    // Act
    const first = await replace(
      date,
      {
        orderKpis: orderRow(date),
        categoryKpis: [categoryRow(date, 'Jeans'), categoryRow(date, 'Tops'), categoryRow(date, 'Shoes')],
      },
      PROVENANCE,
    );
    const second = await replace(
      date,
      {
        orderKpis: orderRow(date, { total_orders: 2 }),
        categoryKpis: [categoryRow(date, 'Tops', { items_sold: 9, daily_revenue: 12.3 })],
      },
      { ...PROVENANCE, computedBy: 'worker-b', sources: 4 },
    );

    // Assess
    expect(first).toEqual({ written: 4, deleted: 0 });
    expect(second).toEqual({ written: 2, deleted: 2 });
    expect(await rawCategoriesOf(date)).toEqual(['Tops']);
    const categories = await kpis.listCategoryKpis({ from: date, to: date });
    expect(categories).toEqual([
      {
        ...categoryRow(date, 'Tops', { items_sold: 9, daily_revenue: 12.3 }),
        provenance: { updatedAt: PROVENANCE.updatedAt, computedBy: 'worker-b', sources: 4 },
      },
    ]);
    expect(await kpis.listOrderKpis({ from: date, to: date })).toEqual([
      {
        ...orderRow(date, { total_orders: 2 }),
        provenance: { updatedAt: PROVENANCE.updatedAt, computedBy: 'worker-b', sources: 4 },
      },
    ]);
    // The other date is untouched.
    expect(await rawCategoriesOf(other)).toEqual(['Jeans']);
    expect(await kpis.listOrderKpis({ from: other, to: other })).toHaveLength(1);
  });

  it('stores the source files of a date on its OrderKPIs row, cut to a bounded list beside the total', async () => {
    // Prepare: more files than a row keeps, then fewer files with keys too long to keep them all
    const date = uniqueDate();
    const few = uniqueDate();
    const many = Array.from({ length: 130 }, (_, index) => ({
      key: `raw/order_items/part-${index}.csv`,
      objectVersion: `etag-${index}`,
    }));
    const longKey = (index: number) => `raw/order_items/${String(index).padStart(1000, 'k')}.csv`;
    const long = Array.from({ length: 40 }, (_, index) => ({ key: longKey(index), objectVersion: 'v' }));

    // Act
    await replace(
      date,
      { orderKpis: orderRow(date), categoryKpis: [categoryRow(date, 'Jeans')] },
      { ...PROVENANCE, sources: many.length, sourceFiles: many },
    );
    await replace(
      few,
      { orderKpis: orderRow(few), categoryKpis: [] },
      { ...PROVENANCE, sources: long.length, sourceFiles: long },
    );

    // Assess: 100 entries at most, and at most 32 KiB of keys (1,009-byte keys: 32 fit)
    const [order] = await kpis.listOrderKpis({ from: date, to: date });
    expect(order?.provenance).toEqual({ ...PROVENANCE, sources: 130, sourceFiles: many.slice(0, 100) });
    const [category] = await kpis.listCategoryKpis({ from: date, to: date });
    expect(category?.provenance).toEqual({ ...PROVENANCE, sources: 130 });
    const [longOrder] = await kpis.listOrderKpis({ from: few, to: few });
    expect(longOrder?.provenance.sources).toBe(40);
    expect(longOrder?.provenance.sourceFiles).toEqual(long.slice(0, Math.floor((32 * 1024) / 1010)));
    await expect(
      replace(
        few,
        { orderKpis: orderRow(few), categoryKpis: [] },
        { ...PROVENANCE, sources: 1, sourceFiles: many.slice(0, 2) },
      ),
    ).rejects.toMatchObject({ code: 'INVALID_OPTION', option: 'provenance.sourceFiles' });
  });

  it('lands no write of a worker whose date lease was taken over; the new holder writes 99 rows per transaction', async () => {
    // Prepare: 'stale' held the date, its lease expired and 'fresh' took it over
    const clock = { ms: Date.parse('2031-06-01T00:00:00.000Z') };
    const timed = new DateRecomputeCoordinator({
      clients,
      tableName: names.kpiDatesTable,
      now: () => clock.ms,
    });
    const date = uniqueDate();
    await timed.tryAcquire(date, 'stale', 1_000);
    clock.ms += 2_000;
    await timed.tryAcquire(date, 'fresh', 60_000);
    const categories = Array.from({ length: 150 }, (_, index) => categoryRow(date, `c${index}`));

    // Act
    const fresh = await kpis.replaceDate(
      date,
      { orderKpis: orderRow(date, { total_orders: 7 }), categoryKpis: categories },
      { ...PROVENANCE, computedBy: 'fresh' },
      timed.leaseFence(date, 'fresh'),
    );
    const stale = kpis.replaceDate(
      date,
      { orderKpis: orderRow(date), categoryKpis: [categoryRow(date, 'Stale')] },
      { ...PROVENANCE, computedBy: 'stale' },
      timed.leaseFence(date, 'stale'),
    );

    // Assess: the stale replacement (a put, 150 deletes: two transactions) wrote nothing
    await expect(stale).rejects.toMatchObject({ code: 'KPI_DATE_LEASE_LOST', retryable: true });
    expect(fresh).toEqual({ written: 151, deleted: 0 });
    const stored = await kpis.listCategoryKpis({ from: date, to: date });
    expect(stored).toHaveLength(150);
    expect(stored.every((row) => row.provenance.computedBy === 'fresh')).toBe(true);
    expect(await kpis.listOrderKpis({ from: date, to: date })).toMatchObject([
      { total_orders: 7, provenance: { computedBy: 'fresh' } },
    ]);
  });

  it('is idempotent: the same replacement twice leaves the same rows', async () => {
    // Prepare
    const date = uniqueDate();
    const replacement = {
      orderKpis: orderRow(date),
      categoryKpis: [categoryRow(date, 'A'), categoryRow(date, 'B')],
    };
    await replace(date, replacement, PROVENANCE);
    const before = await kpis.listCategoryKpis({ from: date, to: date });

    // Act
    const again = await replace(date, replacement, PROVENANCE);

    // Assess
    expect(again).toEqual({ written: 3, deleted: 0 });
    expect(await kpis.listCategoryKpis({ from: date, to: date })).toEqual(before);
  });

  it('deletes the day OrderKPIs row when orderKpis is undefined, and all category rows when none are given', async () => {
    // Prepare
    const date = uniqueDate();
    await replace(date, { orderKpis: orderRow(date), categoryKpis: [categoryRow(date, 'A')] }, PROVENANCE);

    // Act
    const result = await replace(date, { orderKpis: undefined, categoryKpis: [] }, PROVENANCE);
    const repeated = await replace(date, { orderKpis: undefined, categoryKpis: [] }, PROVENANCE);

    // Assess
    expect(result).toEqual({ written: 0, deleted: 2 });
    expect(repeated).toEqual({ written: 0, deleted: 0 });
    const raw = await clients.dynamodb.send(
      new GetItemCommand({
        TableName: names.orderKpisTable,
        Key: { order_date: { S: date } },
        ConsistentRead: true,
      }),
    );
    expect(raw.Item).toBeUndefined();
    expect(await kpis.listOrderKpis({ from: date, to: date })).toEqual([]);
    expect(await rawCategoriesOf(date)).toEqual([]);
  });

  it('stores money and rates as their exact decimals', async () => {
    // Prepare
    const date = uniqueDate();
    const sum = 0.1 + 0.2; // 0.30000000000000004 in binary

    // Act
    await replace(
      date,
      {
        orderKpis: orderRow(date, {
          total_revenue: 123450 / 100,
          avg_order_value: sum,
          return_rate: 1 / 3 - (1 / 3 - 0.3333),
        }),
        categoryKpis: [
          categoryRow(date, 'A', {
            daily_revenue: 1234.5,
            avg_order_value: 1.1 + 2.2,
            avg_return_rate: 0.1 + 0.7,
          }),
        ],
      },
      PROVENANCE,
    );

    // Assess
    const raw = await clients.dynamodb.send(
      new GetItemCommand({
        TableName: names.orderKpisTable,
        Key: { order_date: { S: date } },
        ConsistentRead: true,
      }),
    );
    expect(raw.Item?.total_revenue).toEqual({ N: '1234.5' });
    expect(raw.Item?.avg_order_value).toEqual({ N: '0.3' });
    expect(raw.Item?.return_rate).toEqual({ N: '0.3333' });
    const [order] = await kpis.listOrderKpis({ from: date, to: date });
    expect(order).toMatchObject({ total_revenue: 1234.5, avg_order_value: 0.3, return_rate: 0.3333 });
    const [category] = await kpis.listCategoryKpis({ from: date, to: date, category: 'A' });
    expect(category).toMatchObject({ daily_revenue: 1234.5, avg_order_value: 3.3, avg_return_rate: 0.8 });
  });

  it('refuses money with more than 2 decimals before writing anything', async () => {
    // Prepare
    const date = uniqueDate();

    // Act
    const attempt = replace(
      date,
      { orderKpis: orderRow(date), categoryKpis: [categoryRow(date, 'A', { avg_order_value: 12.345 })] },
      PROVENANCE,
    );

    // Assess
    await expect(attempt).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      option: 'categoryKpis[0].avg_order_value',
    });
    expect(await kpis.listOrderKpis({ from: date, to: date })).toEqual([]);
  });

  it('writes and prunes 60 category rows, more than one BatchWriteItem', async () => {
    // Prepare
    const date = uniqueDate();
    const many = Array.from({ length: 60 }, (_, index) =>
      categoryRow(date, `cat-${String(index).padStart(2, '0')}`, { items_sold: index }),
    );

    // Act
    const written = await replace(date, { orderKpis: orderRow(date), categoryKpis: many }, PROVENANCE);
    const pruned = await replace(
      date,
      { orderKpis: orderRow(date), categoryKpis: many.slice(0, 5) },
      PROVENANCE,
    );

    // Assess
    expect(written).toEqual({ written: 61, deleted: 0 });
    expect(pruned).toEqual({ written: 6, deleted: 55 });
    const rows = await kpis.listCategoryKpis({ from: date, to: date });
    expect(rows.map((row) => [row.category, row.items_sold])).toEqual(
      many.slice(0, 5).map((row) => [row.category, row.items_sold]),
    );
    expect((await rawCategoriesOf(date)).sort()).toEqual(many.slice(0, 5).map((row) => row.category));
  });

  it('lists rows by date range and category, sorted by date then category', async () => {
    // Prepare
    const [d1, d2, d3] = [uniqueDate(), uniqueDate(), uniqueDate()] as [string, string, string];
    await replace(
      d2,
      { orderKpis: orderRow(d2), categoryKpis: [categoryRow(d2, 'B'), categoryRow(d2, 'A')] },
      PROVENANCE,
    );
    await replace(d1, { orderKpis: orderRow(d1), categoryKpis: [categoryRow(d1, 'B')] }, PROVENANCE);
    await replace(d3, { orderKpis: orderRow(d3), categoryKpis: [categoryRow(d3, 'A')] }, PROVENANCE);

    // Act
    const all = await kpis.listCategoryKpis({ from: d1, to: d3 });
    const onlyB = await kpis.listCategoryKpis({ from: d1, to: d3, category: 'B' });
    const fromD2 = await kpis.listOrderKpis({ from: d2, to: d3 });

    // Assess
    expect(all.map((row) => `${row.order_date}/${row.category}`)).toEqual([
      `${d1}/B`,
      `${d2}/A`,
      `${d2}/B`,
      `${d3}/A`,
    ]);
    expect(onlyB.map((row) => row.order_date)).toEqual([d1, d2]);
    expect(fromD2.map((row) => row.order_date)).toEqual([d2, d3]);
  });
  it('lists the stored category rows on the order row, also after a replacement of several transactions is cut short', async () => {
    // Prepare: 120 categories stored, then a replacement by 10 others (131 writes, 2
    // transactions) whose writer dies after the first
    const date = uniqueDate();
    const old = Array.from({ length: 120 }, (_, index) => categoryRow(date, `old-${index}`));
    const fresh = Array.from({ length: 10 }, (_, index) => categoryRow(date, `new-${index}`));
    await replace(date, { orderKpis: orderRow(date), categoryKpis: old }, PROVENANCE);
    const afterFirst = await storedList(date);
    const dying = new KpiRepository({
      clients: diesAfterTransactions(1),
      categoryTableName: names.categoryKpisTable,
      orderTableName: names.orderKpisTable,
    });

    // Act
    const cut = dying.replaceDate(
      date,
      { orderKpis: orderRow(date), categoryKpis: fresh },
      PROVENANCE,
      dates.leaseFence(date, 'worker-a'),
    );
    await expect(cut).rejects.toThrow('writer died');
    const afterCut = { rows: await rawCategoriesOf(date), listed: await storedList(date) };
    const redone = await replace(date, { orderKpis: orderRow(date), categoryKpis: fresh }, PROVENANCE);

    // Assess: every stored row is listed at each step, and the redo leaves exactly the new rows
    expect(afterFirst).toEqual(old.map((row) => row.category).sort());
    expect(afterCut.rows.length).toBeGreaterThan(10);
    expect(afterCut.rows.filter((category) => !afterCut.listed.includes(category))).toEqual([]);
    // The list named all 120 old rows, so each gets a delete, whether the cut writer removed it or not
    expect(redone.deleted).toBe(120);
    expect((await rawCategoriesOf(date)).sort()).toEqual(fresh.map((row) => row.category).sort());
    expect(await storedList(date)).toEqual(fresh.map((row) => row.category).sort());
  });

  it('finds the category rows of an order row stored without a list through the GSI', async () => {
    // Prepare: rows as stored before order rows listed their categories
    const date = uniqueDate();
    await replace(
      date,
      { orderKpis: orderRow(date), categoryKpis: [categoryRow(date, 'A'), categoryRow(date, 'B')] },
      PROVENANCE,
    );
    await clients.dynamodb.send(
      new UpdateItemCommand({
        TableName: names.orderKpisTable,
        Key: { order_date: { S: date } },
        UpdateExpression: 'REMOVE categories',
      }),
    );

    // Act
    const result = await replace(
      date,
      { orderKpis: orderRow(date), categoryKpis: [categoryRow(date, 'B')] },
      PROVENANCE,
    );

    // Assess
    expect(result).toEqual({ written: 2, deleted: 1 });
    expect(await rawCategoriesOf(date)).toEqual(['B']);
    expect(await storedList(date)).toEqual(['B']);
  });

  it('refuses category rows for a date without orders before writing anything', async () => {
    // Prepare
    const date = uniqueDate();

    // Act
    const attempt = replace(
      date,
      { orderKpis: undefined, categoryKpis: [categoryRow(date, 'A')] },
      PROVENANCE,
    );

    // Assess
    await expect(attempt).rejects.toMatchObject({ code: 'INVALID_OPTION', option: 'categoryKpis' });
    expect(await rawCategoriesOf(date)).toEqual([]);
  });
});

/** The order row's list of categories, read raw; absent row or list as none. */
async function storedList(orderDate: string): Promise<string[]> {
  const response = await clients.dynamodb.send(
    new GetItemCommand({
      TableName: names.orderKpisTable,
      Key: { order_date: { S: orderDate } },
      ConsistentRead: true,
    }),
  );
  return (response.Item?.categories?.L ?? []).map((value) => value.S ?? '?');
}

/** The test's clients, whose DynamoDB dies (throws) at the transaction after the first `count`. */
function diesAfterTransactions(count: number): AwsClients {
  let transactions = 0;
  const send = (command: Parameters<AwsClients['dynamodb']['send']>[0]) => {
    if (command instanceof TransactWriteItemsCommand) {
      transactions += 1;
      if (transactions > count) return Promise.reject(new Error('writer died'));
    }
    return clients.dynamodb.send(command);
  };
  return { ...clients, dynamodb: { send } as unknown as AwsClients['dynamodb'] };
}
