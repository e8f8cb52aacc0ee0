import { tmpdir } from 'node:os';
import {
  type CategoryKpiAttributes,
  DateRecomputeCoordinator,
  KpiRepository,
  type OrderKpiAttributes,
} from '@storeflow/aws';
import { type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import { assertCliBuilt, runCli } from './helpers.js';
import { createTestPipeline, type TestPipeline } from './pipeline.js';

function daily(order_date: string, total_orders: number, total_revenue: number): OrderKpiAttributes {
  return {
    order_date,
    total_orders,
    total_revenue,
    total_items_sold: total_orders * 2,
    returned_orders: 1,
    return_rate: 1 / total_orders,
    unique_customers: total_orders,
    avg_order_value: total_revenue / total_orders,
  };
}

function category(category: string, order_date: string, daily_revenue: number): CategoryKpiAttributes {
  return {
    category,
    order_date,
    daily_revenue,
    items_sold: 2,
    order_count: 1,
    returned_items: 1,
    avg_order_value: daily_revenue,
    avg_return_rate: 0.5,
  };
}

describe('storeflow kpis', () => {
  let stack: EmbeddedStack;
  let pipeline: TestPipeline;
  const provenance = { updatedAt: '2025-04-02T00:00:00.000Z', computedBy: 'transformer-1', sources: 3 };
  // Revenues and rates chosen to have at most 2 and 4 decimals, as the transformer stores them.
  const days = [daily('2025-03-01', 2, 32), daily('2025-03-02', 4, 123.6), daily('2025-03-03', 1, 9.99)];
  const categories = [
    category('Jeans', '2025-03-01', 20),
    category('Tops', '2025-03-01', 12),
    category('Tops', '2025-03-02', 123.6),
    category('Jeans', '2025-03-03', 9.99),
  ];

  beforeAll(async () => {
    await assertCliBuilt();
    stack = await startEmbeddedStack();
    pipeline = await createTestPipeline(stack);
    const kpis = new KpiRepository({
      clients: pipeline.clients,
      categoryTableName: pipeline.names.categoryKpisTable,
      orderTableName: pipeline.names.orderKpisTable,
    });
    // KPI writes are fenced on the date's recompute lease, taken here as the transformer does.
    const dates = new DateRecomputeCoordinator({
      clients: pipeline.clients,
      tableName: pipeline.names.kpiDatesTable,
    });
    for (const day of days) {
      await dates.tryAcquire(day.order_date, provenance.computedBy, 60_000);
      await kpis.replaceDate(
        day.order_date,
        { orderKpis: day, categoryKpis: categories.filter((row) => row.order_date === day.order_date) },
        provenance,
        dates.leaseFence(day.order_date, provenance.computedBy),
      );
    }
  }, 150_000);

  afterAll(async () => {
    await pipeline?.close();
    await stack?.stop();
  }, 60_000);

  const cli = (...args: string[]) => runCli([...args, '--prefix', pipeline.prefix], tmpdir(), pipeline.env);
  const stored = {
    updated_at: provenance.updatedAt,
    computed_by: provenance.computedBy,
    sources: provenance.sources,
  };

  it('prints every row with the stored attribute names as JSON', async () => {
    // Act
    const result = await cli('kpis', '--json');

    // Assess
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      daily: days.map((row) => ({ ...row, ...stored })),
      // Sorted by date, then category: the order they are declared in.
      categories: categories.map((row) => ({ ...row, ...stored })),
    });
  });

  it('filters by inclusive dates and by category (the daily table is not per category)', async () => {
    // Act
    const range = await cli('kpis', '--from', '2025-03-02', '--to', '2025-03-03', '--json');
    const jeans = await cli('kpis', '--category', 'Jeans', '--json');

    // Assess
    const inRange = JSON.parse(range.stdout) as {
      daily: OrderKpiAttributes[];
      categories: CategoryKpiAttributes[];
    };
    expect(inRange.daily.map((row) => row.order_date)).toEqual(['2025-03-02', '2025-03-03']);
    expect(inRange.categories.map((row) => `${row.order_date} ${row.category}`)).toEqual([
      '2025-03-02 Tops',
      '2025-03-03 Jeans',
    ]);
    const onlyJeans = JSON.parse(jeans.stdout) as {
      daily: OrderKpiAttributes[];
      categories: CategoryKpiAttributes[];
    };
    expect(onlyJeans.categories.map((row) => `${row.order_date} ${row.category}`)).toEqual([
      '2025-03-01 Jeans',
      '2025-03-03 Jeans',
    ]);
    expect(onlyJeans.daily).toHaveLength(3);
  });

  it('prints both tables with money to 2 decimals and rates to 4', async () => {
    // Act
    const result = await cli('kpis', '--from', '2025-03-02', '--to', '2025-03-02');

    // Assess
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.split('\n').map((line) => line.trim().split(/ +/));
    expect(lines).toEqual([
      ['Daily', 'KPIs', '(OrderKPIs)'],
      [
        'order_date',
        'total_orders',
        'total_revenue',
        'total_items_sold',
        'returned_orders',
        'return_rate',
        'unique_customers',
        'avg_order_value',
      ],
      // 4 orders, 123.60 revenue, 8 items, 1 returned (1/4), 4 customers, 123.60 / 4 = 30.90
      ['2025-03-02', '4', '123.60', '8', '1', '0.2500', '4', '30.90'],
      [''],
      ['Category', 'KPIs', '(CategoryKPIs)'],
      [
        'order_date',
        'category',
        'daily_revenue',
        'items_sold',
        'order_count',
        'returned_items',
        'avg_order_value',
        'avg_return_rate',
      ],
      ['2025-03-02', 'Tops', '123.60', '2', '1', '1', '123.60', '0.5000'],
      [''],
    ]);
  });

  it('refuses an impossible date and a reversed range in one line', async () => {
    // Act
    const impossible = await cli('kpis', '--from', '2025-02-30');
    const reversed = await cli('kpis', '--from', '2025-03-05', '--to', '2025-03-01');

    // Assess
    expect(impossible).toMatchObject({
      code: 1,
      stderr: "storeflow: --from must be a date as YYYY-MM-DD, got '2025-02-30'\n",
    });
    expect(reversed).toMatchObject({
      code: 1,
      stderr: 'storeflow: --from 2025-03-05 is after --to 2025-03-01; swap them\n',
    });
  });
});
