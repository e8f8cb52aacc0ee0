import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
// The independent KPI computation the transformer's acceptance tests use too, so that both
// suites check the pipeline against the same from-scratch reading of SPEC §4.
import {
  expectedKpis,
  expectedKpisOfRows,
  openHtmlInChromium,
  type RowsByDataset,
  SAMPLE_DATA_DIR,
  sampleFiles,
} from '@storeflow/testing';
import type { WrittenManifest } from '../src/commands/generate.js';
import { assertCliBuilt, runCli } from './helpers.js';

interface DemoJson {
  files: {
    key: string;
    dataset: string;
    status: string;
    rows: { total: number; accepted: number; rejected: number };
    errorCodes: Record<string, number>;
  }[];
  categoryKpis: Record<string, unknown>[];
  report: { html: string };
  dailyKpis: Record<string, unknown>[];
  anomalies: { scope: string; date?: string; metric: string }[];
}

let workDir: string;
/** Where the demo report's screenshot is kept for a person to look at (git ignores it). */
const OUTPUT_DIR = path.join(import.meta.dirname, '..', 'test-output');

beforeAll(async () => {
  await assertCliBuilt();
  workDir = await mkdtemp(path.join(tmpdir(), 'storeflow-demo-'));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** RFC 4180 fields of one CSV line (the generator quotes names with commas or quotes). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const char = line[index];
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

/** The rows the generator meant to be accepted: its manifest names every row it made bad. */
async function acceptedRows(dataDir: string, manifest: WrittenManifest): Promise<RowsByDataset> {
  const rows: RowsByDataset = { products: [], orders: [], order_items: [] };
  for (const file of manifest.files) {
    if (file.verdict === 'REJECTED') continue;
    const [header, ...lines] = (await readFile(path.join(dataDir, file.key), 'utf8')).trimEnd().split('\n');
    const names = csvFields(header ?? '');
    const rejected = new Set(file.rejectedRows);
    const kept = lines
      .filter((_line, index) => !rejected.has(index + 1))
      .map((line) => {
        const values = csvFields(line);
        return Object.fromEntries(names.map((name, index) => [name, values[index] ?? '']));
      });
    rows[file.dataset] = [...rows[file.dataset], ...kept];
  }
  return rows;
}

describe('storeflow demo --json', () => {
  it('runs the pipeline on generated data: verdicts as the manifest says, KPIs as computed from its accepted rows', async () => {
    // Act: two processes per service, files in a random order
    const demoDir = path.join(workDir, 'generated');
    const result = await runCli(
      [
        'demo',
        '--json',
        '--dir',
        demoDir,
        '--orders',
        '600',
        '--days',
        '8',
        '--seed',
        '11',
        '--workers',
        '2',
        '--shuffle',
      ],
      workDir,
      {},
      400_000,
    );

    // Assess
    expect(result).toMatchObject({ code: 0 });
    const output = JSON.parse(result.stdout) as DemoJson;
    const dataDir = path.join(demoDir, 'data');
    const manifest = JSON.parse(
      await readFile(path.join(dataDir, 'manifest.json'), 'utf8'),
    ) as WrittenManifest;
    const byKey = new Map(output.files.map((file) => [file.key, file]));
    expect(output.files).toHaveLength(manifest.files.length);
    for (const expected of manifest.files) {
      expect(byKey.get(`raw/${expected.key}`)).toEqual({
        key: `raw/${expected.key}`,
        dataset: expected.dataset,
        status: expected.verdict === 'ACCEPTED' ? 'SUCCESS' : 'FAILED',
        rows: expected.rows,
        errorCodes: expected.ruleCounts,
      });
    }
    expect(manifest.files.some((file) => file.rows.rejected > 0)).toBe(true);
    const expectedKpiRows = expectedKpisOfRows(await acceptedRows(dataDir, manifest));
    expect(output.dailyKpis).toEqual(expectedKpiRows.daily);
    expect(output.categoryKpis).toEqual(expectedKpiRows.categories);
    expect(output.dailyKpis.length).toBeGreaterThanOrEqual(8);
    // Anomalies are judged on dates with orders only, each metric at most once per date
    const orderDates = new Set(output.dailyKpis.map((row) => row.order_date));
    expect(output.anomalies.filter((found) => found.scope !== 'date' || !orderDates.has(found.date))).toEqual(
      [],
    );
    const judged = output.anomalies.map((found) => `${found.date} ${found.metric}`);
    expect(new Set(judged).size).toBe(judged.length);

    // The report page the demo wrote, in headless chromium: nothing fetched beyond the page, no
    // console error, every file listed, every anomaly listed, every daily chart drawn
    const opened = await openHtmlInChromium(await readFile(output.report.html, 'utf8'));
    try {
      const { page } = opened;
      expect(opened.requested).toEqual([opened.url]);
      expect(opened.consoleErrors).toEqual([]);
      const listed = await page.locator('#files-table tbody tr td:first-child code').allTextContents();
      expect(listed.sort()).toEqual(output.files.map((file) => file.key).sort());
      expect(await page.locator('#anomalies tbody tr').count()).toBe(output.anomalies.length);
      const figures = await page.locator('#trends figure').all();
      expect(figures).toHaveLength(6);
      for (const figure of figures) {
        expect((await figure.locator('svg').boundingBox())?.width).toBeGreaterThan(100);
        expect(await figure.locator('path.line').getAttribute('d')).toMatch(
          /^M[\d.]+ [\d.]+(L[\d.]+ [\d.]+)+$/,
        );
      }
      await mkdir(OUTPUT_DIR, { recursive: true });
      await page.screenshot({ path: path.join(OUTPUT_DIR, 'demo-report.png'), fullPage: true });
    } finally {
      await opened.close();
    }
  }, 420_000);

  it('runs the public sample from --data: all 26 files SUCCESS and the sample KPIs', async () => {
    // Prepare
    const files = await sampleFiles();

    // Act
    const demoDir = path.join(workDir, 'sample');
    const result = await runCli(
      ['demo', '--json', '--dir', demoDir, '--data', SAMPLE_DATA_DIR],
      workDir,
      {},
      400_000,
    );

    // Assess
    expect(result).toMatchObject({ code: 0 });
    const output = JSON.parse(result.stdout) as DemoJson;
    expect(output.files.map((file) => file.status)).toEqual(files.map(() => 'SUCCESS'));
    const expected = expectedKpis(files);
    expect(output.dailyKpis).toEqual(expected.daily);
    expect(output.categoryKpis).toEqual(expected.categories);
    // The quality report page lists every file and draws the daily KPIs
    expect(output.report).toEqual({ html: path.join(demoDir, 'report', 'index.html') });
    const html = await readFile(output.report.html, 'utf8');
    for (const file of output.files) expect(html).toContain(`<code>${file.key}</code>`);
    expect(html).toContain('<figure data-metric="total_orders">');
  }, 420_000);
});
