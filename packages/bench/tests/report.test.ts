import { differences, ZERO_KPI_TOTALS } from '../src/kpiTotals.js';
import { coreToDuckdbRatio, formatTable, summarize } from '../src/report.js';
import { roundOrder } from '../src/runBench.js';
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
