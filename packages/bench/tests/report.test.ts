import { differences, kpiDifferences, storedKpiTotals, ZERO_KPI_TOTALS } from '../src/kpiTotals.js';
import {
  awsCostsOf,
  coreToDuckdbRatio,
  coreToDuckdbRatioByPhase,
  formatTable,
  summarize,
} from '../src/report.js';
import { roundOrder, scenarioDataSetOf } from '../src/runBench.js';
import type { ApproachRun, ValidationOutcome } from '../src/types.js';

const MIB = 1024 * 1024;

function run(approach: ApproachRun['approach'], round: number, wallMs: number, rssMib: number): ApproachRun {
  return {
    approach,
    round,
    wallMs,
    rowsPerSecond: 1_000_000 / (wallMs / 1000),
    peakRssBytes: { bench: rssMib * MIB },
  };
}

describe('summarize', () => {
  it('takes the median of each approach over its rounds', () => {
    // Prepare
    const runs = [
      run('core', 1, 1000, 100),
      run('duckdb', 1, 4000, 300),
      run('core', 2, 3000, 120),
      run('duckdb', 2, 2000, 200),
      run('core', 3, 2000, 110),
      run('duckdb', 3, 3000, 250),
    ];
    // Act
    const summaries = summarize(runs);
    // Assess
    expect(summaries).toEqual([
      { approach: 'core', runs: 3, wallMs: 2000, rowsPerSecond: 500_000, peakRssBytes: { bench: 110 * MIB } },
      {
        approach: 'duckdb',
        runs: 3,
        wallMs: 3000,
        rowsPerSecond: 1_000_000 / 3,
        peakRssBytes: { bench: 250 * MIB },
      },
    ]);
    expect(coreToDuckdbRatio(summaries)).toBeCloseTo(1.5, 10);
  });

  it('has no ratio without both the core and DuckDB', () => {
    expect(coreToDuckdbRatio(summarize([run('core', 1, 1000, 100)]))).toBeNull();
  });
});

describe('formatTable', () => {
  it('prints one line per approach with wall seconds, rows/s, peak RSS in MiB, and the ratio', () => {
    // Prepare
    const summaries = summarize([run('core', 1, 2000, 100), run('duckdb', 1, 4000, 300)]);
    // Act
    const lines = formatTable(summaries, coreToDuckdbRatio(summaries)).split('\n');
    // Assess
    expect(lines[0]).toMatch(/^approach\s+runs\s+wall s\s+rows\/s\s+peak RSS MiB$/);
    expect(lines[2]).toMatch(/^core\s+1\s+2\.00\s+500,000\s+bench 100$/);
    expect(lines[3]).toMatch(/^duckdb\s+1\s+4\.00\s+250,000\s+bench 300$/);
    expect(lines.at(-1)).toBe('core/DuckDB rows/s ratio: 2.00');
  });
});

describe('phases', () => {
  /** A run whose outcome timed its two phases. */
  function phasedRun(
    approach: 'core' | 'duckdb',
    round: number,
    validationMs: number,
    kpisMs: number,
  ): ApproachRun {
    const outcome: ValidationOutcome = {
      phasesMs: { validation: validationMs, kpis: kpisMs },
      rows: {
        products: { total: 0, accepted: 0, rejected: 0 },
        orders: { total: 0, accepted: 0, rejected: 0 },
        order_items: { total: 0, accepted: 0, rejected: 0 },
      },
      rejectedByRule: {},
      rejectedFiles: 0,
      kpis: ZERO_KPI_TOTALS,
    };
    return { ...run(approach, round, validationMs + kpisMs + 100, 100), outcome };
  }

  it('takes the median of each phase and compares the core with DuckDB phase by phase', () => {
    // Prepare
    const runs = [
      phasedRun('core', 1, 9_000, 3_000),
      phasedRun('duckdb', 1, 4_000, 600),
      phasedRun('core', 2, 8_000, 2_000),
      phasedRun('duckdb', 2, 6_000, 400),
      phasedRun('core', 3, 7_000, 4_000),
      phasedRun('duckdb', 3, 5_000, 500),
    ];

    // Act
    const summaries = summarize(runs);
    const byPhase = coreToDuckdbRatioByPhase(summaries);
    const lines = formatTable(summaries, coreToDuckdbRatio(summaries)).split('\n');

    // Assess: medians 8,000 and 3,000 ms for the core, 5,000 and 500 ms for DuckDB
    expect(summaries.map((summary) => summary.phasesMs)).toEqual([
      { validation: 8_000, kpis: 3_000 },
      { validation: 5_000, kpis: 500 },
    ]);
    expect(byPhase?.validation).toBeCloseTo(5_000 / 8_000, 10);
    expect(byPhase?.kpis).toBeCloseTo(500 / 3_000, 10);
    expect(lines.slice(-6)).toEqual([
      '',
      'core phases (medians): validation 8.00 s, kpis 3.00 s',
      'duckdb phases (medians): validation 5.00 s, kpis 0.50 s',
      '',
      `core/DuckDB rows/s ratio: ${coreToDuckdbRatio(summaries)?.toFixed(2)}`,
      'core/DuckDB by phase: validation 0.63, kpis 0.17',
    ]);
  });

  it('has no ratio by phase unless both the core and DuckDB timed theirs', () => {
    expect(
      coreToDuckdbRatioByPhase(summarize([phasedRun('core', 1, 1_000, 500), run('duckdb', 1, 900, 1)])),
    ).toBeNull();
  });
});

