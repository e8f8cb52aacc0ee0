import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createGunzip, gunzipSync } from 'node:zlib';
import {
  type AcceptedBatch,
  type ContractSet,
  type Dataset,
  datasetContract,
  InMemoryReferences,
  type IssueCode,
  type RejectedRow,
  recordParserFor,
  routeObjectKey,
  validateFile,
} from '@storeflow/core';
import { loadContractFiles } from '@storeflow/runtime';
import { MemorySink } from '@storeflow/testing';
import type { WrittenManifest } from '../src/commands/generate.js';
import { writeEdited } from './contractFixtures.js';
import { assertCliBuilt, runCli } from './helpers.js';

const CONTRACTS = loadContractFiles();

let workDir: string;

beforeAll(async () => {
  await assertCliBuilt();
  workDir = await mkdtemp(path.join(tmpdir(), 'storeflow-generate-'));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function readManifest(dir: string): Promise<WrittenManifest> {
  return JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as WrittenManifest;
}

/** Every file below `dir`, relative, sorted. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

async function treeDigest(dir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await listFiles(dir))
    hash.update(`${file}\n`).update(await readFile(path.join(dir, file)));
  return hash.digest('hex');
}

const SMALL = ['--orders', '300', '--products', '60', '--days', '10', '--files', '2'];

describe('storeflow generate', () => {
  it('prints its usage, with every error kind and its code, on --help', async () => {
    // Act
    const result = await runCli(['generate', '--help'], workDir);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: storeflow generate [options]');
    expect(result.stdout).toMatch(/^ {2}negative-price +MONEY_OUT_OF_RANGE; products, order_items$/m);
    expect(result.stdout).toMatch(/^ {2}unknown-order +UNKNOWN_ORDER; order_items \(not by default/m);
  });

  it('writes the files routed by dataset and dated by partition, and a manifest with their sizes and hashes', async () => {
    // Prepare
    const out = path.join(workDir, 'layout');

    // Act
    const result = await runCli(['generate', '--out', out, ...SMALL, '--start-date', '2025-12-28'], workDir);

    // Assess
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const manifest = await readManifest(out);
    const keys = manifest.files.map((file) => file.key);
    expect(await listFiles(out)).toEqual([...keys, 'manifest.json'].sort());
    expect(keys.filter((key) => key.startsWith('orders/'))).toEqual([
      'orders/year=2025/month=12/day=28/orders_0001.csv',
      expect.stringMatching(/^orders\/year=202[56]\/month=\d{2}\/day=\d{2}\/orders_0002\.csv$/),
    ]);
    for (const file of manifest.files) {
      const bytes = await readFile(path.join(out, file.key));
      expect(file.bytes).toBe(bytes.length);
      expect(file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(routeObjectKey(`raw/${file.key}`)).toEqual({ routable: true, dataset: file.dataset });
      // header + one line per row (a malformed line is still one line)
      expect(bytes.toString('utf8').split('\n').length - 2).toBe(file.rows.total);
    }
    expect(result.stdout).toContain(`manifest: ${path.join(out, 'manifest.json')}`);
  });

  it('writes byte-identical files for the same arguments, and different ones for another seed', async () => {
    // Act
    const runs = await Promise.all(
      ['a', 'b', 'c'].map(async (name) => {
        const out = path.join(workDir, `seed-${name}`);
        const seed = name === 'c' ? 'other' : 'same';
        const result = await runCli(['generate', '--out', out, ...SMALL, '--seed', seed, '--gzip'], workDir);
        expect(result.code).toBe(0);
        return treeDigest(out);
      }),
    );

    // Assess
    expect(runs[1]).toBe(runs[0]);
    expect(runs[2]).not.toBe(runs[0]);
  });

  it('writes gzip JSON Lines whose rows the real validator judges exactly as the manifest says', async () => {
    // Prepare
    const out = path.join(workDir, 'jsonl');

    // Act
    const result = await runCli(
      [
        'generate',
        '--out',
        out,
        ...SMALL,
        '--format',
        'jsonl',
        '--gzip',
        '--timestamps',
        'mixed',
        '--error-rate',
        '0.03',
        '--error-kinds',
        'all',
        '--late-items',
      ],
      workDir,
    );

    // Assess
    expect(result.code).toBe(0);
    const manifest = await readManifest(out);
    expect(manifest.files.every((file) => file.key.endsWith('.jsonl.gz'))).toBe(true);
    const outcomes = await validateFromDisk(out, manifest);
    expect(outcomes).toEqual(
      manifest.files.map((file) => ({ rows: file.rows, ruleCounts: file.ruleCounts, verdict: file.verdict })),
    );
    expect(manifest.files.reduce((total, file) => total + file.rows.rejected, 0)).toBeGreaterThan(0);
  });

  it('names the columns as --contracts or $VALIDATOR_CONTRACTS do, and the mapped contract judges the files as the manifest says', async () => {
    // Prepare: the shipped contracts with order_items' sale_price read from a price column
    const mappedDir = await writeEdited(path.join(workDir, 'mapped-contracts'), [
      {
        file: 'order_items.odcs.yaml',
        from: '      - name: sale_price\n',
        to: '      - name: sale_price\n        physicalName: price\n',
      },
    ]);
    const options = [...SMALL, '--gzip', '--error-rate', '0.03', '--error-kinds', 'all', '--late-items'];
    const out = path.join(workDir, 'mapped');
    const fromEnv = path.join(workDir, 'mapped-env');

    // Act
    const result = await runCli(['generate', '--out', out, ...options, '--contracts', mappedDir], workDir);
    const viaEnv = await runCli(['generate', '--out', fromEnv, ...options], workDir, {
      VALIDATOR_CONTRACTS: mappedDir,
    });

    // Assess
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(viaEnv.code).toBe(0);
    expect(result.stdout).toContain(
      `columns as the contracts name them: ${path.join(mappedDir, 'order_items.odcs.yaml')}`,
    );
    expect(await treeDigest(fromEnv)).toBe(await treeDigest(out));
    const manifest = await readManifest(out);
    expect(manifest.columns?.order_items).toContain('price');
    expect(manifest.columns?.order_items).not.toContain('sale_price');
    for (const file of manifest.files.filter((candidate) => candidate.dataset === 'order_items')) {
      const header = gunzipSync(await readFile(path.join(out, file.key)))
        .toString('utf8')
        .split('\n')[0];
      expect(header?.split(',')).toEqual(manifest.columns?.order_items);
    }
    const outcomes = await validateFromDisk(out, manifest, loadContractFiles([mappedDir]));
    expect(outcomes).toEqual(
      manifest.files.map((file) => ({ rows: file.rows, ruleCounts: file.ruleCounts, verdict: file.verdict })),
    );
    expect(manifest.files.reduce((total, file) => total + file.rows.rejected, 0)).toBeGreaterThan(0);
  });

  it('exits 1 listing every problem of --contracts that do not compile, and writes nothing', async () => {
    // Prepare
    const badDir = await writeEdited(path.join(workDir, 'bad-contracts'), [
      {
        file: 'order_items.odcs.yaml',
        from: 'implementation: created_at <= now',
        to: 'implementation: created_at <= ',
      },
    ]);
    const out = path.join(workDir, 'never-contracts');

    // Act
    const result = await runCli(['generate', '--out', out, ...SMALL, '--contracts', badDir], workDir);

    // Assess
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(
      /^storeflow: the contracts \([^)]*\) have 1 problem:\n {2}RULE_EXPRESSION_INVALID \S*order_items\.odcs\.yaml /,
    );
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('writes one JSON object per line in --format jsonl, readable after gunzip', async () => {
    // Prepare
    const out = path.join(workDir, 'clean-jsonl');

    // Act
    const result = await runCli(
      ['generate', '--out', out, ...SMALL, '--format', 'jsonl', '--gzip', '--error-rate', '0'],
      workDir,
    );

    // Assess
    expect(result.code).toBe(0);
    const manifest = await readManifest(out);
    const orders = manifest.files.find((file) => file.dataset === 'orders');
    if (orders === undefined) throw new Error('no orders file');
    const lines = gunzipSync(await readFile(path.join(out, orders.key)))
      .toString('utf8')
      .trimEnd()
      .split('\n');
    expect(lines).toHaveLength(orders.rows.total);
    const first = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(Object.keys(first)).toEqual([
      'order_id',
      'user_id',
      'status',
      'gender',
      'created_at',
      'returned_at',
      'shipped_at',
      'delivered_at',
      'num_of_item',
    ]);
    expect(first).toMatchObject({ order_id: 1, num_of_item: expect.any(Number) });
  });

  it('writes a history with --anomaly: the products once, one orders and one items file a day', async () => {
    // Prepare
    const out = path.join(workDir, 'history');
    const history = ['--orders', '300', '--products', '60', '--days', '10', '--start-date', '2025-01-01'];

    // Act
    const result = await runCli(
      ['generate', '--out', out, ...history, '--anomaly', '2025-01-06:null-burst'],
      workDir,
    );

    // Assess
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const manifest = await readManifest(out);
    const countOf = (dataset: Dataset) => manifest.files.filter((file) => file.dataset === dataset).length;
    expect([countOf('products'), countOf('orders'), countOf('order_items')]).toEqual([1, 10, 10]);
    expect(manifest.options.anomalies).toEqual([{ date: '2025-01-06', kind: 'null-burst' }]);
    const burstOrders = await readFile(
      path.join(out, 'orders/year=2025/month=01/day=06/orders_0006.csv'),
      'utf8',
    );
    // gender is the 4th column; most of the day's rows leave it empty
    const genders = burstOrders
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',')[3]);
    expect(genders.filter((gender) => gender === '').length).toBeGreaterThan(genders.length / 2);
  });

  it.each([
    [
      ['--anomaly', '2025-02-01:volume-drop'],
      '--anomaly date 2025-02-01 (volume-drop) must be a day of the data set, 2025-01-01 to 2025-01-10',
    ],
    [
      ['--anomaly', '2025-01-05:meteor'],
      "--anomaly must be DATE:KIND with KIND one of volume-drop, price-spike, null-burst, reject-burst, got '2025-01-05:meteor'",
    ],
    [
      ['--daily', '--files', '2'],
      '--files does not go with --daily or --anomaly, which write one file a day',
    ],
  ])('exits 1 with one line for the history options %j', async (options, message) => {
    // Prepare
    const out = path.join(workDir, 'never-history');
    const history = ['--orders', '300', '--products', '60', '--days', '10', '--start-date', '2025-01-01'];

    // Act
    const result = await runCli(['generate', '--out', out, ...history, ...options], workDir);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^storeflow: [^\n]*\n$/);
    expect(result.stderr).toContain(message);
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a directory that is not empty unless --force is given', async () => {
    // Prepare
    const out = path.join(workDir, 'busy');
    await mkdir(out, { recursive: true });
    await writeFile(path.join(out, 'keep.txt'), 'mine');

    // Act
    const refused = await runCli(['generate', '--out', out, ...SMALL], workDir);
    const forced = await runCli(['generate', '--out', out, ...SMALL, '--force'], workDir);

    // Assess
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toBe(
      `storeflow: ${out} is not empty: choose a new --out directory, or add --force to write into it\n`,
    );
    expect(forced.code).toBe(0);
    expect(await readFile(path.join(out, 'keep.txt'), 'utf8')).toBe('mine');
    expect((await readManifest(out)).files).toHaveLength(6);
  });

  it.each([
    [
      ['--files', '400'],
      '--files must be a whole number from 1 to 60, got 400 (at most --orders and --products); see --help',
    ],
    [['--format', 'xml'], "--format must be csv or jsonl, got 'xml'"],
    [['--error-rate', '2'], "--error-rate must be a number from 0 to 1, got '2'"],
    [['--error-kinds', 'bad-id,typo'], 'unknown --error-kinds typo; see --help for the kinds'],
    [['--start-date', '2999-01-01'], '--start-date 2999-01-01 with --days 10 reaches past today'],
    [['--orders', 'many'], "--orders must be a whole number of at least 1, got 'many'"],
  ])('exits 1 with one line for %j', async (options, message) => {
    // Prepare
    const out = path.join(workDir, 'never');

    // Act
    const result = await runCli(['generate', '--out', out, ...SMALL, ...options], workDir);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^storeflow: [^\n]*\n$/);
    expect(result.stderr).toContain(message);
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

/** Streams each written file through gunzip and the real validator, in manifest order, grace window passed. */
async function validateFromDisk(dir: string, manifest: WrittenManifest, contracts: ContractSet = CONTRACTS) {
  const references = new InMemoryReferences();
  const outcomes = [];
  for (const file of manifest.files) {
    const sink = new MemorySink<AcceptedBatch, RejectedRow>();
    const parse = recordParserFor({
      contract: datasetContract(contracts, file.dataset),
      format: file.format,
    });
    const source = createReadStream(path.join(dir, file.key)).pipe(createGunzip());
    const result = await validateFile(
      parse(source, { batchSize: 1000 }),
      {
        contract: datasetContract(contracts, file.dataset),
        rowVersion: 'v',
        nowMs: Date.now(),
        maxRejectedRowRatio: 0.05,
        references,
        referenceGraceExpired: true,
      },
      sink,
    );
    if (result.outcome !== 'completed') throw new Error(`${file.key} deferred`);
    if (result.verdict === 'ACCEPTED') remember(file.dataset, sink, references);
    const ruleCounts: Partial<Record<IssueCode, number>> = {};
    for (const issue of sink.rejected.flatMap((row) => row.issues)) {
      ruleCounts[issue.code] = (ruleCounts[issue.code] ?? 0) + 1;
    }
    outcomes.push({ rows: result.report.counts, ruleCounts, verdict: result.verdict });
  }
  return outcomes;
}

function remember(
  dataset: Dataset,
  sink: MemorySink<AcceptedBatch, RejectedRow>,
  references: InMemoryReferences,
): void {
  for (const batch of sink.accepted)
    for (const records of batch.partitions.values()) references.accept(dataset, records);
}
