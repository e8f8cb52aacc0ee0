import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BenchDocument } from '../src/report.js';

const MAIN = path.resolve(import.meta.dirname, '../dist/main.js');
const ITEMS = 2000;

describe('pnpm bench, end to end on a tiny data set', () => {
  let workDir: string;

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (pnpm build)`);
    workDir = await mkdtemp(path.join(tmpdir(), 'storeflow-bench-test-'));
  });

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('runs the core and DuckDB, which agree on every row and KPI total', async () => {
    // Act
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        MAIN,
        '--items',
        String(ITEMS),
        '--only',
        'core,duckdb',
        '--runs',
        '1',
        '--json',
        '--work-dir',
        workDir,
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    const document = JSON.parse(stdout) as BenchDocument;
    // Assess
    expect(document.mismatches).toEqual([]);
    expect(document.runs.map((run) => run.approach)).toEqual(['core', 'duckdb']);
    // Each timed its two phases, within its run's wall time; the rest of the outcomes is equal.
    for (const run of document.runs) {
      const { validation, kpis } = run.outcome?.phasesMs ?? { validation: -1, kpis: -1 };
      expect(validation).toBeGreaterThan(0);
      expect(kpis).toBeGreaterThan(0);
      expect(validation + kpis).toBeLessThanOrEqual(run.wallMs);
    }
    const [core, duckdb] = document.runs.map((run) =>
      run.outcome === undefined ? undefined : { ...run.outcome, phasesMs: undefined },
    );
    expect(duckdb).toEqual(core);
    // The generator's shape: 0.4 orders per requested item, a catalogue no larger than the items.
    expect(core?.rows.orders).toEqual({ total: 800, accepted: 800, rejected: 0 });
    expect(core?.rows.products).toEqual({ total: 2000, accepted: 2000, rejected: 0 });
    const items = core?.rows.order_items.total ?? 0;
    expect(items).toBeGreaterThan(800);
    // No errors injected: every row is accepted and counts in the KPIs of its order's date.
    expect(core?.rows.order_items.rejected).toBe(0);
    expect(core?.kpis).toMatchObject({ totalOrders: 800, totalItemsSold: items, categoryItemsSold: items });
    expect(core?.kpis.orderDates).toBeLessThanOrEqual(90);
    expect(document.summaries.map((summary) => summary.approach)).toEqual(['core', 'duckdb']);
    expect(Object.keys(document.coreToDuckdbRatioByPhase ?? {})).toEqual(['validation', 'kpis']);
    expect(document.machine.cpus).toBeGreaterThan(0);
  });
});