describe('formatTable for the pipeline', () => {
  it('adds the rows/s of each dataset', () => {
    // Prepare
    const pipeline: ApproachRun = {
      ...run('pipeline', 1, 10_000, 200),
      rowsPerSecondByDataset: { products: 3000, orders: 1500.4, order_items: 1200 },
    };
    // Act
    const text = formatTable(summarize([pipeline]), null);
    // Assess
    expect(text.split('\n').at(-1)).toBe(
      'pipeline rows/s by dataset (first upload to its last file final): products 3,000, orders 1,500, order_items 1,200',
    );
  });
});

describe('the scenarios and the AWS costs', () => {
  const backfill = (
    round: number,
    kpiRowsWritten: number,
    datesRecomputed: number,
    approach: 'backfill' | 'backfill-warm' = 'backfill',
  ): ApproachRun => ({
    ...run(approach, round, 60_000, 300),
    backfill: {
      kpiRowsWritten,
      datesRecomputed,
      kpiWritesPerDate: kpiRowsWritten / datesRecomputed,
      transformerDynamodbRequestsPerKpiRow: 2,
      transformerRequestsPerDate: { 'DYNAMODB UpdateItem': round, 'S3 GetObject': 1 },
      cpuSeconds: { transformer: 10 * round },
      failedFiles: 0,
    },
  });

  it('summarizes the backfill by the median of each measure and the latency over every upload', () => {
    // Prepare
    const latency = (round: number, latenciesMs: number[]): ApproachRun => ({
      ...run('latency', round, 0, 300),
      latency: { itemRows: latenciesMs.map(() => 5_000), latenciesMs, medianMs: 0 },
    });
    const runs = [
      backfill(1, 900, 300),
      backfill(2, 1_200, 400),
      backfill(3, 1_000, 500),
      latency(1, [4_000, 9_000, 5_000]),
      latency(2, [6_000, 1_000]),
    ];
    // Act
    const text = formatTable(summarize(runs), null);
    // Assess
    expect(text).toContain(
      'backfill: 1,000 KPI rows written, 400 dates recomputed, 3.0 KPI writes per date, 2.00 transformer DynamoDB requests per KPI row',
    );
    expect(text).toContain(
      'backfill: transformer requests per recomputed date: DYNAMODB UpdateItem 2.00, S3 GetObject 1.00',
    );
    expect(text).toContain('backfill: CPU seconds to all files final: transformer 20.0');
    expect(text).toContain(
      "latency: median 5.00 s from a day's items upload to its KPIs visible (5 uploads)",
    );
  });

  it('names the cold and the warm backfill apart', () => {
    // Act
    const text = formatTable(
      summarize([backfill(1, 900, 300), backfill(2, 800, 200, 'backfill-warm')]),
      null,
    );
    // Assess
    expect(text).toContain('backfill: 900 KPI rows written, 300 dates recomputed');
    expect(text).toContain('backfill-warm: 800 KPI rows written, 200 dates recomputed');
    expect(text).toContain('backfill-warm: CPU seconds to all files final: transformer 20.0');
  });

  it('prices the pipeline runs only, over their rows added up', () => {
    // Prepare: two pipeline runs of 1,000 rows (500 items) with 10 and 30 S3 PUTs, and a backfill whose requests do not count
    const requests = (puts: number) => [
      {
        service: 'S3' as const,
        operation: 'PutObject',
        requests: puts,
        items: 0,
        readUnits: 0,
        writeUnits: 0,
      },
    ];
    const rows = { products: 100, orders: 400, order_items: 500 };
    const runs: ApproachRun[] = [
      { ...run('pipeline', 1, 1_000, 100), awsRequests: requests(10), rows },
      { ...run('pipeline', 2, 1_000, 100), awsRequests: requests(30), rows },
      { ...backfill(1, 10, 10), awsRequests: requests(1_000_000), rows },
    ];
    // Act
    const costs = awsCostsOf(runs, 1_000);
    // Assess: 40 PUTs over 2,000 rows is 20,000 per million; 1,000 items a day is two runs of 500, 40 PUTs a day
    expect(costs?.perMillionRows).toEqual([
      {
        kind: 'S3 PUT',
        requests: 20_000,
        items: 0,
        readUnits: 0,
        writeUnits: 0,
        monthlyUsd: (30 * 40 * 0.005) / 1_000,
      },
    ]);
    expect(awsCostsOf([backfill(1, 10, 10)], 1_000)).toBeNull();
  });
});

describe('scenarioDataSetOf', () => {
  it('runs the cold and the warm backfill on one data set, the comparison on the --items set', () => {
    expect(
      (['core', 'duckdb', 'pipeline', 'recompute', 'backfill', 'backfill-warm', 'latency'] as const).map(
        scenarioDataSetOf,
      ),
    ).toEqual([undefined, undefined, undefined, undefined, 'backfill', 'backfill', 'latency']);
  });
});

describe('roundOrder', () => {
  it('rotates the approaches each round, so none always runs first', () => {
    const approaches = ['core', 'duckdb', 'pipeline'] as const;
    expect([1, 2, 3, 4].map((round) => roundOrder(approaches, round)[0])).toEqual([
      'core',
      'duckdb',
      'pipeline',
      'core',
    ]);
  });
});

describe('differences', () => {
  const outcome: ValidationOutcome = {
    rows: {
      products: { total: 10, accepted: 10, rejected: 0 },
      orders: { total: 20, accepted: 19, rejected: 1 },
      order_items: { total: 40, accepted: 40, rejected: 0 },
    },
    rejectedByRule: { STATUS_INVALID: 1 },
    rejectedFiles: 0,
    kpis: { ...ZERO_KPI_TOTALS, totalOrders: 19, totalRevenueCents: 12_345 },
  };

  it('finds nothing between equal outcomes', () => {
    expect(differences({ name: 'core', outcome }, { name: 'duckdb', outcome })).toEqual([]);
  });

  it('names every differing row count and KPI total with both values', () => {
    // Prepare
    const other: ValidationOutcome = {
      ...outcome,
      rows: { ...outcome.rows, orders: { total: 20, accepted: 20, rejected: 0 } },
      kpis: { ...outcome.kpis, totalRevenueCents: 12_346 },
    };
    // Act
    const found = differences({ name: 'core', outcome }, { name: 'duckdb', outcome: other });
    // Assess
    expect(found).toEqual([
      'orders accepted: core 19, duckdb 20',
      'orders rejected: core 1, duckdb 0',
      'KPI totalRevenueCents: core 12345, duckdb 12346',
    ]);
  });
});

describe('storedKpiTotals', () => {
  const provenance = { updatedAt: '2026-01-01T00:00:00.000Z', computedBy: 'w', sources: 1 };

  it('adds stored rows up in the units the core totals use, so the two compare exactly', () => {
    // Prepare
    const order = {
      order_date: '2025-09-01',
      total_orders: 3,
      total_revenue: 123.45,
      total_items_sold: 7,
      returned_orders: 1,
      return_rate: 0.3333,
      unique_customers: 2,
      avg_order_value: 41.15,
      provenance,
    };
    const categories = ['Jeans', 'Tops'].map((category, index) => ({
      category,
      order_date: '2025-09-01',
      daily_revenue: 10.1 + index,
      items_sold: 2,
      order_count: 1,
      returned_items: index,
      avg_order_value: 10.1 + index,
      avg_return_rate: 0.5 * index,
      provenance,
    }));
    // Act
    const totals = storedKpiTotals([order], categories);
    // Assess
    expect(totals).toEqual({
      orderDates: 1,
      totalOrders: 3,
      totalRevenueCents: 12_345,
      totalItemsSold: 7,
      returnedOrders: 1,
      uniqueCustomers: 2,
      avgOrderValueCents: 4_115,
      returnRateTenThousandths: 3_333,
      categoryRows: 2,
      categoryRevenueCents: 1_010 + 1_110,
      categoryItemsSold: 4,
      categoryOrderCount: 2,
      categoryReturnedItems: 1,
      categoryAvgOrderValueCents: 1_010 + 1_110,
      categoryReturnRateTenThousandths: 5_000,
    });
    expect(
      kpiDifferences({ name: 'stored', kpis: totals }, { name: 'none', kpis: ZERO_KPI_TOTALS }),
    ).toContain('KPI totalOrders: stored 3, none 0');
  });
});
